-- CreateTable
CREATE TABLE "RouterModelVersion" (
    "version" SERIAL NOT NULL,
    "weights" TEXT NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "basedOn" INTEGER,
    "evaluation" TEXT NOT NULL,
    "labels" INTEGER NOT NULL,
    "trainMs" INTEGER NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "appliedAt" TIMESTAMP(3),

    CONSTRAINT "RouterModelVersion_pkey" PRIMARY KEY ("version")
);

