-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN     "answerCacheReadTokens" INTEGER,
ADD COLUMN     "answerCacheWrite1hTokens" INTEGER,
ADD COLUMN     "answerCacheWrite5mTokens" INTEGER,
ADD COLUMN     "answerCost" DOUBLE PRECISION,
ADD COLUMN     "answerInputTokens" INTEGER,
ADD COLUMN     "answerOutputTokens" INTEGER,
ADD COLUMN     "answerThinkingTokens" INTEGER;


-- Records stored so far with more than one upstream call keep each call's
-- tokens and cost in "hops", the answer served last: its own columns are
-- filled from it. A record of one call keeps them null; its totals are the
-- answer's (lib/db/analytics/common.ts reads the totals then).
UPDATE "RequestRecord" SET
    "answerInputTokens" = ("hops"::jsonb -> -1 -> 'tokens' ->> 'input')::integer,
    "answerCacheWrite5mTokens" = ("hops"::jsonb -> -1 -> 'tokens' ->> 'cacheWrite5m')::integer,
    "answerCacheWrite1hTokens" = ("hops"::jsonb -> -1 -> 'tokens' ->> 'cacheWrite1h')::integer,
    "answerCacheReadTokens" = ("hops"::jsonb -> -1 -> 'tokens' ->> 'cacheRead')::integer,
    "answerOutputTokens" = ("hops"::jsonb -> -1 -> 'tokens' ->> 'output')::integer,
    "answerThinkingTokens" = ("hops"::jsonb -> -1 -> 'tokens' ->> 'thinking')::integer,
    "answerCost" = ("hops"::jsonb -> -1 ->> 'costUsd')::double precision
WHERE "hops" LIKE '[{%' AND jsonb_typeof("hops"::jsonb -> -1 -> 'tokens') = 'object';
