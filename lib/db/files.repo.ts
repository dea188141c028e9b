/** Files uploaded through thinkgate (lib/files): who uploaded each, and its metadata as the upstream returned it. */
import { db } from "./client";
import { slicesOf } from "./slices";

export interface FileRow {
  id: string;
  keyId: string | null;
  scope: string;
  filename: string;
  mimeType: string;
  sizeBytes: number;
  downloadable: boolean;
  createdAt: Date;
  expiresAt: Date | null;
}

export const filesRepo = {
  create: (row: FileRow): Promise<unknown> => db().client.uploadedFile.create({ data: row }),

  get: (id: string): Promise<FileRow | null> => db().client.uploadedFile.findUnique({ where: { id } }),

  /**
   * A scope's files newest first, from the position `from` on (a page
   * cursor: where the page's first file sits in that order, whether or not
   * that file is still there), `limit` + 1 of them: the extra one starts the
   * next page.
   */
  page(scope: string, limit: number, from: { createdAt: Date; id: string } | null): Promise<FileRow[]> {
    const notNewer = from ? { OR: [{ createdAt: { lt: from.createdAt } }, { createdAt: from.createdAt, id: { lte: from.id } }] } : {};
    return db().client.uploadedFile.findMany({ where: { scope, ...notNewer }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit + 1 });
  },

  /** Those of `ids` that are the scope's files, newest first. */
  named: (scope: string, ids: string[]): Promise<FileRow[]> =>
    db().client.uploadedFile.findMany({ where: { scope, id: { in: ids } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),

  /** Who uploaded those of `ids` that were uploaded through thinkgate. */
  async owners(ids: string[]): Promise<{ id: string; scope: string }[]> {
    const found: { id: string; scope: string }[] = [];
    for (const some of slicesOf(ids)) found.push(...(await db().client.uploadedFile.findMany({ where: { id: { in: some } }, select: { id: true, scope: true } })));
    return found;
  },

  /** Forgets the files that expired before `cutoff` (their bytes are gone upstream); returns how many. */
  async deleteExpiredBefore(cutoff: Date): Promise<number> {
    return (await db().client.uploadedFile.deleteMany({ where: { expiresAt: { lt: cutoff } } })).count;
  },

  /** Forgets a file: deleted upstream, through thinkgate or not. */
  async delete(id: string): Promise<void> {
    await db().client.uploadedFile.deleteMany({ where: { id } });
  },
};
