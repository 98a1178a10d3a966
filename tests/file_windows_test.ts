// Copyright 2026 the dirfd authors. MIT license.
// Windows open()/File: the flag plan on every OS; real files on Windows
// (run under Wine with `.ci/wine.sh tests/file_windows_test.ts`).
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { WIN, windowsOpenPlan } from "../ffi/_file_windows.ts";
import type { CallPool } from "../ffi/_pool.ts";
import { backend } from "../_backend.ts";
import {
  create,
  File,
  mkdir,
  open,
  openDirSync,
  openSync,
  readFile,
  readFileSync,
  readTextFileSync,
  supportsDirFd,
  writeFile,
  writeFileSync,
  writeTextFileSync,
} from "../mod.ts";
import { openFlags } from "../open.ts";
import { servedWhileWaiting } from "./_helpers.ts";
import { WINDOWS_FILE_CONSTANTS as C } from "../ffi/_file_windows.ts";

const windows = { ignore: Deno.build.os !== "windows" };
const enc = new TextEncoder();

Deno.test("windows open plan: Rust std's access and dispositions, Go's NT mapping", () => {
  const plan = (o: Deno.OpenOptions) =>
    windowsOpenPlan(openFlags(o, C, "p").flags);
  assertEquals(plan({ read: true }), {
    access: WIN.GENERIC_READ,
    disposition: WIN.OPEN_EXISTING,
    ntDisposition: WIN.FILE_OPEN,
    truncate: false,
    nofollow: false,
  });
  assertEquals(
    plan({ write: true, create: true, truncate: true }).disposition,
    WIN.CREATE_ALWAYS,
  );
  assertEquals(
    plan({ write: true, create: true }).disposition,
    WIN.OPEN_ALWAYS,
  );
  assertEquals(
    plan({ write: true, truncate: true }).disposition,
    WIN.TRUNCATE_EXISTING,
  );
  const cn = plan({ write: true, createNew: true, truncate: true });
  assertEquals([cn.disposition, cn.ntDisposition, cn.truncate], [
    WIN.CREATE_NEW,
    WIN.FILE_CREATE,
    false,
  ]);
  const t = plan({ read: true, write: true, create: true, truncate: true });
  assertEquals([t.access, t.ntDisposition, t.truncate], [
    (WIN.GENERIC_READ | WIN.GENERIC_WRITE) >>> 0,
    WIN.FILE_OPEN_IF,
    true,
  ]);
  assertEquals(
    plan({ append: true }).access,
    WIN.APPEND,
    "no FILE_WRITE_DATA: writes go to the end",
  );
  assertEquals(
    plan({ read: true, append: true }).access,
    ((WIN.GENERIC_READ | WIN.APPEND) >>> 0) >>> 0,
  );
  assertEquals(
    windowsOpenPlan(openFlags({ followSymlinks: false }, C, "p").flags)
      .nofollow,
    true,
  );
});

