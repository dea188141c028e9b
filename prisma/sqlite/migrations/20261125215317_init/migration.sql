-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME,
    "lastUsedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Route" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "tier" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "thinking" TEXT NOT NULL,
    "budgetTier" TEXT,
    "budgetTokens" INTEGER,
    "effort" TEXT,
    "display" TEXT NOT NULL DEFAULT 'summarized',
    "minMaxTokens" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AppPolicy" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "tier" TEXT NOT NULL,
    "routeId" TEXT,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RuleSetVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "version" INTEGER NOT NULL,
    "rules" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ConversationPin" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "routeId" TEXT,
    "model" TEXT NOT NULL,
    "config" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Price" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "model" TEXT NOT NULL,
    "effectiveFrom" DATETIME NOT NULL,
    "input" REAL NOT NULL,
    "cacheWrite5m" REAL NOT NULL,
    "cacheWrite1h" REAL NOT NULL,
    "cacheRead" REAL NOT NULL,
    "output" REAL NOT NULL,
    "longContextThreshold" INTEGER,
    "longInput" REAL,
    "longCacheWrite5m" REAL,
    "longCacheWrite1h" REAL,
    "longCacheRead" REAL,
    "longOutput" REAL,
    "fastMultiplier" REAL,
    "source" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RequestRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL,
    "keyId" TEXT,
    "app" TEXT,
    "task" TEXT,
    "stage" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "ruleId" TEXT,
    "score" REAL,
    "threshold" REAL,
    "tier" TEXT NOT NULL,
    "routeId" TEXT,
    "routeName" TEXT,
    "requestedModel" TEXT NOT NULL,
    "servedModel" TEXT NOT NULL,
    "thinkingConfig" TEXT,
    "maxTokensRequested" INTEGER,
    "maxTokensSent" INTEGER,
    "adjustments" TEXT NOT NULL DEFAULT '[]',
    "hops" TEXT NOT NULL DEFAULT '[]',
    "escalated" BOOLEAN NOT NULL DEFAULT false,
    "stream" BOOLEAN NOT NULL,
    "status" TEXT NOT NULL,
    "httpStatus" INTEGER NOT NULL,
    "errorType" TEXT,
    "errorMessage" TEXT,
    "stopReason" TEXT,
    "upstreamRequestId" TEXT,
    "latencyMs" INTEGER NOT NULL,
    "ttftMs" INTEGER,
    "inputTokens" INTEGER NOT NULL DEFAULT 0,
    "cacheWrite5mTokens" INTEGER NOT NULL DEFAULT 0,
    "cacheWrite1hTokens" INTEGER NOT NULL DEFAULT 0,
    "cacheReadTokens" INTEGER NOT NULL DEFAULT 0,
    "outputTokens" INTEGER NOT NULL DEFAULT 0,
    "thinkingTokens" INTEGER NOT NULL DEFAULT 0,
    "pricingStatus" TEXT NOT NULL,
    "costInput" REAL,
    "costCacheWrite" REAL,
    "costCacheRead" REAL,
    "costOutput" REAL,
    "costThinking" REAL,
    "costTotal" REAL,
    "counterfactualCost" REAL,
    "system" TEXT,
    "prompt" TEXT,
    "messageCount" INTEGER NOT NULL DEFAULT 0,
    "hasTools" BOOLEAN NOT NULL DEFAULT false,
    "answer" TEXT,
    "thinkingStatus" TEXT NOT NULL DEFAULT 'none',
    "thinkingText" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "RuleSetVersion_version_key" ON "RuleSetVersion"("version");

-- CreateIndex
CREATE INDEX "Price_model_idx" ON "Price"("model");

-- CreateIndex
CREATE UNIQUE INDEX "Price_model_effectiveFrom_key" ON "Price"("model", "effectiveFrom");

-- CreateIndex
CREATE INDEX "RequestRecord_createdAt_idx" ON "RequestRecord"("createdAt");

-- CreateIndex
CREATE INDEX "RequestRecord_routeId_createdAt_idx" ON "RequestRecord"("routeId", "createdAt");

-- CreateIndex
CREATE INDEX "RequestRecord_status_createdAt_idx" ON "RequestRecord"("status", "createdAt");

-- CreateIndex
CREATE INDEX "RequestRecord_tier_createdAt_idx" ON "RequestRecord"("tier", "createdAt");

-- CreateIndex
CREATE INDEX "RequestRecord_app_createdAt_idx" ON "RequestRecord"("app", "createdAt");

-- CreateIndex
CREATE INDEX "RequestRecord_task_createdAt_idx" ON "RequestRecord"("task", "createdAt");

