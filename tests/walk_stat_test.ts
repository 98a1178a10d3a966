// Copyright 2026 the dirfd authors. MIT license.
// walk/walkSync/readDir/readDirSync with `stat: true`: every entry carries
// its FileInfo, read with the listing (issue 15).
import {
  assert,
  assertEquals,
  assertFalse,
  assertRejects,
  assertThrows,
} from "@std/assert";
import {
  type DirEntryWithInfo,
  openRootSync,
  readDir,
  readDirSync,
  supportsDirFd,
  walk,
  type WalkEntry,
  type WalkOptions,
  walkSync,
} from "../mod.ts";
import { backend } from "../_backend.ts";
import { selectStat } from "../_testing.ts";
import type { DirChunk, Entered } from "../ffi/_types.ts";
import {
  linuxReadDirStat,
  STAT_CHUNK_BYTES,
  STAT_CHUNK_SLOTS,
  statChunkLayout,
} from "../ffi/linux.ts";
import {
  assertSameInfo,
  openFdsIn,
  symlinkIfAble,
  SYMLINKS,
  WINDOWS,
  withTempDir,
} from "./_helpers.ts";

const enabled = backend()?.readDirChunk !== undefined;
const linux = Deno.build.os === "linux";
const small = Deno.build.arch === "aarch64";
/** Files in the big directory: enough for several chunks of records. */
const MANY = small ? 400 : 1200;
/** Fields a stat through a descriptor may report differently from Deno's. */
const SKIP: string[] = WINDOWS ? ["ino", "dev", "nlink", "blksize"] : [];

/** A tree: files with sizes, a subdirectory, a big directory, links. */
function makeTree(root: string): void {
  Deno.mkdirSync(`${root}/sub/deeper`, { recursive: true });
  Deno.writeTextFileSync(`${root}/a.txt`, "hello");
  Deno.writeTextFileSync(`${root}/sub/b.txt`, "x".repeat(300));
  Deno.writeTextFileSync(`${root}/sub/deeper/c.txt`, "");
  Deno.mkdirSync(`${root}/big`);
  for (let i = 0; i < MANY; i++) {
    // Long names: the records of one directory span several chunks.
    Deno.writeTextFileSync(
      `${root}/big/entry-with-a-rather-long-name-${i}`,
      "y".repeat(i % 7),
    );
  }
  symlinkIfAble("sub", `${root}/to-sub`, "dir");
  symlinkIfAble("missing", `${root}/dangling`);
}

async function collect(
  root: string,
  opts?: WalkOptions,
): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  for await (const e of walk(root, opts)) out.push(e);
  return out;
}

/** Asserts each entry's info is what Deno's lstat (or stat) says. */
function assertInfos(
  entries: WalkEntry[],
  followed: Set<string>,
  also: string[] = [],
): void {
  for (const e of entries) {
    assert(e.info !== undefined, `${e.path}: no info`);
    const deno = followed.has(e.path)
      ? Deno.statSync(e.path)
      : Deno.lstatSync(e.path);
    // Listing a directory may move its atime after it was described.
    // (and a symlink's when it is followed).
    const skip = [...SKIP, ...also, ...deno.isFile ? [] : ["atime"]];
    assertSameInfo(e.info, deno, e.path, skip);
    assertEquals(e.isFile, deno.isFile, e.path);
    assertEquals(e.isDirectory, deno.isDirectory, e.path);
    assertEquals(e.isSymlink, deno.isSymlink, e.path);
  }
}

Deno.test({
  name: "walkSync and walk with stat: each entry's info is its lstat",
  ignore: !enabled,
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root);
      const sync = [...walkSync(root, { stat: true })];
      const async = await collect(root, { stat: true });
      const plain = [...walkSync(root)];
      // The same entries, in the same order, as without stat.
      assertEquals(sync.map((e) => e.path), plain.map((e) => e.path));
      assertEquals(async.map((e) => e.path), plain.map((e) => e.path));
      assertEquals(sync.length, 1 + 6 + 2 * Number(SYMLINKS) + MANY);
      // The root entry: the root directory itself.
      assertEquals(sync[0].path, root);
      assertInfos(sync, new Set([root]));
      assertInfos(async, new Set([root]));
      const big = sync.find((e) => e.name.endsWith("-5"))!;
      assertEquals(big.info!.size, 5);
      assertEquals(big.info!.isFile, true);
    });
  },
});

