-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN "conversationKey" TEXT;
ALTER TABLE "RequestRecord" ADD COLUMN "toolCalls" TEXT;
ALTER TABLE "RequestRecord" ADD COLUMN "toolResults" TEXT;

-- CreateIndex
CREATE INDEX "RequestRecord_conversationKey_id_idx" ON "RequestRecord"("conversationKey", "id");

