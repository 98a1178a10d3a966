// Copyright 2026 the dirfd authors. MIT license.
// The POSIX primitives described once (ffi/_posix_at.ts): the C arguments
// each derived form passes, the EINTR retry, the constants that decide
// whether a primitive exists, the Linux builder over stand-in glibc
// functions (its statx and fchmodat2 probes), and what the loader completes
// (an async form for every primitive, the syscall names errors report).
import {
  assert,
  assertEquals,
  assertFalse,
  assertStrictEquals,
} from "@std/assert";
import {
  AT_PRIMITIVES,
  derivePrimitives,
  type Description,
} from "../ffi/_posix_at.ts";
import {
  CString,
  decodeStatvfs,
  POSIX_SYMBOLS,
  type PosixConstants,
} from "../ffi/_posix.ts";
import {
  AT,
  LINUX_SYMBOLS,
  linuxBackend,
  linuxConstants,
  type LinuxLibrary,
  NR_FCHMODAT2,
  STATVFS,
} from "../ffi/linux.ts";
import {
  darwinBackend,
  type DarwinLibrary,
  darwinSymbols,
} from "../ffi/darwin.ts";
import {
  ASYNC_PRIMITIVES,
  type BackendParts,
  completeBackend,
  hasPrimitive,
  SYSCALL,
} from "../ffi/_types.ts";

const text = new TextDecoder();
/** A call as recorded: the symbol, then its arguments (C strings decoded). */
type Rec = unknown[];

/** Stand-in functions for every symbol of `table`, recording each call. */
function stand(
  table: Record<string, unknown>,
  answer: (sym: string, args: unknown[]) => unknown = () => 0,
): { s: Record<string, unknown>; calls: Rec[] } {
  const calls: Rec[] = [];
  const s: Record<string, unknown> = {};
  for (const k of Object.keys(table)) {
    s[k] = (...args: unknown[]) => {
      calls.push([
        k,
        ...args.map((a) =>
          a instanceof Uint8Array && a.indexOf(0) >= 0
            ? text.decode(a.subarray(0, a.indexOf(0)))
            : a instanceof BigInt64Array
            ? [...a]
            : a
        ),
      ]);
      return answer(k, args);
    };
  }
  return { s, calls };
}

function derive(
  c: PosixConstants,
  s: Record<string, unknown>,
  errno: () => number = () => 0,
  descriptions: Record<string, Description | undefined> = AT_PRIMITIVES,
) {
  return derivePrimitives(descriptions, {
    symbols: s,
    table: POSIX_SYMBOLS,
    constants: c,
    errno,
    paths: [new CString(), new CString()],
    decodeStatvfs,
  });
}

