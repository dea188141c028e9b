-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN "textClearedAt" DATETIME;

-- CreateIndex
CREATE INDEX "RequestRecord_textClearedAt_createdAt_idx" ON "RequestRecord"("textClearedAt", "createdAt");

