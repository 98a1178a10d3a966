// Copyright 2026 the dirfd authors. MIT license.
// The macOS backend's data and pure functions, tested on every OS: the
// constants against Apple's headers, the struct layouts against byte
// fixtures written from the header definitions, the symbol names per
// architecture, the errno table, and the primitives wired over stand-in
// libSystem functions; the readdir task rebuilt from its source text, as a
// pool worker rebuilds it, over stand-in dup/fdopendir/readdir/closedir.
// On Linux, the async twins (readDirChunk's task included) also run on a
// real worker pool over glibc. (The dlopen itself only runs on a Mac.)
import {
  assert,
  assertEquals,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import { systemError } from "../_errors.ts";
import { errorClassFor } from "../ffi/_error_classes.ts";
import {
  AT,
  DARWIN_CONSTANTS,
  darwinBackend,
  darwinDirReader,
  type DarwinLibrary,
  darwinPoolLibrary,
  darwinReadChunk,
  darwinReadChunkStat,
  darwinStat,
  darwinSymbols,
  decodeDarwinDirent,
  decodeDarwinStat,
  DIRENT64,
  DT,
  ERRNO_NAMES,
  kindOfDarwinEntry,
  O,
  openDarwin,
  READ_CHUNK,
  STAT64,
  STAT_CHUNK_SIZE,
  STAT_CHUNK_SLOTS,
  statChunkLayout as darwinStatChunkLayout,
  UTIME,
} from "../ffi/darwin.ts";
import { ERRNO_NAMES as LINUX_ERRNO_NAMES, LIBC } from "../ffi/linux.ts";
import type { CallPool, PoolLibrary } from "../ffi/_pool.ts";
import { errnoReader, POSIX_SYMBOLS } from "../ffi/_posix.ts";
import {
  type AsyncBackend,
  type Backend,
  type DirChunk,
  KIND,
} from "../ffi/_types.ts";
import { FILE_INFO_KEYS, StatResult } from "../_file_info.ts";

// ---------------------------------------------------------------- constants

// [name, value in the header, header]; the values are copied from Apple's
// xnu `bsd/sys/*.h` as shipped in the macOS SDK's `usr/include/sys/`.
const HEADER_CONSTANTS: [string, number, string][] = [
  ["AT_FDCWD", -2, "<sys/fcntl.h>"],
  ["AT_EACCESS", 0x0010, "<sys/fcntl.h>"],
  ["AT_SYMLINK_NOFOLLOW", 0x0020, "<sys/fcntl.h>"],
  ["AT_SYMLINK_FOLLOW", 0x0040, "<sys/fcntl.h>"],
  ["AT_REMOVEDIR", 0x0080, "<sys/fcntl.h>"],
  ["O_RDONLY", 0x0000, "<sys/fcntl.h>"],
  ["O_NOFOLLOW", 0x00000100, "<sys/fcntl.h>"],
  ["O_DIRECTORY", 0x00100000, "<sys/fcntl.h>"],
  ["O_CLOEXEC", 0x01000000, "<sys/fcntl.h>"],
  ["UTIME_NOW", -1, "<sys/stat.h>"],
  ["UTIME_OMIT", -2, "<sys/stat.h>"],
];

Deno.test("darwin: constants match <sys/fcntl.h> and <sys/stat.h>", () => {
  const ours: Record<string, number | undefined> = {
    AT_FDCWD: AT.FDCWD,
    AT_EACCESS: AT.EACCESS,
    AT_SYMLINK_NOFOLLOW: AT.SYMLINK_NOFOLLOW,
    AT_SYMLINK_FOLLOW: AT.SYMLINK_FOLLOW,
    AT_REMOVEDIR: AT.REMOVEDIR,
    O_RDONLY: O.RDONLY,
    O_NOFOLLOW: O.NOFOLLOW,
    O_DIRECTORY: O.DIRECTORY,
    O_CLOEXEC: O.CLOEXEC,
    UTIME_NOW: UTIME.NOW,
    UTIME_OMIT: UTIME.OMIT,
  };
  for (const [name, value, header] of HEADER_CONSTANTS) {
    assertEquals(ours[name], value, `${name} (${header})`);
    // What the shared POSIX primitives receive is the same value.
    const given = (DARWIN_CONSTANTS as unknown as Record<string, number>)[name];
    assertEquals(given, value, `DARWIN_CONSTANTS.${name} (${header})`);
  }
});

// <sys/errno.h>: [name, number]; the ones that differ from Linux first.
const HEADER_ERRNO: [string, number][] = [
  ["EDEADLK", 11],
  ["EAGAIN", 35],
  ["EINPROGRESS", 36],
  ["ENOTSUP", 45],
  ["EADDRINUSE", 48],
  ["EADDRNOTAVAIL", 49],
  ["ENETUNREACH", 51],
  ["ECONNABORTED", 53],
  ["ECONNRESET", 54],
  ["ENOTCONN", 57],
  ["ETIMEDOUT", 60],
  ["ECONNREFUSED", 61],
  ["ELOOP", 62],
  ["ENAMETOOLONG", 63],
  ["ENOTEMPTY", 66],
  ["EDQUOT", 69],
  ["ESTALE", 70],
  ["ENOLCK", 77],
  ["ENOSYS", 78],
  ["EOVERFLOW", 84],
  ["ECANCELED", 89],
  ["EILSEQ", 92],
  ["ENODATA", 96],
  ["EOPNOTSUPP", 102],
  ["EPERM", 1],
  ["ENOENT", 2],
  ["EINTR", 4],
  ["EIO", 5],
  ["EBADF", 9],
  ["ENOMEM", 12],
  ["EACCES", 13],
  ["EBUSY", 16],
  ["EEXIST", 17],
  ["EXDEV", 18],
  ["ENOTDIR", 20],
  ["EISDIR", 21],
  ["EINVAL", 22],
  ["EMFILE", 24],
  ["ENOSPC", 28],
  ["EROFS", 30],
  ["EMLINK", 31],
  ["EPIPE", 32],
];

Deno.test("darwin: errno numbers match <sys/errno.h>", () => {
  for (const [name, n] of HEADER_ERRNO) {
    assertEquals(ERRNO_NAMES[n], name, `${name} is ${n} in <sys/errno.h>`);
  }
  // The table is a bijection over 1..106 (ELAST).
  const names = Object.values(ERRNO_NAMES);
  assertEquals(new Set(names).size, names.length);
  assertEquals(
    Object.keys(ERRNO_NAMES).map(Number),
    Array.from({ length: 106 }, (_, i) => i + 1),
  );
});

Deno.test("darwin: every errno gets the Deno.errors class Linux gives its name", () => {
  const linuxByName = new Map(
    Object.entries(LINUX_ERRNO_NAMES).map(([n, name]) => [name, Number(n)]),
  );
  let shared = 0;
  for (const [n, name] of Object.entries(ERRNO_NAMES)) {
    if (!linuxByName.has(name)) continue;
    shared++;
    assertStrictEquals(
      errorClassFor(ERRNO_NAMES[Number(n)]),
      errorClassFor(LINUX_ERRNO_NAMES[linuxByName.get(name)!]),
      name,
    );
  }
  assert(shared >= 50, `only ${shared} names shared with Linux`);
  // Whole errors, as an operation builds them from a macOS errno.
  const b = fakeBackend();
  const cases: [number, string, new (m: string) => Error][] = [
    [62, "ELOOP", Deno.errors.FilesystemLoop],
    [2, "ENOENT", Deno.errors.NotFound],
    [13, "EACCES", Deno.errors.PermissionDenied],
    [17, "EEXIST", Deno.errors.AlreadyExists],
    [20, "ENOTDIR", Deno.errors.NotADirectory],
    [21, "EISDIR", Deno.errors.IsADirectory],
    [35, "EAGAIN", Deno.errors.WouldBlock],
    [60, "ETIMEDOUT", Deno.errors.TimedOut],
    [22, "EINVAL", TypeError],
  ];
  for (const [n, code, Cls] of cases) {
    const e = systemError(b, -n, "fstatat", "a/b");
    assert(e instanceof Cls, `${code} is ${Cls.name}`);
    assertEquals(e.code, code);
    assertEquals(e.errno, n);
    assertEquals(e.message, `desc ${n} (os error ${n}): fstatat 'a/b'`);
  }
  for (const n of [63, 66, 45, 78]) {
    assertStrictEquals(
      systemError(b, -n, "x").constructor,
      Error,
      ERRNO_NAMES[n],
    );
  }
});

// ---------------------------------------------------------------- symbols

Deno.test("darwin: symbol names per architecture ($INODE64 on x86_64)", () => {
  const x = darwinSymbols("x86_64");
  const a = darwinSymbols("aarch64");
  const inode64 = ["fstatat", "fstat", "fdopendir", "readdir"];
  for (const k of inode64) {
    const key = k as keyof typeof x;
    assertEquals((x[key] as { name?: string }).name, `${k}$INODE64`, k);
    assertEquals((a[key] as { name?: string }).name, k, k);
  }
  for (const k of ["closedir", "dup", "__error", "openat", "fchmodat"]) {
    const key = k as keyof typeof x;
    assertEquals((x[key] as { name?: string }).name, undefined, k);
  }
  // The shared POSIX table is carried over unchanged.
  for (const [k, v] of Object.entries(POSIX_SYMBOLS)) {
    assertEquals(x[k as keyof typeof x], v, k);
    assertEquals(a[k as keyof typeof a], v, k);
  }
});

Deno.test({
  name: "darwin: openDarwin returns null where libSystem does not exist",
  // Reason: on a Mac the library exists; the real backend is tested there
  // by every other test file.
  ignore: Deno.build.os === "darwin",
  fn() {
    assertEquals(openDarwin(), null);
  },
});

// ---------------------------------------------------------------- struct stat

interface StatFields {
  dev: number;
  mode: number;
  nlink: number;
  ino: bigint;
  uid: number;
  gid: number;
  rdev: number;
  times: [bigint, bigint][]; // atime, mtime, ctime, birthtime (sec, nsec)
  size: bigint;
  blocks: bigint;
  blksize: number;
}

/** Writes a `struct stat` (`__DARWIN_STRUCT_STAT64`) field by field. */
function statFixture(f: StatFields): Uint8Array {
  const buf = new Uint8Array(144);
  const v = new DataView(buf.buffer);
  // Poison everything first: padding and spare fields must not be read.
  buf.fill(0xa5);
  v.setInt32(0, f.dev, true); // dev_t st_dev
  v.setUint16(4, f.mode, true); // mode_t st_mode
  v.setUint16(6, f.nlink, true); // nlink_t st_nlink
  v.setBigUint64(8, f.ino, true); // __darwin_ino64_t st_ino
  v.setUint32(16, f.uid, true); // uid_t st_uid
  v.setUint32(20, f.gid, true); // gid_t st_gid
  v.setInt32(24, f.rdev, true); // dev_t st_rdev (+4 bytes padding)
  f.times.forEach(([sec, nsec], i) => { // st_{a,m,c,birth}timespec
    v.setBigInt64(32 + 16 * i, sec, true);
    v.setBigInt64(40 + 16 * i, nsec, true);
  });
  v.setBigInt64(96, f.size, true); // off_t st_size
  v.setBigInt64(104, f.blocks, true); // blkcnt_t st_blocks
  v.setInt32(112, f.blksize, true); // blksize_t st_blksize
  v.setUint32(116, 0x8000, true); // st_flags (UF_HIDDEN), not reported
  v.setUint32(120, 7, true); // st_gen, not reported
  return buf;
}

function decode(buf: Uint8Array) {
  return decodeDarwinStat(
    new Uint32Array(buf.buffer, buf.byteOffset, 36),
    new Int32Array(buf.buffer, buf.byteOffset, 36),
  );
}

Deno.test("darwin: STAT64 offsets follow __DARWIN_STRUCT_STAT64", () => {
  assertEquals(STAT64, {
    size: 144,
    dev: 0,
    mode: 4,
    nlink: 6,
    ino: 8,
    uid: 16,
    gid: 20,
    rdev: 24,
    atime: 32,
    mtime: 48,
    ctime: 64,
    birthtime: 80,
    st_size: 96,
    blocks: 104,
    blksize: 112,
    flags: 116,
    gen: 120,
  });
});

Deno.test("darwin: decodeDarwinStat reads a regular file fixture", () => {
  const r = decode(statFixture({
    dev: 0x1000004,
    mode: 0o100644,
    nlink: 3,
    ino: 2n ** 40n + 12345n,
    uid: 501,
    gid: 20,
    rdev: 0,
    times: [
      [-2n, 500_000_000n], // before 1970
      [1_700_000_000n, 999_999_999n],
      [1_700_000_001n, 1n],
      [1_600_000_000n, 123_456_789n],
    ],
    size: 2n ** 33n + 5n,
    blocks: 17n,
    blksize: 4096,
  }));
  const expect: Record<string, unknown> = {
    isFile: true,
    isDirectory: false,
    isSymlink: false,
    size: 2 ** 33 + 5,
    mtime: 1_700_000_000_999,
    atime: -1500,
    birthtime: 1_600_000_000_123,
    ctime: 1_700_000_001_000, // whole seconds, as Deno reports it
    dev: 0x1000004,
    ino: 2 ** 40 + 12345,
    mode: 0o100644,
    nlink: 3,
    uid: 501,
    gid: 20,
    rdev: 0,
    blksize: 4096,
    blocks: 17,
    isBlockDevice: false,
    isCharDevice: false,
    isFifo: false,
    isSocket: false,
    atimeNs: -1_500_000_000n,
    mtimeNs: 1_700_000_000_999_999_999n,
    ctimeNs: 1_700_000_001_000_000_001n,
    birthtimeNs: 1_600_000_000_123_456_789n,
  };
  for (const k of FILE_INFO_KEYS) {
    const v = r[k];
    assertEquals(v instanceof Date ? v.getTime() : v, expect[k], k);
  }
});

Deno.test("darwin: decodeDarwinStat reads device, directory and link fixtures", () => {
  const base = {
    nlink: 1,
    ino: 5n,
    uid: 0,
    gid: 0,
    times: [[0n, 0n], [0n, 0n], [0n, 0n], [0n, 0n]] as [bigint, bigint][],
    size: 0n,
    blocks: 0n,
    blksize: 131072,
  };
  // /dev/null: a character device, rdev makedev(3, 2) = 0x3000002 on macOS.
  const chr = decode(statFixture({
    ...base,
    dev: -1, // devfs reports a negative dev_t; Deno sign-extends it to u64
    mode: 0o020666,
    rdev: 0x3000002,
  }));
  assert(chr.isCharDevice);
  assertEquals(chr.rdev, 0x3000002);
  assertEquals(chr.dev, 2 ** 64 - 1);
  assertEquals(chr.mode, 0o020666);
  assertEquals(chr.blksize, 131072);
  const dir = decode(statFixture({ ...base, dev: 1, mode: 0o040755, rdev: 0 }));
  assert(dir.isDirectory && !dir.isFile);
  const lnk = decode(statFixture({ ...base, dev: 1, mode: 0o120755, rdev: 0 }));
  assert(lnk.isSymlink);
  for (
    const [mode, key] of [[0o010644, "isFifo"], [0o140755, "isSocket"], [
      0o060640,
      "isBlockDevice",
    ]] as const
  ) {
    const r = decode(statFixture({ ...base, dev: 1, mode, rdev: 0 }));
    assertEquals(r[key], true, key);
  }
  // nlink is 16 bits wide: the maximum survives next to st_mode.
  const many = decode(
    statFixture({ ...base, dev: 1, mode: 0o040755, rdev: 0, nlink: 65535 }),
  );
  assertEquals(many.nlink, 65535);
  assertEquals(many.mode, 0o040755);
});

Deno.test("darwin: darwinStat passes the nofollow flag and returns -errno", () => {
  const fixture = statFixture({
    dev: 9,
    mode: 0o100600,
    nlink: 1,
    ino: 77n,
    uid: 1,
    gid: 2,
    rdev: 0,
    times: [[1n, 2n], [3n, 4n], [5n, 6n], [7n, 8n]],
    size: 10n,
    blocks: 1n,
    blksize: 4096,
  });
  const flags: number[] = [];
  let fail = false;
  const prims = darwinStat(
    (_fd, _p, buf, flag) => {
      flags.push(flag);
      if (fail) return -1;
      buf.set(fixture);
      return 0;
    },
    (_fd, buf) => {
      if (fail) return -1;
      buf.set(fixture);
      return 0;
    },
    () => 9, // EBADF
  );
  assertEquals(prims.via, "fstatat");
  const r = prims.statAt(AT.FDCWD, new Uint8Array(1), false);
  assert(typeof r !== "number" && r.ino === 77 && r.size === 10);
  prims.statAt(AT.FDCWD, new Uint8Array(1), true);
  assertEquals(flags, [AT.SYMLINK_NOFOLLOW, 0]);
  const f = prims.fstat(3);
  assert(typeof f !== "number" && f.mtimeNs === 3_000_000_004n);
  fail = true;
  assertEquals(prims.statAt(3, new Uint8Array(1), true), -9);
  assertEquals(prims.fstat(3), -9);
  assertEquals(prims.select!("fstatat"), true);
  assertEquals(prims.select!("statx"), false);
});

// ---------------------------------------------------------------- dirent

/** Writes one `struct dirent` record (`__DARWIN_STRUCT_DIRENTRY`). */
function direntFixture(ino: bigint, type: number, name: string): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  // d_reclen: header + name + NUL, rounded up to 4 (what the kernel emits).
  const reclen = (DIRENT64.name + nameBytes.length + 1 + 3) & ~3;
  const rec = new Uint8Array(reclen).fill(0xee);
  const v = new DataView(rec.buffer);
  v.setBigUint64(0, ino, true); // __uint64_t d_ino
  v.setBigUint64(8, 0x1234n, true); // __uint64_t d_seekoff
  v.setUint16(16, reclen, true); // __uint16_t d_reclen
  v.setUint16(18, nameBytes.length, true); // __uint16_t d_namlen
  v.setUint8(20, type); // __uint8_t d_type
  rec.set(nameBytes, 21); // char d_name[1024]
  rec[21 + nameBytes.length] = 0;
  return rec;
}

