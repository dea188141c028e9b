import { describe, expect, it } from "vitest";
import { fileIdsIn } from "./references";

describe("fileIdsIn", () => {
  it("finds the file ids of document and image sources, container uploads and blocks inside tool results, each once", async () => {
    const doc = (id: string) => ({ type: "document", source: { type: "file", file_id: id } });
    const messages = [
      { role: "user", content: "plain text names no file" },
      { role: "user", content: [doc("file_a"), { type: "image", source: { type: "file", file_id: "file_b" } }, { type: "text", text: "file_z" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "read", input: { file_id: "file_not_a_reference" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: [doc("file_c"), doc("file_a")] }, { type: "container_upload", file_id: "file_d" }] },
    ];
    expect((await fileIdsIn(messages)).sort()).toEqual(["file_a", "file_b", "file_c", "file_d"]);
  });

  it("finds file ids nested at any depth: a document whose source is content blocks, a search result, a tool result inside them", async () => {
    const image = (id: string) => ({ type: "image", source: { type: "file", file_id: id } });
    const messages = [
      { role: "user", content: [{ type: "document", source: { type: "content", content: [image("file_in_doc"), { type: "text", text: "x" }] } }] },
      { role: "user", content: [{ type: "search_result", source: "s", title: "t", content: [{ type: "document", source: { type: "file", file_id: "file_in_search" } }] }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: [{ type: "document", source: { type: "content", content: [image("file_deep")] } }] }] },
      // A tool call's input is the model's JSON: a file-shaped value there names no file.
      { role: "assistant", content: [{ type: "tool_use", id: "t2", name: "n", input: { source: { type: "file", file_id: "file_in_input" } } }] },
    ];
    expect((await fileIdsIn(messages)).sort()).toEqual(["file_deep", "file_in_doc", "file_in_search"]);
  });

  it("reads nesting deeper than the call stack would allow", async () => {
    let content: unknown = [{ type: "image", source: { type: "file", file_id: "file_bottom" } }];
    for (let i = 0; i < 50_000; i++) content = [{ type: "tool_result", tool_use_id: "t", content }];
    expect(await fileIdsIn([{ role: "user", content }])).toEqual(["file_bottom"]);
  });

  it("ignores other sources and shapes that are not blocks", async () => {
    const messages = [
      null,
      "junk",
      { role: "user", content: [null, 7, { type: "document", source: { type: "base64", data: "", file_id: "file_x" } }, { type: "document", source: { type: "file", file_id: 12 } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "text" }] },
    ];
    expect(await fileIdsIn(messages)).toEqual([]);
  });

  it("reads a conversation of 100,000 messages", async () => {
    const messages = Array.from({ length: 100_000 }, (_, i) => ({ role: "user", content: [{ type: "document", source: { type: "file", file_id: `file_${i % 10}` } }] }));
    expect(await fileIdsIn(messages)).toHaveLength(10);
  });
});