Deno.test(
  "windows: open/File read, write, seek, lock, dirFd, whole files",
  windows,
  async () => {
    const root = Deno.makeTempDirSync();
    try {
      using dir = openDirSync(root);
      assert(supportsDirFd.has(openSync));
      {
        using f = openSync("a.txt", {
          dirFd: dir,
          read: true,
          write: true,
          create: true,
        });
        assertEquals(f.writeSync(enc.encode("hello world")), 11);
        assertEquals(f.seekSync(0, Deno.SeekMode.Start), 0);
        const buf = new Uint8Array(5);
        assertEquals(f.readSync(buf), 5);
        assertEquals(new TextDecoder().decode(buf), "hello");
        assertEquals(f.readAtSync(buf, 6), 5);
        assertEquals(new TextDecoder().decode(buf), "world");
        assertEquals(f.statSync().size, 11);
        assertEquals(f.tryLockSync(true), true);
        f.unlockSync();
        f.truncateSync(5);
        f.syncSync();
      }
      assertEquals(Deno.readTextFileSync(`${root}/a.txt`), "hello");
      const e = assertThrows(
        () => openSync("a.txt", { dirFd: dir, write: true, createNew: true }),
        Deno.errors.AlreadyExists,
      );
      assert(e.message.endsWith(": open 'a.txt'"), e.message);
      assertThrows(
        () => openSync("missing", { dirFd: dir }),
        Deno.errors.NotFound,
      );
      assertThrows(() => openSync(`${root}\\missing`), Deno.errors.NotFound);
      // Truncation through dirFd (NT open + set length), append through a path.
      openSync("a.txt", { dirFd: dir, write: true, truncate: true }).close();
      assertEquals(Deno.statSync(`${root}/a.txt`).size, 0);
      writeTextFileSync(`${root}/b.txt`, "x");
      writeTextFileSync(`${root}/b.txt`, "y", { append: true });
      assertEquals(Deno.readTextFileSync(`${root}/b.txt`), "xy");
      writeFileSync("c.bin", new Uint8Array([1, 2, 3]), { dirFd: dir });
      assertEquals(
        readFileSync("c.bin", { dirFd: dir }),
        new Uint8Array([1, 2, 3]),
      );
      await writeFile("d.bin", new Uint8Array(100_000).fill(9), { dirFd: dir });
      assertEquals((await readFile("d.bin", { dirFd: dir })).length, 100_000);
      // atomic needs renameAt/unlinkAt in the Windows backend (issue 14).
      try {
        writeFileSync("e.txt", enc.encode("atomic"), {
          dirFd: dir,
          atomic: true,
        });
        assertEquals(readTextFileSync("e.txt", { dirFd: dir }), "atomic");
      } catch (e) {
        assert(e instanceof Deno.errors.NotSupported, String(e));
      }
      await using g = await create("f.txt", { dirFd: dir });
      assertEquals(await g.write(enc.encode("async")), 5);
      assertEquals(await g.seek(0, Deno.SeekMode.Start), 0);
      const buf = new Uint8Array(8);
      assertEquals(await g.read(buf), 5);
      assertEquals(await g.read(buf), null);
    } finally {
      Deno.removeSync(root, { recursive: true });
    }
  },
);

/**
 * How many of `paths` some handle has open: a `CreateFileW` that shares
 * nothing fails with ERROR_SHARING_VIOLATION while any handle is open on
 * the file (the Windows stand-in for `openFdsIn`, which counts this
 * process's descriptors on a tree).
 */
function openHandlesOn(paths: string[]): number {
  const k = Deno.dlopen("kernel32.dll", {
    CreateFileW: {
      parameters: ["buffer", "u32", "u32", "pointer", "u32", "u32", "isize"],
      result: "isize",
    },
    CloseHandle: { parameters: ["isize"], result: "i32" },
    GetLastError: { parameters: [], result: "u32" },
  });
  try {
    let n = 0;
    for (const p of paths) {
      const name = new Uint16Array(p.length + 1);
      for (let i = 0; i < p.length; i++) name[i] = p.charCodeAt(i);
      // GENERIC_READ (FILE_READ_DATA takes part in the sharing check, the
      // attributes alone would not), no sharing, OPEN_EXISTING,
      // FILE_FLAG_BACKUP_SEMANTICS (for a directory).
      const h = k.symbols.CreateFileW(
        name,
        0x80000000,
        0,
        null,
        3,
        0x02000000,
        0n,
      );
      if (Number(h) === -1) {
        const e = k.symbols.GetLastError();
        assertEquals(e, 32, `${p}: only a sharing violation`);
        n++;
      } else {
        k.symbols.CloseHandle(h);
      }
    }
    return n;
  } finally {
    k.close();
  }
}

/** The backend's pool (the async calls' workers). */
function pool(): CallPool {
  return (backend()!.async as unknown as { pool(): CallPool }).pool();
}

/**
 * Runs `call`, checking it went to the pool and ran on a worker. A File's
 * read asks the handle's kind first (once; later reads know it), so
 * its pool request goes out a few microtasks later; a request stays in
 * flight until a worker's reply, which no microtask brings.
 */
async function pooled<T>(what: string, call: () => Promise<T>): Promise<T> {
  const before = pool().inFlight;
  const here = pool().ranHere;
  const p = call();
  let sent = pool().inFlight > before;
  for (let i = 0; i < 20 && !sent; i++) {
    await Promise.resolve();
    sent = pool().inFlight > before;
  }
  assert(sent, `${what} is a pool request`);
  const r = await p;
  assertEquals(pool().ranHere, here, `${what} ran on a worker`);
  return r;
}