Deno.test("posix_at: each derived form passes Linux's C arguments", () => {
  const c = linuxConstants("x86_64");
  const { s, calls } = stand(POSIX_SYMBOLS);
  const d = derive(c, s);
  const last = () => calls.at(-1);
  const cases: [string, unknown[], Rec][] = [
    ["mkdirAt", [3, "d", 0o755], ["mkdirat", 3, "d", 0o755]],
    ["unlinkAt", [3, "d", true], ["unlinkat", 3, "d", AT.REMOVEDIR]],
    ["unlinkAt", [3, "f", false], ["unlinkat", 3, "f", 0]],
    ["renameAt", [3, "a", 4, "é"], ["renameat", 3, "a", 4, "é"]],
    ["linkAt", [3, "a", 4, "b", true], [
      "linkat",
      3,
      "a",
      4,
      "b",
      AT.SYMLINK_FOLLOW,
    ]],
    ["linkAt", [3, "a", 4, "b", false], ["linkat", 3, "a", 4, "b", 0]],
    ["chmodAt", [3, "f", 0o600], ["fchmodat", 3, "f", 0o600, 0]],
    ["fchmod", [5, 0o600], ["fchmod", 5, 0o600]],
    ["chownAt", [3, "f", -1, 7, false], [
      "fchownat",
      3,
      "f",
      0xffffffff,
      7,
      AT.SYMLINK_NOFOLLOW,
    ]],
    ["fchown", [5, 1, -1], ["fchown", 5, 1, 0xffffffff]],
    ["accessAt", [3, "f", 4, false, true], [
      "faccessat",
      3,
      "f",
      4,
      AT.SYMLINK_NOFOLLOW | AT.EACCESS,
    ]],
    ["accessAt", [3, "f", 4, true, false], ["faccessat", 3, "f", 4, 0]],
    ["truncate", ["f", 2n ** 60n], ["truncate", "f", 2n ** 60n]],
    ["ftruncate", [5, 3n], ["ftruncate", 5, 3n]],
    ["mkfifoAt", [3, "p", 0o644], ["mkfifoat", 3, "p", 0o644]],
    ["mknodAt", [3, "n", 0o10644, 7n], ["mknodat", 3, "n", 0o10644, 7n]],
    ["utimeAt", [3, "f", null, true], [
      "utimensat",
      3,
      "f",
      [0n, BigInt(c.UTIME_NOW!), 0n, BigInt(c.UTIME_NOW!)],
      0,
    ]],
    ["futimes", [5, {
      atimeSec: -1n,
      atimeNsec: 2,
      mtimeSec: 3n,
      mtimeNsec: 999_999_999,
    }], ["futimens", 5, [-1n, 2n, 3n, 999_999_999n]]],
  ];
  for (const [name, args, want] of cases) {
    assertEquals(d[name].sync(...args), 0, name);
    assertEquals(last(), want, name);
  }
  // statvfs: the output struct is the last argument, decoded on success.
  let out: Uint8Array | undefined;
  const { s: s2 } = stand(POSIX_SYMBOLS, (_, args) => {
    out = args[1] as Uint8Array;
    new DataView(out.buffer).setUint32(STATVFS.namemax, 255, true);
    return 0;
  });
  const r = derive(c, s2).statvfs.sync("/");
  assertEquals(out?.length, STATVFS.size);
  assertEquals(typeof r === "object" && r.namemax, 255);
  // The names errors report are the symbols'.
  assertEquals(d.mkdirAt.syscall, "mkdirat");
  assertEquals(d.utimeAt.syscall, "utimensat");
});

Deno.test("posix_at: a call interrupted by a signal (EINTR) is retried, others are not", () => {
  let errno = 0;
  let failures = 2;
  const { s, calls } = stand(POSIX_SYMBOLS, () => {
    if (failures > 0) {
      failures--;
      errno = 4; // EINTR
      return -1;
    }
    return 0;
  });
  const d = derive(linuxConstants(), s, () => errno);
  assertEquals(d.mkdirAt.sync(3, "d", 0o700), 0);
  assertEquals(calls.length, 3);
  // Any other errno is the answer at once.
  failures = 1;
  const { s: s2, calls: calls2 } = stand(POSIX_SYMBOLS, () => -1);
  errno = 13; // EACCES
  const d2 = derive(linuxConstants(), s2, () => errno);
  assertEquals(d2.renameAt.sync(3, "a", 3, "b"), -13);
  assertEquals(calls2.length, 1);
  // statvfs too: -errno, never a half-decoded struct.
  assertEquals(d2.statvfs.sync("/"), -13);
});

Deno.test("posix_at: a primitive exists only with its symbol and its constants", () => {
  const { s } = stand(POSIX_SYMBOLS);
  const full = derive(linuxConstants(), s);
  for (const k of Object.keys(AT_PRIMITIVES)) assert(k in full, k);
  // No AT_REMOVEDIR: no unlinkAt. No AT_EACCESS: no accessAt. No
  // UTIME_NOW: no utimeAt or futimes. dev_t not 64-bit: no mknodAt. No
  // statvfs layout: no statvfs primitives.
  const c: PosixConstants = {
    ...linuxConstants(),
    AT_REMOVEDIR: undefined,
    AT_EACCESS: undefined,
    UTIME_NOW: undefined,
    MKNOD_DEV_U64: false,
    STATVFS: undefined,
  };
  const some = derive(c, s);
  for (
    const k of [
      "unlinkAt",
      "accessAt",
      "utimeAt",
      "futimes",
      "mknodAt",
      "statvfs",
      "fstatvfs",
    ]
  ) assertFalse(k in some, k);
  assert("mkdirAt" in some && "chmodAt" in some);
  // A symbol that did not resolve (null) leaves its primitive out.
  const noMkdir = derive(linuxConstants(), { ...s, mkdirat: null });
  assertFalse("mkdirAt" in noMkdir);
});

