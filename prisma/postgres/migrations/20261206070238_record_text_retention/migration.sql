-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN     "textClearedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "RequestRecord_textClearedAt_createdAt_idx" ON "RequestRecord"("textClearedAt", "createdAt");

