-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN     "failureReasons" TEXT,
ADD COLUMN     "failureScore" DOUBLE PRECISION;

-- CreateIndex
CREATE INDEX "RequestRecord_failureScore_id_idx" ON "RequestRecord"("failureScore", "id");

