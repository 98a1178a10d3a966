// Copyright 2026 the dirfd authors. MIT license.
// The io_uring path of the pool (ffi/_uring.ts): batches of statx run in the
// kernel, each with its own errno, with results identical to the pool
// without the ring and to the sync call; a kernel without io_uring, a ring
// that cannot be opened and a ring that fails all leave the other path.
import { assert, assertEquals } from "@std/assert";
import { type BatchRing, CallPool } from "../ffi/_pool.ts";
import { StatxRing } from "../ffi/_uring.ts";
import { LIBC, LINUX_SYMBOLS } from "../ffi/linux.ts";
import { backend } from "../_backend.ts";
import { stat, statSync } from "../mod.ts";
import { withTempDir } from "./_helpers.ts";

const linux = Deno.build.os === "linux" && backend() !== null;
const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_EMPTY_PATH = 0x1000;
const STATX_BASIC = 0x7ff;
/**
 * Calls per batch: enough for several arenas and ring submissions where
 * the ring exists (x86_64); fewer elsewhere, where only the other path runs
 * (and tests run under emulation).
 */
const MANY = Deno.build.arch === "x86_64" ? 700 : 150;

/** Descriptors of io_uring instances this process holds. */
function rings(): number {
  let n = 0;
  for (const e of Deno.readDirSync("/proc/self/fd")) {
    try {
      if (Deno.readLinkSync(`/proc/self/fd/${e.name}`).includes("io_uring")) {
        n++;
      }
    } catch {
      // Closed while listing (the listing's own descriptor).
    }
  }
  return n;
}

/** A pool over libc with the given ring opener (none: no ring at all). */
function pool(ring?: () => Promise<BatchRing | null>) {
  const lib = Deno.dlopen(LIBC, LINUX_SYMBOLS);
  const errno = new Deno.UnsafePointerView(lib.symbols.__errno_location()!);
  const p = new CallPool(
    {
      path: LIBC,
      symbols: LINUX_SYMBOLS,
      errno: { kind: "pointer", sym: "__errno_location" },
    },
    { symbols: lib.symbols, errno: () => errno.getInt32(0), ring },
    2,
  );
  return {
    pool: p,
    lib,
    close() {
      p.close();
      lib.close();
    },
  };
}

type Call = [dirfd: number, path: string, flags: number];
/** statx result as [ret, errno, ino, mode, size] (0s where it failed). */
type Got = [number, number, number, number, number];

function statx(p: CallPool, [dirfd, path, flags]: Call): Promise<Got> {
  p.begin("statx", path.length * 3 + 8 + 256);
  p.int(dirfd);
  p.str(path);
  p.int(flags);
  p.int(STATX_BASIC);
  p.out(256);
  return p.end((r): Got => {
    if (r.ret !== 0) return [r.ret, r.errno, 0, 0, 0];
    const w = r.out >> 2;
    // errno is left as it was after a call that succeeded: not compared.
    return [r.ret, 0, r.u32[w + 8], r.u32[w + 7] & 0xffff, r.u32[w + 10]];
  });
}

/** The same calls, made here one by one (the reference). */
function statxSync(
  lib: Deno.DynamicLibrary<typeof LINUX_SYMBOLS>,
  [dirfd, path, flags]: Call,
): Got {
  const buf = new Uint8Array(256);
  const u32 = new Uint32Array(buf.buffer);
  const r = lib.symbols.statx!(
    dirfd,
    new TextEncoder().encode(path + "\0"),
    flags,
    STATX_BASIC,
    buf,
  );
  if (r !== 0) {
    const e = new Deno.UnsafePointerView(lib.symbols.__errno_location()!);
    return [r, e.getInt32(0), 0, 0, 0];
  }
  return [r, 0, u32[8], u32[7] & 0xffff, u32[10]];
}

