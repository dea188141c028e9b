-- Written by hand as ADD COLUMN: Prisma redefines ApiKey (copy, drop, rename)
-- to add a required column on SQLite; SQLite adds a NOT NULL column with a
-- constant default in place, and the resulting table is the same.
ALTER TABLE "ApiKey" ADD COLUMN "thinkingPolicy" TEXT NOT NULL DEFAULT 'honour';
ALTER TABLE "ApiKey" ADD COLUMN "thinkingCap" TEXT;

ALTER TABLE "AppPolicy" ADD COLUMN "thinkingCap" TEXT;
ALTER TABLE "AppPolicy" ADD COLUMN "thinkingPolicy" TEXT;

ALTER TABLE "RequestRecord" ADD COLUMN "client" TEXT;

-- CreateIndex
CREATE INDEX "RequestRecord_keyId_id_idx" ON "RequestRecord"("keyId", "id");
