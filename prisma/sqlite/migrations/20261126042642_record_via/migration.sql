-- Written by hand: Prisma redefines the table (copy, drop, rename) to add a
-- required column on SQLite, which would drop the full-text and rollup
-- triggers on RequestRecord and copy every row. SQLite adds a NOT NULL column
-- with a constant default in place; the resulting table is the same.
ALTER TABLE "RequestRecord" ADD COLUMN "via" TEXT NOT NULL DEFAULT 'messages';
