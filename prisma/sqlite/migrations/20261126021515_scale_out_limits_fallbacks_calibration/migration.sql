-- AlterTable
ALTER TABLE "RuleSetVersion" ADD COLUMN "experimentId" TEXT;

-- CreateTable
CREATE TABLE "EvalSet" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "grader" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "EvalItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "setId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "key" TEXT,
    "prompt" TEXT NOT NULL,
    "system" TEXT,
    "expected" TEXT NOT NULL,
    "category" TEXT,
    "source" TEXT NOT NULL DEFAULT 'upload',
    "requestId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Experiment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "setId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "configs" TEXT NOT NULL,
    "grader" TEXT NOT NULL,
    "tolerance" REAL NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "requestsPerMinute" INTEGER,
    "maxTokens" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "appliedAt" DATETIME,
    "appliedBy" TEXT,
    "appliedRouteId" TEXT,
    "appliedChange" TEXT,
    "appliedRuleVersion" INTEGER
);

-- CreateTable
CREATE TABLE "Trial" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "experimentId" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "configKey" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "correct" BOOLEAN,
    "answer" TEXT,
    "requestId" TEXT,
    "costUsd" REAL,
    "judgeCostUsd" REAL,
    "inputTokens" INTEGER,
    "outputTokens" INTEGER,
    "thinkingTokens" INTEGER,
    "latencyMs" INTEGER,
    "error" TEXT,
    "finishedAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME,
    "lastUsedAt" DATETIME,
    "rpmLimit" INTEGER,
    "usdPerDay" REAL,
    "limitAction" TEXT NOT NULL DEFAULT 'reject'
);
INSERT INTO "new_ApiKey" ("createdAt", "hash", "id", "lastUsedAt", "name", "prefix", "revokedAt", "role") SELECT "createdAt", "hash", "id", "lastUsedAt", "name", "prefix", "revokedAt", "role" FROM "ApiKey";
DROP TABLE "ApiKey";
ALTER TABLE "new_ApiKey" RENAME TO "ApiKey";
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");
CREATE TABLE "new_Route" (
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
    "fallbackRouteIds" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Route" ("budgetTier", "budgetTokens", "createdAt", "description", "display", "effort", "id", "minMaxTokens", "model", "name", "thinking", "tier", "updatedAt") SELECT "budgetTier", "budgetTokens", "createdAt", "description", "display", "effort", "id", "minMaxTokens", "model", "name", "thinking", "tier", "updatedAt" FROM "Route";
DROP TABLE "Route";
ALTER TABLE "new_Route" RENAME TO "Route";
CREATE TABLE "new_AppPolicy" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "tier" TEXT NOT NULL,
    "routeId" TEXT,
    "description" TEXT NOT NULL DEFAULT '',
    "rpmLimit" INTEGER,
    "usdPerDay" REAL,
    "limitAction" TEXT NOT NULL DEFAULT 'reject',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_AppPolicy" ("createdAt", "description", "name", "routeId", "tier", "updatedAt") SELECT "createdAt", "description", "name", "routeId", "tier", "updatedAt" FROM "AppPolicy";
DROP TABLE "AppPolicy";
ALTER TABLE "new_AppPolicy" RENAME TO "AppPolicy";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "EvalItem_setId_position_key" ON "EvalItem"("setId", "position");

-- CreateIndex
CREATE INDEX "Experiment_status_idx" ON "Experiment"("status");

-- CreateIndex
CREATE INDEX "Trial_experimentId_status_idx" ON "Trial"("experimentId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Trial_experimentId_itemId_configKey_key" ON "Trial"("experimentId", "itemId", "configKey");

