-- DropIndex
DROP INDEX "RequestRecord_routeId_createdAt_idx";

-- DropIndex
DROP INDEX "RequestRecord_status_createdAt_idx";

-- DropIndex
DROP INDEX "RequestRecord_tier_createdAt_idx";

-- DropIndex
DROP INDEX "RequestRecord_app_createdAt_idx";

-- DropIndex
DROP INDEX "RequestRecord_task_createdAt_idx";

-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN "hedgeCount" INTEGER;

-- CreateTable
CREATE TABLE "CostRollup" (
    "hour" INTEGER NOT NULL,
    "routeId" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "tier" TEXT NOT NULL,
    "routeName" TEXT NOT NULL DEFAULT '',
    "requests" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "escalated" INTEGER NOT NULL DEFAULT 0,
    "priced" INTEGER NOT NULL DEFAULT 0,
    "unpriced" INTEGER NOT NULL DEFAULT 0,
    "costInput" REAL NOT NULL DEFAULT 0,
    "costCache" REAL NOT NULL DEFAULT 0,
    "costOutput" REAL NOT NULL DEFAULT 0,
    "costThinking" REAL NOT NULL DEFAULT 0,
    "costTotal" REAL NOT NULL DEFAULT 0,
    "counterfactualCount" INTEGER NOT NULL DEFAULT 0,
    "counterfactualCost" REAL NOT NULL DEFAULT 0,
    "counterfactualActual" REAL NOT NULL DEFAULT 0,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "thinkingTokens" BIGINT NOT NULL DEFAULT 0,
    "latencyMs" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("hour", "routeId", "model", "tier")
);

-- CreateTable
CREATE TABLE "LabelledExample" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "prompt" TEXT NOT NULL,
    "system" TEXT,
    "app" TEXT,
    "task" TEXT,
    "label" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "requestId" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "LabelledExample_createdAt_idx" ON "LabelledExample"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "LabelledExample_requestId_source_key" ON "LabelledExample"("requestId", "source");

-- CreateIndex
CREATE INDEX "RequestRecord_costTotal_idx" ON "RequestRecord"("costTotal");

-- CreateIndex
CREATE INDEX "RequestRecord_tier_id_idx" ON "RequestRecord"("tier", "id");

-- CreateIndex
CREATE INDEX "RequestRecord_routeId_id_idx" ON "RequestRecord"("routeId", "id");

-- CreateIndex
CREATE INDEX "RequestRecord_stage_id_idx" ON "RequestRecord"("stage", "id");

-- CreateIndex
CREATE INDEX "RequestRecord_servedModel_id_idx" ON "RequestRecord"("servedModel", "id");

-- CreateIndex
CREATE INDEX "RequestRecord_app_id_idx" ON "RequestRecord"("app", "id");

-- CreateIndex
CREATE INDEX "RequestRecord_task_id_idx" ON "RequestRecord"("task", "id");

-- CreateIndex
CREATE INDEX "RequestRecord_status_id_idx" ON "RequestRecord"("status", "id");

-- CreateIndex
CREATE INDEX "RequestRecord_escalated_id_idx" ON "RequestRecord"("escalated", "id");


-- ---------------------------------------------------------------------------
-- Written by hand (Prisma cannot declare these); see the notes on model
-- RequestRecord in prisma/schema.base.prisma.

-- "Has hedging", newest first: only hedged records are in this index.
CREATE INDEX "RequestRecord_hedged_id_idx" ON "RequestRecord"("id") WHERE "hedgeCount" > 0;

-- Full-text search over prompt, answer and thinking. External content: the
-- text is stored once, in RequestRecord; the index maps its rowid. (RequestRecord
-- has a text primary key, so rowid is implicit; VACUUM keeps rowids in
-- practice, but after one run INSERT INTO "RequestRecordFts"("RequestRecordFts") VALUES ('rebuild').)
CREATE VIRTUAL TABLE "RequestRecordFts" USING fts5(
    "prompt", "answer", "thinkingText",
    content='RequestRecord', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);

CREATE TRIGGER "RequestRecord_fts_ai" AFTER INSERT ON "RequestRecord" BEGIN
    INSERT INTO "RequestRecordFts"(rowid, "prompt", "answer", "thinkingText")
    VALUES (new.rowid, new."prompt", new."answer", new."thinkingText");
END;

CREATE TRIGGER "RequestRecord_fts_ad" AFTER DELETE ON "RequestRecord" BEGIN
    INSERT INTO "RequestRecordFts"("RequestRecordFts", rowid, "prompt", "answer", "thinkingText")
    VALUES ('delete', old.rowid, old."prompt", old."answer", old."thinkingText");
