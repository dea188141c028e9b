/**
 * Files a Messages request names, checked against who uploaded them.
 *
 * The upstream serves any file of the workspace to any request made with the
 * gateway's credentials, so without this check a key could read another
 * key's upload by naming its id in a document block, though the Files API
 * through thinkgate shows each key only its own files (lib/files/api.ts). A
 * request naming a file another key uploaded through thinkgate gets the same
 * 404 as asking for that file's metadata; admins may name any. Ids thinkgate
 * never saw (uploaded upstream without it) go upstream as they are: the
 * upstream answers for them.
 */
import { AppError } from "../api/errors";
import { callerScope, type Caller } from "../api/wrap";
import { filesRepo } from "../db/files.repo";
import { hasRole } from "../gateway/keys";
import { turnBudget } from "../runtime/turns";

export const unknownFile = (id: string) => new AppError("not_found_error", `File not found: ${id.slice(0, 128)}`);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A block's file id: a document or image whose source is `{type: "file", file_id}`, or a container upload. */
function fileIdOf(block: Obj): string | null {
  const source = block.source;
  if (isObj(source) && source.type === "file" && typeof source.file_id === "string") return source.file_id;
  if (block.type === "container_upload" && typeof block.file_id === "string") return block.file_id;
  return null;
}

/**
 * The distinct file ids named in `messages`' blocks, at any depth: blocks
 * nest (a tool result's content, a document whose source is a list of
 * content blocks, a search result's content), so every object under a block
 * is read, except a tool call's `input`, which is the model's JSON and names
 * no file to the API. Read with a stack, not recursion: nesting depth is the
 * client's. Other requests are served in between, as when the body was
 * checked (lib/gateway/body.ts): a request may carry 100,000 messages.
 */
export async function fileIdsIn(messages: readonly unknown[]): Promise<string[]> {
  const ids = new Set<string>();
  const turn = turnBudget();
  const stack: unknown[] = [];
  let visited = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (isObj(m)) stack.push(m.content);
    while (stack.length > 0) {
      const v = stack.pop();
      if (Array.isArray(v)) {
        for (const x of v) if (typeof x === "object" && x !== null) stack.push(x);
      } else if (isObj(v)) {
        const id = fileIdOf(v);
        if (id !== null) ids.add(id);
        const skipInput = typeof v.type === "string" && v.type.endsWith("tool_use");
        for (const k in v) {
          const x = v[k];
          if (typeof x === "object" && x !== null && !(skipInput && k === "input")) stack.push(x);
        }
      }
      if (++visited % 4096 === 0) await turn();
    }
    if (i % 64 === 63) await turn();
  }
  return [...ids];
}

/** Refuses, with the 404 of an unknown file, a request naming a file another key uploaded through thinkgate. */
export async function checkFileReferences(messages: readonly unknown[], principal: Caller): Promise<void> {
  const ids = await fileIdsIn(messages);
  if (ids.length === 0 || hasRole(principal.role, "admin")) return;
  const scope = callerScope(principal);
  const foreign = (await filesRepo.owners(ids)).find((f) => f.scope !== scope);
  if (foreign) throw unknownFile(foreign.id);
}
