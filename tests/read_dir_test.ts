// Copyright 2026 the dirfd authors. MIT license.
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertThrows,
} from "@std/assert";
import {
  addAuditHook,
  lstat,
  openDirSync,
  readDir,
  readDirSync,
  stat,
  supportsFd,
} from "../mod.ts";
import { backend } from "../_backend.ts";
import { reprobeCapabilities, setPrimitive } from "../_testing.ts";
import type { CallPool } from "../ffi/_pool.ts";
import type { DirChunk } from "../ffi/_types.ts";
import {
  symlinkIfAble,
  SYMLINKS,
  thrown,
  WINDOWS,
  withTempDir,
} from "./_helpers.ts";

/** Whether readDir has async twins to run its calls off the main thread. */
const offThread = backend()?.async?.readDirChunk !== undefined;

/** The worker pool behind the async twins. */
function pool(): CallPool {
  return (backend()!.async as unknown as { pool(): CallPool }).pool();
}

/** Starts every worker of the pool: they hold descriptors of their own. */
async function startPool(path: string): Promise<void> {
  if (backend()?.async === undefined) return;
  await Promise.all(Array.from({ length: 300 }, () => stat(path)));
}

/** Every entry of an async listing, in order. */
async function list(path: Parameters<typeof readDir>[0]): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const e of readDir(path)) out.push(plain(e));
  return out;
}

/** What a call threw (or rejected with), as class, code and message. */
async function failure(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    const err = e as Error & { code?: string };
    return `${err.constructor.name} ${err.code} ${err.message}`;
  }
  return "no error";
}

/**
 * The open descriptors of this process (Linux), listed through dirfd itself:
 * Deno.readDirSync("/proc/self/fd") needs --allow-all.
 */
function openFds(): number {
  return [...readDirSync("/proc/self/fd")].length;
}

const linux = Deno.build.os === "linux";

type Entry = {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
};
const plain = (e: Entry) => ({
  name: e.name,
  isFile: e.isFile,
  isDirectory: e.isDirectory,
  isSymlink: e.isSymlink,
});
const sorted = (es: Iterable<Entry>) =>
  [...es].map(plain).sort((a, b) => a.name < b.name ? -1 : 1);

/** Files, directories, symlinks of each kind, and non-ASCII names. */
function makeTree(root: string, files = 50): void {
  for (let i = 0; i < files; i++) Deno.writeTextFileSync(`${root}/f${i}`, "");
  Deno.mkdirSync(`${root}/sub`);
  Deno.writeTextFileSync(`${root}/sub/inner`, "");
  Deno.writeTextFileSync(`${root}/ünïcødé 文件 🦕`, "");
  symlinkIfAble("f0", `${root}/link-file`);
  symlinkIfAble("sub", `${root}/link-dir`, "dir");
  symlinkIfAble("missing", `${root}/link-dangling`);
}

Deno.test("readDirSync lists what Deno.readDirSync lists", async () => {
  await withTempDir((root) => {
    makeTree(root);
    assertEquals(sorted(readDirSync(root)), sorted(Deno.readDirSync(root)));
    assertEquals(
      sorted(readDirSync(new URL(`file://${root}`))),
      sorted(Deno.readDirSync(root)),
    );
  });
});

Deno.test("readDirSync reads a large directory in several chunks", async () => {
  await withTempDir((root) => {
    // ~4000 entries with long names: well over one 32 KiB getdents buffer.
    const pad = "x".repeat(40);
    for (let i = 0; i < 4000; i++) {
      Deno.writeFileSync(`${root}/${pad}${i}`, new Uint8Array(0));
    }
    const mine = sorted(readDirSync(root));
    assertEquals(mine.length, 4000);
    assertEquals(mine, sorted(Deno.readDirSync(root)));
  });
});

Deno.test("readDir (async) lists what Deno.readDir lists", async () => {
  await withTempDir(async (root) => {
    makeTree(root);
    const mine: Entry[] = [];
    for await (const e of readDir(root)) mine.push(e);
    const deno: Entry[] = [];
    for await (const e of Deno.readDir(root)) deno.push(e);
    assertEquals(sorted(mine), sorted(deno));
  });
});