/** Every kind of outcome, relative and absolute, by name and by fd. */
function calls(root: string, dirfd: number, filefd: number): Call[] {
  Deno.writeTextFileSync(`${root}/file`, "12345");
  Deno.mkdirSync(`${root}/dir`);
  Deno.symlinkSync("file", `${root}/link`);
  Deno.symlinkSync("loop", `${root}/loop`);
  return [
    [AT_FDCWD, `${root}/file`, 0],
    [AT_FDCWD, `${root}/missing`, 0],
    [AT_FDCWD, `${root}/file/x`, 0],
    [AT_FDCWD, `${root}/link`, 0],
    [AT_FDCWD, `${root}/link`, AT_SYMLINK_NOFOLLOW],
    [AT_FDCWD, `${root}/loop`, 0],
    [AT_FDCWD, `${root}/${"n".repeat(300)}`, 0],
    [AT_FDCWD, "", 0],
    [dirfd, "file", 0],
    [dirfd, "dir", 0],
    [dirfd, "", AT_EMPTY_PATH],
    [filefd, "", AT_EMPTY_PATH],
    [filefd, "x", 0],
    [1_000_000, "file", 0],
    [-1, "", AT_EMPTY_PATH],
    [AT_FDCWD, `${root}/file`, 0x7fff_0000],
  ];
}

Deno.test({
  name: "a statx batch through io_uring: each call's own errno, same results",
  ignore: !linux,
  fn: async () => {
    const ringsBefore = rings();
    const withRing = pool(() => StatxRing.open());
    const without = pool();
    const ref = without.lib;
    await withTempDir(async (root) => {
      const o = ref.symbols.openat;
      const dirfd = o(AT_FDCWD, new TextEncoder().encode(root + "\0"), 0x10000);
      const filefd = o(
        AT_FDCWD,
        new TextEncoder().encode(root + "/file\0"),
        0,
      );
      try {
        const list = calls(root, dirfd, filefd);
        const many = Array.from(
          { length: MANY },
          (_, i) => list[i % list.length],
        );
        const want = many.map((c) => statxSync(ref, c));
        // Distinct outcomes, or the comparison proves little.
        assert(new Set(want.map((w) => w[1])).size >= 5);
        for (const { pool } of [withRing, without]) {
          for (let round = 0; round < 3; round++) {
            const got = await Promise.all(many.map((c) => statx(pool, c)));
            for (let i = 0; i < many.length; i++) {
              assertEquals(got[i], want[i], JSON.stringify(many[i]));
            }
          }
          // A lone call, and two in one tick.
          assertEquals(await statx(pool, list[1]), want[1]);
          assertEquals(
            await Promise.all([statx(pool, list[0]), statx(pool, list[2])]),
            [want[0], want[2]],
          );
          assertEquals(pool.inFlight, 0);
        }
        assertEquals(without.pool.ringRuns, 0);
        if (await StatxRing.open().then((r) => (r?.close(), r !== null))) {
          // The batches went to the kernel in one run each, no worker needed.
          assert(withRing.pool.ringRuns >= 3, `${withRing.pool.ringRuns}`);
          assertEquals(withRing.pool.ranHere, 0);
          assertEquals(rings(), ringsBefore + 1);
        }
      } finally {
        ref.symbols.close(dirfd);
        ref.symbols.close(filefd);
        withRing.close();
        without.close();
      }
    });
    assertEquals(rings(), ringsBefore, "the pool's ring is closed with it");
  },
});

Deno.test({
  name: "a failed lone stat gets its errno from the ring, not a worker",
  ignore: !linux,
  fn: async () => {
    if (await StatxRing.open().then((r) => (r?.close(), r === null))) return;
    const { pool: p, close } = pool(() => StatxRing.open());
    try {
      // Direct (nonblocking, errno lost), then the ring for the errno.
      assertEquals(
        (await statx(p, [AT_FDCWD, "/nonexistent/x", 0])).slice(0, 2),
        [-1, 2],
      );
      assertEquals(p.workers, 0);
      assertEquals(p.ringRuns, 1);
    } finally {
      close();
    }
  },
});