END;

CREATE TRIGGER "RequestRecord_fts_au" AFTER UPDATE OF "prompt", "answer", "thinkingText" ON "RequestRecord" BEGIN
    INSERT INTO "RequestRecordFts"("RequestRecordFts", rowid, "prompt", "answer", "thinkingText")
    VALUES ('delete', old.rowid, old."prompt", old."answer", old."thinkingText");
    INSERT INTO "RequestRecordFts"(rowid, "prompt", "answer", "thinkingText")
    VALUES (new.rowid, new."prompt", new."answer", new."thinkingText");
END;

INSERT INTO "RequestRecordFts"("RequestRecordFts") VALUES ('rebuild');

-- CostRollup: one upsert per record, in the same transaction as the insert,
-- so the dashboard never disagrees with the records. createdAt is ISO-8601
-- text as the Prisma adapter writes it; epoch milliseconds are accepted too.
CREATE TRIGGER "RequestRecord_rollup_ai" AFTER INSERT ON "RequestRecord" BEGIN
    INSERT INTO "CostRollup" (
        "hour", "routeId", "model", "tier", "routeName",
        "requests", "errors", "escalated", "priced", "unpriced",
        "costInput", "costCache", "costOutput", "costThinking", "costTotal",
        "counterfactualCount", "counterfactualCost", "counterfactualActual",
        "inputTokens", "cacheTokens", "outputTokens", "thinkingTokens", "latencyMs"
    ) VALUES (
        CASE WHEN typeof(new."createdAt") = 'integer' THEN new."createdAt" / 3600000
             ELSE CAST(strftime('%s', new."createdAt") AS INTEGER) / 3600 END,
        coalesce(new."routeId", ''), new."servedModel", new."tier", coalesce(new."routeName", ''),
        1, new."status" = 'error', new."escalated" <> 0, new."costTotal" IS NOT NULL,
        new."costTotal" IS NULL AND new."status" <> 'error',
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costInput", 0) END,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costCacheWrite", 0) + coalesce(new."costCacheRead", 0) END,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costOutput", 0) END,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costThinking", 0) END,
        coalesce(new."costTotal", 0),
        new."costTotal" IS NOT NULL AND new."counterfactualCost" IS NOT NULL,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."counterfactualCost", 0) END,
        CASE WHEN new."counterfactualCost" IS NULL THEN 0 ELSE coalesce(new."costTotal", 0) END,
        new."inputTokens", new."cacheWrite5mTokens" + new."cacheWrite1hTokens" + new."cacheReadTokens",
        new."outputTokens", new."thinkingTokens", new."latencyMs"
    )
    ON CONFLICT ("hour", "routeId", "model", "tier") DO UPDATE SET
        "routeName" = excluded."routeName",
        "requests" = "requests" + excluded."requests",
        "errors" = "errors" + excluded."errors",
        "escalated" = "escalated" + excluded."escalated",
        "priced" = "priced" + excluded."priced",
        "unpriced" = "unpriced" + excluded."unpriced",
        "costInput" = "costInput" + excluded."costInput",
        "costCache" = "costCache" + excluded."costCache",
        "costOutput" = "costOutput" + excluded."costOutput",
        "costThinking" = "costThinking" + excluded."costThinking",
        "costTotal" = "costTotal" + excluded."costTotal",
        "counterfactualCount" = "counterfactualCount" + excluded."counterfactualCount",
        "counterfactualCost" = "counterfactualCost" + excluded."counterfactualCost",
        "counterfactualActual" = "counterfactualActual" + excluded."counterfactualActual",
        "inputTokens" = "inputTokens" + excluded."inputTokens",
        "cacheTokens" = "cacheTokens" + excluded."cacheTokens",
        "outputTokens" = "outputTokens" + excluded."outputTokens",
        "thinkingTokens" = "thinkingTokens" + excluded."thinkingTokens",
        "latencyMs" = "latencyMs" + excluded."latencyMs";
END;

