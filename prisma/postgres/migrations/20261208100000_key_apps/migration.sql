-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "apps" TEXT;

