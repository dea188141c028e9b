-- Written by hand: SQLite adds the columns in place (a redefined RequestRecord
-- would lose its triggers and its full-text index's rowids), and the rollup's
-- triggers carry the server tools' fees in their own column, as the other
-- cost buckets. Records stored before have no fee (none was priced): 0.

ALTER TABLE "Price" ADD COLUMN "webFetchFee" REAL;
ALTER TABLE "Price" ADD COLUMN "webSearchFee" REAL;
ALTER TABLE "RequestRecord" ADD COLUMN "costServerTools" REAL;
ALTER TABLE "RequestRecord" ADD COLUMN "webFetchRequests" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "RequestRecord" ADD COLUMN "webSearchRequests" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "CostRollup" ADD COLUMN "costServerTools" REAL NOT NULL DEFAULT 0;

DROP TRIGGER "RequestRecord_rollup_ai";
CREATE TRIGGER "RequestRecord_rollup_ai" AFTER INSERT ON "RequestRecord" BEGIN
    INSERT INTO "CostRollup" (
        "hour", "routeId", "model", "tier", "routeName",
        "requests", "errors", "escalated", "priced", "unpriced",
        "costInput", "costCache", "costOutput", "costThinking", "costServerTools", "costTotal",
        "counterfactualCount", "counterfactualCost", "counterfactualActual",
        "inputTokens", "cacheTokens", "outputTokens", "thinkingTokens", "latencyMs"
    ) VALUES (
        CASE WHEN typeof(new."createdAt") = 'integer' THEN new."createdAt" / 3600000
             ELSE CAST(strftime('%s', new."createdAt") AS INTEGER) / 3600 END,
        coalesce(new."routeId", ''), new."servedModel", new."tier", coalesce(new."routeName", ''),
        1, new."status" = 'error', new."escalated" <> 0, new."costTotal" IS NOT NULL,
        new."costTotal" IS NULL AND new."pricingStatus" <> 'not_billed'
            AND (new."pricingStatus" = 'unknown' OR new."status" <> 'error'
                 OR new."inputTokens" + new."cacheWrite5mTokens" + new."cacheWrite1hTokens" + new."cacheReadTokens" + new."outputTokens" + new."thinkingTokens" > 0),
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costInput", 0) END,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costCacheWrite", 0) + coalesce(new."costCacheRead", 0) END,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costOutput", 0) END,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costThinking", 0) END,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costServerTools", 0) END,
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
        "costServerTools" = "costServerTools" + excluded."costServerTools",
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

DROP TRIGGER "RequestRecord_rollup_ad";
CREATE TRIGGER "RequestRecord_rollup_ad" AFTER DELETE ON "RequestRecord" BEGIN
    UPDATE "CostRollup" SET
        "requests" = "requests" - 1,
        "errors" = "errors" - (old."status" = 'error'),
        "escalated" = "escalated" - (old."escalated" <> 0),
        "priced" = "priced" - (old."costTotal" IS NOT NULL),
        "unpriced" = "unpriced" - (old."costTotal" IS NULL AND old."pricingStatus" <> 'not_billed'
            AND (old."pricingStatus" = 'unknown' OR old."status" <> 'error'
                 OR old."inputTokens" + old."cacheWrite5mTokens" + old."cacheWrite1hTokens" + old."cacheReadTokens" + old."outputTokens" + old."thinkingTokens" > 0)),
        "costInput" = "costInput" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costInput", 0) END,
        "costCache" = "costCache" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costCacheWrite", 0) + coalesce(old."costCacheRead", 0) END,
        "costOutput" = "costOutput" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costOutput", 0) END,
        "costThinking" = "costThinking" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costThinking", 0) END,
        "costServerTools" = "costServerTools" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costServerTools", 0) END,
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

DROP TRIGGER "RequestRecord_rollup_au";
CREATE TRIGGER "RequestRecord_rollup_au" AFTER UPDATE OF
    "createdAt", "routeId", "routeName", "servedModel", "tier", "status", "escalated",
    "pricingStatus", "costInput", "costCacheWrite", "costCacheRead", "costOutput", "costThinking", "costServerTools", "costTotal", "counterfactualCost",
    "inputTokens", "cacheWrite5mTokens", "cacheWrite1hTokens", "cacheReadTokens", "outputTokens", "thinkingTokens", "latencyMs"
ON "RequestRecord" BEGIN
    UPDATE "CostRollup" SET
        "requests" = "requests" - 1,
        "errors" = "errors" - (old."status" = 'error'),
        "escalated" = "escalated" - (old."escalated" <> 0),
        "priced" = "priced" - (old."costTotal" IS NOT NULL),
        "unpriced" = "unpriced" - (old."costTotal" IS NULL AND old."pricingStatus" <> 'not_billed'
            AND (old."pricingStatus" = 'unknown' OR old."status" <> 'error'
                 OR old."inputTokens" + old."cacheWrite5mTokens" + old."cacheWrite1hTokens" + old."cacheReadTokens" + old."outputTokens" + old."thinkingTokens" > 0)),
        "costInput" = "costInput" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costInput", 0) END,
        "costCache" = "costCache" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costCacheWrite", 0) + coalesce(old."costCacheRead", 0) END,
        "costOutput" = "costOutput" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costOutput", 0) END,
        "costThinking" = "costThinking" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costThinking", 0) END,
        "costServerTools" = "costServerTools" - CASE WHEN old."costTotal" IS NULL THEN 0 ELSE coalesce(old."costServerTools", 0) END,
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
        "costInput", "costCache", "costOutput", "costThinking", "costServerTools", "costTotal",
        "counterfactualCount", "counterfactualCost", "counterfactualActual",
        "inputTokens", "cacheTokens", "outputTokens", "thinkingTokens", "latencyMs"
    ) VALUES (
        CASE WHEN typeof(new."createdAt") = 'integer' THEN new."createdAt" / 3600000
             ELSE CAST(strftime('%s', new."createdAt") AS INTEGER) / 3600 END,
        coalesce(new."routeId", ''), new."servedModel", new."tier", coalesce(new."routeName", ''),
        1, new."status" = 'error', new."escalated" <> 0, new."costTotal" IS NOT NULL,
        new."costTotal" IS NULL AND new."pricingStatus" <> 'not_billed'
            AND (new."pricingStatus" = 'unknown' OR new."status" <> 'error'
                 OR new."inputTokens" + new."cacheWrite5mTokens" + new."cacheWrite1hTokens" + new."cacheReadTokens" + new."outputTokens" + new."thinkingTokens" > 0),
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costInput", 0) END,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costCacheWrite", 0) + coalesce(new."costCacheRead", 0) END,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costOutput", 0) END,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costThinking", 0) END,
        CASE WHEN new."costTotal" IS NULL THEN 0 ELSE coalesce(new."costServerTools", 0) END,
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
        "costServerTools" = "costServerTools" + excluded."costServerTools",
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