Deno.test({
  name: "readDir of a descriptor leaves it open and its position untouched",
  // Counts descriptors in /proc/self/fd: not Windows handles (under Wine it
  // lists the Linux side's descriptors). Windows: family_test.ts.
  ignore: !supportsFd.has(readDirSync) || WINDOWS,
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root, 5);
      const expected = sorted(Deno.readDirSync(root));
      await startPool(root);
      using dir = openDirSync(root);
      const before = openFds();
      // Stop one listing half-way, then list again: a shared offset would
      // lose the first entries.
      for (const _ of readDirSync(dir)) break;
      assertEquals(sorted(readDirSync(dir)), expected);
      assertEquals(sorted(readDirSync(dir.fd)), expected);
      const viaAsync: Entry[] = [];
      for await (const e of readDir(dir)) viaAsync.push(e);
      assertEquals(sorted(viaAsync), expected);
      assertEquals(dir.closed, false);
      assertEquals(openFds(), before);
      // The caller's descriptor itself has not been read from: a listing of
      // it by another reader that shares its offset would start at 0 too.
      assertEquals(sorted(readDirSync(dir)), expected);
    });
  },
});

Deno.test({
  name: "the listing's descriptor is closed on end, break, throw and dispose",
  ignore: !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root);
      await startPool(root);
      const before = openFds();
      for (const _ of readDirSync(root)) { /* to the end */ }
      assertEquals(openFds(), before);
      for (const _ of readDirSync(root)) break;
      assertEquals(openFds(), before);
      assertThrows(
        () => {
          for (const _ of readDirSync(root)) throw new Error("boom");
        },
        Error,
        "boom",
      );
      assertEquals(openFds(), before);
      {
        using it = readDirSync(root);
        assertEquals(openFds(), before + 1);
        it.next();
      }
      assertEquals(openFds(), before);
      for await (const _ of readDir(root)) break;
      await assertRejects(
        async () => {
          for await (const _ of readDir(root)) throw new Error("boom");
        },
        Error,
        "boom",
      );
      assertEquals(openFds(), before);
      await list(root);
      assertEquals(openFds(), before);
      {
        const it = readDir(root);
        await it.next();
        assertEquals(openFds(), before + 1);
        await it.return(undefined);
      }
      assertEquals(openFds(), before);
      // Async: nothing is opened before iteration starts.
      const lazy = readDir(root);
      assertEquals(openFds(), before);
      await lazy.return(undefined);
    });
  },
});

Deno.test("readDir errors are Deno's", async () => {
  await withTempDir(async (root) => {
    Deno.writeTextFileSync(`${root}/file`, "");
    const e = thrown(() => readDirSync(`${root}/missing`));
    assert(e instanceof Deno.errors.NotFound);
    assertEquals((e as { code?: string }).code, "ENOENT");
    assertMatch(e.message, /\(os error 2\): readdir '/);
    assert(
      thrown(() => readDirSync(`${root}/file`)) instanceof
        Deno.errors.NotADirectory,
    );
    await assertRejects(
      async () => {
        for await (const _ of readDir(`${root}/missing`)) { /* */ }
      },
      Deno.errors.NotFound,
    );
    assertThrows(() => readDirSync(-1), TypeError);
    assertThrows(() => readDirSync("a\0b"), TypeError);
    assertThrows(() => readDirSync({} as string), TypeError);
    assertThrows(() => readDirSync(new URL("http://x/")), TypeError);
    const dir = openDirSync(root);
    dir.close();
    assertThrows(() => readDirSync(dir), Deno.errors.BadResource);
  });
});

Deno.test({
  name: "a name that is not valid UTF-8 raises InvalidData",
  ignore: !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      const made = await new Deno.Command("sh", {
        args: ["-c", `touch "$1/ok" "$1/$(printf 'bad\\377name')"`, "sh", root],
      }).output();
      assertEquals(made.code, 0);
      const e = thrown(() => [...readDirSync(root)]);
      assert(e instanceof Deno.errors.InvalidData, String(e));
      assertMatch(e.message, /not valid UTF-8/);
      const before = openFds();
      assertThrows(() => [...readDirSync(root)], Deno.errors.InvalidData);
      assertEquals(openFds(), before);
    });
  },
});

