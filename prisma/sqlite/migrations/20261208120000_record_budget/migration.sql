-- AlterTable
ALTER TABLE "RequestRecord" ADD COLUMN "budgetUsd" REAL;

