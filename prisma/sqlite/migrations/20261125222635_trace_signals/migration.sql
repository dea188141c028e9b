-- Written by hand: Prisma would redefine RequestRecord on SQLite (copy to a
-- new table), which drops the full-text and rollup triggers and the partial
-- index of 20261125222044_trace_explorer. ADD COLUMN keeps them.

-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN "assumptionCount" INTEGER;
ALTER TABLE "RequestRecord" ADD COLUMN "selfCorrectionCount" INTEGER;
ALTER TABLE "RequestRecord" ADD COLUMN "alternativeCount" INTEGER;
ALTER TABLE "RequestRecord" ADD COLUMN "stuckCount" INTEGER;
ALTER TABLE "RequestRecord" ADD COLUMN "hedgeDensity" REAL;
ALTER TABLE "RequestRecord" ADD COLUMN "assumptionDensity" REAL;
ALTER TABLE "RequestRecord" ADD COLUMN "answerHedgeDensity" REAL;
ALTER TABLE "RequestRecord" ADD COLUMN "signalProfile" TEXT;
ALTER TABLE "RequestRecord" ADD COLUMN "assumptionKeys" TEXT;
ALTER TABLE "RequestRecord" ADD COLUMN "thinkingSampledOut" BOOLEAN NOT NULL DEFAULT false;
