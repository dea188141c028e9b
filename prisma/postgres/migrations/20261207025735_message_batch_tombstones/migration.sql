-- AlterTable
ALTER TABLE "MessageBatch" ADD COLUMN     "deletedAt" TIMESTAMP(3);

