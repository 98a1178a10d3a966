// Copyright 2026 the dirfd authors. MIT license.
// The async twins of the *at operations (mkdir, unlink, rmdir, rename, link,
// chmod, chown, utime, access, truncate): the same results and errors as the
// Sync twins, with the syscall run by the worker pool (ffi/_pool.ts), never
// by the sync primitive on the main thread, and every Dir pinned until the
// call settles.
import {
  assert,
  assertEquals,
  assertRejects,
  assertStrictEquals,
  fail,
} from "@std/assert";
// node:fs for a raw OS descriptor to pass as a path: Deno.FsFile exposes none.
import { closeSync, openSync } from "node:fs";
import {
  access,
  accessSync,
  chmod,
  chmodSync,
  chown,
  chownSync,
  type Dir,
  link,
  linkSync,
  mkdir,
  mkdirSync,
  openDirSync,
  R_OK,
  rename,
  renameSync,
  rmdir,
  rmdirSync,
  truncate,
  truncateSync,
  unlink,
  unlinkSync,
  utime,
  utimeSync,
  W_OK,
} from "../mod.ts";
import { backend } from "../_backend.ts";
import { setPrimitive } from "../_testing.ts";
import type { Backend } from "../ffi/_types.ts";
import type { CallPool } from "../ffi/_pool.ts";
import { MOD, withTempDir } from "./_at_util.ts";
import { runDeno } from "./_helpers.ts";

const b = backend();
const pooled = Deno.build.os === "linux" && b?.async !== undefined;
const pool = () => (b!.async as unknown as { pool(): CallPool }).pool();

/** The primitives whose twins these operations use. */
const TWINS = [
  "mkdirAt",
  "unlinkAt",
  "renameAt",
  "linkAt",
  "chmodAt",
  "fchmod",
  "chownAt",
  "fchown",
  "utimeAt",
  "futimes",
  "accessAt",
  "truncate",
  "ftruncate",
] as const;

/** A descriptor number nothing has open. */
const NOT_OPEN = 1_000_000;

/** A tree for the operations to work on (the same one in each twin's root). */
function tree(root: string): void {
  Deno.writeTextFileSync(`${root}/file`, "data");
  Deno.writeTextFileSync(`${root}/gone`, "x");
  Deno.writeTextFileSync(`${root}/moved`, "m");
  Deno.writeTextFileSync(`${root}/long`, "0123456789");
  Deno.mkdirSync(`${root}/dir`);
  Deno.writeTextFileSync(`${root}/dir/inner`, "in");
  Deno.mkdirSync(`${root}/emptydir`);
  Deno.symlinkSync("file", `${root}/link-file`);
  Deno.symlinkSync("missing", `${root}/dangling`);
}

/** The tree as comparable text. */
function snapshot(root: string, rel = ""): string[] {
  const out: string[] = [];
  const names = [...Deno.readDirSync(`${root}/${rel}`)].map((e) => e.name)
    .sort();
  for (const name of names) {
    const p = rel === "" ? name : `${rel}/${name}`;
    const i = Deno.lstatSync(`${root}/${p}`);
    const kind = i.isSymlink ? "l" : i.isDirectory ? "d" : "f";
    let line = `${kind} ${p} ${(i.mode! & 0o7777).toString(8)} ${i.uid}`;
    if (i.isFile) line += ` size=${i.size} nlink=${i.nlink}`;
    if (i.isSymlink) line += ` -> ${Deno.readLinkSync(`${root}/${p}`)}`;
    // Only times set by the operations compare (the others are "now").
    const mtime = i.mtime!.getTime();
    if (!i.isSymlink && mtime < 1e6) line += ` mtime=${mtime}`;
    out.push(line);
    if (i.isDirectory) out.push(...snapshot(root, p));
  }
  return out;
}

type Outcome = { ok: unknown } | { err: any };

function settle(fn: () => unknown): Outcome {
  try {
    return { ok: fn() };
  } catch (err) {
    return { err };
  }
}

async function settleAsync(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await fn() };
  } catch (err) {
    return { err };
  }
}

