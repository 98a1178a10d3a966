// Copyright 2026 the dirfd authors. MIT license.
// The async dispatcher (ffi/_pool.ts): calls run off the main thread, each
// with its own errno, the process exits as soon as it is done, idle workers
// are released.
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import {
  lstat,
  readLink,
  readLinkSync,
  stat,
  statSync,
  utime,
  utimeSync,
} from "../mod.ts";
import { backend } from "../_backend.ts";
import { CallPool } from "../ffi/_pool.ts";
import { LIBC, LINUX_SYMBOLS } from "../ffi/linux.ts";
import { ROOT, runDeno, thrown, withTempDir } from "./_helpers.ts";

const linux = Deno.build.os === "linux" && backend() !== null;

Deno.test({
  name: "async calls run on another thread, alone or in a batch",
  ignore: !linux,
  fn: async () => {
    // /proc/thread-self names the calling thread: pid/task/tid.
    const main = readLinkSync("/proc/thread-self");
    assertMatch(main, new RegExp(`^${Deno.pid}/task/\\d+$`));
    const alone = await readLink("/proc/thread-self");
    assertNotEquals(alone, main);
    const batch = await Promise.all(
      Array.from({ length: 200 }, () => readLink("/proc/thread-self")),
    );
    for (const t of batch) {
      assertMatch(t, new RegExp(`^${Deno.pid}/task/\\d+$`));
      assertNotEquals(t, main);
    }
  },
});