Deno.test({
  name: "walk without stat: entries carry no info",
  ignore: !enabled,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/f`, "");
      for (const e of walkSync(root)) assertFalse("info" in e);
      for (const e of await collect(root)) assertFalse("info" in e);
      for (const e of readDirSync(root)) assertFalse("info" in e);
      for await (const e of readDir(root)) assertFalse("info" in e);
    });
  },
});

Deno.test({
  name: "walk with stat and followSymlinks: a followed link is its target",
  ignore: !enabled || !SYMLINKS,
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root);
      const opts = { stat: true, followSymlinks: true } as const;
      const followed = new Set([root, `${root}/to-sub`]);
      for (
        const entries of [[...walkSync(root, opts)], await collect(root, opts)]
      ) {
        const link = entries.find((e) => e.name === "to-sub")!;
        assertEquals(link.isDirectory, true);
        assertEquals(link.info!.isDirectory, true);
        assertEquals(link.info!.ino, Deno.statSync(`${root}/sub`).ino);
        // Entered: its entries are listed under the link's path.
        assert(entries.some((e) => e.path === `${root}/to-sub/b.txt`));
        // A dangling link is yielded as a symlink, described by its lstat.
        const dangling = entries.find((e) => e.name === "dangling")!;
        assertEquals(dangling.isSymlink, true);
        assertEquals(dangling.info!.isSymlink, true);
        assertInfos(
          entries.filter((e) => !e.path.startsWith(`${root}/to-sub/`)),
          followed,
        );
      }
    });
  },
});

Deno.test({
  name: "readDirSync and readDir with stat: each entry's info is its lstat",
  ignore: !enabled,
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root);
      for (const dir of [root, `${root}/big`]) {
        const sync = [...readDirSync(dir, { stat: true })];
        const async = [];
        for await (const e of readDir(dir, { stat: true })) async.push(e);
        const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
        assertEquals(sync.map((e) => e.name).sort(), names);
        assertEquals(async.map((e) => e.name).sort(), names);
        for (const e of [...sync, ...async]) {
          const deno = Deno.lstatSync(`${dir}/${e.name}`);
          assertSameInfo(e.info, deno, e.name, SKIP);
          assertEquals(e.isSymlink, deno.isSymlink);
          assertEquals(e.isDirectory, deno.isDirectory);
        }
      }
    });
  },
});

Deno.test({
  name: "stat must be a boolean (TypeError before anything is opened)",
  ignore: !enabled,
  fn: async () => {
    await withTempDir(async (root) => {
      const bad = { stat: "yes" } as unknown as WalkOptions;
      assertThrows(() => walkSync(root, bad), TypeError, "stat");
      await assertRejects(() => collect(root, bad), TypeError, "stat");
      assertThrows(
        () => readDirSync(root, bad as { stat: boolean }),
        TypeError,
        "stat",
      );
      await assertRejects(async () => {
        for await (const _ of readDir(root, bad as { stat: boolean })) {
          /* */
        }
      }, TypeError);
    });
  },
});

/**
 * Runs `fn` with the backend's `readDirChunkStat` (both forms) answering
 * what `edit` makes of each chunk (an errno for an entry, as if it vanished
 * or could not be described; every kind DT_UNKNOWN). Without `canFollow`,
 * the chunks follow no link, as for entries whose type was not listed.
 */
async function withChunkStat(
  edit: (out: DirChunk) => void,
  fn: () => Promise<void>,
  canFollow = true,
): Promise<void> {
  const b = backend()!;
  const a = b.async as unknown as Record<string, unknown>;
  const sync = b.readDirChunkStat!;
  const twin = b.async.readDirChunkStat!;
  const enterSync = b.enterDirAt!;
  const enterTwin = b.async.enterDirAt!;
  type Enter = typeof enterSync;
  const edited = (e: Entered, out: DirChunk, withStat: boolean) => {
    if (e.failed === "" && e.first > 0 && withStat) edit(out);
    return e;
  };
  b.enterDirAt = (...x: Parameters<Enter>) => {
    x[5] &&= canFollow;
    return edited(enterSync(...x), x[3], x[4]);
  };
  a.enterDirAt = async (...x: Parameters<Enter>) => {
    x[5] &&= canFollow;
    return edited(await enterTwin(...x), x[3], x[4]);
  };
  b.readDirChunkStat = (fd, out, follow) => {
    const r = sync(fd, out, follow && canFollow);
    if (r > 0) edit(out);
    return r;
  };
  a.readDirChunkStat = async (fd: number, out: DirChunk, follow: boolean) => {
    const r = await twin(fd, out, follow && canFollow);
    if (r > 0) edit(out);
    return r;
  };
  try {
    await fn();
  } finally {
    b.readDirChunkStat = sync;
    a.readDirChunkStat = twin;
    b.enterDirAt = enterSync;
    a.enterDirAt = enterTwin;
  }
}

function errnoOf(name: string): number {
  const b = backend()!;
  for (let e = 1; e < 200; e++) if (b.errnoName(e) === name) return e;
  throw new Error(`no ${name}`);
}

Deno.test({
  name:
    "with stat, an entry gone before its stat is skipped; other errors throw",
  ignore: !enabled || WINDOWS,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/d`);
      for (const n of ["keep", "gone", "locked"]) {
        Deno.writeTextFileSync(`${root}/d/${n}`, "");
      }
      const fail = (errno: string, name: string) => (out: DirChunk) => {
        const i = out.names.indexOf(name);
        if (i >= 0 && i < out.count) out.infos![i] = -errnoOf(errno);
      };
      await withChunkStat(fail("ENOENT", "gone"), async () => {
        const want = [root, `${root}/d`, `${root}/d/keep`, `${root}/d/locked`];
        assertEquals(
          [...walkSync(root, { stat: true })].map((e) => e.path).sort(),
          want,
        );
        assertEquals(
          (await collect(root, { stat: true })).map((e) => e.path).sort(),
          want,
        );
        const names = [];
        for await (const e of readDir(`${root}/d`, { stat: true })) {
          names.push(e.name);
        }
        assertEquals(names.sort(), ["keep", "locked"]);
      });
      const before = openFdsIn(root);
      await withChunkStat(fail("EACCES", "locked"), async () => {
        assertThrows(
          () => [...walkSync(root, { stat: true })],
          Deno.errors.PermissionDenied,
          "locked",
        );
        await assertRejects(
          () => collect(root, { stat: true }),
          Deno.errors.PermissionDenied,
          "locked",
        );
        assertThrows(
          () => [...readDirSync(`${root}/d`, { stat: true })],
          Deno.errors.PermissionDenied,
        );
      });
      // Nothing left open by the failed walks.
      assertEquals(openFdsIn(root), before);
    });
  },
});

