-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN     "alternativeCount" INTEGER,
ADD COLUMN     "answerHedgeDensity" DOUBLE PRECISION,
ADD COLUMN     "assumptionCount" INTEGER,
ADD COLUMN     "assumptionDensity" DOUBLE PRECISION,
ADD COLUMN     "assumptionKeys" TEXT,
ADD COLUMN     "hedgeDensity" DOUBLE PRECISION,
ADD COLUMN     "selfCorrectionCount" INTEGER,
ADD COLUMN     "signalProfile" TEXT,
ADD COLUMN     "stuckCount" INTEGER,
ADD COLUMN     "thinkingSampledOut" BOOLEAN NOT NULL DEFAULT false;