/** Asserts the async outcome equals the sync one, errors field by field. */
function assertSameOutcome(got: Outcome, want: Outcome, what: string): void {
  if ("err" in want) {
    assert("err" in got, `${what}: async succeeded, sync threw`);
    const g = got.err, w = want.err;
    assertStrictEquals(g.constructor, w.constructor, `${what}: ${g.message}`);
    assertEquals(g.message, w.message, what);
    for (const k of ["name", "code", "errno", "syscall", "path", "dest"]) {
      assertEquals(g[k], w[k], `${what}: ${k}`);
    }
  } else {
    assert("ok" in got, `${what}: async threw ${(got as any).err}`);
    assertEquals(got.ok, want.ok, what);
  }
}

/**
 * One case: run with the sync twin in root `a` and the async twin in root
 * `b` (relative paths through a Dir on each, so messages match), `kind`
 * telling which outcome is expected.
 */
interface Case {
  name: string;
  /** The expected outcome; `"any"` where it depends on the file system. */
  kind: "ok" | "err" | "any";
  sync: (d: Dir, root: string) => unknown;
  async: (d: Dir, root: string) => Promise<unknown>;
}

const CASES: Case[] = [
  {
    name: "mkdir",
    kind: "ok",
    sync: (d) => mkdirSync("new", { dirFd: d, mode: 0o750 }),
    async: (d) => mkdir("new", { dirFd: d, mode: 0o750 }),
  },
  {
    name: "mkdir EEXIST",
    kind: "err",
    sync: (d) => mkdirSync("file", { dirFd: d }),
    async: (d) => mkdir("file", { dirFd: d }),
  },
  {
    name: "unlink",
    kind: "ok",
    sync: (d) => unlinkSync("gone", { dirFd: d }),
    async: (d) => unlink("gone", { dirFd: d }),
  },
  {
    name: "unlink EISDIR",
    kind: "err",
    sync: (d) => unlinkSync("dir", { dirFd: d }),
    async: (d) => unlink("dir", { dirFd: d }),
  },
  {
    name: "rmdir",
    kind: "ok",
    sync: (d) => rmdirSync("emptydir", { dirFd: d }),
    async: (d) => rmdir("emptydir", { dirFd: d }),
  },
  {
    name: "rmdir ENOTEMPTY",
    kind: "err",
    sync: (d) => rmdirSync("dir", { dirFd: d }),
    async: (d) => rmdir("dir", { dirFd: d }),
  },
  {
    name: "rename across two Dirs",
    kind: "ok",
    sync: (d, root) => {
      using to = openDirSync(`${root}/dir`);
      renameSync("moved", "moved2", { srcDirFd: d, dstDirFd: to });
    },
    async: async (d, root) => {
      await using to = openDirSync(`${root}/dir`);
      await rename("moved", "moved2", { srcDirFd: d, dstDirFd: to });
    },
  },
  {
    name: "rename ENOENT",
    kind: "err",
    sync: (d) => renameSync("missing", "x", { srcDirFd: d, dstDirFd: d }),
    async: (d) => rename("missing", "x", { srcDirFd: d, dstDirFd: d }),
  },
  {
    name: "link (follows)",
    kind: "ok",
    sync: (d) => linkSync("link-file", "hard", { srcDirFd: d, dstDirFd: d }),
    async: (d) => link("link-file", "hard", { srcDirFd: d, dstDirFd: d }),
  },
  {
    name: "link (no follow)",
    kind: "ok",
    sync: (d) =>
      linkSync("dangling", "hard-sym", {
        srcDirFd: d,
        dstDirFd: d,
        followSymlinks: false,
      }),
    async: (d) =>
      link("dangling", "hard-sym", {
        srcDirFd: d,
        dstDirFd: d,
        followSymlinks: false,
      }),
  },
  {
    name: "link EEXIST",
    kind: "err",
    sync: (d) => linkSync("file", "dir", { srcDirFd: d, dstDirFd: d }),
    async: (d) => link("file", "dir", { srcDirFd: d, dstDirFd: d }),
  },
  {
    name: "chmod",
    kind: "ok",
    sync: (d) => chmodSync("file", 0o640, { dirFd: d }),
    async: (d) => chmod("file", 0o640, { dirFd: d }),
  },
  {
    name: "chmod ENOENT",
    kind: "err",
    sync: (d) => chmodSync("dangling", 0o600, { dirFd: d }),
    async: (d) => chmod("dangling", 0o600, { dirFd: d }),
  },
  {
    name: "chmod of a descriptor",
    kind: "ok",
    sync: (d) => chmodSync(d, 0o751),
    async: (d) => chmod(d, 0o751),
  },
  {
    name: "chmod of a descriptor EBADF",
    kind: "err",
    sync: () => chmodSync(NOT_OPEN, 0o700),
    async: () => chmod(NOT_OPEN, 0o700),
  },
  {
    name: "chown",
    kind: "ok",
    sync: (d) => chownSync("file", -1, -1, { dirFd: d }),
    async: (d) => chown("file", -1, -1, { dirFd: d }),
  },
  {
    name: "chown (no follow) ENOENT",
    kind: "err",
    sync: (d) =>
      chownSync("missing", -1, -1, { dirFd: d, followSymlinks: false }),
    async: (d) => chown("missing", -1, -1, { dirFd: d, followSymlinks: false }),
  },
  {
    name: "chown of a descriptor",
    kind: "ok",
    sync: (d) => chownSync(d, -1, -1),
    async: (d) => chown(d, -1, -1),
  },
  {
    name: "chown of a descriptor EBADF",
    kind: "err",
    sync: () => chownSync(NOT_OPEN, -1, -1),
    async: () => chown(NOT_OPEN, -1, -1),
  },
  {
    name: "utime",
    kind: "ok",
    sync: (d) => utimeSync("file", 1_000_000_000_123_456_789n, 7, { dirFd: d }),
    async: (d) => utime("file", 1_000_000_000_123_456_789n, 7, { dirFd: d }),
  },
  {
    name: "utime (no follow) of a symlink",
    kind: "ok",
    sync: (d) =>
      utimeSync("dangling", 5, 9, { dirFd: d, followSymlinks: false }),
    async: (d) => utime("dangling", 5, 9, { dirFd: d, followSymlinks: false }),
  },
  {
    name: "utime ENOENT",
    kind: "err",
    sync: (d) => utimeSync("missing", null, null, { dirFd: d }),
    async: (d) => utime("missing", null, null, { dirFd: d }),
  },
  {
    name: "utime of a descriptor",
    kind: "ok",
    sync: (d) => utimeSync(d, 3, 4),
    async: (d) => utime(d, 3, 4),
  },
  {
    name: "utime of a descriptor EBADF",
    kind: "err",
    sync: () => utimeSync(NOT_OPEN, null, null),
    async: () => utime(NOT_OPEN, null, null),
  },
  {
    name: "access",
    kind: "ok",
    sync: (d) => accessSync("file", R_OK | W_OK, { dirFd: d }),
    async: (d) => access("file", R_OK | W_OK, { dirFd: d }),
  },
  {
    name: "access of a missing file",
    kind: "ok",
    sync: (d) => accessSync("dangling", 0, { dirFd: d }),
    async: (d) => access("dangling", 0, { dirFd: d }),
  },
  {
    name: "access (no follow, effective ids)",
    kind: "ok",
    sync: (d) =>
      accessSync("dangling", 0, {
        dirFd: d,
        followSymlinks: false,
        effectiveIds: true,
      }),
    async: (d) =>
      access("dangling", 0, {
        dirFd: d,
        followSymlinks: false,
        effectiveIds: true,
      }),
  },
];

