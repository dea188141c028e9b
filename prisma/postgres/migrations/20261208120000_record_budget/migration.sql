-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN     "budgetUsd" DOUBLE PRECISION;