Deno.test("darwin: DIRENT64 and DT follow <sys/dirent.h>", () => {
  assertEquals(DIRENT64, {
    size: 1048,
    ino: 0,
    seekoff: 8,
    reclen: 16,
    namlen: 18,
    type: 20,
    name: 21,
  });
  assertEquals(DT, {
    UNKNOWN: 0,
    FIFO: 1,
    CHR: 2,
    DIR: 4,
    BLK: 6,
    REG: 8,
    LNK: 10,
    SOCK: 12,
    WHT: 14,
  });
});

Deno.test("darwin: a name that is not UTF-8 is decoded lossily and flagged", () => {
  const rec = direntFixture(3n, DT.REG, "ab");
  rec[22] = 0xff; // "a\xff"
  const e = decodeDarwinDirent(rec);
  assertEquals(e.utf8, false);
  assertEquals(e.name, "a\ufffd");
  assertEquals(kindOfDarwinEntry(e), KIND.BAD_NAME);
  const kinds: [number, number][] = [
    [DT.REG, KIND.FILE],
    [DT.DIR, KIND.DIR],
    [DT.LNK, KIND.SYMLINK],
    [DT.UNKNOWN, KIND.UNKNOWN],
    [DT.FIFO, KIND.OTHER],
    [DT.SOCK, KIND.OTHER],
    [DT.CHR, KIND.OTHER],
    [DT.BLK, KIND.OTHER],
  ];
  for (const [type, kind] of kinds) {
    assertEquals(
      kindOfDarwinEntry({ ino: 1, type, name: "x", utf8: true }),
      kind,
    );
  }
});