/** truncate takes no dirFd: the same absolute paths, one root after another. */
const TRUNCATE_CASES: Case[] = [
  {
    name: "truncate",
    kind: "ok",
    sync: (_, root) => truncateSync(`${root}/long`, 4),
    async: (_, root) => truncate(`${root}/long`, 4),
  },
  {
    name: "truncate EISDIR",
    kind: "err",
    sync: (_, root) => truncateSync(`${root}/dir`, 0),
    async: (_, root) => truncate(`${root}/dir`, 0),
  },
  {
    name: "truncate of a descriptor",
    kind: "ok",
    sync: (_, root) => {
      const fd = openSync(`${root}/long`, "r+");
      try {
        truncateSync(fd, 2n);
      } finally {
        closeSync(fd);
      }
    },
    async: async (_, root) => {
      const fd = openSync(`${root}/long`, "r+");
      try {
        await truncate(fd, 2n);
      } finally {
        closeSync(fd);
      }
    },
  },
  {
    // Beyond 2^53 (the arena's doubles), the exact length must still be used.
    name: "truncate to 2^53 + 1 (EFBIG on most file systems)",
    kind: "any",
    sync: (_, root) => truncateSync(`${root}/long`, 2n ** 53n + 1n),
    async: (_, root) => truncate(`${root}/long`, 2n ** 53n + 1n),
  },
  {
    name: "truncate back",
    kind: "ok",
    sync: (_, root) => truncateSync(`${root}/long`, 5),
    async: (_, root) => truncate(`${root}/long`, 5),
  },
  {
    name: "truncate of a read-only descriptor EINVAL",
    kind: "err",
    sync: (_, root) => {
      const fd = openSync(`${root}/long`, "r");
      try {
        truncateSync(fd, 0);
      } finally {
        closeSync(fd);
      }
    },
    async: async (_, root) => {
      const fd = openSync(`${root}/long`, "r");
      try {
        await truncate(fd, 0);
      } finally {
        closeSync(fd);
      }
    },
  },
];

