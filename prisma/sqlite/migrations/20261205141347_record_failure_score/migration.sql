-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN "failureReasons" TEXT;
ALTER TABLE "RequestRecord" ADD COLUMN "failureScore" REAL;

-- CreateIndex
CREATE INDEX "RequestRecord_failureScore_id_idx" ON "RequestRecord"("failureScore", "id");