Deno.test("darwin: decodeDarwinDirent reads record fixtures", () => {
  const cases: [bigint, number, string][] = [
    [2n ** 35n + 7n, DT.REG, "héllo.txt"],
    [2n, DT.DIR, "."],
    [12n, DT.LNK, "link→target"],
    [13n, DT.FIFO, "x".repeat(255)],
    [14n, DT.UNKNOWN, "日本語"],
  ];
  for (const [ino, type, name] of cases) {
    const rec = direntFixture(ino, type, name);
    // Decoding from inside a larger buffer (as readdir's records are).
    const big = new Uint8Array(rec.length + 16);
    big.set(rec, 8);
    for (const r of [rec, big.subarray(8, 8 + rec.length)]) {
      const e = decodeDarwinDirent(r);
      assertEquals(e, { ino: Number(ino), type, name, utf8: true }, name);
    }
  }
});

/**
 * Stand-in libSystem directory functions over fixture records, modelling
 * what the reader relies on. `dup` makes a descriptor that shares the
 * directory's offset (one open file description for all of them);
 * `fdopendir` takes a descriptor and makes a `DIR` that reads from that
 * offset; like Apple's (which fills a buffer through `getdirentries64`),
 * a `DIR` reads `readAhead` records at a time into a buffer of its own,
 * so a `DIR` given up before its buffer is drained loses those entries.
 * `__error` returns a real pointer to the errno cell, which `fdopendir`
 * leaves stale (as libc may): a `readdir` whose errno was not cleared
 * reports that stale value at the end.
 */
function fakeDirLib(
  records: Uint8Array[],
  opts: {
    dupErrno?: number;
    fdopendirErrno?: number;
    readdirErrnoAt?: number;
    readAhead?: number;
  } = {},
) {
  const calls: string[] = [];
  const cell = new Int32Array(new ArrayBuffer(8));
  const errp = Deno.UnsafePointer.of(cell);
  const file = { offset: 0 }; // the open file description dup shares
  const readAhead = opts.readAhead ?? 4;
  const dirs = new Map<bigint, { fd: number; buf: number[]; open: boolean }>();
  let nextFd = 41;
  let nextDir = 0x1000n;
  /** readdir calls so far. */
  const stats = { readdir: 0 };
  const dirOf = (p: Deno.PointerValue) => {
    const d = dirs.get(BigInt(Deno.UnsafePointer.value(p)));
    assert(d !== undefined, "a DIR fdopendir made");
    return d;
  };
  const s = {
    __error: () => errp,
    dup(fd: number) {
      calls.push(`dup ${fd}`);
      if (opts.dupErrno) {
        cell[0] = opts.dupErrno;
        return -1;
      }
      return nextFd++;
    },
    close(fd: number) {
      calls.push(`close ${fd}`);
      return 0;
    },
    fdopendir(fd: number) {
      calls.push(`fdopendir ${fd}`);
      if (opts.fdopendirErrno) {
        cell[0] = opts.fdopendirErrno;
        return null;
      }
      cell[0] = 99; // stale: success does not clear errno
      const p = nextDir;
      nextDir += 0x100n;
      dirs.set(p, { fd, buf: [], open: true });
      return Deno.UnsafePointer.create(p);
    },
    readdir(p: Deno.PointerValue) {
      const d = dirOf(p);
      assert(d.open, "readdir after closedir");
      stats.readdir++;
      if (d.buf.length === 0) {
        while (d.buf.length < readAhead && file.offset < records.length) {
          d.buf.push(file.offset++);
        }
      }
      const i = d.buf.shift();
      if (i === undefined) return null; // the end: errno untouched
      if (i === opts.readdirErrnoAt) {
        cell[0] = 5; // EIO
        return null;
      }
      return Deno.UnsafePointer.of(records[i]);
    },
    closedir(p: Deno.PointerValue) {
      const d = dirOf(p);
      calls.push(`closedir ${d.fd}`);
      d.open = false;
      return 0;
    },
  };
  return {
    s: s as unknown as DarwinLibrary,
    calls,
    stats,
    errno: () => cell[0],
  };
}

const chunk = (): DirChunk => ({ count: 0, names: [], kinds: [] });

const needsFfi = {
  // Reason: reading fixture records through pointers needs --allow-ffi.
  ignore: Deno.permissions.querySync({ name: "ffi" }).state !== "granted",
};

/** The task rebuilt from its source text, as a pool worker rebuilds it. */
const readChunkTask = new Function(
  "return (" + darwinReadChunk.toString() + ");",
)() as (
  s: DarwinLibrary,
  fd: number,
  dirp: number,
  out: Uint8Array,
  size: number,
) => number;

/** The records `n` fixtures make, names of assorted lengths, then `.`/`..`. */
function manyRecords(n: number): Uint8Array[] {
  const recs = [
    direntFixture(2n, DT.DIR, "."),
    direntFixture(1n, DT.DIR, ".."),
  ];
  for (let i = 0; i < n; i++) {
    const name = i === 5
      ? "L".repeat(1000)
      : `entry-${i}-${"x".repeat(i % 37)}`;
    recs.push(direntFixture(BigInt(100 + i), i % 2 ? DT.DIR : DT.REG, name));
  }
  return recs;
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
};

/**
 * Runs the rebuilt task with a `size`-byte buffer that starts 24 bytes into
 * a larger one (as an arena's output buffer does) and is followed by
 * poisoned bytes it must not touch; returns the result and the header.
 */
function runTask(
  f: ReturnType<typeof fakeDirLib>,
  fd: number,
  dirp: number,
  size: number,
) {
  const arena = new Uint8Array(24 + size + 64).fill(0xa5);
  const out = arena.subarray(24);
  const readdirBefore = f.stats.readdir;
  const r = readChunkTask(f.s, fd, dirp, out, size);
  const v = new DataView(arena.buffer, 24);
  const used = v.getUint32(READ_CHUNK.used, true);
  assert(arena.subarray(0, 24).every((b) => b === 0xa5), "bytes before");
  assert(out.subarray(size).every((b) => b === 0xa5), "bytes after size");
  return {
    r,
    dirp: Number(v.getBigUint64(READ_CHUNK.dirp, true)),
    records: v.getUint32(READ_CHUNK.records, true),
    used,
    bytes: out.slice(READ_CHUNK.header, used),
    readdirs: f.stats.readdir - readdirBefore,
  };
}