Deno.test({
  name: "each call in a batch reports its own errno",
  ignore: !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/file`, "");
      Deno.symlinkSync("loop", `${root}/loop`);
      const paths = [
        `${root}/file`,
        `${root}/missing`,
        `${root}/file/x`,
        `${root}/loop`,
        `${root}/${"n".repeat(300)}`,
        "a\0b",
      ];
      const many = Array.from(
        { length: 600 },
        (_, i) => paths[i % paths.length],
      );
      const got = await Promise.all(
        many.map((p) => stat(p).then((i) => i.ino, (e) => e)),
      );
      for (let i = 0; i < many.length; i++) {
        let want: unknown;
        try {
          want = statSync(many[i]).ino;
        } catch (e) {
          want = e;
        }
        if (want instanceof Error) {
          const g = got[i] as Error & { errno?: number };
          assertStrictEquals(g.constructor, want.constructor, many[i]);
          assertEquals(g.message, want.message);
          assertEquals(g.errno, (want as { errno?: number }).errno);
        } else {
          assertEquals(got[i], want);
        }
      }
    });
  },
});

Deno.test({
  name: "a failed lone call is re-run for its exact errno",
  ignore: !linux,
  fn: async () => {
    // A lone side-effect-free call goes through Deno's nonblocking FFI, where
    // errno is lost; the failure must still carry the right code.
    for (
      const [p, code] of [["/nonexistent/x", "ENOENT"], [
        "/etc/hostname/x",
        "ENOTDIR",
      ]]
    ) {
      const e = await lstat(p).then(() => null, (e) => e);
      assertEquals(e?.code, code);
      assertEquals(
        e?.message,
        thrown(() => statSync(p, { followSymlinks: false })).message,
      );
    }
  },
});

Deno.test({
  name: "a script doing one await stat() exits as soon as it is done",
  ignore: !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(
        `${root}/one.ts`,
        `import { stat } from "${ROOT}mod.ts";
         let done = 0;
         // The event loop is over: nothing (worker, timer) holds it open.
         addEventListener("unload", () =>
           console.log(Math.round(performance.now() - done)));
         console.log((await stat("/")).isDirectory);
         done = performance.now();`,
      );
      const r = await runDeno([
        "run",
        // The script lives outside the project: its import map resolves
        // the module's own imports (@std/path).
        "--config",
        `${ROOT}deno.json`,
        "--allow-ffi",
        "--allow-read",
        `${root}/one.ts`,
      ]);
      assertEquals(r.code, 0, r.stderr);
      const [ok, lag] = r.stdout.trim().split("\n");
      assertEquals(ok, "true");
      // The idle timer is 10 s; a worker or timer holding the process open
      // would keep the event loop alive that long. Measured in the script's
      // own clock from its last line to the end of its event loop, so that
      // start-up (seconds under qemu) and a loaded machine's scheduling of
      // the exit do not count; the bound is generous, far from 10 s.
      assert(
        Number(lag) < 8000,
        `event loop ended ${lag} ms after the last call`,
      );
    });
  },
});

Deno.test({
  name: "idle workers are released and come back on demand",
  ignore: !linux,
  fn: async () => {
    const lib = Deno.dlopen(LIBC, LINUX_SYMBOLS);
    const errno = new Deno.UnsafePointerView(lib.symbols.__errno_location()!);
    const pool = new CallPool(
      {
        path: LIBC,
        symbols: LINUX_SYMBOLS,
        errno: { kind: "pointer", sym: "__errno_location" },
      },
      { symbols: lib.symbols, errno: () => errno.getInt32(0) },
      2,
      50,
    );
    try {
      assertEquals(pool.workers, 0, "nothing starts before the first call");
      const call = () => {
        pool.begin("close", 0);
        pool.int(1_000_000);
        return pool.end((r) => [r.ret, r.errno]);
      };
      const rs = await Promise.all(Array.from({ length: 300 }, call));
      for (const r of rs) assertEquals(r, [-1, 9]); // EBADF, exactly
      assertEquals(pool.workers, 2);
      // Released after 50 ms idle: waited for, the clock only an upper
      // bound (a loaded machine runs timers late).
      for (let i = 0; i < 600 && pool.workers !== 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assertEquals(pool.workers, 0, "released after 50 ms idle");
      assertEquals(await call(), [-1, 9]);
      assertEquals(pool.inFlight, 0);
    } finally {
      pool.close();
      lib.close();
    }
  },
});

Deno.test({
  name: "a lone call after a batch or a failed lone call still goes direct",
  ignore: !linux,
  fn: async () => {
    // Regression: the flag that marks a tick as batched was set by the
    // flush's own post (and by retries), so after the first batch every lone
    // call took the slower worker hand-off for the rest of the process.
    const d = directPool();
    const pool = d.pool;
    // close() of a descriptor that cannot be open: harmless, fails EBADF.
    const call = () => {
      pool.begin("close", 0);
      pool.int(1_000_000);
      return pool.end((r) => [r.ret, r.errno]);
    };
    // stat("/") succeeds: a lone call that needs no retry starts no worker.
    const ok = () => d.st("/");
    try {
      assertEquals(await ok(), 0);
      assertEquals(pool.workers, 0, "a direct call that succeeds needs none");
      assertEquals(await call(), [-1, 9], "re-run on a worker for errno");
      assertEquals(pool.workers, 1, "the retry started one");
      assertEquals(d.counts.close, 1, "a lone call goes direct");
      assertEquals(await call(), [-1, 9]);
      assertEquals(
        d.counts.close,
        2,
        "still direct after a failed direct call",
      );
      const rs = await Promise.all(Array.from({ length: 300 }, call));
      for (const r of rs) assertEquals(r, [-1, 9]);
      assertEquals(d.counts.close, 2, "a batch never goes direct");
      assertEquals(pool.workers, 2);
      assertEquals(await call(), [-1, 9]);
      assertEquals(
        d.counts.close,
        3,
        "a lone call after a batch goes direct again",
      );
      assertEquals(await Promise.all([call(), call()]), [[-1, 9], [
        -1,
        9,
      ]]);
      assertEquals(d.counts.close, 3, "two calls in one tick are a batch");
      assertEquals(pool.inFlight, 0);
    } finally {
      d.dispose();
    }
  },
});

/**
 * A multi-call task as the Windows backend writes them: open, read the
 * thread's name, close; the error code read before the clean-up call.
 */
function openReadClose(
  // deno-lint-ignore no-explicit-any
  s: any,
  path: Uint8Array,
  out: Uint8Array,
): number {
  const fd = s.openat(-100, path, 0x80000); // O_RDONLY | O_CLOEXEC
  if (fd < 0) {
    return -new Deno.UnsafePointerView(s.__errno_location()).getInt32(0);
  }
  const self = new TextEncoder().encode("/proc/thread-self\0");
  const n = Number(s.readlinkat(-100, self, out, 64));
  s.close(fd);
  return n;
}

Deno.test({
  name: "a task runs its calls on a worker, or here when no worker can",
  ignore: !linux,
  fn: async () => {
    const lib = Deno.dlopen(LIBC, LINUX_SYMBOLS);
    const errno = new Deno.UnsafePointerView(lib.symbols.__errno_location()!);
    const main = readLinkSync("/proc/thread-self");
    // Descriptors open on "/", the directory the tasks open (workers open
    // descriptors of their own, and give them back on their own schedule).
    const fds = () =>
      [...Deno.readDirSync("/proc/self/fd")].filter((e) => {
        try {
          return Deno.readLinkSync(`/proc/self/fd/${e.name}`) === "/";
        } catch {
          return false;
        }
      }).length;
    const before = fds();
    for (const path of [LIBC, "/nonexistent-dirfd-lib.so"]) {
      const pool = new CallPool(
        {
          path,
          symbols: LINUX_SYMBOLS,
          errno: { kind: "pointer", sym: "__errno_location" },
          tasks: { openReadClose },
        },
        { symbols: lib.symbols, errno: () => errno.getInt32(0) },
        2,
      );
      const call = (p: string) => {
        pool.begin("openReadClose", 200);
        pool.str(p);
        pool.out(64);
        return pool.end((r) =>
          r.ret < 0 ? -r.errno : new TextDecoder().decode(
            r.u8.slice(r.out, r.out + r.ret),
          )
        );
      };
      try {
        const rs = await Promise.all(
          Array.from({ length: 100 }, (_, i) => call(i % 2 ? "/" : "/no/such")),
        );
        for (let i = 0; i < rs.length; i++) {
          if (i % 2 === 0) {
            assertEquals(rs[i], -2, "ENOENT, read before close()");
            continue;
          }
          assertMatch(String(rs[i]), new RegExp(`^${Deno.pid}/task/\\d+$`));
          if (path === LIBC) assertNotEquals(rs[i], main, "on a worker");
          else assertEquals(rs[i], main, "no worker: run here, same result");
        }
        assertEquals(pool.ranHere, path === LIBC ? 0 : 100);
      } finally {
        pool.close();
      }
    }
    lib.close();
    assertEquals(fds(), before, "every descriptor the tasks opened is closed");
  },
});

/**
 * A pool over libc whose `statx` and `close` have direct (`nonblocking`)
 * bindings, each use counted in `counts`; `st(path)` is one statx request
 * (0 or its errno).
 */
function directPool() {
  const lib = Deno.dlopen(LIBC, LINUX_SYMBOLS);
  const nb = Deno.dlopen(LIBC, {
    close: { ...LINUX_SYMBOLS.close, nonblocking: true },
    statx: { ...LINUX_SYMBOLS.statx, nonblocking: true },
  });
  const errno = new Deno.UnsafePointerView(lib.symbols.__errno_location()!);
  const counts = { statx: 0, close: 0 };
  const pool = new CallPool(
    {
      path: LIBC,
      symbols: LINUX_SYMBOLS,
      errno: { kind: "pointer", sym: "__errno_location" },
    },
    {
      symbols: lib.symbols,
      errno: () => errno.getInt32(0),
      direct: {
        close: (fd: never) => {
          counts.close++;
          return nb.symbols.close(fd);
        },
        statx: (...a: never[]) => {
          counts.statx++;
          return (nb.symbols.statx as (...a: never[]) => Promise<number>)(
            ...a,
          );
        },
      },
    },
    2,
  );
  const st = (p: string) => {
    pool.begin("statx", 64 + 256);
    pool.int(-100);
    pool.str(p);
    pool.int(0);
    pool.int(0xfff);
    pool.out(256);
    return pool.end((r) => r.ret === 0 ? 0 : r.errno);
  };
  return {
    pool,
    st,
    counts,
    dispose() {
      pool.close();
      lib.close();
      nb.close();
    },
  };
}

Deno.test({
  name: "a cold pool whose batches leave no quiet moment still starts its " +
    "workers, after 16,384 direct calls",
  ignore: !linux,
  fn: async () => {
    const d = directPool();
    const pool = d.pool;
    const batch = async () => {
      const rs = await Promise.all(
        Array.from({ length: 1024 }, () => d.st("/")),
      );
      for (const r of rs) assertEquals(r, 0);
    };
    try {
      // Back to back: each batch is issued as the last one completes, so
      // the pool is never quiet (its own start timer finds calls in flight).
      for (let i = 0; i < 15; i++) await batch();
      assertEquals(d.counts.statx, 15 * 1024);
      assertEquals(pool.workers, 0, "not yet: a start blocks this thread");
      await batch();
      await batch();
      assert(pool.workers >= 1, "started, though never quiet");
      // Once one is ready, the batches go to the workers.
      for (let i = 0; i < 600; i++) {
        const before = d.counts.statx;
        await batch();
        if (d.counts.statx === before) break;
      }
      const before = d.counts.statx;
      await batch();
      assertEquals(d.counts.statx, before, "no longer direct");
      assertEquals(pool.inFlight, 0);
    } finally {
      d.dispose();
    }
  },
});

/** A task that reads the name of the thread it runs on into `out`. */
function threadName(
  // deno-lint-ignore no-explicit-any
  s: any,
  out: Uint8Array,
): number {
  const self = new TextEncoder().encode("/proc/thread-self\0");
  return Number(s.readlinkat(-100, self, out, 64));
}

Deno.test({
  name:
    "a cold pool runs cold-safe requests here within its allowance, never others",
  ignore: !linux,
  fn: async () => {
    const lib = Deno.dlopen(LIBC, LINUX_SYMBOLS);
    const errno = new Deno.UnsafePointerView(lib.symbols.__errno_location()!);
    const main = readLinkSync("/proc/thread-self");
    const make = (coldMs: number) =>
      new CallPool(
        {
          path: LIBC,
          symbols: LINUX_SYMBOLS,
          errno: { kind: "pointer", sym: "__errno_location" },
          // The same task under two names: only the first is cold-safe.
          tasks: { safeName: threadName, otherName: threadName },
          coldSafe: ["safeName"],
        },
        { symbols: lib.symbols, errno: () => errno.getInt32(0) },
        2,
        undefined,
        coldMs,
      );
    const where = (pool: CallPool, task: string) => {
      pool.begin(task, 64, task === "safeName");
      pool.out(64);
      return pool.end((r) =>
        new TextDecoder().decode(r.u8.slice(r.out, r.out + r.ret))
      );
    };
    const pools: CallPool[] = [];
    try {
      // Cold, with an allowance: a walk's requests run here, one after the
      // other, and no worker starts in their midst.
      const cold = make(60_000);
      pools.push(cold);
      for (let i = 0; i < 20; i++) {
        assertEquals(await where(cold, "safeName"), main);
      }
      const batch = await Promise.all(
        Array.from({ length: 20 }, () => where(cold, "safeName")),
      );
      for (const t of batch) assertEquals(t, main);
      assertEquals(cold.ranHere, 40);
      assertEquals(cold.workers, 0, "no worker started in the middle");
      assert(cold.coldLeft > 0);
      // Anything else goes to a worker, cold or not (it may wait without
      // end: a FIFO's open, a lock).
      const other = await where(cold, "otherName");
      assertMatch(other, new RegExp(`^${Deno.pid}/task/\\d+$`));
      assertNotEquals(other, main, "a request not cold-safe ran on a worker");
      assertEquals(cold.ranHere, 40);
      // The allowance spent: cold-safe requests go to the workers too.
      cold.coldLeft = 0;
      assertEquals(cold.coldLeft, 0);
      assertNotEquals(await where(cold, "safeName"), main);
      assertEquals(cold.ranHere, 40);
      // Without an allowance (the default), nothing runs here at all.
      const none = make(0);
      pools.push(none);
      assertEquals(none.coldLeft, 0);
      assertNotEquals(await where(none, "safeName"), main);
      assertEquals(none.ranHere, 0);
      // Once a worker is ready, an allowance left over is not used.
      const warm = make(60_000);
      pools.push(warm);
      assertNotEquals(await where(warm, "otherName"), main);
      assertNotEquals(await where(warm, "safeName"), main);
      assertEquals(warm.ranHere, 0);
    } finally {
      for (const p of pools) p.close();
      lib.close();
    }
  },
});

Deno.test({
  name: "no request can break the pool: bad ones fail alone, 10,000 after",
  ignore: !linux,
  fn: async () => {
    const lib = Deno.dlopen(LIBC, LINUX_SYMBOLS);
    const nb = Deno.dlopen(LIBC, {
      statx: { ...LINUX_SYMBOLS.statx, nonblocking: true },
    });
    const errno = new Deno.UnsafePointerView(lib.symbols.__errno_location()!);
    const pool = new CallPool(
      {
        path: LIBC,
        symbols: LINUX_SYMBOLS,
        errno: { kind: "pointer", sym: "__errno_location" },
      },
      {
        symbols: lib.symbols,
        errno: () => errno.getInt32(0),
        direct: {
          statx: nb.symbols.statx as (...a: never[]) => Promise<number>,
        },
      },
      2,
    );
    // statx(dirfd, path, 0, STATX_BASIC_STATS, out): [ret, errno].
    const statx = (
      path: string,
      opts: { dirfd?: number; room?: number; decode?: () => never } = {},
    ) => {
      pool.begin("statx", opts.room ?? 64 + 256 + path.length * 3);
      pool.int(opts.dirfd ?? -100);
      pool.str(path);
      pool.int(0);
      pool.int(0xfff);
      pool.out(256);
      return pool.end(
        opts.decode ?? ((r) => [r.ret, r.ret < 0 ? r.errno : 0]),
      );
    };
    const long = "a".repeat(1_000_000);
    // Every kind of bad request, each of which used to corrupt the arena it
    // was in or throw where no promise could catch it.
    const hostile = async () => {
      // A decoder that throws: its own promise rejects, clearly.
      const e1 = await assertRejects(() =>
        statx("/", {
          decode: () => {
            throw new Error("boom");
          },
        }), Error);
      assertMatch(e1.message, /statx.*boom/);
      // Larger than an arena, said up front or not: run as the sync call is,
      // with the kernel's ENAMETOOLONG (36).
      assertEquals(await statx(long), [-1, 36]);
      assertEquals(await statx(long, { room: 0 }), [-1, 36]);
      // A builder that throws halfway (begun, never ended).
      assertThrows(() => {
        pool.begin("statx", 400);
        pool.int(-100);
        pool.str("/half-built");
        throw new Error("the caller's own bug");
      });
      // An argument the FFI refuses (-0 for an i32) on every thread.
      const e2 = await assertRejects(() => statx("/", { dirfd: -0 }), Error);
      assertMatch(e2.message, /statx.*Invalid FFI/);
    };
    const n = Deno.build.arch === "aarch64" ? 2_000 : 10_000;
    const batch = 500;
    try {
      let done = 0;
      while (done < n) {
        const hostileRun = hostile();
        const calls = Array.from(
          { length: batch },
          (_, i) => statx(i % 3 === 0 ? "/no/such/dirfd" : "/"),
        );
        // A lone call too, which goes direct (and is retried when it fails).
        const rs = [...await Promise.all(calls), await statx("/")];
        await hostileRun;
        for (let i = 0; i < batch; i++) {
          assertEquals(rs[i], i % 3 === 0 ? [-1, 2] : [0, 0], `call ${i}`);
        }
        assertEquals(rs[batch], [0, 0]);
        done += batch + 1;
      }
      assertEquals(pool.inFlight, 0);
    } finally {
      pool.close();
      lib.close();
      nb.close();
    }
  },
});

Deno.test({
  name: "an over-long path fails as the sync twin does, and the pool goes on",
  ignore: backend() === null,
  fn: async () => {
    const long = "a".repeat(1_000_000);
    const here = Deno.cwd();
    type Sys = Error & { errno: number };
    for (
      const [sync, async] of [
        [() => statSync(long), () => stat(long)],
        [() => readLinkSync(long), () => readLink(long)],
        ...(Deno.build.os === "windows" ? [] : [
          [() => utimeSync(long, 0, 0), () => utime(long, 0, 0)],
        ]),
      ] as [() => unknown, () => Promise<unknown>][]
    ) {
      const want = thrown(sync) as Sys;
      const got = await assertRejects(async, Error) as Sys;
      assertEquals(got.constructor, want.constructor);
      assertEquals(got.errno, want.errno);
      assertEquals(got.message, want.message);
    }
    assertEquals((await stat(here)).isDirectory, true);
    const many = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => i % 10 ? stat(here) : stat(long)),
    );
    for (let i = 0; i < many.length; i++) {
      assertEquals(many[i].status, i % 10 ? "fulfilled" : "rejected");
    }
    assertEquals((await stat(here)).isDirectory, true);
  },
});

Deno.test({
  name:
    "a cold pool runs a batch through direct bindings, exact errno, and starts its workers once quiet",
  ignore: !linux,
  fn: async () => {
    const d = directPool();
    const pool = d.pool;
    // statx of "/" succeeds; of a missing name fails with ENOENT (2), and
    // of a name under a file with ENOTDIR (20): exact, though direct calls
    // lose errno (a failed one is run again for it).
    const st = d.st;
    const paths = (n: number) =>
      Array.from(
        { length: n },
        (_, i) =>
          i % 3 === 0 ? "/" : i % 3 === 1 ? "/no/such/name" : "/etc/hostname/x",
      );
    const want = (n: number) => paths(n).map((_, i) => [0, 2, 20][i % 3]);
    try {
      assertEquals(await Promise.all(paths(300).map(st)), want(300));
      assertEquals(
        d.counts.statx,
        300,
        "every request of the cold batch went direct",
      );
      assertEquals(pool.workers, 0, "no worker started in the middle of it");
      assert(pool.directRuns >= 2, "in chunks");
      // Quiet now: the workers start on a later turn (bounded wait; a
      // loaded machine runs timers late).
      for (let i = 0; i < 600 && pool.workers < 2; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assertEquals(pool.workers, 2, "started once the pool was quiet");
      // Once a worker is ready, batches go to the workers.
      for (let i = 0; i < 600; i++) {
        const before = d.counts.statx;
        assertEquals(await Promise.all(paths(300).map(st)), want(300));
        if (d.counts.statx === before) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const runs = pool.directRuns;
      const before = d.counts.statx;
      assertEquals(await Promise.all(paths(300).map(st)), want(300));
      assertEquals(
        d.counts.statx,
        before,
        "a warm pool's batch never goes direct",
      );
      assertEquals(pool.directRuns, runs);
      assertEquals(pool.inFlight, 0);
    } finally {
      d.dispose();
    }
  },
});
