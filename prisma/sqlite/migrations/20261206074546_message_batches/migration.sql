-- CreateTable
CREATE TABLE "MessageBatch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "keyId" TEXT,
    "scope" TEXT NOT NULL,
    "itemCount" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "MessageBatchItem" (
    "batchId" TEXT NOT NULL,
    "customId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "skeleton" TEXT NOT NULL,

    PRIMARY KEY ("batchId", "customId"),
    CONSTRAINT "MessageBatchItem_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "MessageBatch" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "MessageBatch_scope_createdAt_idx" ON "MessageBatch"("scope", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "MessageBatchItem_requestId_key" ON "MessageBatchItem"("requestId");