Deno.test("darwin: READ_CHUNK has room for the largest record", () => {
  assertEquals(READ_CHUNK, {
    dirp: 0,
    records: 8,
    used: 12,
    header: 16,
    size: 65536,
  });
  assert(READ_CHUNK.size >= READ_CHUNK.header + DIRENT64.size);
  // The literals of the task, named after these constants in its comments.
  const src = darwinReadChunk.toString();
  for (const lit of ["16 + 1048", ">= 1048", "getUint16(16)"]) {
    assert(src.includes(lit), lit);
  }
});

Deno.test({
  ...needsFfi,
  name: "darwin: darwinReadChunk reads a small directory in one call",
  fn() {
    const recs = manyRecords(3);
    const f = fakeDirLib(recs);
    const a = runTask(f, 7, 0, 4096);
    assertEquals(a.r, 5);
    assertEquals(a.records, 5);
    // Every record's raw d_reclen bytes, back to back, in readdir's order.
    assertEquals(a.bytes, concat(recs));
    assertEquals(a.used, READ_CHUNK.header + concat(recs).length);
    // The end came in the same call: the DIR (and its dup) is closed. The
    // stale errno fdopendir left did not turn the end into an error.
    assertEquals(a.dirp, 0);
    assertEquals(f.calls, ["dup 7", "fdopendir 41", "closedir 41"]);
    assertEquals(a.readdirs, 6);
    // Next call: a fresh dup, whose shared offset is at the end.
    const b = runTask(f, 7, 0, 4096);
    assertEquals(b.r, 0);
    assertEquals(b.dirp, 0);
    assertEquals(b.records, 0);
    assertEquals(f.calls.slice(3), [
      "dup 7",
      "fdopendir 42",
      "closedir 42",
    ]);
  },
});

Deno.test({
  ...needsFfi,
  name:
    "darwin: darwinReadChunk spreads a directory over calls, losing nothing",
  fn() {
    const recs = manyRecords(60);
    const f = fakeDirLib(recs, { readAhead: 5 });
    // Room for about 250 bytes of records before the 1048-byte reserve.
    const size = READ_CHUNK.header + DIRENT64.size + 250;
    const got: Uint8Array[] = [];
    let dirp = 0;
    let firstDir = 0;
    let calls = 0;
    for (;;) {
      const c = runTask(f, 7, dirp, size);
      calls++;
      assert(c.r >= 0, `call ${calls}: ${c.r}`);
      assertEquals(c.records, c.r);
      assert(c.used <= size);
      got.push(c.bytes);
      if (c.dirp === 0) {
        // The end: one readdir more than the records, the one that said so.
        assertEquals(c.readdirs, c.r + 1);
        break;
      }
      // Not the end: readdir ran once per record copied, never once more,
      // and stopped only when the room left was short of a whole record.
      assert(c.r > 0);
      assertEquals(c.readdirs, c.r);
      assert(size - c.used < DIRENT64.size, `stopped early: ${c.used}`);
      assert(size - (c.used - lastReclen(c.bytes)) >= DIRENT64.size);
      if (firstDir === 0) firstDir = c.dirp;
      // The same DIR carries on (a new one would have lost its read-ahead).
      assertEquals(c.dirp, firstDir);
      dirp = c.dirp;
    }
    assert(calls >= 3, `${calls} calls`);
    assertEquals(concat(got), concat(recs));
    assertEquals(f.calls, ["dup 7", "fdopendir 41", "closedir 41"]);
    const end = runTask(f, 7, 0, size);
    assertEquals(end.r, 0);
    assertEquals(f.calls.filter((c) => c.startsWith("closedir")).length, 2);
  },
});

/** The d_reclen of the last record in `bytes` (records back to back). */
function lastReclen(bytes: Uint8Array): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let at = 0;
  let len = 0;
  while (at < bytes.length) {
    len = v.getUint16(at + DIRENT64.reclen, true);
    at += len;
  }
  assertEquals(at, bytes.length);
  return len;
}

Deno.test({
  ...needsFfi,
  name: "darwin: darwinReadChunk reports dup, fdopendir and readdir errors",
  fn() {
    const recs = manyRecords(40);
    // dup fails: nothing opened.
    const g = fakeDirLib(recs, { dupErrno: 24 });
    const a = runTask(g, 7, 0, 4096);
    assertEquals(a.r, -24);
    assertEquals(a.dirp, 0);
    assertEquals(g.calls, ["dup 7"]);
    // fdopendir fails: the dup is closed, errno read before close.
    const h = fakeDirLib(recs, { fdopendirErrno: 20 });
    const b = runTask(h, 7, 0, 4096);
    assertEquals(b.r, -20);
    assertEquals(b.dirp, 0);
    assertEquals(h.calls, ["dup 7", "fdopendir 41", "close 41"]);
    // readdir fails in the first call: the DIR is closed.
    const k = fakeDirLib(recs, { readdirErrnoAt: 3 });
    const c = runTask(k, 7, 0, 65536);
    assertEquals(c.r, -5);
    assertEquals(c.dirp, 0);
    assertEquals(k.calls, ["dup 7", "fdopendir 41", "closedir 41"]);
    // readdir fails in a later call, on the DIR an earlier call left open.
    const m = fakeDirLib(recs, { readdirErrnoAt: 30 });
    const size = READ_CHUNK.header + DIRENT64.size + 250;
    const first = runTask(m, 7, 0, size);
    assert(first.r > 0 && first.dirp !== 0);
    let d = first;
    while (d.r > 0) d = runTask(m, 7, d.dirp, size);
    assertEquals(d.r, -5);
    assertEquals(d.dirp, 0);
    assertEquals(m.calls, ["dup 7", "fdopendir 41", "closedir 41"]);
    // A buffer that cannot hold one record: nothing is called, and the
    // DIR passed in is handed back, still open.
    const n = fakeDirLib(recs);
    const e = runTask(n, 7, 0x1000, READ_CHUNK.header + DIRENT64.size - 1);
    assertEquals(e.r, -22);
    assertEquals(e.dirp, 0x1000);
    assertEquals(n.calls, []);
    assertEquals(e.readdirs, 0);
  },
});

Deno.test({
  ...needsFfi,
  name: "darwin: readDirChunk lists through dup/fdopendir/readdir/closedir",
  fn() {
    const recs = [
      direntFixture(2n, DT.DIR, "."),
      direntFixture(1n, DT.DIR, ".."),
      direntFixture(100n, DT.REG, "a.txt"),
      direntFixture(2n ** 40n, DT.DIR, "sub"),
      direntFixture(101n, DT.LNK, "ünïcode"),
      direntFixture(102n, DT.UNKNOWN, "u"),
    ];
    const f = fakeDirLib(recs);
    const read = darwinDirReader(f.s)!;
    const out = chunk();
    assertEquals(read(7, out), 6); // every record, "." and ".." included
    assertEquals(out.count, 4);
    assertEquals(out.names.slice(0, 4), ["a.txt", "sub", "ünïcode", "u"]);
    assertEquals(out.kinds.slice(0, 4), [
      KIND.FILE,
      KIND.DIR,
      KIND.SYMLINK,
      KIND.UNKNOWN,
    ]);
    assertEquals(f.calls, ["dup 7", "fdopendir 41", "closedir 41"]);
    // The shared offset is at the end: the next call reports the end.
    assertEquals(read(7, out), 0);
    assertEquals(out.count, 0);
    // Errors: from dup, and from readdir (after closedir).
    const g = fakeDirLib(recs, { dupErrno: 24 });
    assertEquals(darwinDirReader(g.s)!(7, chunk()), -24);
    const h = fakeDirLib(recs, { readdirErrnoAt: 3 });
    const o = chunk();
    assertEquals(darwinDirReader(h.s)!(7, o), -5);
    assertEquals(o.count, 0);
    assertEquals(h.calls.at(-1), "closedir 41");
  },
});

/** `n` records named `f0`…, after `.` and `..`: about 28 bytes each. */
function bigDir(n: number): Uint8Array[] {
  return [
    direntFixture(2n, DT.DIR, "."),
    direntFixture(1n, DT.DIR, ".."),
    ...Array.from(
      { length: n },
      (_, i) => direntFixture(BigInt(10 + i), DT.REG, `f${i}`),
    ),
  ];
}