Deno.test("posix_at: linuxBackend probes statx and fchmodat2 on stand-in glibc", () => {
  for (const statx of ["works", "ENOSYS"] as const) {
    for (const fchmodat2 of [true, false]) {
      let errno = 0;
      const { s, calls } = stand(LINUX_SYMBOLS, (sym, args) => {
        if (sym === "statx" && statx === "ENOSYS") {
          errno = 38;
          return -1;
        }
        if (sym === "syscall") {
          errno = fchmodat2 ? 9 : 38; // EBADF for dirfd -1, or ENOSYS
          return Number(args[1]) === -1 || !fchmodat2 ? -1n : 0n;
        }
        return sym === "getdents64" ? 0n : 0;
      });
      const b = linuxBackend(s as unknown as LinuxLibrary, () => errno, {
        arch: "x86_64",
      })!;
      const what = `statx ${statx}, fchmodat2 ${fchmodat2}`;
      assertEquals(b.statVia, statx === "works" ? "statx" : "fstatat", what);
      assertEquals(b.has.fchmodat2, fchmodat2, what);
      assertEquals(typeof b.lchmodAt, fchmodat2 ? "function" : "undefined");
      if (fchmodat2) {
        assertEquals(b.lchmodAt!(3, "l", 0o600), 0);
        assertEquals(calls.at(-1), [
          "syscall",
          Number(NR_FCHMODAT2),
          3,
          "l",
          0o600,
          AT.SYMLINK_NOFOLLOW,
        ]);
        assertEquals(b.syscall!.lchmodAt, "fchmodat2");
      }
      // Without a pool there are no async forms until the loader adds them.
      assertEquals(b.async, undefined);
    }
  }
  // Neither statx nor fstatat: no backend.
  const { s } = stand(LINUX_SYMBOLS, () => -1);
  assertStrictEquals(
    linuxBackend(
      { ...s, statx: null, fstatat: null } as unknown as LinuxLibrary,
      () => 38,
    ),
    null,
  );
});

Deno.test("posix_at: completeBackend gives every primitive an async form and a syscall name", async () => {
  const { s } = stand(
    darwinSymbols("aarch64"),
    (k) => k === "__error" ? null : 0,
  );
  const parts: BackendParts = darwinBackend(
    s as unknown as DarwinLibrary,
    () => 0,
  );
  assertEquals(parts.async, undefined);
  const b = completeBackend(parts);
  for (const k of ASYNC_PRIMITIVES) {
    if (b[k] === undefined) {
      assertEquals(b.async[k], undefined, k);
      continue;
    }
    assertEquals(typeof b.async[k], "function", k);
  }
  // The filled-in form resolves to what the sync primitive returns.
  assertEquals(
    await b.async.mkdirAt!(-2, "d", 0o700),
    b.mkdirAt!(-2, "d", 0o700),
  );
  // Every primitive is named; macOS's lchmodAt is fchmodat (no fchmodat2).
  for (const k of Object.keys(SYSCALL)) {
    assertEquals(typeof b.syscall[k as keyof typeof SYSCALL], "string", k);
  }
  assertEquals(b.syscall.lchmodAt, "fchmodat");
  assertEquals(b.syscall.statAt, b.statVia);
  assertEquals(b.syscall.mkdirAt, "mkdirat");
  // One typed check narrows the backend for probe and call alike.
  assert(hasPrimitive(b, "mkdirAt"));
  assertFalse(hasPrimitive(null, "mkdirAt"));
  assertFalse(hasPrimitive({ ...b, mkdirAt: undefined }, "mkdirAt"));
});