Deno.test({
  name: "without a ring, or with one that fails, batches run elsewhere",
  ignore: !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      const list = calls(root, AT_FDCWD, -1);
      const ref = Deno.dlopen(LIBC, LINUX_SYMBOLS);
      const want = list.map((c) => statxSync(ref, c));
      ref.close();
      // A ring that takes nothing (its descriptor closed under it): every
      // call comes back untaken and runs on a worker.
      let runs = 0;
      const pushed: number[] = [];
      const failing: BatchRing = {
        sym: "statx",
        get failed() {
          return runs > 0;
        },
        room: () => runs > 0 ? 0 : 1024,
        push(_fd, _path, _flags, _mask, _buf, tag) {
          pushed.push(tag);
        },
        submit(_done, back) {
          runs++;
          // Later, as a ring reports: never during submit() itself.
          const tags = pushed.splice(0);
          setTimeout(() => tags.forEach(back), 1);
        },
        close() {},
      };
      const openers: [string, () => Promise<BatchRing | null>][] = [
        ["none", () => Promise.resolve(null)],
        ["rejects", () => Promise.reject(new Error("no"))],
        [
          "throws",
          () => {
            throw new Error("no");
          },
        ],
        ["fails", () => Promise.resolve(failing)],
      ];
      for (const [what, opener] of openers) {
        const { pool: p, close } = pool(opener);
        try {
          for (let round = 0; round < 2; round++) {
            const got = await Promise.all(
              Array.from(
                { length: MANY >> 1 },
                (_, i) => statx(p, list[i % 16]),
              ),
            );
            got.forEach((g, i) => assertEquals(g, want[i % 16], what));
          }
          assertEquals(p.ringRuns, what === "fails" ? 1 : 0, what);
          assertEquals(p.inFlight, 0);
        } finally {
          close();
        }
      }
      assertEquals(runs, 1, "a failed ring is not used again");
    });
  },
});

Deno.test({
  name: "stat batches through the backend match statSync",
  ignore: !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      for (let i = 0; i < 50; i++) Deno.writeTextFileSync(`${root}/f${i}`, "x");
      const paths = Array.from(
        { length: 500 },
        (_, i) => i % 7 === 0 ? `${root}/none${i}` : `${root}/f${i % 50}`,
      );
      const got = await Promise.all(
        paths.map((p) => stat(p).then((s) => s.ino, (e) => e.code)),
      );
      paths.forEach((p, i) => {
        let want: unknown;
        try {
          want = statSync(p).ino;
        } catch (e) {
          want = (e as { code?: string }).code;
        }
        assertEquals(got[i], want, p);
      });
    });
  },
});

Deno.test({
  name: "uring: a burst after a quiet spell goes to the ring, workers or not",
  ignore: !linux,
  async fn() {
    const ok = await StatxRing.open().then((r) => (r?.close(), r !== null));
    if (!ok) return; // No io_uring here (qemu, an old kernel, a sandbox).
    const p = pool(() => StatxRing.open());
    try {
      const batch = () =>
        Promise.all(
          Array.from({ length: 256 }, () => statx(p.pool, [AT_FDCWD, "/", 0])),
        );
      await batch();
      // A request only a worker runs starts them (a ring takes only statx).
      p.pool.begin("close", 0);
      p.pool.int(1_000_000);
      assertEquals(await p.pool.end((r) => r.errno), 9);
      assert(p.pool.workers >= 1);
      // Workers ready, and a quiet spell (longer than the pool's 10 ms):
      // the workers are asleep, and the ring takes the next burst.
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const runs = p.pool.ringRuns;
        for (const g of await batch()) assertEquals(g[0], 0);
        assert(p.pool.ringRuns > runs, "the ring took the burst");
      }
      assertEquals(p.pool.inFlight, 0);
    } finally {
      p.close();
    }
  },
});