Deno.test({
  ...needsFfi,
  name: "darwin: readDirChunk takes several calls over a big directory",
  fn() {
    const n = 5000; // 28-byte records: over two 64 KiB chunks
    const f = fakeDirLib(bigDir(n), { readAhead: 64 });
    const dirs = new Map<number, number>();
    const read = darwinDirReader(f.s, dirs)!;
    const out = chunk();
    const names: string[] = [];
    const counts: number[] = [];
    for (;;) {
      const r = read(7, out);
      assert(r >= 0, String(r));
      counts.push(r);
      if (r === 0) break;
      names.push(...out.names.slice(0, out.count));
      assert(out.kinds.slice(0, out.count).every((k) => k === KIND.FILE));
      // The DIR stays open, recorded for the descriptor, until the end.
      if (names.length < n) assert(dirs.has(7));
    }
    assert(counts.length >= 3, `${counts}`);
    assert(counts[0] < n + 2, "the first call does not return everything");
    assertEquals(counts.reduce((a, b) => a + b, 0), n + 2);
    assertEquals(names, Array.from({ length: n }, (_, i) => `f${i}`));
    assertEquals(dirs.size, 0);
    assertEquals(f.calls.filter((c) => c === "closedir 41").length, 1);
    // After the end, 0 again.
    assertEquals(read(7, out), 0);
    assertEquals(out.count, 0);
  },
});

Deno.test({
  ...needsFfi,
  name: "darwin: close(fd) closes the DIR a listing left open, exactly once",
  fn() {
    const f = fakeDirLib(bigDir(5000), { readAhead: 64 });
    const s = { ...recordingLib().s, ...f.s } as unknown as DarwinLibrary;
    const b = darwinBackend(s, f.errno);
    const out = chunk();
    // Stop after one chunk: the DIR (over dup 41) is open.
    const r = b.readDirChunk!(7, out);
    assert(r > 0 && r < 5002, String(r));
    assertEquals(f.calls, ["dup 7", "fdopendir 41"]);
    assertEquals(b.close(7), 0);
    assertEquals(f.calls.slice(2), ["closedir 41", "close 7"]);
    // Closing again (or a reused number) finds no DIR to close.
    b.close(7);
    assertEquals(f.calls.slice(4), ["close 7"]);
    // A listing read to its end closed its DIRs itself: close(fd) closes
    // only the descriptor.
    for (let r = 1; r !== 0;) {
      r = b.readDirChunk!(8, out);
      assert(r >= 0);
    }
    const before = f.calls.length;
    b.close(8);
    assertEquals(f.calls.slice(before), ["close 8"]);
    const closedirs = f.calls.filter((c) => c.startsWith("closedir"));
    assertEquals(closedirs, [...new Set(closedirs)], "each DIR once");
    assertEquals(closedirs.length, 3); // 41; then 42 at the end, 43 (empty)
  },
});

Deno.test("darwin: no readDirChunk without the dirent symbols", () => {
  const f = fakeDirLib([]);
  const s = { ...f.s, readdir: null } as unknown as DarwinLibrary;
  assertEquals(darwinDirReader(s), undefined);
  // And close(fd) is the plain one.
  const rec = recordingLib();
  const b = darwinBackend({ ...rec.s, readdir: null }, () => 0);
  assertEquals(b.readDirChunk, undefined);
  b.close(7);
  assertEquals(rec.calls, [["close", 7]]);
});

// ---------------------------------------------------------------- backend

/** A backend whose only job is naming errors (for systemError). */
function fakeBackend(): Backend {
  // The macOS backend's own error naming and classes, over stand-in symbols.
  const real = darwinBackend(recordingLib().s, () => 0);
  return {
    errnoName: real.errnoName,
    errorClass: real.errorClass,
    hint: real.hint,
    describe: (n: number) => `desc ${n}`,
  } as unknown as Backend;
}

/** Stand-in libSystem: every symbol records its call and succeeds. */
function recordingLib(): { s: DarwinLibrary; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const s: Record<string, unknown> = {};
  for (const k of Object.keys(darwinSymbols("aarch64"))) {
    s[k] = (...args: unknown[]) => {
      calls.push([
        k,
        ...args.map((a) =>
          a instanceof Uint8Array && a.indexOf(0) >= 0
            ? new TextDecoder().decode(a.subarray(0, a.indexOf(0)))
            : a instanceof BigInt64Array
            ? [...a]
            : a
        ),
      ]);
      return k === "readlinkat" ? 0n : k === "__error" ? null : 0;
    };
  }
  return { s: s as unknown as DarwinLibrary, calls };
}

Deno.test("darwin: the backend passes macOS flags to libSystem", () => {
  const { s, calls } = recordingLib();
  const b = darwinBackend(s, () => 0);
  assertEquals(b.name, "darwin");
  assertEquals(b.AT_FDCWD, -2);
  assertEquals(b.statVia, "fstatat");
  const dirFlags = O.RDONLY | O.DIRECTORY | O.CLOEXEC;
  assertEquals(b.openDirFlags(true), dirFlags);
  assertEquals(b.openDirFlags(false), dirFlags | O.NOFOLLOW);
  const last = () => calls.at(-1);
  b.openDirAt(-2, "d", false);
  assertEquals(last(), ["openat", -2, "d", dirFlags | O.NOFOLLOW]);
  b.statAt(-2, "f", false);
  assertEquals(last()!.slice(0, 3), ["fstatat", -2, "f"]);
  assertEquals(last()![4], 0x20);
  b.unlinkAt!(3, "d", true);
  assertEquals(last(), ["unlinkat", 3, "d", 0x80]);
  b.unlinkAt!(3, "f", false);
  assertEquals(last(), ["unlinkat", 3, "f", 0]);
  b.linkAt!(3, "a", 4, "b", true);
  assertEquals(last(), ["linkat", 3, "a", 4, "b", 0x40]);
  b.chownAt!(3, "f", -1, 20, false);
  assertEquals(last(), ["fchownat", 3, "f", 0xffffffff, 20, 0x20]);
  b.accessAt!(3, "f", 4, false, true);
  assertEquals(last(), ["faccessat", 3, "f", 4, 0x20 | 0x10]);
  b.lchmodAt!(3, "l", 0o600);
  assertEquals(last(), ["fchmodat", 3, "l", 0o600, 0x20]);
  b.chmodAt!(3, "f", 0o644);
  assertEquals(last(), ["fchmodat", 3, "f", 0o644, 0]);
  b.utimeAt!(3, "f", null, false);
  assertEquals(last(), ["utimensat", 3, "f", [0n, -1n, 0n, -1n], 0x20]);
  b.dupDir!(5);
  assertEquals(last(), ["openat", 5, ".", dirFlags]);
  b.mkdirAt!(3, "d", 0o755);
  assertEquals(last(), ["mkdirat", 3, "d", 0o755]);
  assertEquals(b.errnoName(62), "ELOOP");
  assertEquals(b.errnoName(35), "EAGAIN");
});

Deno.test("darwin: the backend has every primitive behind CPython's macOS sets", () => {
  const b = darwinBackend(recordingLib().s, () => 0);
  // supports_dir_fd: access chmod chown link mkdir open readlink rename rmdir
  // stat symlink unlink utime; supports_fd: chdir chmod chown stat truncate
  // utime; supports_follow_symlinks: access chmod chown link stat utime.
  for (
    const k of [
      "accessAt",
      "chmodAt",
      "lchmodAt",
      "chownAt",
      "linkAt",
      "mkdirAt",
      "openDirAt",
      "readLinkAt",
      "renameAt",
      "unlinkAt",
      "statAt",
      "symlinkAt",
      "utimeAt",
      "fchdir",
      "fchmod",
      "fchown",
      "fstat",
      "ftruncate",
      "futimes",
      "truncate",
      "dupDir",
      "readDirChunk",
    ] as const
  ) {
    assertEquals(typeof b[k], "function", k);
  }
  assertEquals(b.has, { fstatat: true, readdir: true });
});

// ---------------------------------------------------------------- async twins

/** The primitives with an async twin over libSystem. */
const DARWIN_TWINS = [
  "statAt",
  "fstat",
  "openDirAt",
  "symlinkAt",
  "readLinkAt",
  "dupDir",
  "mkdirAt",
  "unlinkAt",
  "renameAt",
  "linkAt",
  "chmodAt",
  "lchmodAt",
  "fchmod",
  "chownAt",
  "fchown",
  "utimeAt",
  "futimes",
  "accessAt",
  "truncate",
  "ftruncate",
  "mkfifoAt",
  "readDirChunk",
] as const;

