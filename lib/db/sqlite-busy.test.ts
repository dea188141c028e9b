import { describe, expect, it } from "vitest";
import { isBusy, whenNotBusy } from "./sqlite-busy";

/** The error the better-sqlite3 adapter throws for SQLITE_BUSY. */
const busy = () => Object.assign(new Error("SocketTimeout"), { name: "DriverAdapterError", cause: { kind: "SocketTimeout" } });

describe("whenNotBusy", () => {
  it("runs a statement refused for a busy file again, after pauses, until it runs", async () => {
    let tries = 0;
    const result = await whenNotBusy(async () => {
      if (++tries < 4) throw busy();
      return "done";
    });
    expect(result).toBe("done");
    expect(tries).toBe(4);
  });

  it("passes any other error on at once", async () => {
    let tries = 0;
    const other = Object.assign(new Error("UniqueConstraintViolation"), { name: "DriverAdapterError", cause: { kind: "UniqueConstraintViolation" } });
    await expect(
      whenNotBusy(async () => {
        tries++;
        throw other;
      }),
    ).rejects.toBe(other);
    expect(tries).toBe(1);
  });

  it("gives up with the busy error once its time is spent", async () => {
    let tries = 0;
    const err = busy();
    await expect(
      whenNotBusy(async () => {
        tries++;
        throw err;
      }, 30),
    ).rejects.toBe(err);
    expect(tries).toBeGreaterThan(1);
    expect(isBusy(err)).toBe(true);
    expect(isBusy(new Error("SocketTimeout"))).toBe(false);
  });
});