Deno.test({
  name: "async twins: the backend has a pooled twin for every primitive",
  ignore: !pooled,
  fn: () => {
    for (const name of TWINS) {
      assertEquals(typeof b![name], "function", name);
      assertEquals(typeof b!.async![name], "function", `async ${name}`);
    }
    assertEquals(
      typeof b!.async!.lchmodAt,
      typeof b!.lchmodAt,
      "lchmodAt twin exactly when fchmodat2 works",
    );
  },
});

Deno.test({
  name: "async twins: same results and errors as the Sync twins",
  ignore: !pooled,
  fn: async () => {
    await withTempDir(async (root) => {
      const ra = `${root}/a`, rb = `${root}/b`;
      Deno.mkdirSync(ra);
      Deno.mkdirSync(rb);
      tree(ra);
      tree(rb);
      using da = openDirSync(ra);
      using db = openDirSync(rb);
      for (const c of CASES) {
        const want = settle(() => c.sync(da, ra));
        assertEquals(Object.keys(want)[0], c.kind, `${c.name}: sync outcome`);
        const got = await settleAsync(() => c.async(db, rb));
        assertSameOutcome(got, want, c.name);
      }
      // Same absolute paths for truncate: run in `a`, then move `b` there.
      const rt = `${root}/t`;
      for (const c of TRUNCATE_CASES) {
        Deno.renameSync(ra, rt);
        const want = settle(() => c.sync(da, rt));
        Deno.renameSync(rt, ra);
        Deno.renameSync(rb, rt);
        const got = await settleAsync(() => c.async(db, rt));
        Deno.renameSync(rt, rb);
        if (c.kind !== "any") {
          assertEquals(Object.keys(want)[0], c.kind, `${c.name}: sync outcome`);
        }
        assertSameOutcome(got, want, c.name);
      }
      // And the same effects: modes, sizes, links, times.
      assertEquals(snapshot(rb), snapshot(ra));
      assertEquals(Deno.statSync(rb).mode! & 0o777, 0o751);
    });
  },
});

