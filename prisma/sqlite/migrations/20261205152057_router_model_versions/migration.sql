-- CreateTable
CREATE TABLE "RouterModelVersion" (
    "version" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "weights" TEXT NOT NULL,
    "threshold" REAL NOT NULL,
    "basedOn" INTEGER,
    "evaluation" TEXT NOT NULL,
    "labels" INTEGER NOT NULL,
    "trainMs" INTEGER NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "appliedAt" DATETIME
);

