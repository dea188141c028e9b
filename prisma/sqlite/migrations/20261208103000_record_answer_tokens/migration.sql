-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN "answerCacheReadTokens" INTEGER;
ALTER TABLE "RequestRecord" ADD COLUMN "answerCacheWrite1hTokens" INTEGER;
ALTER TABLE "RequestRecord" ADD COLUMN "answerCacheWrite5mTokens" INTEGER;
ALTER TABLE "RequestRecord" ADD COLUMN "answerCost" REAL;
ALTER TABLE "RequestRecord" ADD COLUMN "answerInputTokens" INTEGER;
ALTER TABLE "RequestRecord" ADD COLUMN "answerOutputTokens" INTEGER;
ALTER TABLE "RequestRecord" ADD COLUMN "answerThinkingTokens" INTEGER;


-- Records stored so far with more than one upstream call keep each call's
-- tokens and cost in "hops", the answer served last: its own columns are
-- filled from it. A record of one call keeps them null; its totals are the
-- answer's (lib/db/analytics/common.ts reads the totals then).
UPDATE "RequestRecord" SET
    "answerInputTokens" = json_extract("hops", '$[#-1].tokens.input'),
    "answerCacheWrite5mTokens" = json_extract("hops", '$[#-1].tokens.cacheWrite5m'),
    "answerCacheWrite1hTokens" = json_extract("hops", '$[#-1].tokens.cacheWrite1h'),
    "answerCacheReadTokens" = json_extract("hops", '$[#-1].tokens.cacheRead'),
    "answerOutputTokens" = json_extract("hops", '$[#-1].tokens.output'),
    "answerThinkingTokens" = json_extract("hops", '$[#-1].tokens.thinking'),
    "answerCost" = json_extract("hops", '$[#-1].costUsd')
WHERE "hops" <> '[]' AND json_valid("hops") AND json_type("hops", '$[#-1].tokens') = 'object';