Deno.test({
  name: "entries of unknown type (DT_UNKNOWN) are typed with lstat",
  ignore: backend()?.readDirChunk === undefined,
  fn: async () => {
    await withTempDir((root) => {
      makeTree(root, 3);
      const b = backend()!;
      const orig = b.readDirChunk!;
      b.readDirChunk = (fd: number, out: DirChunk) => {
        const r = orig(fd, out);
        out.kinds.fill(0, 0, out.count);
        return r;
      };
      try {
        assertEquals(
          sorted(readDirSync(root)),
          sorted(Deno.readDirSync(root)),
        );
      } finally {
        b.readDirChunk = orig;
      }
    });
  },
});

Deno.test("readDir raises os.scandir with the path or the descriptor", async () => {
  await withTempDir(async (root) => {
    const seen: [string, readonly unknown[]][] = [];
    let on = true;
    addAuditHook((ev, args) => {
      if (on && ev === "os.scandir") seen.push([ev, args]);
    });
    try {
      [...readDirSync(root)];
      for await (const _ of readDir(root)) { /* */ }
      if (supportsFd.has(readDirSync)) {
        using dir = openDirSync(root);
        [...readDirSync(dir)];
        assertEquals(seen.at(-1), ["os.scandir", [dir.fd]]);
      }
      assertEquals(seen[0], ["os.scandir", [root]]);
      assertEquals(seen[1], ["os.scandir", [root]]);
    } finally {
      on = false;
    }
  });
});

Deno.test({
  name: "supportsFd has readDir; without the primitive, paths fall back",
  ignore: backend() === null,
  fn: async () => {
    assert(supportsFd.has(readDir) && supportsFd.has(readDirSync));
    await withTempDir((root) => {
      makeTree(root, 3);
      assert(setPrimitive("readDirChunk", false));
      reprobeCapabilities();
      try {
        assert(!supportsFd.has(readDirSync));
        assertEquals(
          sorted(readDirSync(root)),
          sorted(Deno.readDirSync(root)),
        );
        using dir = openDirSync(root);
        assertThrows(() => readDirSync(dir), Deno.errors.NotSupported);
      } finally {
        setPrimitive("readDirChunk", true);
        reprobeCapabilities();
      }
      assert(supportsFd.has(readDirSync));
    });
  },
});

Deno.test({
  name: "readDir and readDirSync agree entry for entry, in order",
  ignore: backend()?.readDirChunk === undefined,
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root);
      // Several getdents64 chunks, so the async reads continue a listing.
      const pad = "y".repeat(60);
      for (let i = 0; i < 1500; i++) {
        Deno.writeFileSync(`${root}/${pad}${i}`, new Uint8Array(0));
      }
      const sync = [...readDirSync(root)].map(plain);
      assertEquals(sync.length, 1500 + 50 + (SYMLINKS ? 5 : 2));
      assertEquals(await list(root), sync);
      assertEquals(await list(new URL(`file://${root}`)), sync);
      if (supportsFd.has(readDir)) {
        using dir = openDirSync(root);
        assertEquals(await list(dir), sync);
        assertEquals(await list(dir.fd), sync);
      }
    });
  },
});

