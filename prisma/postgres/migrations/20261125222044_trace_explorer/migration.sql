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
ALTER TABLE "RequestRecord" ADD COLUMN     "hedgeCount" INTEGER;

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
    "costInput" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "costCache" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "costOutput" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "costThinking" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "costTotal" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "counterfactualCount" INTEGER NOT NULL DEFAULT 0,
    "counterfactualCost" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "counterfactualActual" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "thinkingTokens" BIGINT NOT NULL DEFAULT 0,
    "latencyMs" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "CostRollup_pkey" PRIMARY KEY ("hour","routeId","model","tier")
);

-- CreateTable
CREATE TABLE "LabelledExample" (
    "id" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "system" TEXT,
    "app" TEXT,
    "task" TEXT,
    "label" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "requestId" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LabelledExample_pkey" PRIMARY KEY ("id")
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

-- Full-text search over prompt, answer and thinking: an expression index, so
-- the table has no extra column for Prisma to know about. The 'simple'
-- configuration (no stemming) matches SQLite's FTS5 tokenizer, so a search
-- finds the same records on both databases. Each field is cut at 80,000
-- characters: a tsvector holds at most 1 MB, and an insert that overflowed it
-- would fail the recorder's whole batch. lib/db/analytics/postgres.ts repeats
-- this expression exactly; the planner uses the index only when it matches.
CREATE INDEX "RequestRecord_search_idx" ON "RequestRecord" USING GIN (
    to_tsvector('simple'::regconfig,
        left(coalesce("prompt", ''), 80000) || ' ' || left(coalesce("answer", ''), 80000) || ' ' || left(coalesce("thinkingText", ''), 80000))
);

-- CostRollup, kept by statement-level triggers: one upsert per (hour, route,
-- model, tier) per batch rather than one per record, applied in key order so
-- that two gateways writing batches at once lock rollup rows in the same
-- order and cannot deadlock. It runs in the inserting transaction, so the
-- dashboard never disagrees with the records.
-- The upsert's text, for the rows of `rows_table` counted `sign` times. The
-- trigger function EXECUTEs it itself: transition tables are visible only to
-- statements run by the trigger function, not by functions it calls.
CREATE FUNCTION "CostRollup_sql"(rows_table text, sign integer) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
    SELECT format($sql$
        INSERT INTO "CostRollup" AS c (
            "hour", "routeId", "model", "tier", "routeName",
            "requests", "errors", "escalated", "priced", "unpriced",
            "costInput", "costCache", "costOutput", "costThinking", "costTotal",
            "counterfactualCount", "counterfactualCost", "counterfactualActual",
            "inputTokens", "cacheTokens", "outputTokens", "thinkingTokens", "latencyMs"
        )
        SELECT
            floor(extract(epoch FROM r."createdAt") / 3600)::integer,
            coalesce(r."routeId", ''), r."servedModel", r."tier", max(coalesce(r."routeName", '')),
            %1$s * count(*),
            %1$s * count(*) FILTER (WHERE r."status" = 'error'),
            %1$s * count(*) FILTER (WHERE r."escalated"),
            %1$s * count(r."costTotal"),
            %1$s * count(*) FILTER (WHERE r."costTotal" IS NULL AND r."status" <> 'error'),
            %1$s * coalesce(sum(coalesce(r."costInput", 0)) FILTER (WHERE r."costTotal" IS NOT NULL), 0),
            %1$s * coalesce(sum(coalesce(r."costCacheWrite", 0) + coalesce(r."costCacheRead", 0)) FILTER (WHERE r."costTotal" IS NOT NULL), 0),
            %1$s * coalesce(sum(coalesce(r."costOutput", 0)) FILTER (WHERE r."costTotal" IS NOT NULL), 0),
            %1$s * coalesce(sum(coalesce(r."costThinking", 0)) FILTER (WHERE r."costTotal" IS NOT NULL), 0),
            %1$s * coalesce(sum(r."costTotal"), 0),
            %1$s * count(*) FILTER (WHERE r."costTotal" IS NOT NULL AND r."counterfactualCost" IS NOT NULL),
            %1$s * coalesce(sum(r."counterfactualCost") FILTER (WHERE r."costTotal" IS NOT NULL), 0),
            %1$s * coalesce(sum(r."costTotal") FILTER (WHERE r."counterfactualCost" IS NOT NULL), 0),
            %1$s * sum(r."inputTokens")::bigint,
            %1$s * sum(r."cacheWrite5mTokens" + r."cacheWrite1hTokens" + r."cacheReadTokens")::bigint,
            %1$s * sum(r."outputTokens")::bigint,
            %1$s * sum(r."thinkingTokens")::bigint,
            %1$s * sum(r."latencyMs")::bigint
        FROM %2$I r
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4
        ON CONFLICT ("hour", "routeId", "model", "tier") DO UPDATE SET
            "routeName" = CASE WHEN EXCLUDED."requests" > 0 THEN EXCLUDED."routeName" ELSE c."routeName" END,
            "requests" = c."requests" + EXCLUDED."requests",
            "errors" = c."errors" + EXCLUDED."errors",
            "escalated" = c."escalated" + EXCLUDED."escalated",
            "priced" = c."priced" + EXCLUDED."priced",
            "unpriced" = c."unpriced" + EXCLUDED."unpriced",
            "costInput" = c."costInput" + EXCLUDED."costInput",
            "costCache" = c."costCache" + EXCLUDED."costCache",
            "costOutput" = c."costOutput" + EXCLUDED."costOutput",
            "costThinking" = c."costThinking" + EXCLUDED."costThinking",
            "costTotal" = c."costTotal" + EXCLUDED."costTotal",
            "counterfactualCount" = c."counterfactualCount" + EXCLUDED."counterfactualCount",
            "counterfactualCost" = c."counterfactualCost" + EXCLUDED."counterfactualCost",
            "counterfactualActual" = c."counterfactualActual" + EXCLUDED."counterfactualActual",
            "inputTokens" = c."inputTokens" + EXCLUDED."inputTokens",
            "cacheTokens" = c."cacheTokens" + EXCLUDED."cacheTokens",
            "outputTokens" = c."outputTokens" + EXCLUDED."outputTokens",
            "thinkingTokens" = c."thinkingTokens" + EXCLUDED."thinkingTokens",
            "latencyMs" = c."latencyMs" + EXCLUDED."latencyMs"
    $sql$, sign, rows_table)
$fn$;

CREATE FUNCTION "RequestRecord_rollup"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    -- An update moves a record's share: subtract the old rows, add the new ones.
    IF TG_OP IN ('UPDATE', 'DELETE') THEN EXECUTE "CostRollup_sql"('old_rows', -1); END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN EXECUTE "CostRollup_sql"('new_rows', 1); END IF;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER "RequestRecord_rollup_ai" AFTER INSERT ON "RequestRecord"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "RequestRecord_rollup"();
CREATE TRIGGER "RequestRecord_rollup_au" AFTER UPDATE ON "RequestRecord"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "RequestRecord_rollup"();
CREATE TRIGGER "RequestRecord_rollup_ad" AFTER DELETE ON "RequestRecord"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "RequestRecord_rollup"();

-- Records written before this migration.
DO $$ BEGIN EXECUTE "CostRollup_sql"('RequestRecord', 1); END $$;