Deno.test({
  name: "with stat, entries of unknown type are typed from their info",
  ignore: !enabled || !SYMLINKS,
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root);
      const unknown = (out: DirChunk) => out.kinds.fill(0, 0, out.count);
      await withChunkStat(unknown, async () => {
        const want = [...walkSync(root)].map((e) =>
          [e.path, e.isFile, e.isDirectory, e.isSymlink].join()
        );
        const got = (await collect(root, { stat: true })).map((e) =>
          [e.path, e.isFile, e.isDirectory, e.isSymlink].join()
        );
        assertEquals(got, want);
        // Followed too (the chunk did not follow a link of unknown type).
        const f = await collect(root, { stat: true, followSymlinks: true });
        const link = f.find((e) => e.name === "to-sub")!;
        assertEquals(link.isDirectory, true);
        assertEquals(link.info!.isDirectory, true);
        assert(f.some((e) => e.path === `${root}/to-sub/b.txt`));
      }, false);
    });
  },
});

Deno.test({
  name: "async walk with stat: one request per chunk, no stat per entry",
  ignore: !enabled || backend()?.name !== "linux",
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root);
      const a = backend()!.async as unknown as Record<
        string,
        (...x: unknown[]) => Promise<unknown>
      >;
      const counts: Record<string, number> = {};
      const saved: [string, (...x: unknown[]) => Promise<unknown>][] = [];
      const kinds = [
        "statAt",
        "readDirChunkStat",
        "readDirChunk",
        "enterDirAt",
      ];
      for (const k of kinds) {
        const f = a[k];
        saved.push([k, f]);
        a[k] = (...x) => {
          counts[k] = (counts[k] ?? 0) + 1;
          return f(...x);
        };
      }
      let n = 0;
      try {
        for await (const _ of walk(root, { stat: true })) n++;
      } finally {
        for (const [k, f] of saved) a[k] = f;
      }
      assertEquals(n, 1 + 6 + 2 + MANY);
      // Directories: root, sub, sub/deeper, big: each entered by one call.
      assertEquals(counts.statAt, undefined);
      assertEquals(counts.enterDirAt, 3);
      assertEquals(counts.readDirChunk, undefined);
      // The big directory takes a few chunks; the others one each (their
      // end is seen by the same request).
      // (56-byte records: 19 + a 35-byte name + NUL, 8-aligned; a request
      // fills its buffer up to the last 280 bytes.)
      const bigChunks = Math.ceil(MANY * 56 / (STAT_CHUNK_BYTES - 280)) + 1;
      assert(counts.readDirChunkStat <= 3 + bigChunks, JSON.stringify(counts));
    });
  },
});

