-- CreateTable
CREATE TABLE "MessageBatch" (
    "id" TEXT NOT NULL,
    "keyId" TEXT,
    "scope" TEXT NOT NULL,
    "itemCount" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MessageBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MessageBatchItem" (
    "batchId" TEXT NOT NULL,
    "customId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "skeleton" TEXT NOT NULL,

    CONSTRAINT "MessageBatchItem_pkey" PRIMARY KEY ("batchId","customId")
);

-- CreateIndex
CREATE INDEX "MessageBatch_scope_createdAt_idx" ON "MessageBatch"("scope", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "MessageBatchItem_requestId_key" ON "MessageBatchItem"("requestId");

-- AddForeignKey
ALTER TABLE "MessageBatchItem" ADD CONSTRAINT "MessageBatchItem_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "MessageBatch"("id") ON DELETE CASCADE ON UPDATE CASCADE;