/** The fields of an error that must match between the sync and async twins. */
function shape(e: unknown) {
  assert(e instanceof Error, String(e));
  const x = e as Error & { code?: string; errno?: number };
  return [e.constructor.name, x.code, x.errno, e.message];
}

Deno.test(
  "windows: async File calls run on the pool, round trip, and report the sync error codes",
  windows,
  async () => {
    const root = Deno.makeTempDirSync();
    try {
      {
        await using dir = await openDirSync(root);
        // Open through the NT path (dirFd) and through CreateFileW.
        const f = await pooled(
          "open",
          () =>
            open("a.bin", {
              dirFd: dir,
              read: true,
              write: true,
              create: true,
            }),
        );
        // The probe sees open handles (so the counts below can fail).
        assertEquals(openHandlesOn([root, `${root}\\a.bin`]), 2);
        // A File's first read or write asks the handle's kind (GetFileType
        // on Deno's blocking threads): a disk file, so the pool serves it.
        assertEquals(await backend()!.fileAsync!.waits!(f.fd), false);
        assertEquals(await f.write(enc.encode("hello")), 5);
        assertEquals(
          await pooled("write", () => f.write(enc.encode(" world"))),
          6,
        );
        assertEquals(await f.seek(0, Deno.SeekMode.Current), 11);
        assertEquals(
          await pooled("writeAt", () => f.writeAt(enc.encode("HE"), 0)),
          2,
        );
        const buf = new Uint8Array(5);
        assertEquals(await pooled("readAt", () => f.readAt(buf, 6)), 5);
        assertEquals(new TextDecoder().decode(buf), "world");
        assertEquals(await pooled("readAt", () => f.readAt(buf, 11)), null);
        assertEquals(await f.seek(0, Deno.SeekMode.Start), 0);
        assertEquals(await pooled("read", () => f.read(buf)), 5);
        assertEquals(new TextDecoder().decode(buf), "HEllo");
        await pooled("sync", () => f.sync());
        await pooled("syncData", () => f.syncData());
        assertEquals((await pooled("stat", () => f.stat())).size, 11);
        assertEquals(await pooled("tryLock", () => f.tryLock(true)), true);
        await pooled("unlock", () => f.unlock());
        // Positions beyond 4 GiB travel as two 32-bit halves.
        const far = 2 ** 32 + 3;
        assertEquals(await f.writeAt(enc.encode("z"), far), 1);
        assertEquals((await f.stat()).size, far + 1);
        const one = new Uint8Array(1);
        assertEquals(await f.readAt(one, far), 1);
        assertEquals(one[0], 0x7a);
        assertEquals(f.readAtSync(one, BigInt(far)), 1);
        await f.truncate(0);
        f.close();

        // Errors read on the worker: the same as the sync twin's.
        const abs = `${root}\\a.bin`;
        for (
          const [what, sync, async] of [
            [
              "open missing (NT)",
              () => openSync("missing", { dirFd: dir }),
              () => open("missing", { dirFd: dir }),
            ],
            [
              "open missing (Win32)",
              () => openSync(`${root}\\missing`),
              () => open(`${root}\\missing`),
            ],
            [
              "createNew existing (NT)",
              () =>
                openSync("a.bin", { dirFd: dir, write: true, createNew: true }),
              () => open("a.bin", { dirFd: dir, write: true, createNew: true }),
            ],
            [
              "createNew existing (Win32)",
              () => openSync(abs, { write: true, createNew: true }),
              () => open(abs, { write: true, createNew: true }),
            ],
          ] as const
        ) {
          const want = shape(assertThrows(sync));
          const got = shape(
            await assertRejects(async () => {
              await pooled(what, async);
            }),
          );
          assertEquals(got, want, what);
          assert(want[2] !== 0 && typeof want[2] === "number", what);
        }
        assertEquals(
          shape(assertThrows(() => openSync("missing", { dirFd: dir })))[0],
          "NotFound",
        );
        // Reading a write-only file, writing a read-only one, unlocking
        // what is not locked (ERROR_ACCESS_DENIED; ERROR_NOT_LOCKED on
        // Windows, ERROR_LOCK_VIOLATION under Wine 10).
        await using w = await open(abs, { write: true });
        await using r = await open(abs);
        assertEquals(await w.write(new Uint8Array(0)), 0);
        assertEquals(await r.read(new Uint8Array(0)), 0);
        const cases: [string, () => unknown, () => Promise<unknown>][] = [
          ["read", () => w.readSync(buf), () => w.read(buf)],
          ["readAt", () => w.readAtSync(buf, 0), () => w.readAt(buf, 0)],
          ["write", () => r.writeSync(buf), () => r.write(buf)],
          ["writeAt", () => r.writeAtSync(buf, 0), () => r.writeAt(buf, 0)],
          ["unlock", () => r.unlockSync(), () => r.unlock()],
        ];
        for (const [what, sync, async] of cases) {
          const want = shape(assertThrows(sync));
          const got = shape(
            await assertRejects(() => pooled(what, async) as Promise<unknown>),
          );
          assertEquals(got, want, what);
        }
        // The readable stream's reads: straight into its own chunk on Deno's
        // blocking threads (no pool request); a failure is read again on
        // the pool for its code.
        const a = backend()!.fileAsync!;
        assertEquals(await w.writeAt(enc.encode("abcde"), 0), 5);
        await r.seek(0, Deno.SeekMode.Start);
        const before = pool().inFlight;
        const direct = a.readDirect(r.fd, buf);
        assertEquals(pool().inFlight, before, "not a pool request");
        assertEquals(await direct, 5);
        assertEquals(new TextDecoder().decode(buf), "abcde");
        assertEquals(await a.readDirect(w.fd, buf), -5);
      }
      assertEquals(openHandlesOn([root, `${root}\\a.bin`]), 0);
    } finally {
      Deno.removeSync(root, { recursive: true });
    }
  },
);

