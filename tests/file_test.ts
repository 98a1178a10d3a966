// Copyright 2026 the dirfd authors. MIT license.
// open()/File against Deno.open()/Deno.FsFile on twin trees, File as an
// FdLike, streams, waits off the event loop, locks across processes.
import {
  assert,
  assertEquals,
  assertFalse,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import fc from "fast-check";
import {
  addAuditHook,
  chmodSync,
  create,
  createSync,
  File,
  O_DIRECTORY,
  O_NOATIME,
  O_NOFOLLOW_ANY,
  O_PATH,
  O_TMPFILE,
  open,
  openDirSync,
  type OpenOptions,
  openSync,
  stat,
  statSync,
  statvfsSync,
  supportsDirFd,
  supportsFollowSymlinks,
  truncate,
  truncateSync,
  utimeSync,
} from "../mod.ts";
import { openFdsIn, ROOT, runDeno, warmPool, withTempDir } from "./_helpers.ts";

const posix = { ignore: Deno.build.os === "windows" };
const slow = Deno.build.arch === "aarch64";
const enc = new TextEncoder();
const dec = new TextDecoder();

type Opts = Omit<Deno.OpenOptions, "mode">;
const KEYS = [
  "read",
  "write",
  "append",
  "truncate",
  "create",
  "createNew",
] as const;

/** Every combination of the six boolean options (absent/false/true; absent/true under qemu). */
function combinations(): Opts[] {
  const values = slow ? [undefined, true] : [undefined, false, true];
  let out: Opts[] = [{}];
  for (const k of KEYS) {
    const next: Opts[] = [];
    for (const o of out) {
      for (const v of values) {
        next.push(v === undefined ? o : { ...o, [k]: v });
      }
    }
    out = next;
  }
  return out;
}

interface Outcome {
  ok: boolean;
  error?: string;
  read?: string;
  write?: string;
  content?: string | null;
}

function attempt(fn: () => unknown): string {
  try {
    return `ok ${JSON.stringify(fn())}`;
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

/** Opens, tries a read and a write, closes; then what is on disk. */
function outcome(
  root: string,
  name: string,
  openIt: () => Deno.FsFile | File,
): Outcome {
  let f: Deno.FsFile | File;
  try {
    f = openIt();
  } catch (e) {
    return {
      ok: false,
      error: `${(e as Error).constructor.name} ${(e as Error).name} ${
        (e as { code?: string }).code
      }: ${(e as Error).message.replaceAll(root, "ROOT")}`,
    };
  }
  const read = attempt(() => f.readSync(new Uint8Array(2)));
  const write = attempt(() => f.writeSync(enc.encode("W")));
  f.close();
  let content: string | null = null;
  try {
    content = Deno.readTextFileSync(`${root}/${name}`);
  } catch {
    content = null;
  }
  return { ok: true, read, write, content };
}

/** Deno's outcome with the error's path as given relative to dirFd. */
function relative(a: Outcome, name: string): Outcome {
  return a.error === undefined
    ? a
    : { ...a, error: a.error.replace(`ROOT/${name}`, name) };
}

Deno.test(
  "open: every OpenOptions combination matches Deno.openSync on twin trees",
  posix,
  async () => {
    await withTempDir(async (root) => {
      const deno = `${root}/deno`, mine = `${root}/mine`;
      Deno.mkdirSync(deno);
      Deno.mkdirSync(mine);
      using dir = openDirSync(mine);
      let n = 0;
      for (const o of combinations()) {
        for (const exists of [false, true]) {
          const name = `f${n++}`;
          for (const r of [deno, mine]) {
            if (exists) Deno.writeTextFileSync(`${r}/${name}`, "old");
          }
          const a = outcome(
            deno,
            name,
            () => Deno.openSync(`${deno}/${name}`, o),
          );
          const b = outcome(mine, name, () => openSync(`${mine}/${name}`, o));
          assertEquals(b, a, `${JSON.stringify(o)} exists=${exists}`);
          // The same through dirFd: same outcome, path as given. (`{dirFd}`
          // alone reads, where Deno's `{}` is an error: not compared.)
          if (Object.keys(o).length === 0) continue;
          try {
            Deno.removeSync(`${mine}/${name}`);
          } catch {
            // Not created by the first open.
          }
          if (exists) Deno.writeTextFileSync(`${mine}/${name}`, "old");
          const c = outcome(
            mine,
            name,
            () => openSync(name, { ...o, dirFd: dir }),
          );
          assertEquals(
            c,
            relative(a, name),
            `dirFd ${JSON.stringify(o)} exists=${exists}`,
          );
        }
      }
      // And the async twin on a sample.
      for (
        const o of combinations().filter((o, i) =>
          i % 17 === 0 && Object.keys(o).length > 0
        )
      ) {
        const name = `async${n++}`;
        const a = outcome(
          deno,
          name,
          () => Deno.openSync(`${deno}/${name}`, o),
        );
        let f: File | Error;
        try {
          f = await open(name, { ...o, dirFd: dir });
        } catch (e) {
          f = e as Error;
        }
        const b = outcome(mine, name, () => {
          if (f instanceof Error) throw f;
          return f;
        });
        assertEquals(
          b,
          relative(a, name),
          `async ${JSON.stringify(o)}`,
        );
      }
      // Modes: masked to 0o777, default 0o666, before the umask.
      for (const mode of [undefined, 0o600, 0o4755, 0o777]) {
        const name = `m${mode}`;
        Deno.openSync(`${deno}/${name}`, { write: true, create: true, mode })
          .close();
        openSync(`${mine}/${name}`, { write: true, create: true, mode })
          .close();
        assertEquals(
          Deno.statSync(`${mine}/${name}`).mode,
          Deno.statSync(`${deno}/${name}`).mode,
          `mode ${mode}`,
        );
      }
    });
  },
);

Deno.test(
  "open: dirFd, followSymlinks, flags, close-on-exec, audit",
  posix,
  async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/t`, "target");
      Deno.symlinkSync("t", `${root}/link`);
      Deno.mkdirSync(`${root}/sub`);
      using dir = openDirSync(root);
      using f = openSync("link", { dirFd: dir });
      const buf = new Uint8Array(6);
      assertEquals(f.readSync(buf), 6);
      assertEquals(dec.decode(buf), "target");
      assertEquals(f.path, "link");
      const e = assertThrows(
        () => openSync("link", { dirFd: dir, followSymlinks: false }),
        Deno.errors.FilesystemLoop,
      );
      assertEquals((e as { code?: string }).code, "ELOOP");
      await assertRejects(
        () => open("link", { dirFd: dir, followSymlinks: false }),
        Deno.errors.FilesystemLoop,
      );
      // O_DIRECTORY through flags: a file is refused, a directory opens.
      assertThrows(
        () => openSync("t", { dirFd: dir, flags: O_DIRECTORY }),
        Deno.errors.NotADirectory,
      );
      openSync("sub", { dirFd: dir, flags: O_DIRECTORY }).close();
      // Options with only dirfd keys read, as open(path) does.
      assertEquals(openSync("t", { dirFd: dir }).readSync(buf), 6);
      // An absolute path ignores dirFd.
      openSync(`${root}/t`, { dirFd: dir }).close();
      if (Deno.build.os === "linux") {
        assertEquals(typeof O_PATH, "number");
        assertEquals(typeof O_NOATIME, "number");
        assertEquals(typeof O_TMPFILE, "number");
        assertEquals(O_NOFOLLOW_ANY, undefined);
        // O_TMPFILE: an unnamed file in the directory.
        using tmp = openSync(".", {
          dirFd: dir,
          write: true,
          flags: O_TMPFILE,
        });
        assertEquals(tmp.writeSync(enc.encode("x")), 1);
        assertEquals(tmp.statSync().nlink, 0);
      }
      // Close-on-exec: F_GETFD through /proc is not allowed to the child; ask a
      // shell whether the descriptor number is open in it.
      if (Deno.build.os === "linux") {
        using g = openSync(`${root}/t`);
        const out = await new Deno.Command("sh", {
          args: [
            "-c",
            `[ -e /proc/self/fd/${g.fd} ] && echo open || echo closed`,
          ],
        }).output();
        assertEquals(dec.decode(out.stdout).trim(), "closed");
      }
      // Audit: Python's ["open", [path, null, flags]].
      const seen: unknown[][] = [];
      addAuditHook((ev, args) => {
        if (ev === "open" && args[0] === "audit-me") seen.push([...args]);
      });
      assertThrows(
        () => openSync("audit-me", { dirFd: dir }),
        Deno.errors.NotFound,
      );
      assertEquals(seen.length, 1);
      assertEquals(seen[0][1], null);
      assertEquals(typeof seen[0][2], "number");
      assert(supportsDirFd.has(open) && supportsDirFd.has(openSync));
      assert(supportsFollowSymlinks.has(open));
      assert(supportsDirFd.has(create) && supportsDirFd.has(createSync));
    });
  },
);

Deno.test(
  "open: bad input is a TypeError before any syscall",
  posix,
  async () => {
    await withTempDir(async (root) => {
      const p = `${root}/x`;
      const bad: [unknown, unknown][] = [
        [p, { write: "yes" }],
        [p, { read: 1 }],
        [p, { write: true, create: true, mode: -1 }],
        [p, { write: true, create: true, mode: 1.5 }],
        [p, { write: true, create: true, mode: 0o10000 }],
        [p, { flags: -1 }],
        [p, { flags: 1.5 }],
        [p, { dirFd: -1 }],
        [p, { followSymlinks: "no" }],
        [p, "r"],
        [`${root}/a\0b`, { write: true, create: true }],
        [42, undefined],
        // Wrong-typed options win over a bad first argument: still TypeError.
        [42, { write: "yes" }],
      ];
      // -0 is 0 everywhere (the module's policy): dirFd -0 is descriptor 0.
      const zero = assertThrows(() => openSync(p, { dirFd: 0 }));
      const minusZero = assertThrows(() => openSync(p, { dirFd: -0 }));
      assertStrictEquals(
        (minusZero as Error).constructor,
        (zero as Error).constructor,
      );
      for (const [path, o] of bad) {
        assertThrows(
          () => openSync(path as string, o as OpenOptions),
          TypeError,
          undefined,
          `${String(path)} ${JSON.stringify(o)}`,
        );
        await assertRejects(
          () => open(path as string, o as OpenOptions),
          TypeError,
        );
      }
      assertEquals([...Deno.readDirSync(root)], [], "nothing created");
      // Deno's own Error texts for impossible combinations.
      assertThrows(
        () => openSync(p, {}),
        Error,
        "'options' requires at least one option to be true",
      );
      assertThrows(
        () => openSync(p, { truncate: true }),
        Error,
        "'truncate' option requires 'write' to be true",
      );
      assertThrows(
        () => openSync(p, { create: true }),
        Error,
        "'create' or 'createNew' options require 'write' or 'append' to be true",
      );
      const f = createSync(p);
      const bufs: unknown[] = [null, "abc", [1, 2], new ArrayBuffer(2)];
      for (const b of bufs) {
        assertThrows(() => f.readSync(b as Uint8Array), TypeError);
        assertThrows(() => f.writeSync(b as Uint8Array), TypeError);
        await assertRejects(() => f.read(b as Uint8Array), TypeError);
      }
      const detached = new Uint8Array(new ArrayBuffer(4));
      structuredClone(detached.buffer, { transfer: [detached.buffer] });
      assertThrows(() => f.writeSync(detached), TypeError, "detached");
      await assertRejects(() => f.read(detached), TypeError, "detached");
      for (const pos of [-1, 1.5, -0.5, 2 ** 53, -1n, 2n ** 63n, "0"]) {
        assertThrows(
          () => f.readAtSync(new Uint8Array(1), pos as number),
          TypeError,
          undefined,
          String(pos),
        );
        await assertRejects(
          () => f.writeAt(new Uint8Array(1), pos as number),
          TypeError,
        );
      }
      assertThrows(() => f.truncateSync(-1), TypeError);
      assertThrows(() => f.seekSync(1.5, Deno.SeekMode.Start), TypeError);
      assertThrows(
        () => f.seekSync(0, 7 as Deno.SeekMode),
        TypeError,
        "Invalid seek mode: 7",
      );
      assertThrows(() => f.lockSync("yes" as unknown as boolean), TypeError);
      assertThrows(() => File.fromFd(-1), TypeError);
      assertThrows(() => File.fromFd(1.5), TypeError);
      assertThrows(() => File.fromFd(-0), TypeError);
      f.close();
    });
  },
);

Deno.test("File: closed state, dispose, fromFd, garbage", posix, async () => {
  await withTempDir(async (root) => {
    await warmPool(root);
    const base = openFdsIn(root);
    const f = createSync(`${root}/f`);
    assertInstanceOf(f, File);
    const fd = f.fd;
    f.close();
    assert(f.closed);
    assertThrows(() => f.close(), Deno.errors.BadResource, "Bad resource ID");
    assertThrows(() => f.readSync(new Uint8Array(1)), Deno.errors.BadResource);
    assertThrows(() => f.fd, Deno.errors.BadResource);
    assertThrows(() => statSync(f), Deno.errors.BadResource);
    await assertRejects(
      () => f.read(new Uint8Array(1)),
      Deno.errors.BadResource,
    );
    await assertRejects(() => stat(f), Deno.errors.BadResource);
    f[Symbol.dispose](); // never throws
    await f[Symbol.asyncDispose]();
    // Deno's FsFile behaves the same way.
    const g = Deno.openSync(`${root}/f`);
    g.close();
    assertThrows(() => g.close(), Deno.errors.BadResource, "Bad resource ID");
    // fromFd: owned (default) closes, owned: false leaves the descriptor.
    const raw = openSync(`${root}/f`);
    const borrowed = File.fromFd(raw.fd, { owned: false, path: "borrowed" });
    assertEquals(borrowed.path, "borrowed");
    borrowed.close();
    assertEquals(raw.statSync().isFile, true, "still open");
    raw.close();
    assert(openFdsIn(root) <= base, "descriptors back to baseline");
    // The descriptor number is free again after close.
    const again = openSync(`${root}/f`);
    assertEquals(again.fd, fd);
    again.close();
    // Close with an async call in flight: the descriptor stays open for it.
    const h = openSync(`${root}/f`, { read: true, write: true });
    const pending = h.write(enc.encode("abc"));
    h.close();
    assertEquals(await pending, 3);
    assertEquals(Deno.readTextFileSync(`${root}/f`), "abc");
    // No leak (an idle pool worker stopping, as under qemu, only lowers it).
    assert(openFdsIn(root) <= base, `${openFdsIn(root)} > ${base}`);
  });
});

Deno.test(
  "File: an FdLike for stat, chmod, utime, truncate, statvfs",
  posix,
  async () => {
    await withTempDir(async (root) => {
      using f = openSync(`${root}/f`, {
        read: true,
        write: true,
        create: true,
      });
      f.writeSync(enc.encode("hello"));
      assertEquals(statSync(f).size, 5);
      assertEquals((await stat(f)).size, 5);
      assertEquals(f.statSync().ino, Deno.statSync(`${root}/f`).ino);
      chmodSync(f, 0o600);
      assertEquals(Deno.statSync(`${root}/f`).mode! & 0o777, 0o600);
      utimeSync(f, 1000, 2000);
      assertEquals(Deno.statSync(`${root}/f`).mtime?.getTime(), 2_000_000);
      truncateSync(f, 2);
      assertEquals(Deno.readTextFileSync(`${root}/f`), "he");
      await truncate(f, 1);
      assertEquals(Deno.readTextFileSync(`${root}/f`), "h");
      assertEquals(statvfsSync(f).namemax, statvfsSync(root).namemax);
      f.utimeSync(new Date(5000), 6);
      assertEquals(Deno.statSync(`${root}/f`).mtime?.getTime(), 6000);
      await f.utime(7, 8);
      assertEquals((await f.stat()).mtime?.getTime(), 8000);
      f.syncSync();
      f.syncDataSync();
      await f.sync();
      await f.syncData();
      assertFalse(f.isTerminal());
      assertThrows(() => f.setRaw(true), Deno.errors.BadResource, "ENOTTY");
    });
  },
);

type Op =
  | { op: "write"; data: number[] }
  | { op: "read"; n: number }
  | { op: "seek"; offset: number; whence: 0 | 1 | 2 }
  | { op: "truncate"; len: number }
  | { op: "readAt"; n: number; pos: number }
  | { op: "writeAt"; data: number[]; pos: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant("write" as const),
    data: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }),
  }),
  fc.record({ op: fc.constant("read" as const), n: fc.nat(50) }),
  fc.record({
    op: fc.constant("seek" as const),
    offset: fc.integer({ min: -60, max: 60 }),
    whence: fc.constantFrom(0 as const, 1 as const, 2 as const),
  }),
  fc.record({ op: fc.constant("truncate" as const), len: fc.nat(80) }),
  fc.record({
    op: fc.constant("readAt" as const),
    n: fc.nat(50),
    pos: fc.nat(90),
  }),
  fc.record({
    op: fc.constant("writeAt" as const),
    data: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }),
    pos: fc.nat(90),
  }),
);

/** Runs an op on Deno.FsFile, with readAt/writeAt emulated by seek. */
function denoOp(f: Deno.FsFile, o: Op): unknown {
  switch (o.op) {
    case "write":
      return f.writeSync(new Uint8Array(o.data));
    case "read": {
      const b = new Uint8Array(o.n);
      return [f.readSync(b), [...b]];
    }
    case "seek":
      return f.seekSync(o.offset, o.whence);
    case "truncate":
      // Deno returns null where its type says void.
      return f.truncateSync(o.len) ?? undefined;
    case "readAt": {
      const at = f.seekSync(0, Deno.SeekMode.Current);
      f.seekSync(o.pos, Deno.SeekMode.Start);
      const b = new Uint8Array(o.n);
      let got = 0, r: number | null = 0;
      while (got < o.n && (r = f.readSync(b.subarray(got))) !== null) got += r;
      f.seekSync(at, Deno.SeekMode.Start);
      return [got === 0 && o.n > 0 ? null : got, [...b]];
    }
    case "writeAt": {
      const at = f.seekSync(0, Deno.SeekMode.Current);
      f.seekSync(o.pos, Deno.SeekMode.Start);
      const n = f.writeSync(new Uint8Array(o.data));
      f.seekSync(at, Deno.SeekMode.Start);
      return n;
    }
  }
}

function mineOp(f: File, o: Op): unknown {
  switch (o.op) {
    case "write":
      return f.writeSync(new Uint8Array(o.data));
    case "read": {
      const b = new Uint8Array(o.n);
      return [f.readSync(b), [...b]];
    }
    case "seek":
      return f.seekSync(o.offset, o.whence);
    case "truncate":
      return f.truncateSync(o.len);
    case "readAt": {
      const b = new Uint8Array(o.n);
      return [f.readAtSync(b, o.pos), [...b]];
    }
    case "writeAt":
      return f.writeAtSync(new Uint8Array(o.data), o.pos);
  }
}

async function mineOpAsync(f: File, o: Op): Promise<unknown> {
  switch (o.op) {
    case "write":
      return await f.write(new Uint8Array(o.data));
    case "read": {
      const b = new Uint8Array(o.n);
      return [await f.read(b), [...b]];
    }
    case "seek":
      return await f.seek(o.offset, o.whence);
    case "truncate":
      return await f.truncate(o.len);
    case "readAt": {
      const b = new Uint8Array(o.n);
      return [await f.readAt(b, o.pos), [...b]];
    }
    case "writeAt":
      return await f.writeAt(new Uint8Array(o.data), o.pos);
  }
}

function result(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

Deno.test(
  "File: random op sequences give Deno.FsFile's bytes and positions",
  posix,
  async () => {
    await withTempDir(async (root) => {
      const opts = { read: true, write: true, create: true, truncate: true };
      let i = 0;
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 25 }), (ops) => {
          const n = i++;
          using a = Deno.openSync(`${root}/d${n}`, opts);
          using b = openSync(`${root}/m${n}`, opts);
          for (const o of ops) {
            // readAt: pread may return fewer bytes than a loop; ask for them all.
            const x = result(() => denoOp(a, o));
            const y = result(() =>
              o.op === "readAt" ? fullReadAt(b, o.n, o.pos) : mineOp(b, o)
            );
            assertEquals(y, x, JSON.stringify(o));
          }
          assertEquals(
            Deno.readFileSync(`${root}/m${n}`),
            Deno.readFileSync(`${root}/d${n}`),
          );
        }),
        { numRuns: slow ? 20 : 150 },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { maxLength: 15 }), async (ops) => {
          const n = i++;
          using a = Deno.openSync(`${root}/d${n}`, opts);
          await using b = await open(`${root}/m${n}`, opts);
          for (const o of ops) {
            const x = result(() => denoOp(a, o));
            let y: unknown;
            try {
              y = o.op === "readAt"
                ? await fullReadAtAsync(b, o.n, o.pos)
                : await mineOpAsync(b, o);
            } catch (e) {
              y = `${(e as Error).name}: ${(e as Error).message}`;
            }
            assertEquals(y, x, JSON.stringify(o));
          }
          assertEquals(
            Deno.readFileSync(`${root}/m${n}`),
            Deno.readFileSync(`${root}/d${n}`),
          );
        }),
        { numRuns: slow ? 5 : 40 },
      );
    });
  },
);

function fullReadAt(f: File, n: number, pos: number): unknown {
  const b = new Uint8Array(n);
  let got = 0;
  for (;;) {
    if (got === n) break;
    const r = f.readAtSync(b.subarray(got), pos + got);
    if (r === null) break;
    got += r;
  }
  return [got === 0 && n > 0 ? null : got, [...b]];
}

async function fullReadAtAsync(f: File, n: number, pos: number) {
  const b = new Uint8Array(n);
  let got = 0;
  for (;;) {
    if (got === n) break;
    const r = await f.readAt(b.subarray(got), pos + got);
    if (r === null) break;
    got += r;
  }
  return [got === 0 && n > 0 ? null : got, [...b]];
}

Deno.test(
  "File: readable/writable streams take ownership and pipe",
  posix,
  async () => {
    await withTempDir(async (root) => {
      await warmPool(root);
      const base = openFdsIn(root);
      const data = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
      Deno.writeFileSync(`${root}/src`, data);
      const src = await open(`${root}/src`);
      const dst = await open(`${root}/dst`, { write: true, create: true });
      await src.readable.pipeTo(dst.writable);
      assert(src.closed && dst.closed, "both closed by their streams");
      assertEquals(Deno.readFileSync(`${root}/dst`), data);
      // Into and out of Deno's own streams.
      const d2 = await Deno.open(`${root}/d2`, { write: true, create: true });
      await (await open(`${root}/src`)).readable.pipeTo(d2.writable);
      assertEquals(Deno.readFileSync(`${root}/d2`), data);
      const mine = await open(`${root}/d3`, { write: true, create: true });
      await (await Deno.open(`${root}/src`)).readable.pipeTo(mine.writable);
      assertEquals(Deno.readFileSync(`${root}/d3`), data);
      // Cancel closes; chunks are at most 64 KiB.
      const c = await open(`${root}/src`);
      const reader = c.readable.getReader();
      const first = await reader.read();
      assert(first.value!.length <= 65536);
      await reader.cancel();
      assert(c.closed);
      // No leak (an idle pool worker stopping, as under qemu, only lowers it).
      assert(openFdsIn(root) <= base, `${openFdsIn(root)} > ${base}`);
    });
  },
);

Deno.test(
  "File: a large stream keeps resident memory flat",
  posix,
  async () => {
    await withTempDir(async (root) => {
      const size = (slow ? 32 : 256) * 1024 * 1024;
      using w = openSync(`${root}/big`, { write: true, create: true });
      w.truncateSync(size);
      w.close();
      const before = Deno.memoryUsage().rss;
      const src = await open(`${root}/big`);
      const dst = await open(`${root}/copy`, { write: true, create: true });
      let seen = 0;
      await src.readable.pipeThrough(
        new TransformStream({
          transform(chunk, ctl) {
            seen += chunk.length;
            ctl.enqueue(chunk);
          },
        }),
      ).pipeTo(dst.writable);
      assertEquals(seen, size);
      assertEquals(Deno.statSync(`${root}/copy`).size, size);
      // Chunks already streamed are garbage the collector takes when it
      // will (tens of MB later on a busy machine); what must not happen is
      // the whole stream held at once.
      const grown = Deno.memoryUsage().rss - before;
      const bound = Math.max(size / 2, 64 * 1024 * 1024);
      assert(grown < bound, `rss grew by ${grown} bytes`);
    });
  },
);

Deno.test(
  "open: a FIFO open waits off the event loop (a timer fires)",
  posix,
  async () => {
    await withTempDir(async (root) => {
      const fifo = `${root}/fifo`;
      const r = await new Deno.Command("mkfifo", { args: [fifo] }).output();
      assert(r.success);
      let fired = false;
      let writer: Deno.FsFile | undefined;
      const t = setTimeout(async () => {
        fired = true;
        writer = await Deno.open(fifo, { write: true });
        await writer.write(enc.encode("through the fifo"));
        writer.close();
      }, 50);
      // Blocks in open(2) until the writer arrives, on another thread.
      await using reader = await open(fifo);
      assert(fired, "the timer ran while open() waited");
      const buf = new Uint8Array(64);
      let text = "";
      for (let n; (n = await reader.read(buf)) !== null;) {
        text += dec.decode(buf.subarray(0, n));
      }
      assertEquals(text, "through the fifo");
      clearTimeout(t);
    });
  },
);

Deno.test(
  "File: locks across processes; lock() waits off the event loop",
  posix,
  async () => {
    await withTempDir(async (root) => {
      const p = `${root}/lock`;
      Deno.writeTextFileSync(p, "");
      // A child holds an exclusive lock (Deno's own FsFile) until stdin closes.
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "eval",
          `const f = Deno.openSync(${
            JSON.stringify(p)
          }, { read: true, write: true });
         f.lockSync(true); console.log("locked");
         await Deno.stdin.read(new Uint8Array(1)); f.unlockSync();`,
        ],
        stdin: "piped",
        stdout: "piped",
      }).spawn();
      const lines = child.stdout.pipeThrough(new TextDecoderStream())
        .getReader();
      assertEquals((await lines.read()).value?.trim(), "locked");
      await using f = await open(p, { read: true, write: true });
      assertEquals(f.tryLockSync(true), false);
      assertEquals(await f.tryLock(false), false);
      let ticks = 0;
      const timer = setInterval(() => {
        if (++ticks === 3) child.stdin.close(); // the child lets go
      }, 20);
      await f.lock(true); // waits for the child, off the event loop
      clearInterval(timer);
      assert(ticks >= 3, "timers ran while lock() waited");
      await child.status;
      await lines.cancel();
      f.unlockSync();
      assertEquals(f.tryLockSync(true), true);
      await f.unlock();
    });
  },
);

Deno.test(
  "create/createSync: Deno.create's flags, relative to dirFd",
  posix,
  async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/f`, "old contents");
      using dir = openDirSync(root);
      using f = createSync("f", { dirFd: dir });
      assertEquals(f.statSync().size, 0, "truncated");
      f.writeSync(enc.encode("x"));
      f.seekSync(0, Deno.SeekMode.Start);
      assertEquals(f.readSync(new Uint8Array(4)), 1, "readable too");
      await using g = await create("g", { dirFd: dir });
      assertEquals(await g.write(enc.encode("yz")), 2);
      assertEquals(Deno.readTextFileSync(`${root}/g`), "yz");
    });
  },
);

Deno.test({
  name: "File: a garbage-collected File gives its descriptor back",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const script = `
      import { openSync } from "${ROOT}mod.ts";
      const count = () => [...Deno.readDirSync("/proc/self/fd")].length;
      const before = count();
      (() => { for (let i = 0; i < 200; i++) openSync("/etc/hostname"); })();
      const opened = count();
      for (let i = 0; i < 20 && count() > before + 5; i++) {
        globalThis.gc();
        await new Promise((r) => setTimeout(r, 10));
      }
      console.log(JSON.stringify({ before, opened, after: count() }));`;
    const r = await runDeno([
      "eval",
      "--v8-flags=--expose-gc",
      "--allow-ffi",
      "--allow-read",
      script,
    ]);
    assertEquals(r.code, 0, r.stderr);
    const { before, opened, after } = JSON.parse(r.stdout);
    assert(opened >= before + 200, `opened ${opened}`);
    assert(after <= before + 5, `after gc: ${after} (before ${before})`);
  },
});