Deno.test("darwin: async twins come with a pool library, readDirChunk's a task", () => {
  // Without one (the default), every async operation runs the sync primitive.
  assertEquals(
    darwinBackend(recordingLib().s, () => 0).async,
    undefined,
  );
  const lib = darwinPoolLibrary("x86_64");
  assertEquals(lib.path, "/usr/lib/libSystem.B.dylib");
  assertEquals(lib.symbols, darwinSymbols("x86_64")); // what openDarwin binds
  assertEquals(lib.errno, { kind: "pointer", sym: "__error" });
  // The workers get the readdir task, under the name the twin requests.
  assertEquals(Object.keys(lib.tasks!), ["darwinReadChunk"]);
  assertStrictEquals(lib.tasks!.darwinReadChunk, darwinReadChunk);
  assertEquals(darwinPoolLibrary("aarch64").symbols.fstatat.name, "fstatat");
  const b = darwinBackend(recordingLib().s, () => 0, lib);
  const a = b.async as Record<string, unknown>;
  for (const k of DARWIN_TWINS) assertEquals(typeof a[k], "function", k);
  assertEquals(typeof b.readDirChunk, "function");
  // Without the dirent symbols, neither readDirChunk nor its twin.
  const noDir = { ...recordingLib().s, fdopendir: null } as DarwinLibrary;
  const d = darwinBackend(noDir, () => 0, lib);
  assertEquals(d.readDirChunk, undefined);
  assertEquals(d.async!.readDirChunk, undefined);
  // macOS has no STATVFS layout or 64-bit dev_t here: no sync, no twin.
  for (const k of ["statvfs", "fstatvfs", "mknodAt"]) {
    assertEquals(a[k], undefined, k);
    assertEquals((b as unknown as Record<string, unknown>)[k], undefined, k);
  }
  // lchmodAt and its twin exist only with fchmodat.
  const { s } = recordingLib();
  const noChmod = { ...s, fchmodat: null } as unknown as DarwinLibrary;
  const c = darwinBackend(noChmod, () => 0, lib);
  assertEquals(c.lchmodAt, undefined);
  assertEquals(c.async!.lchmodAt, undefined);
  assertEquals(c.async!.chmodAt, undefined);
  assertEquals(typeof c.async!.mkdirAt, "function");
});

/** Linux's AT_FDCWD, for absolute paths handed to glibc. */
const LINUX_AT_FDCWD = -100;
const ENOENT = 2;
const EBADF = 9;
const EEXIST = 17;
const ENOTDIR = 20;
const EINVAL = 22;

/** The aarch64 libSystem table minus what glibc lacks (only `__error`). */
function glibcDarwinSymbols(): Record<string, Deno.ForeignFunction> {
  const optional: Record<string, Deno.ForeignFunction> = {};
  for (const [k, v] of Object.entries(darwinSymbols("aarch64"))) {
    optional[k] = { ...v, optional: true } as Deno.ForeignFunction;
  }
  const probe = Deno.dlopen(LIBC, optional);
  const symbols: Record<string, Deno.ForeignFunction> = {};
  for (const [k, v] of Object.entries(darwinSymbols("aarch64"))) {
    if (probe.symbols[k] !== null) symbols[k] = v as Deno.ForeignFunction;
  }
  probe.close();
  return symbols;
}

/**
 * The Darwin backend's async twins over a real worker pool that opens
 * glibc instead of libSystem: the aarch64 table (plain names, as on
 * arm64 macOS) minus what glibc lacks (only `__error`), plus glibc's
 * errno accessor. The sync side stays the recording stand-ins, which
 * succeed without touching anything: a request run on the main thread
 * instead of a worker (the pool's fallback) would show up as a success
 * where the tests expect an error, or no change on disk.
 */
function glibcDarwin(): {
  a: AsyncBackend & { pool(): CallPool };
  symbols: string[];
} {
  const symbols = glibcDarwinSymbols();
  symbols.__errno_location = { parameters: [], result: "pointer" };
  const lib: PoolLibrary = {
    path: LIBC,
    symbols,
    errno: { kind: "pointer", sym: "__errno_location" },
  };
  const b = darwinBackend(recordingLib().s, () => 0, lib);
  const a = b.async as AsyncBackend & { pool(): CallPool };
  // These tests look at what a worker does: nothing runs here while cold.
  a.pool().coldLeft = 0;
  return {
    a,
    symbols: Object.keys(symbols),
  };
}

/** Runs `fn` over a pooled glibc-backed Darwin backend and a temp dir fd. */
async function withGlibcDarwin(
  fn: (
    a: AsyncBackend & { pool(): CallPool },
    dirfd: number,
    root: string,
  ) => Promise<void>,
): Promise<void> {
  const { a } = glibcDarwin();
  const root = Deno.makeTempDirSync({ prefix: "dirfd-darwin-" });
  // A real directory descriptor, from glibc on this thread (O_RDONLY is 0).
  const libc = Deno.dlopen(LIBC, {
    open: { parameters: ["buffer", "i32"], result: "i32" },
    close: { parameters: ["i32"], result: "i32" },
  });
  const dirfd = libc.symbols.open(new TextEncoder().encode(`${root}\0`), 0);
  try {
    assert(dirfd >= 0, `open ${root}`);
    await fn(a, dirfd, root);
    assert(a.pool().workers >= 1, "a worker ran the calls");
  } finally {
    a.pool().close();
    if (dirfd >= 0) libc.symbols.close(dirfd);
    libc.close();
    Deno.removeSync(root, { recursive: true });
  }
}

const glibcOnly = {
  // Reason: the stand-in for libSystem is glibc, opened by the workers.
  ignore: Deno.build.os !== "linux" ||
    Deno.permissions.querySync({ name: "ffi" }).state !== "granted",
  sanitizeResources: true,
  sanitizeOps: true,
};

Deno.test({
  ...glibcOnly,
  name: "darwin: the glibc stand-in pool has every symbol the tests call",
  fn() {
    const { a, symbols } = glibcDarwin();
    try {
      for (
        const k of [
          "fstatat",
          "fstat",
          "openat",
          "mkdirat",
          "readlinkat",
          "symlinkat",
          "unlinkat",
          "renameat",
          "fchmodat",
          "__errno_location",
        ]
      ) assert(symbols.includes(k), k);
      assert(!symbols.includes("__error"));
    } finally {
      a.pool().close();
    }
  },
});

Deno.test({
  ...glibcOnly,
  name: "darwin: every cold-safe name is one of the pool's symbols or tasks",
  fn() {
    const { a } = glibcDarwin();
    try {
      const lib = a.pool().library;
      assert((lib.coldSafe?.length ?? 0) > 0);
      for (const k of lib.coldSafe!) {
        assert(k in lib.symbols || k in (lib.tasks ?? {}), k);
      }
    } finally {
      a.pool().close();
    }
  },
});

Deno.test({
  ...glibcOnly,
  name: "darwin: async twins run on a worker thread, not the main one",
  async fn() {
    await withGlibcDarwin(async (a) => {
      const main = Deno.readLinkSync("/proc/thread-self");
      const got = await a.readLinkAt!(LINUX_AT_FDCWD, "/proc/thread-self");
      assertEquals(typeof got, "string");
      const [, pid, tid] = /^(\d+)\/task\/(\d+)$/.exec(got as string) ?? [];
      const [, mainPid, mainTid] = /^(\d+)\/task\/(\d+)$/.exec(main)!;
      assertEquals(pid, mainPid, `same process: ${got} vs ${main}`);
      assert(tid !== undefined && tid !== mainTid, `${got} vs ${main}`);
    });
  },
});

Deno.test({
  ...glibcOnly,
  name:
    "darwin: mkdirAt/symlinkAt/readLinkAt/renameAt/unlinkAt twins on a worker",
  async fn() {
    await withGlibcDarwin(async (a, dirfd, root) => {
      assertEquals(await a.mkdirAt!(dirfd, "d", 0o755), 0);
      assert(Deno.statSync(`${root}/d`).isDirectory);
      // The worker's own errno, with Linux's numbers (glibc is the library).
      assertEquals(await a.mkdirAt!(dirfd, "d", 0o755), -EEXIST);
      assertEquals(await a.mkdirAt!(dirfd, "no/d", 0o755), -ENOENT);

      assertEquals(await a.symlinkAt!("target/ü", dirfd, "l", false), 0);
      assertEquals(Deno.readLinkSync(`${root}/l`), "target/ü");
      assertEquals(await a.readLinkAt!(dirfd, "l"), "target/ü");
      assertEquals(await a.symlinkAt!("t", dirfd, "l", false), -EEXIST);
      assertEquals(await a.symlinkAt!("t", dirfd, "no/l", false), -ENOENT);
      assertEquals(await a.readLinkAt!(dirfd, "missing"), -ENOENT);

      assertEquals(await a.renameAt!(dirfd, "l", dirfd, "d/l2"), 0);
      assert(Deno.lstatSync(`${root}/d/l2`).isSymlink);
      assertThrows(() => Deno.lstatSync(`${root}/l`), Deno.errors.NotFound);
      assertEquals(await a.renameAt!(dirfd, "l", dirfd, "l3"), -ENOENT);

      assertEquals(await a.unlinkAt!(dirfd, "d/l2", false), 0);
      assertThrows(() => Deno.lstatSync(`${root}/d/l2`), Deno.errors.NotFound);
      assertEquals(await a.unlinkAt!(dirfd, "d/l2", false), -ENOENT);
      // rmdir passes macOS's AT_REMOVEDIR (0x80), which Linux rejects: the
      // flag reached the worker's unlinkat, and the directory stays.
      assertEquals(await a.unlinkAt!(dirfd, "d", true), -EINVAL);
      assert(Deno.statSync(`${root}/d`).isDirectory);

      // Calls made in one tick go out as one batch, each with its own result.
      const names = Array.from({ length: 20 }, (_, i) => `m${i}`);
      const results = await Promise.all([
        ...names.map((n) => a.mkdirAt!(dirfd, n, 0o700)),
        a.mkdirAt!(dirfd, "m0", 0o700),
        a.readLinkAt!(dirfd, "m1"),
      ]);
      assertEquals(results.slice(0, 20), names.map(() => 0));
      // Batched after m0's own mkdirat: it exists; m1 is no symlink.
      assertEquals(results.slice(20), [-EEXIST, -EINVAL]);
      for (const n of names) {
        assert(Deno.statSync(`${root}/${n}`).isDirectory);
      }
    });
  },
});