Deno.test({
  name: "readDir (async) makes every call through the async twins, off-thread",
  ignore: !offThread,
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root);
      using dir = openDirSync(root);
      const expected = [...readDirSync(root)].map(plain);
      const b = backend() as unknown as Record<string, unknown>;
      const a = backend()!.async as unknown as Record<
        string,
        (...x: unknown[]) => unknown
      >;
      const prims = ["statAt", "openDirAt", "readDirChunk", "dupDir"];
      const saved = prims.map((k) => [k, b[k], a[k]] as const);
      const counts: Record<string, number> = {};
      for (const [k, , twin] of saved) {
        b[k] = () => {
          throw new Error(`sync ${k} ran on the main thread`);
        };
        a[k] = (...args) => {
          counts[k] = (counts[k] ?? 0) + 1;
          return twin(...args);
        };
      }
      try {
        assertEquals(await list(root), expected);
        assertEquals(await list(dir), expected);
        // Entries of unknown type are typed by an lstat, on the pool too.
        const read = a.readDirChunk;
        a.readDirChunk = async (fd, out) => {
          const r = await read(fd, out);
          (out as DirChunk).kinds.fill(0, 0, (out as DirChunk).count);
          return r;
        };
        assertEquals(await list(root), expected);
        a.readDirChunk = read;
      } finally {
        for (const [k, sync, twin] of saved) {
          b[k] = sync;
          a[k] = twin;
        }
      }
      assertEquals(counts, {
        // Two by path, plus dupDir's openat(fd, ".") (Windows: NtCreateFile
        // of an empty name relative to the handle, inside dupDir's task).
        openDirAt: 2 + (WINDOWS ? 0 : 1),
        dupDir: 1,
        readDirChunk: 6, // a chunk, then the end, per listing
        statAt: expected.length,
      });
      // The open is in flight on a worker as soon as next() is called.
      const it = readDir(root);
      const first = it.next();
      assert(pool().inFlight > 0, "the open went to the pool");
      assertEquals((await first).done, false);
      await it.return(undefined);
    });
  },
});

Deno.test({
  name: "readDir and readDirSync fail alike",
  ignore: !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/file`, "");
      for (const p of [`${root}/missing`, `${root}/file`]) {
        const s = await failure(() => [...readDirSync(p)]);
        assertMatch(s, /^(NotFound|NotADirectory) /);
        assertEquals(await failure(() => list(p)), s);
      }
      const made = await new Deno.Command("sh", {
        args: ["-c", `touch "$1/$(printf 'bad\\377name')"`, "sh", root],
      }).output();
      assertEquals(made.code, 0);
      const bad = await failure(() => [...readDirSync(root)]);
      assertMatch(bad, /^InvalidData EILSEQ readDir: an entry name in '/);
      assertEquals(await failure(() => list(root)), bad);
      const dir = openDirSync(root);
      dir.close();
      assertEquals(
        await failure(() => list(dir)),
        await failure(() => readDirSync(dir)),
      );
    });
  },
});

Deno.test({
  name: "readDir (async) pins a Dir given as path until its copy is open",
  ignore: !offThread || !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root, 5);
      const expected = [...readDirSync(root)].map(plain);
      await startPool(root);
      const before = openFds();
      const dir = openDirSync(root);
      const it = readDir(dir);
      const first = it.next(); // dupDir is on its way to a worker
      dir.close(); // deferred until it has run
      const got = [plain((await first).value!)];
      for await (const e of it) got.push(plain(e));
      assertEquals(got, expected);
      assertEquals(openFds(), before);
    });
  },
});

Deno.test({
  name: "a listing with thousands of lstats started alongside completes",
  ignore: !offThread,
  fn: async () => {
    // Regression: each lstat started between two entries went out in an
    // arena of its own; more than the pool's ring of 64 arenas in flight
    // overwrote slots, and those calls never completed.
    await withTempDir(async (root) => {
      for (let i = 0; i < 3000; i++) {
        Deno.writeFileSync(`${root}/f${i}`, new Uint8Array(0));
      }
      using dir = openDirSync(root);
      const pending: Promise<Deno.FileInfo>[] = [];
      for await (const e of readDir(root)) {
        pending.push(lstat(e.name, { dirFd: dir }));
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stuck = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`stuck: ${pool().inFlight} calls`)),
          60_000,
        );
      });
      try {
        const infos = await Promise.race([Promise.all(pending), stuck]);
        assertEquals(infos.length, 3000);
        assert(infos.every((i) => i.isFile));
      } finally {
        clearTimeout(timer);
      }
    });
  },
});
