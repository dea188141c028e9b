-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN     "via" TEXT NOT NULL DEFAULT 'messages';

