-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN     "conversationKey" TEXT,
ADD COLUMN     "toolCalls" TEXT,
ADD COLUMN     "toolResults" TEXT;

-- CreateIndex
CREATE INDEX "RequestRecord_conversationKey_id_idx" ON "RequestRecord"("conversationKey", "id");