Deno.test({
  name: "walk with stat through fstatat's struct stat matches Deno's lstat",
  ignore: !linux || !enabled,
  fn: async () => {
    if (!selectStat("fstatat")) return; // no fstatat symbol in this libc
    try {
      await withTempDir(async (root) => {
        makeTree(root);
        // struct stat has no birth time.
        for (
          const es of [
            [...walkSync(root, { stat: true })],
            await collect(root, { stat: true }),
          ]
        ) {
          for (const e of es) assertEquals(e.info!.birthtime, null);
          assertInfos(es, new Set([root]), ["birthtime"]);
        }
      });
    } finally {
      selectStat("statx");
    }
  },
});

Deno.test({
  name: "linuxReadDirStat: records and stats of a chunk, errno per entry",
  ignore: !linux,
  fn: () => {
    // Stand-in symbols: two getdents64 records then the end; statx fails
    // with ENOENT (2) for "b" and writes a marker for the others.
    const rec = (name: string, type: number) => {
      const len = (19 + name.length + 1 + 7) & ~7;
      const r = new Uint8Array(len);
      r[16] = len & 0xff;
      r[17] = len >> 8;
      r[18] = type;
      r.set(new TextEncoder().encode(name), 19);
      return r;
    };
    const records = [rec(".", 4), rec("a", 8), rec("..", 4), rec("b", 10)];
    const bytes = records.reduce((n, r) => n + r.length, 0);
    let reads = 0, err = 0;
    const calls: string[] = [];
    const s = {
      getdents64(_fd: number, buf: Uint8Array, _n: number) {
        if (reads++ > 0) return 0;
        let at = 0;
        for (const r of records) {
          buf.set(r, at);
          at += r.length;
        }
        return bytes;
      },
      statx(
        _fd: number,
        name: Uint8Array,
        flags: number,
        _m: number,
        st: Uint8Array,
      ) {
        const n = String.fromCharCode(name[0]);
        calls.push(`${n}:${flags}`);
        if (n === "b" && flags === 0) return (err = 2, -1);
        st[0] = n.charCodeAt(0);
        return 0;
      },
      __errnoOf: () => err,
    };
    const dsize = 1024, slots = 8, ssize = 16;
    const at = statChunkLayout(dsize, slots, ssize);
    const out = new Uint8Array(at.bytes);
    // mode 3: statx, follow links.
    const r = linuxReadDirStat(s, 7, out, dsize, slots, ssize, 3, 0xfff);
    assertEquals(r, bytes);
    // "." and ".." are neither described nor given a slot; "b" is a link,
    // followed once (which failed: its lstat stays).
    assertEquals(calls, ["a:256", "b:256", "b:0"]);
    const v = new DataView(out.buffer);
    assertEquals(v.getInt32(0, true), 1); // the end was seen
    assertEquals(v.getInt32(at.errs, true), 0);
    assertEquals(v.getInt32(at.errs + 4, true), 0);
    assertEquals(out[at.stats], "a".charCodeAt(0));
    assertEquals(out[at.stats + ssize], "b".charCodeAt(0));
    // The real constants hold a chunk's worth of the smallest records.
    assert(STAT_CHUNK_SLOTS * 24 >= STAT_CHUNK_BYTES - 23);
  },
});