Deno.test({
  ...glibcOnly,
  name: "darwin: stat requests go to fstatat and fstat on a worker",
  async fn() {
    await withGlibcDarwin(async (a, dirfd, root) => {
      Deno.writeTextFileSync(`${root}/f`, "data");
      const st = await a.statAt!(dirfd, "f", true);
      assert(st instanceof StatResult, `statAt: ${st}`);
      // glibc's struct stat is not macOS's, but both keep st_ino at byte 8:
      // the decoder read the request's own output buffer in the arena.
      assertEquals(st.ino, Deno.statSync(`${root}/f`).ino);
      assertEquals(await a.statAt!(dirfd, "missing", true), -ENOENT);
      // lstat passes macOS's AT_SYMLINK_NOFOLLOW (0x20), which Linux rejects.
      assertEquals(await a.statAt!(dirfd, "f", false), -EINVAL);

      const fst = await a.fstat!(dirfd);
      assert(fst instanceof StatResult, `fstat: ${fst}`);
      assertEquals(fst.ino, Deno.statSync(root).ino);
      assertEquals(await a.fstat!(-1), -EBADF);
    });
  },
});

Deno.test({
  ...glibcOnly,
  name:
    "darwin: the lchmodAt twin is fchmodat with AT_SYMLINK_NOFOLLOW on a worker",
  async fn() {
    await withGlibcDarwin(async (a, dirfd, root) => {
      Deno.writeTextFileSync(`${root}/f`, "data");
      Deno.chmodSync(`${root}/f`, 0o644);
      // chmodAt: fchmodat with flags 0, the same meaning on both systems.
      assertEquals(await a.chmodAt!(dirfd, "f", 0o600), 0);
      assertEquals(Deno.statSync(`${root}/f`).mode! & 0o777, 0o600);
      // lchmodAt: the same call with macOS's AT_SYMLINK_NOFOLLOW (0x20),
      // which glibc's fchmodat refuses (its own is 0x100): the flag went
      // through, and nothing changed.
      assertEquals(await a.lchmodAt!(dirfd, "f", 0o644), -EINVAL);
      assertEquals(Deno.statSync(`${root}/f`).mode! & 0o777, 0o600);
      assertEquals(await a.chmodAt!(dirfd, "missing", 0o600), -ENOENT);
    });
  },
});

// ------------------------------------------------- readDirChunk over glibc

/**
 * A Darwin backend over glibc on both sides, for directory listing: bound
 * on this thread (the sync primitives, and `close`, which must close a DIR
 * a worker opened) and opened by the pool's workers, with `__error` bound
 * to glibc's `__errno_location` (the same contract: a pointer to the
 * calling thread's errno). The pool library carries no tasks: the backend
 * adds its own. glibc's `struct dirent` is not macOS's (its name starts at
 * byte 19, and it has no `d_namlen`) but keeps `d_reclen` at byte 16, all
 * the task reads: record counts, chunking and the end are right, names
 * decoded with macOS's layout are not (the tests parse glibc's instead).
 */
function glibcDirBackend() {
  const symbols = glibcDarwinSymbols();
  symbols.__error = {
    name: "__errno_location",
    parameters: [],
    result: "pointer",
  };
  const lib: PoolLibrary = {
    path: LIBC,
    symbols,
    errno: { kind: "pointer", sym: "__error" },
  };
  const bound = Deno.dlopen(LIBC, symbols);
  const s = bound.symbols as unknown as DarwinLibrary;
  const b = darwinBackend(s, errnoReader(s.__error()), lib);
  const a = b.async as AsyncBackend & { pool(): CallPool };
  a.pool().coldLeft = 0; // every chunk is to be read on a worker
  const openDir = (p: string) =>
    s.openat(LINUX_AT_FDCWD, new TextEncoder().encode(`${p}\0`), 0);
  return {
    b,
    a,
    openDir,
    [Symbol.dispose]() {
      a.pool().close();
      bound.close();
    },
  };
}

/** Descriptors this process has open. */
const openFds = () => [...Deno.readDirSync("/proc/self/fd")].length;

/**
 * A temp directory holding `n` empty files `file-0`…, each name padded to
 * `pad` more bytes (long names make big records: fewer files fill a chunk).
 */
function tempDirOf(n: number, pad = 0): string {
  const root = Deno.makeTempDirSync({ prefix: "dirfd-darwin-dir-" });
  const tail = pad === 0 ? "" : `-${"x".repeat(pad - 1)}`;
  for (let i = 0; i < n; i++) {
    Deno.writeFileSync(`${root}/file-${i}${tail}`, EMPTY);
  }
  return root;
}
const EMPTY = new Uint8Array(0);

/** The names in glibc `struct dirent` records back to back (name at 19). */
function glibcNames(recs: Uint8Array): string[] {
  const v = new DataView(recs.buffer, recs.byteOffset, recs.length);
  const names: string[] = [];
  for (let at = 0; at < recs.length;) {
    const reclen = v.getUint16(at + 16, true);
    const name = recs.subarray(at + 19, at + reclen);
    names.push(new TextDecoder().decode(name.subarray(0, name.indexOf(0))));
    at += reclen;
  }
  return names;
}

Deno.test({
  ...glibcOnly,
  name:
    "darwin: darwinReadChunk on a worker copies whole records, chunk by chunk",
  async fn() {
    using g = glibcDirBackend();
    const root = tempDirOf(300);
    const fd = g.openDir(root);
    try {
      assert(fd >= 0);
      const pool = g.a.pool();
      const request = (dirp: number, size: number, on = fd) => {
        pool.begin("darwinReadChunk", size);
        pool.int(on);
        pool.int(dirp);
        pool.out(size);
        pool.int(size);
        return pool.end((r) => {
          const v = new DataView(r.u8.buffer, r.out, READ_CHUNK.header);
          const used = v.getUint32(READ_CHUNK.used, true);
          return {
            ret: r.ret,
            errno: r.errno,
            dirp: Number(v.getBigUint64(READ_CHUNK.dirp, true)),
            names: glibcNames(
              r.u8.slice(r.out + READ_CHUNK.header, r.out + used),
            ),
          };
        });
      };
      // A small buffer: many calls on the DIR the first one opened.
      const size = READ_CHUNK.header + DIRENT64.size + 512;
      const names: string[] = [];
      let dirp = 0;
      let calls = 0;
      let first = 0;
      for (;;) {
        const c = await request(dirp, size);
        calls++;
        assert(c.ret >= 0, `call ${calls}: ${c.ret} errno ${c.errno}`);
        assertEquals(c.names.length, c.ret);
        names.push(...c.names);
        if (c.dirp === 0) break;
        first ||= c.dirp;
        assertEquals(c.dirp, first, "the same DIR throughout");
        dirp = c.dirp;
      }
      assert(calls >= 5, `${calls} calls`);
      const want = [
        ".",
        "..",
        ...Array.from({ length: 300 }, (_, i) => `file-${i}`),
      ];
      assertEquals(names.length, want.length, "no record lost or repeated");
      assertEquals(names.toSorted(), want.toSorted());
      // After the end, a fresh dup starts at the shared offset: the end.
      const end = await request(0, size);
      assertEquals([end.ret, end.dirp, end.names], [0, 0, []]);
      // Errors read on the worker through __error: dup of a bad descriptor,
      // fdopendir of a file (ENOTDIR).
      const bad = await request(0, size, -1);
      assertEquals([bad.ret, bad.errno, bad.dirp], [-EBADF, EBADF, 0]);
      const fileFd = g.openDir(`${root}/file-0`); // O_RDONLY: opens a file
      assert(fileFd >= 0);
      const before = openFds();
      const notDir = await request(0, size, fileFd);
      assertEquals([notDir.ret, notDir.errno, notDir.dirp], [
        -ENOTDIR,
        ENOTDIR,
        0,
      ]);
      assertEquals(openFds(), before, "the dup fdopendir refused is closed");
      g.b.close(fileFd);
      assertEquals(pool.ranHere, 0, "every request ran on a worker");
      assert(pool.workers >= 1);
    } finally {
      if (fd >= 0) g.b.close(fd);
      Deno.removeSync(root, { recursive: true });
    }
  },
});

