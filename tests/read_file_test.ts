// Copyright 2026 the dirfd authors. MIT license.
// readFile/readTextFile (+Sync) against Deno's, with and without dirFd.
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  addAuditHook,
  openDir,
  openDirSync,
  readFile,
  readFileSync,
  readTextFile,
  readTextFileSync,
  supportsDirFd,
} from "../mod.ts";
import { openFdsIn, warmPool, withTempDir } from "./_helpers.ts";

const posix = { ignore: Deno.build.os === "windows" };
const SIZES = [0, 1, 1024, 8191, 8192, 8193, 65535, 65536, 65537, 300_000];

function bytes(n: number): Uint8Array {
  return new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
}

Deno.test(
  "readFile: the bytes Deno reads, every size, sync and async, dirFd",
  posix,
  async () => {
    await withTempDir(async (root) => {
      using dir = openDirSync(root);
      await warmPool(root);
      const base = openFdsIn(root);
      for (const n of SIZES) {
        Deno.writeFileSync(`${root}/f${n}`, bytes(n));
        const deno = Deno.readFileSync(`${root}/f${n}`);
        assertEquals(readFileSync(`${root}/f${n}`), deno, `sync ${n}`);
        assertEquals(readFileSync(`f${n}`, { dirFd: dir }), deno, `dirFd ${n}`);
        assertEquals(
          await readFile(`f${n}`, { dirFd: dir }),
          deno,
          `async ${n}`,
        );
        assertEquals(await readFile(new URL(`file://${root}/f${n}`)), deno);
      }
      // Many at once (batched on the pool), each its own bytes.
      const all = await Promise.all(
        SIZES.flatMap((n) => [n, n]).map((n) =>
          readFile(`f${n}`, { dirFd: dir })
        ),
      );
      all.forEach((u, i) => assertEquals(u.length, SIZES[i >> 1]));
      // A result is not a view of a reused buffer.
      const a = readFileSync("f1024", { dirFd: dir });
      readFileSync("f1", { dirFd: dir });
      assertEquals(a, bytes(1024));
      // A file whose size stat reports as 0 is still read to its end.
      if (Deno.build.os === "linux") {
        assertEquals(
          readTextFileSync("/proc/self/mountinfo").length > 0,
          true,
        );
        assertEquals(
          readFileSync("/proc/version"),
          Deno.readFileSync("/proc/version"),
        );
      }
      assert(openFdsIn(root) <= base, "no descriptor leaked");
      assert(
        supportsDirFd.has(readFile) && supportsDirFd.has(readTextFileSync),
      );
    });
  },
);

Deno.test("readFile: Deno's errors and messages", posix, async () => {
  await withTempDir(async (root) => {
    using dir = openDirSync(root);
    Deno.mkdirSync(`${root}/d`);
    for (
      const [name, cls] of [["missing", Deno.errors.NotFound], [
        "d",
        Deno.errors.IsADirectory,
      ]] as const
    ) {
      const deno = assertThrows(
        () => Deno.readFileSync(`${root}/${name}`),
        cls,
      );
      const mine = assertThrows(() => readFileSync(`${root}/${name}`), cls);
      assertEquals(mine.message, deno.message);
      assertEquals(
        (mine as { code?: string }).code,
        (deno as { code?: string }).code,
      );
      const rel = await assertRejects(
        () => readFile(name, { dirFd: dir }),
        cls,
      );
      assertEquals(rel.message, deno.message.replace(`${root}/`, ""));
      await assertRejects(() => readTextFile(name, { dirFd: dir }), cls);
    }
    for (const bad of [{ dirFd: "x" }, { signal: "x" }, "opts"]) {
      assertThrows(() => readFileSync(`${root}/x`, bad as never), TypeError);
      await assertRejects(() => readFile(`${root}/x`, bad as never), TypeError);
    }
    assertThrows(() => readFileSync(`${root}/a\0`), TypeError);
    // An aborted signal rejects with its reason.
    Deno.writeTextFileSync(`${root}/f`, "x");
    const ac = new AbortController();
    ac.abort(new RangeError("stop"));
    await assertRejects(
      () => readFile("f", { dirFd: dir, signal: ac.signal }),
      RangeError,
      "stop",
    );
    // Audit: open [path, null, flags].
    const seen: unknown[] = [];
    addAuditHook((ev, args) => {
      if (ev === "open" && args[0] === "audited") seen.push(args[2]);
    });
    assertThrows(
      () => readFileSync("audited", { dirFd: dir }),
      Deno.errors.NotFound,
    );
    assertEquals(seen.length, 1);
  });
});

Deno.test(
  "readTextFile: Deno's decoding (U+FFFD, BOM kept)",
  posix,
  async () => {
    await withTempDir(async (root) => {
      const cases = [
        new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]),
        new Uint8Array([0x61, 0xff, 0x62, 0xc3]),
        new TextEncoder().encode("héllo wörld ✓"),
      ];
      await using dir = await openDir(root);
      for (const [i, c] of cases.entries()) {
        Deno.writeFileSync(`${root}/t${i}`, c);
        const deno = Deno.readTextFileSync(`${root}/t${i}`);
        assertEquals(readTextFileSync(`t${i}`, { dirFd: dir }), deno);
        assertEquals(await readTextFile(`t${i}`, { dirFd: dir }), deno);
      }
    });
  },
);
