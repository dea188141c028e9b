-- AlterTable (columns added in place: the table is not rebuilt)
ALTER TABLE "MessageBatch" ADD COLUMN "upstreamId" TEXT;
ALTER TABLE "MessageBatch" ADD COLUMN "status" TEXT NOT NULL DEFAULT 'created';

-- Every batch stored so far was stored from the upstream's answer: its id is the upstream's.
UPDATE "MessageBatch" SET "upstreamId" = "id";

-- CreateIndex
CREATE UNIQUE INDEX "MessageBatch_upstreamId_key" ON "MessageBatch"("upstreamId");

-- CreateIndex
CREATE INDEX "MessageBatch_status_createdAt_idx" ON "MessageBatch"("status", "createdAt");