-- A deleted record (retention) leaves the rollup: the same row, subtracted.
CREATE TRIGGER "RequestRecord_rollup_ad" AFTER DELETE ON "RequestRecord" BEGIN
    UPDATE "CostRollup" SET
        "requests" = "requests" - 1,
        "errors" = "errors" - (old."status" = 'error'),
        "escalated" = "escalated" - (old."escalated" <> 0),
        "priced" = "priced" - (old."costTotal" IS NOT NULL),
        "unpriced" = "unpriced" - (old."costTotal" IS NULL AND old."status" <> 'error'),
        "costInput" = "costInput" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costInput", 0) END,
        "costCache" = "costCache" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costCacheWrite", 0) + coalesce(old."costCacheRead", 0) END,
        "costOutput" = "costOutput" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costOutput", 0) END,
        "costThinking" = "costThinking" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costThinking", 0) END,
        "costTotal" = "costTotal" - coalesce(old."costTotal", 0),
        "counterfactualCount" = "counterfactualCount" - (old."costTotal" IS NOT NULL AND old."counterfactualCost" IS NOT NULL),
        "counterfactualCost" = "counterfactualCost" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."counterfactualCost", 0) END,
        "counterfactualActual" = "counterfactualActual" - CASE WHEN old."counterfactualCost" IS NULL THEN 0 ELSE coalesce(old."costTotal", 0) END,
        "inputTokens" = "inputTokens" - old."inputTokens",
        "cacheTokens" = "cacheTokens" - (old."cacheWrite5mTokens" + old."cacheWrite1hTokens" + old."cacheReadTokens"),
        "outputTokens" = "outputTokens" - old."outputTokens",
        "thinkingTokens" = "thinkingTokens" - old."thinkingTokens",
        "latencyMs" = "latencyMs" - old."latencyMs"
    WHERE "hour" = CASE WHEN typeof(old."createdAt") = 'integer' THEN old."createdAt" / 3600000
                        ELSE CAST(strftime('%s', old."createdAt") AS INTEGER) / 3600 END
      AND "routeId" = coalesce(old."routeId", '') AND "model" = old."servedModel" AND "tier" = old."tier";
END;

-- Records are written once, but a re-priced or corrected record must move its
-- share: an update is a delete of the old row and an insert of the new one.
-- (SQLite runs triggers on the same table recursively only with
-- recursive_triggers on, which it is not: these DELETE/INSERT statements touch
-- CostRollup only, so that does not matter here.)
CREATE TRIGGER "RequestRecord_rollup_au" AFTER UPDATE OF
    "createdAt", "routeId", "routeName", "servedModel", "tier", "status", "escalated",
    "costInput", "costCacheWrite", "costCacheRead", "costOutput", "costThinking", "costTotal", "counterfactualCost",
    "inputTokens", "cacheWrite5mTokens", "cacheWrite1hTokens", "cacheReadTokens", "outputTokens", "thinkingTokens", "latencyMs"
