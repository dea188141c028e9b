-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Route" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Route_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppPolicy" (
    "name" TEXT NOT NULL,
    "tier" TEXT NOT NULL,
    "routeId" TEXT,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AppPolicy_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "RuleSetVersion" (
    "id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "rules" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RuleSetVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConversationPin" (
    "key" TEXT NOT NULL,
    "routeId" TEXT,
    "model" TEXT NOT NULL,
    "config" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConversationPin_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Price" (
    "id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "effectiveFrom" TIMESTAMP(3) NOT NULL,
    "input" DOUBLE PRECISION NOT NULL,
    "cacheWrite5m" DOUBLE PRECISION NOT NULL,
    "cacheWrite1h" DOUBLE PRECISION NOT NULL,
    "cacheRead" DOUBLE PRECISION NOT NULL,
    "output" DOUBLE PRECISION NOT NULL,
    "longContextThreshold" INTEGER,
    "longInput" DOUBLE PRECISION,
    "longCacheWrite5m" DOUBLE PRECISION,
    "longCacheWrite1h" DOUBLE PRECISION,
    "longCacheRead" DOUBLE PRECISION,
    "longOutput" DOUBLE PRECISION,
    "fastMultiplier" DOUBLE PRECISION,
    "source" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Price_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "RequestRecord" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "keyId" TEXT,
    "app" TEXT,
    "task" TEXT,
    "stage" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "ruleId" TEXT,
    "score" DOUBLE PRECISION,
    "threshold" DOUBLE PRECISION,
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
    "costInput" DOUBLE PRECISION,
    "costCacheWrite" DOUBLE PRECISION,
    "costCacheRead" DOUBLE PRECISION,
    "costOutput" DOUBLE PRECISION,
    "costThinking" DOUBLE PRECISION,
    "costTotal" DOUBLE PRECISION,
    "counterfactualCost" DOUBLE PRECISION,
    "system" TEXT,
    "prompt" TEXT,
    "messageCount" INTEGER NOT NULL DEFAULT 0,
    "hasTools" BOOLEAN NOT NULL DEFAULT false,
    "answer" TEXT,
    "thinkingStatus" TEXT NOT NULL DEFAULT 'none',
    "thinkingText" TEXT,

    CONSTRAINT "RequestRecord_pkey" PRIMARY KEY ("id")
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