Deno.test({
  name: "async twins: followSymlinks: false chmod matches (fchmodat2)",
  ignore: !pooled || typeof b?.lchmodAt !== "function",
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/file`, "");
      Deno.symlinkSync("file", `${root}/link`);
      using d = openDirSync(root);
      for (const p of ["link", "file", "missing"]) {
        const want = settle(() =>
          chmodSync(p, 0o600, { dirFd: d, followSymlinks: false })
        );
        const got = await settleAsync(() =>
          chmod(p, 0o600, { dirFd: d, followSymlinks: false })
        );
        assertSameOutcome(got, want, p);
      }
    });
  },
});

/**
 * Replaces every sync primitive with one that fails the test, runs `fn`,
 * then puts them back: proof that the async twins never fall back to the
 * main thread.
 */
async function withoutSyncPrimitives(fn: () => Promise<void>): Promise<void> {
  const bb = b as Backend & Record<string, unknown>;
  const saved = new Map<string, unknown>();
  for (const name of [...TWINS, "lchmodAt"]) {
    if (bb[name] === undefined) continue;
    saved.set(name, bb[name]);
    bb[name] = () => fail(`sync ${name} ran on the main thread`);
  }
  try {
    await fn();
  } finally {
    for (const [name, f] of saved) bb[name] = f;
  }
}

Deno.test({
  name: "async twins: every call goes through the pool, never the sync call",
  ignore: !pooled,
  fn: async () => {
    await withTempDir(async (root) => {
      tree(root);
      using d = openDirSync(root);
      const fd = openSync(`${root}/long`, "r+");
      const calls: [string, () => Promise<unknown>][] = [
        ["mkdir", () => mkdir("new", { dirFd: d })],
        ["unlink", () => unlink("gone", { dirFd: d })],
        ["rmdir", () => rmdir("emptydir", { dirFd: d })],
        ["rename", () => rename(`${root}/moved`, "dir/m", { dstDirFd: d })],
        ["link", () => link("file", `${root}/hard`, { srcDirFd: d })],
        ["chmod", () => chmod("file", 0o600, { dirFd: d })],
        ["chmod fd", () => chmod(d, 0o700)],
        ["chown", () => chown("file", -1, -1, { dirFd: d })],
        ["chown fd", () => chown(d, -1, -1)],
        ["utime", () => utime("file", 1, 2, { dirFd: d })],
        ["utime fd", () => utime(d, null, null)],
        ["access", () => access("file", R_OK, { dirFd: d })],
        ["truncate", () => truncate(`${root}/long`, 3)],
        ["truncate fd", () => truncate(fd, 1)],
      ];
      if (typeof b!.lchmodAt === "function") {
        calls.push([
          "chmod nofollow",
          () => chmod("file", 0o644, { dirFd: d, followSymlinks: false }),
        ]);
      }
      try {
        await withoutSyncPrimitives(async () => {
          // One at a time: each call is in the pool once issued.
          for (const [name, call] of calls) {
            const before = pool().inFlight;
            const p = call();
            assertEquals(pool().inFlight, before + 1, `${name} is pooled`);
            await p;
          }
          // All at once: one batch.
          const before = pool().inFlight;
          const batch = Array.from(
            { length: 50 },
            (_, i) => access(i % 2 ? "file" : "missing", 0, { dirFd: d }),
          );
          assertEquals(pool().inFlight, before + 50);
          const got = await Promise.all(batch);
          assertEquals(got, got.map((_, i) => i % 2 === 1));
        });
      } finally {
        closeSync(fd);
      }
      assert(Deno.statSync(`${root}/new`).isDirectory);
      assertEquals(Deno.statSync(`${root}/long`).size, 1);
      assertEquals(Deno.statSync(`${root}/file`).nlink, 2);
    });
  },
});

Deno.test({
  name: "async twins: rename and link keep both Dirs open until they settle",
  ignore: !pooled,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/src`);
      Deno.mkdirSync(`${root}/dst`);
      Deno.writeTextFileSync(`${root}/src/f`, "1");
      Deno.writeTextFileSync(`${root}/src/g`, "2");
      const from = openDirSync(`${root}/src`);
      const to = openDirSync(`${root}/dst`);
      const r = rename("f", "f2", { srcDirFd: from, dstDirFd: to });
      const l = link("g", "g2", { srcDirFd: from, dstDirFd: to });
      // Closed with both calls in flight; new Dirs would get any number freed.
      from.close();
      to.close();
      using other1 = openDirSync(root);
      using other2 = openDirSync(root);
      await Promise.all([r, l]);
      assert(other1.fd >= 0 && other2.fd >= 0);
      assertEquals(Deno.readTextFileSync(`${root}/dst/f2`), "1");
      assertEquals(Deno.readTextFileSync(`${root}/dst/g2`), "2");
      await assertRejects(
        () => rename("g", "g3", { srcDirFd: from, dstDirFd: to }),
        Deno.errors.BadResource,
      );
    });
  },
});