ON "RequestRecord" BEGIN
    UPDATE "CostRollup" SET
        "requests" = "requests" - 1,
        "errors" = "errors" - (old."status" = 'error'),
        "escalated" = "escalated" - (old."escalated" <> 0),
        "priced" = "priced" - (old."costTotal" IS NOT NULL),
        "unpriced" = "unpriced" - (old."costTotal" IS NULL AND old."status" <> 'error'),
        "costInput" = "costInput" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costInput", 0) END,
        "costCache" = "costCache" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costCacheWrite", 0) + coalesce(old."costCacheRead", 0) END,
        "costOutput" = "costOutput" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costOutput", 0) END,
        "costThinking" = "costThinking" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costThinking", 0) END,
        "costTotal" = "costTotal" - coalesce(old."costTotal", 0),
        "counterfactualCount" = "counterfactualCount" - (old."costTotal" IS NOT NULL AND old."counterfactualCost" IS NOT NULL),
        "counterfactualCost" = "counterfactualCost" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."counterfactualCost", 0) END,
        "counterfactualActual" = "counterfactualActual" - CASE WHEN old."counterfactualCost" IS NULL THEN 0 ELSE coalesce(old."costTotal", 0) END,
        "inputTokens" = "inputTokens" - old."inputTokens",
        "cacheTokens" = "cacheTokens" - (old."cacheWrite5mTokens" + old."cacheWrite1hTokens" + old."cacheReadTokens"),
        "outputTokens" = "outputTokens" - old."outputTokens",
        "thinkingTokens" = "thinkingTokens" - old."thinkingTokens",
        "latencyMs" = "latencyMs" - old."latencyMs"
    WHERE "hour" = CASE WHEN typeof(old."createdAt") = 'integer' THEN old."createdAt" / 3600000
                        ELSE CAST(strftime('%s', old."createdAt") AS INTEGER) / 3600 END
      AND "routeId" = coalesce(old."routeId", '') AND "model" = old."servedModel" AND "tier" = old."tier";
    INSERT INTO "CostRollup" (
        "hour", "routeId", "model", "tier", "routeName",
        "requests", "errors", "escalated", "priced", "unpriced",
        "costInput", "costCache", "costOutput", "costThinking", "costTotal",
        "counterfactualCount", "counterfactualCost", "counterfactualActual",
        "inputTokens", "cacheTokens", "outputTokens", "thinkingTokens", "latencyMs"
    ) VALUES (
        CASE WHEN typeof(new."createdAt") = 'integer' THEN new."createdAt" / 3600000
             ELSE CAST(strftime('%s', new."createdAt") AS INTEGER) / 3600 END,
        coalesce(new."routeId", ''), new."servedModel", new."tier", coalesce(new."routeName", ''),
        1, new."status" = 'error', new."escalated" <> 0, new."costTotal" IS NOT NULL,
        new."costTotal" IS NULL AND new."status" <> 'error',
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costInput", 0) END,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costCacheWrite", 0) + coalesce(new."costCacheRead", 0) END,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costOutput", 0) END,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costThinking", 0) END,
        coalesce(new."costTotal", 0),
        new."costTotal" IS NOT NULL AND new."counterfactualCost" IS NOT NULL,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."counterfactualCost", 0) END,
        CASE WHEN new."counterfactualCost" IS NULL THEN 0 ELSE coalesce(new."costTotal", 0) END,
        new."inputTokens", new."cacheWrite5mTokens" + new."cacheWrite1hTokens" + new."cacheReadTokens",
        new."outputTokens", new."thinkingTokens", new."latencyMs"
    )
    ON CONFLICT ("hour", "routeId", "model", "tier") DO UPDATE SET
        "routeName" = excluded."routeName",
        "requests" = "requests" + excluded."requests",
        "errors" = "errors" + excluded."errors",
        "escalated" = "escalated" + excluded."escalated",
        "priced" = "priced" + excluded."priced",
        "unpriced" = "unpriced" + excluded."unpriced",
        "costInput" = "costInput" + excluded."costInput",
        "costCache" = "costCache" + excluded."costCache",
        "costOutput" = "costOutput" + excluded."costOutput",
        "costThinking" = "costThinking" + excluded."costThinking",
        "costTotal" = "costTotal" + excluded."costTotal",
        "counterfactualCount" = "counterfactualCount" + excluded."counterfactualCount",
        "counterfactualCost" = "counterfactualCost" + excluded."counterfactualCost",
        "counterfactualActual" = "counterfactualActual" + excluded."counterfactualActual",
        "inputTokens" = "inputTokens" + excluded."inputTokens",
        "cacheTokens" = "cacheTokens" + excluded."cacheTokens",
        "outputTokens" = "outputTokens" + excluded."outputTokens",
        "thinkingTokens" = "thinkingTokens" + excluded."thinkingTokens",
        "latencyMs" = "latencyMs" + excluded."latencyMs";
END;

-- Records written before this migration.
INSERT INTO "CostRollup" (
    "hour", "routeId", "model", "tier", "routeName",
    "requests", "errors", "escalated", "priced", "unpriced",
    "costInput", "costCache", "costOutput", "costThinking", "costTotal",
    "counterfactualCount", "counterfactualCost", "counterfactualActual",
    "inputTokens", "cacheTokens", "outputTokens", "thinkingTokens", "latencyMs"
)
SELECT
    CASE WHEN typeof("createdAt") = 'integer' THEN "createdAt" / 3600000
         ELSE CAST(strftime('%s', "createdAt") AS INTEGER) / 3600 END AS h,
    coalesce("routeId", '') AS r, "servedModel", "tier", max(coalesce("routeName", '')),
    count(*), sum("status" = 'error'), sum("escalated" <> 0), count("costTotal"),
    sum("costTotal" IS NULL AND "status" <> 'error'),
    total(CASE WHEN "costTotal" IS NULL THEN 0 ELSE coalesce("costInput", 0) END),
    total(CASE WHEN "costTotal" IS NULL THEN 0 ELSE coalesce("costCacheWrite", 0) + coalesce("costCacheRead", 0) END),
    total(CASE WHEN "costTotal" IS NULL THEN 0 ELSE coalesce("costOutput", 0) END),
    total(CASE WHEN "costTotal" IS NULL THEN 0 ELSE coalesce("costThinking", 0) END),
    total("costTotal"),
    sum("costTotal" IS NOT NULL AND "counterfactualCost" IS NOT NULL),
    total(CASE WHEN "costTotal" IS NULL THEN 0 ELSE coalesce("counterfactualCost", 0) END),
    total(CASE WHEN "counterfactualCost" IS NULL THEN 0 ELSE coalesce("costTotal", 0) END),
    sum("inputTokens"), sum("cacheWrite5mTokens" + "cacheWrite1hTokens" + "cacheReadTokens"),
    sum("outputTokens"), sum("thinkingTokens"), sum("latencyMs")
FROM "RequestRecord"
GROUP BY h, r, "servedModel", "tier";
