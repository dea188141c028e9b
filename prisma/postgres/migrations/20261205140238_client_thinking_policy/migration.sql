-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "thinkingCap" TEXT,
ADD COLUMN     "thinkingPolicy" TEXT NOT NULL DEFAULT 'honour';

-- AlterTable
ALTER TABLE "AppPolicy" ADD COLUMN     "thinkingCap" TEXT,
ADD COLUMN     "thinkingPolicy" TEXT;

-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN     "client" TEXT;


-- CreateIndex
CREATE INDEX "RequestRecord_keyId_id_idx" ON "RequestRecord"("keyId", "id");
