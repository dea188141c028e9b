-- CreateIndex
CREATE INDEX "ConversationPin_lastSeenAt_idx" ON "ConversationPin"("lastSeenAt");

