-- The columns as Prisma wrote them; the rollup's function by hand: it carries
-- the server tools' fees in their own column, as the other cost buckets (the
-- triggers call it: replacing it is enough). Records stored before have no
-- fee (none was priced): 0.
-- AlterTable
ALTER TABLE "Price" ADD COLUMN     "webFetchFee" DOUBLE PRECISION,
ADD COLUMN     "webSearchFee" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN     "costServerTools" DOUBLE PRECISION,
ADD COLUMN     "webFetchRequests" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "webSearchRequests" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "CostRollup" ADD COLUMN     "costServerTools" DOUBLE PRECISION NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION "CostRollup_sql"(rows_table text, sign integer) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
    SELECT format($sql$
        INSERT INTO "CostRollup" AS c (
            "hour", "routeId", "model", "tier", "routeName",
            "requests", "errors", "escalated", "priced", "unpriced",
            "costInput", "costCache", "costOutput", "costThinking", "costServerTools", "costTotal",
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
            %1$s * count(*) FILTER (WHERE r."costTotal" IS NULL AND r."pricingStatus" <> 'not_billed'
                AND (r."pricingStatus" = 'unknown' OR r."status" <> 'error'
                     OR r."inputTokens" + r."cacheWrite5mTokens" + r."cacheWrite1hTokens" + r."cacheReadTokens" + r."outputTokens" + r."thinkingTokens" > 0)),
            %1$s * coalesce(sum(coalesce(r."costInput", 0)) FILTER (WHERE r."costTotal" IS NOT NULL), 0),
            %1$s * coalesce(sum(coalesce(r."costCacheWrite", 0) + coalesce(r."costCacheRead", 0)) FILTER (WHERE r."costTotal" IS NOT NULL), 0),
            %1$s * coalesce(sum(coalesce(r."costOutput", 0)) FILTER (WHERE r."costTotal" IS NOT NULL), 0),
            %1$s * coalesce(sum(coalesce(r."costThinking", 0)) FILTER (WHERE r."costTotal" IS NOT NULL), 0),
            %1$s * coalesce(sum(coalesce(r."costServerTools", 0)) FILTER (WHERE r."costTotal" IS NOT NULL), 0),
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
            "costServerTools" = c."costServerTools" + EXCLUDED."costServerTools",
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