Deno.test({
  name: "readDir with stat without --allow-ffi: Deno's lstat",
  ignore: WINDOWS,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/f`, "abc");
      Deno.symlinkSync("f", `${root}/l`);
      const code = `
        import { readDir, readDirSync } from "${
        new URL("../mod.ts", import.meta.url).href
      }";
        const out = [];
        for (const e of readDirSync(${
        JSON.stringify(root)
      }, { stat: true })) out.push([e.name, e.info.size, e.info.isSymlink]);
        for await (const e of readDir(${
        JSON.stringify(root)
      }, { stat: true })) out.push([e.name, e.info.size, e.info.isSymlink]);
        console.log(JSON.stringify(out.sort()));
      `;
      const p = await new Deno.Command(Deno.execPath(), {
        args: ["eval", "--ext=ts", `--allow-read=${root}`, code],
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      const dec = new TextDecoder();
      assertEquals(p.code, 0, dec.decode(p.stderr));
      const link = Deno.lstatSync(`${root}/l`).size;
      assertEquals(JSON.parse(dec.decode(p.stdout)), [
        ["f", 3, false],
        ["f", 3, false],
        ["l", link, true],
        ["l", link, true],
      ]);
    });
  },
});

Deno.test({
  name: "Root.readDir and Root.walk pass stat: true on",
  ignore: !enabled || !supportsDirFd.has(openRootSync),
  fn: async () => {
    await withTempDir(async (dir) => {
      Deno.mkdirSync(`${dir}/sub`);
      Deno.writeTextFileSync(`${dir}/sub/f.txt`, "four");
      using root = openRootSync(dir);
      const sync = [...root.readDirSync("sub", { stat: true })];
      const size = (e: Deno.DirEntry) => (e as DirEntryWithInfo).info.size;
      assertEquals(sync.map((e) => [e.name, size(e)]), [["f.txt", 4]]);
      const listed = [];
      for await (const e of root.readDir("sub", { stat: true })) listed.push(e);
      assertEquals(listed.map((e) => [e.name, size(e)]), [["f.txt", 4]]);
      const walked = [...root.walkSync(".", { stat: true })];
      const files = walked.filter((e) => e.isFile);
      assertEquals(files.map((e) => [e.path, e.info?.size]), [
        ["sub/f.txt", 4],
      ]);
      assert(walked.every((e) => e.info !== undefined));
      const walkedAsync = [];
      for await (const e of root.walk("sub", { stat: true })) {
        walkedAsync.push([e.path, e.info?.isDirectory]);
      }
      assertEquals(walkedAsync, [["sub", true], ["sub/f.txt", false]]);
      // Without stat: no info.
      for (const e of root.walkSync()) assertFalse("info" in e);
    });
  },
});

Deno.test({
  name:
    "walk enters several subdirectories ahead: same entries as walkSync, with skip, maxDepth and breaks",
  ignore: !enabled || WINDOWS,
  fn: async () => {
    await withTempDir(async (root) => {
      // Wide and nested: 3 levels of 7 subdirectories, a file in each.
      const make = (p: string, depth: number) => {
        Deno.writeTextFileSync(`${p}/f`, "");
        if (depth === 3) return;
        for (let d = 0; d < 7; d++) {
          Deno.mkdirSync(`${p}/d${d}`);
          make(`${p}/d${d}`, depth + 1);
        }
      };
      make(root, 0);
      const options = [
        {},
        { stat: true },
        { stat: true, skip: [/d[13]$/] },
        { skip: [/\/d2\/d[0-5]$/] },
        { stat: true, maxDepth: 2 },
        { stat: true, includeDirs: false },
      ];
      const before = openFdsIn(root);
      for (const o of options) {
        const want = [...walkSync(root, o)].map((e) => e.path);
        const got = (await collect(root, o)).map((e) => e.path);
        assertEquals(got, want, JSON.stringify(o));
        assertEquals(openFdsIn(root), before);
        // Breaks at several points: everything entered ahead is closed.
        for (const at of [1, 9, 30, 200]) {
          let n = 0;
          for await (const _ of walk(root, o)) if (++n === at) break;
          assertEquals(openFdsIn(root), before, `break at ${at}`);
        }
      }
    });
  },
});

Deno.test({
  name:
    "walk enters the next subdirectory ahead: once each, and nothing left open after a break",
  ignore: !enabled || WINDOWS,
  fn: async () => {
    await withTempDir(async (root) => {
      for (let d = 0; d < 6; d++) {
        Deno.mkdirSync(`${root}/d${d}`);
        Deno.writeTextFileSync(`${root}/d${d}/f`, "");
      }
      const a = backend()!.async as unknown as Record<
        string,
        (...x: unknown[]) => Promise<unknown>
      >;
      const enter = a.enterDirAt;
      const names: string[] = [];
      a.enterDirAt = (...x) => {
        names.push(x[1] as string);
        return enter(...x);
      };
      try {
        for (const stat of [false, true]) {
          names.length = 0;
          const all = await collect(root, { stat });
          assertEquals(all.length, 1 + 6 * 2);
          // Each subdirectory entered exactly once (ahead or not).
          assertEquals(names.sort(), ["d0", "d1", "d2", "d3", "d4", "d5"]);
          // The same entries, in the same order, as the sync walk.
          assertEquals(
            all.map((e) => e.path),
            [...walkSync(root, { stat })].map((e) => e.path),
          );
          // Break inside the first subdirectory: the one entered ahead
          // (in flight or open) is closed by the time the loop is left.
          const before = openFdsIn(root);
          for await (const e of walk(root, { stat })) {
            if (e.path.endsWith("/f")) break;
          }
          assertEquals(openFdsIn(root), before);
          // And after an error thrown by the loop's body.
          await assertRejects(async () => {
            for await (const e of walk(root, { stat })) {
              if (e.path.endsWith("/f")) throw new Error("stop");
            }
          });
          assertEquals(openFdsIn(root), before);
        }
      } finally {
        a.enterDirAt = enter;
      }
    });
  },
});
