-- DropIndex
DROP INDEX "RequestRecord_costTotal_idx";

-- CreateIndex
CREATE INDEX "RequestRecord_costTotal_id_idx" ON "RequestRecord"("costTotal", "id");

