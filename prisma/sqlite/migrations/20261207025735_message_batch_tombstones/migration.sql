-- AlterTable
ALTER TABLE "MessageBatch" ADD COLUMN "deletedAt" DATETIME;