Deno.test(
  "windows: lock() waits off the event loop while another process holds the lock",
  windows,
  async () => {
    const root = Deno.makeTempDirSync();
    const p = `${root}\\lock`;
    try {
      Deno.writeTextFileSync(p, "");
      // A child holds an exclusive lock (Deno's own FsFile: LockFileEx) until
      // its stdin closes, then closes the file (which releases it; Deno's
      // unlockSync fails under Wine 10 with ERROR_LOCK_VIOLATION), or gives
      // up after a generous bound (so that a lock taken on the main thread
      // fails this test instead of hanging it).
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "eval",
          `const f = Deno.openSync(${
            JSON.stringify(p)
          }, { read: true, write: true });
           f.lockSync(true); console.log("locked");
           const t = setTimeout(() => Deno.exit(3), 60_000);
           await Deno.stdin.read(new Uint8Array(1)); f.close();
           clearTimeout(t);`,
        ],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const lines = child.stdout.pipeThrough(new TextDecoderStream())
        .getReader();
      assertEquals((await lines.read()).value?.trim(), "locked");
      {
        await using f = await open(p, { read: true, write: true });
        assertEquals(f.tryLockSync(true), false);
        assertEquals(await f.tryLock(true), false);
        assertEquals(await f.tryLock(false), false);
        const order: string[] = [];
        const locked = f.lock(true).then(() => order.push("locked"));
        // Fires only if the loop runs while lock() waits; the child lets go
        // only after it fired.
        setTimeout(() => {
          order.push("timer");
          child.stdin.close();
        }, 0);
        await locked;
        assertEquals(order, ["timer", "locked"]);
        const errors = await new Response(child.stderr).text();
        assertEquals((await child.status).code, 0, errors);
        await lines.cancel();
        // Held here now: the lock is this File's until unlocked.
        await f.unlock();
        assertEquals(await f.tryLock(false), true);
        await f.unlock();
      }
      assertEquals(openHandlesOn([p]), 0);
    } finally {
      Deno.removeSync(root, { recursive: true });
    }
  },
);

Deno.test(
  "windows: readable and writable streams go through the pool",
  windows,
  async () => {
    const root = Deno.makeTempDirSync();
    try {
      const data = new Uint8Array(3 * 1024 * 1024 + 5);
      for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
      await writeFile(`${root}\\src`, data);
      {
        const src = await open(`${root}\\src`);
        const dst = await open(`${root}\\dst`, { write: true, create: true });
        await src.readable.pipeTo(dst.writable);
        assert(src.closed && dst.closed);
      }
      assertEquals(await readFile(`${root}\\dst`), data);
      assertEquals(openHandlesOn([`${root}\\src`, `${root}\\dst`]), 0);
    } finally {
      Deno.removeSync(root, { recursive: true });
    }
  },
);

