-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "limitAction" TEXT NOT NULL DEFAULT 'reject',
ADD COLUMN     "rpmLimit" INTEGER,
ADD COLUMN     "usdPerDay" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Route" ADD COLUMN     "fallbackRouteIds" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "AppPolicy" ADD COLUMN     "limitAction" TEXT NOT NULL DEFAULT 'reject',
ADD COLUMN     "rpmLimit" INTEGER,
ADD COLUMN     "usdPerDay" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "RuleSetVersion" ADD COLUMN     "experimentId" TEXT;

-- CreateTable
CREATE TABLE "EvalSet" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "grader" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EvalSet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EvalItem" (
    "id" TEXT NOT NULL,
    "setId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "key" TEXT,
    "prompt" TEXT NOT NULL,
    "system" TEXT,
    "expected" TEXT NOT NULL,
    "category" TEXT,
    "source" TEXT NOT NULL DEFAULT 'upload',
    "requestId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EvalItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Experiment" (
    "id" TEXT NOT NULL,
    "setId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "configs" TEXT NOT NULL,
    "grader" TEXT NOT NULL,
    "tolerance" DOUBLE PRECISION NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "requestsPerMinute" INTEGER,
    "maxTokens" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "appliedAt" TIMESTAMP(3),
    "appliedBy" TEXT,
    "appliedRouteId" TEXT,
    "appliedChange" TEXT,
    "appliedRuleVersion" INTEGER,

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Trial" (
    "id" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "configKey" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "correct" BOOLEAN,
    "answer" TEXT,
    "requestId" TEXT,
    "costUsd" DOUBLE PRECISION,
    "judgeCostUsd" DOUBLE PRECISION,
    "inputTokens" INTEGER,
    "outputTokens" INTEGER,
    "thinkingTokens" INTEGER,
    "latencyMs" INTEGER,
    "error" TEXT,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Trial_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "EvalItem_setId_position_key" ON "EvalItem"("setId", "position");

-- CreateIndex
CREATE INDEX "Experiment_status_idx" ON "Experiment"("status");

-- CreateIndex
CREATE INDEX "Trial_experimentId_status_idx" ON "Trial"("experimentId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Trial_experimentId_itemId_configKey_key" ON "Trial"("experimentId", "itemId", "configKey");