Deno.test({
  name: "async twins: setPrimitive hides the twin with its primitive",
  ignore: !pooled,
  fn: () => {
    const twin = b!.async!.mkdirAt;
    assert(setPrimitive("mkdirAt", false));
    try {
      assertEquals(b!.mkdirAt, undefined);
      assertEquals(b!.async!.mkdirAt, undefined);
    } finally {
      setPrimitive("mkdirAt", true);
    }
    assertEquals(typeof b!.mkdirAt, "function");
    assertStrictEquals(b!.async!.mkdirAt, twin);
  },
});

Deno.test({
  name: "async twins without --allow-ffi: Deno's async calls, same outcomes",
  ignore: Deno.build.os === "windows", // POSIX modes and symlinks
  fn: async () => {
    await withTempDir(async (root) => {
      const script = `
      import * as d from "${MOD}";
      const [a, b] = Deno.args;
      const run = (f) => { try { f(); return "ok"; } catch (e) { return e.constructor.name + ": " + e.message.replaceAll(a, "R"); } };
      const runA = async (f) => { try { await f(); return "ok"; } catch (e) { return e.constructor.name + ": " + e.message.replaceAll(b, "R"); } };
      const out = [];
      for (const r of [a, b]) {
        Deno.writeTextFileSync(r + "/f", "abcdef");
        Deno.mkdirSync(r + "/dir");
        Deno.writeTextFileSync(r + "/dir/x", "");
        Deno.symlinkSync("f", r + "/l");
      }
      const ops = [
        ["mkdir", (r) => [r + "/new", { mode: 0o700 }]],
        ["mkdir", (r) => [r + "/f"]],
        ["unlink", (r) => [r + "/dir"]],
        ["rmdir", (r) => [r + "/f"]],
        ["rmdir", (r) => [r + "/new"]],
        ["link", (r) => [r + "/l", r + "/hard"]],
        ["rename", (r) => [r + "/hard", r + "/hard2"]],
        ["unlink", (r) => [r + "/hard2"]],
        ["chmod", (r) => [r + "/f", 0o600]],
        ["utime", (r) => [r + "/f", 1, 2]],
        ["truncate", (r) => [r + "/f", 3]],
        ["access", (r) => [r + "/f", d.F_OK]],
        ["access", (r) => [r + "/f", d.R_OK]],
      ];
      for (const [name, args] of ops) {
        const s = run(() => d[name + "Sync"](...args(a)));
        const t = await runA(() => d[name](...args(b)));
        out.push([name, s, t]);
      }
      // Not mtime: truncate (after utime) sets it to "now", which differs
      // between the two files whenever a clock tick falls between the calls
      // (every time under qemu, in test:aarch64).
      const st = (r) => { const i = Deno.statSync(r + "/f"); return [i.mode & 0o777, i.size, i.nlink]; };
      out.push(["state", st(a), st(b)]);
      console.log(JSON.stringify(out));`;
      Deno.writeTextFileSync(`${root}/probe.mjs`, script);
      Deno.mkdirSync(`${root}/a`);
      Deno.mkdirSync(`${root}/b`);
      const r = await runDeno([
        "run",
        "--no-prompt",
        "--allow-read",
        "--allow-write",
        `${root}/probe.mjs`,
        `${root}/a`,
        `${root}/b`,
      ]);
      assertEquals(r.code, 0, r.stderr);
      const out: [string, unknown, unknown][] = JSON.parse(r.stdout);
      for (const [name, sync, async] of out) {
        assertEquals(async, sync, name);
      }
      assertEquals(out.slice(0, -1).map(([, s]) => s !== "ok"), [
        false,
        true, // mkdir over a file
        true, // unlink of a directory
        true, // rmdir of a file
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        false,
        true, // access R_OK without FFI: NotSupported
      ]);
    });
  },
});