Deno.test({
  ...glibcOnly,
  name: "darwin: the readDirChunk twin lists a real directory in chunks",
  async fn() {
    using g = glibcDirBackend();
    // 264-byte glibc records (19 + name + NUL, rounded up to 8): over
    // three 64 KiB chunks.
    const n = 800;
    const root = tempDirOf(n, 235);
    const fd = g.openDir(root);
    try {
      assert(fd >= 0);
      const out = chunk();
      const counts: number[] = [];
      // Descriptors open after each call: the pool's own (once started),
      // the caller's, and the DIR's dup while the DIR stays open.
      const fds: number[] = [];
      for (;;) {
        const r = await g.a.readDirChunk!(fd, out);
        assert(r >= 0, String(r));
        counts.push(r);
        fds.push(openFds());
        if (r === 0) break;
      }
      assert(counts.length >= 4, `${counts}`);
      assertEquals(counts.at(-1), 0);
      assertEquals(counts.reduce((a, b) => a + b, 0), n + 2);
      // One DIR served every chunk but the last, which reached the end and
      // closed it (and its dup); the call after it closed its fresh one.
      const during = fds[0];
      assertEquals(fds, [
        ...counts.slice(0, -2).map(() => during),
        during - 1,
        during - 1,
      ]);
      assertEquals(await g.a.readDirChunk!(fd, out), 0);
      assertEquals(out.count, 0);
      assertEquals(g.a.pool().ranHere, 0, "every chunk was read on a worker");
    } finally {
      if (fd >= 0) g.b.close(fd);
      Deno.removeSync(root, { recursive: true });
    }
  },
});

Deno.test({
  ...glibcOnly,
  name: "darwin: close(fd) closes the DIR either readDirChunk left open",
  async fn() {
    using g = glibcDirBackend();
    const root = tempDirOf(800, 235);
    try {
      const out = chunk();
      // Warm the pool up, so that its own descriptors are in the baseline.
      const warm = g.openDir(root);
      await g.a.readDirChunk!(warm, out);
      g.b.close(warm);
      const base = openFds();
      // The twin: a DIR opened on a worker, closed here.
      const fd = g.openDir(root);
      const r = await g.a.readDirChunk!(fd, out);
      assert(r > 0 && r < 802, String(r));
      assertEquals(openFds(), base + 2, "the descriptor and the DIR's dup");
      assertEquals(g.b.close(fd), 0);
      assertEquals(openFds(), base);
      // The sync primitive, the same way.
      const fd2 = g.openDir(root);
      assert(g.b.readDirChunk!(fd2, out) > 0);
      assertEquals(openFds(), base + 2);
      assertEquals(g.b.close(fd2), 0);
      assertEquals(openFds(), base);
      // Sync and async calls on one listing share its DIR.
      const fd3 = g.openDir(root);
      let total = g.b.readDirChunk!(fd3, out);
      for (let r = 1; r !== 0;) {
        r = await g.a.readDirChunk!(fd3, out);
        assert(r >= 0);
        total += r;
      }
      assertEquals(total, 802);
      assertEquals(openFds(), base + 1);
      assertEquals(g.b.close(fd3), 0);
      assertEquals(openFds(), base);
    } finally {
      Deno.removeSync(root, { recursive: true });
    }
  },
});

Deno.test("macOS Root: the pool ships the root task; requests carry macOS facts", () => {
  const lib = darwinPoolLibrary("aarch64");
  const b = darwinBackend(recordingLib().s, () => 0, lib);
  assertEquals(typeof b.rootCall, "function");
  const p = b.rootPlatform!;
  // ENOENT ENOTDIR ELOOP EEXIST EINVAL EISDIR EPERM ENOTEMPTY (<sys/errno.h>).
  assertEquals(p.errno, [2, 20, 62, 17, 22, 21, 1, 66]);
  assertEquals([p.statx, p.modeOffset, p.modeSize], [false, 4, 2]);
  assertEquals([p.devOffset, p.devSize], [0, 4]);
  assertEquals(p.dirFlags, 0x100000 | 0x1000000 | 0x100); // DIRECTORY|CLOEXEC|NOFOLLOW
  assertEquals([p.AT_SYMLINK_NOFOLLOW, p.AT_REMOVEDIR], [0x20, 0x80]);
  assertEquals([p.nrFchmodat2, p.lchmod], [0, true]);
  // The stat buffer a request leaves decodes as the backend's own stat.
  const raw = new Uint8Array(256);
  const v = new DataView(raw.buffer);
  v.setUint16(4, 0o120755, true); // st_mode: a symlink
  v.setBigUint64(96, 42n, true); // st_size
  const info = b.decodeStat!(raw);
  assertEquals([info.isSymlink, info.size, info.mode], [true, 42, 0o120755]);
});

Deno.test({
  ...needsFfi,
  name:
    "darwin: darwinReadChunkStat reads a chunk and describes each entry, errno per entry",
  fn() {
    // The task rebuilt from its source text, as a worker rebuilds it.
    const task = new Function(
      "return (" + darwinReadChunkStat.toString() + ");",
    )() as typeof darwinReadChunkStat;
    const recs = [
      direntFixture(2n, DT.DIR, "."),
      direntFixture(1n, DT.DIR, ".."),
      direntFixture(10n, DT.REG, "file"),
      direntFixture(11n, DT.LNK, "link"),
      direntFixture(12n, DT.REG, "gone"),
      direntFixture(13n, DT.LNK, "dangling"),
    ];
    const f = fakeDirLib(recs);
    const cell = new Int32Array(
      Deno.UnsafePointerView.getArrayBuffer(f.s.__error()!, 4),
    );
    const calls: string[] = [];
    const nameOf = (p: Uint8Array) =>
      new TextDecoder().decode(p.subarray(0, p.indexOf(0)));
    const fstatat = (
      _fd: number,
      p: Uint8Array,
      st: Uint8Array,
      flag: number,
    ) => {
      const name = nameOf(p);
      calls.push(`${name}:${flag}`);
      if (name === "gone" || (name === "dangling" && flag === 0)) {
        cell[0] = 2; // ENOENT
        return -1;
      }
      st.fill(0);
      st[0] = name.charCodeAt(0) + (flag === 0 ? 100 : 0);
      return 0;
    };
    const env = {
      ...f.s,
      fstatat,
      darwinReadChunk: readChunkTask,
    } as unknown as Parameters<typeof darwinReadChunkStat>[0];
    const size = 4096, slots = Math.floor((size - 16) / 24);
    const at = darwinStatChunkLayout(size, slots);
    const out = new Uint8Array(at.bytes);
    const r = task(env, 7, 0, out, size, slots, 1);
    assertEquals(r, 6, "records read, . and .. included");
    // Not . or ..; a listed symlink once more, following it (flag 0).
    assertEquals(calls, [
      "file:32",
      "link:32",
      "link:0",
      "gone:32",
      "dangling:32",
      "dangling:0",
    ]);
    const v = new DataView(out.buffer);
    const errs = [0, 1, 2, 3].map((k) => v.getInt32(at.errs + 4 * k, true));
    assertEquals(errs, [0, 0, 2, 0]);
    const first = [0, 1, 3].map((k) => out[at.stats + k * 144]);
    // file: its lstat; link: its target's; dangling: its own lstat.
    assertEquals(first, [
      "f".charCodeAt(0),
      "l".charCodeAt(0) + 100,
      "d".charCodeAt(0),
    ]);
    // Without follow: lstat only.
    calls.length = 0;
    const g = fakeDirLib(recs);
    const env2 = { ...env, ...g.s, fstatat, darwinReadChunk: readChunkTask };
    task(env2 as typeof env, 7, 0, out, size, slots, 0);
    assertEquals(calls, ["file:32", "link:32", "gone:32", "dangling:32"]);
    // The backend's sizes: a chunk's records always fit its slots.
    assert(STAT_CHUNK_SLOTS * 24 >= STAT_CHUNK_SIZE - 16 - 23);
    assert(
      darwinStatChunkLayout(STAT_CHUNK_SIZE, STAT_CHUNK_SLOTS).bytes < 1 << 17,
    );
  },
});

Deno.test("darwin: the pool ships darwinReadChunkStat; the backend has the async form", () => {
  const lib = darwinPoolLibrary("aarch64");
  const b = darwinBackend(recordingLib().s, () => 0, lib);
  assertEquals(typeof b.async?.readDirChunkStat, "function");
  assertEquals(
    typeof b.readDirChunkStat,
    "undefined",
    "filled in by the loader",
  );
});