/** Anonymous pipes (`CreatePipe`): `[read end, write end]` handles. */
function pipes(n: number, size: number): [number, number][] {
  const k = Deno.dlopen("kernel32.dll", {
    CreatePipe: {
      parameters: ["buffer", "buffer", "pointer", "u32"],
      result: "i32",
    },
  });
  try {
    return Array.from({ length: n }, () => {
      const r = new BigInt64Array(1), w = new BigInt64Array(1);
      assert(k.symbols.CreatePipe(r, w, null, size) !== 0, "CreatePipe");
      return [Number(r[0]), Number(w[0])];
    });
  } finally {
    k.close();
  }
}

Deno.test(
  "windows: reads and writes that wait on pipes hold no pool worker",
  windows,
  async () => {
    const root = Deno.makeTempDirSync();
    const dec = new TextDecoder();
    // More waiters than the pool has workers (two).
    const ends = pipes(4, 4096);
    const readers = ends.map(([r]) => File.fromFd(r));
    const writers = ends.map(([, w]) => File.fromFd(w));
    try {
      for (const f of readers) {
        assertEquals(await backend()!.fileAsync!.waits!(f.fd), true);
      }
      // Each File asks its handle's kind once, on its first read or write:
      // ask now (a write to a read end, a read from a write end: failures
      // on Deno's threads, repeated on the pool for their code), so that the
      // reads and writes below go out at once, ahead of the batch.
      for (const f of readers) {
        const e = await assertRejects(() => f.write(enc.encode("x")));
        assertEquals((e as { errno?: number }).errno, 5); // ACCESS_DENIED
      }
      for (const f of writers) {
        await assertRejects(() => f.read(new Uint8Array(4)));
      }
      const reads = readers.map(async (f) => {
        const buf = new Uint8Array(16);
        const n = await f.read(buf);
        return dec.decode(buf.subarray(0, n ?? 0));
      });
      await servedWhileWaiting(
        () => Promise.all([mkdir(`${root}\\d1`), mkdir(`${root}\\d2`)]),
        () => writers.forEach((w, i) => w.writeSync(enc.encode(`to ${i}`))),
      );
      assertEquals(await Promise.all(reads), ["to 0", "to 1", "to 2", "to 3"]);
      // More than the pipe holds: each write waits until a reader drains it.
      const big = new Uint8Array(256 * 1024).fill(7);
      const writes = writers.map((f) => f.write(big));
      const drained: Promise<number>[] = [];
      // The readers drain through a binding of the test's own, on Deno's
      // blocking threads: were a write holding a pool worker, a drain through
      // the pool could queue behind it, and this test would hang, not fail.
      const k = Deno.dlopen("kernel32.dll", {
        ReadFile: {
          parameters: ["isize", "buffer", "u32", "buffer", "pointer"],
          result: "i32",
          nonblocking: true,
        },
      });
      await servedWhileWaiting(
        () => Promise.all([mkdir(`${root}\\d3`), mkdir(`${root}\\d4`)]),
        () => {
          for (const [r] of ends) {
            drained.push((async () => {
              let total = 0;
              const buf = new Uint8Array(64 * 1024);
              const count = new Uint32Array(1);
              while (total < big.length) {
                const ok = await k.symbols.ReadFile(
                  BigInt(r),
                  buf,
                  buf.length,
                  count,
                  null,
                );
                assert(ok !== 0, "ReadFile");
                total += count[0];
              }
              return total;
            })());
          }
        },
      );
      const wrote = await Promise.all(writes);
      assertEquals(wrote, ends.map(() => big.length));
      assertEquals(await Promise.all(drained), wrote);
      k.close();
      // The writer closed: the end of the pipe (ERROR_BROKEN_PIPE) is null.
      writers[0].close();
      assertEquals(await readers[0].read(new Uint8Array(4)), null);
      assertEquals(Deno.statSync(`${root}\\d4`).isDirectory, true);
    } finally {
      for (const f of [...readers, ...writers]) if (!f.closed) f.close();
      Deno.removeSync(root, { recursive: true });
    }
  },
);
