// Copyright 2026 the dirfd authors. MIT license.
/**
 * The POSIX file primitives behind `open()` and `File`: each described once,
 * in {@linkcode fileSymbols} (symbol and C declaration) and
 * {@linkcode FILE_PRIMITIVES} (the syscall name errors report), with sync
 * wrappers ({@linkcode fileSync}) and pool twins ({@linkcode fileAsync}) that
 * make the same calls with the same argument conversions. Nothing here
 * throws: results are values or `-errno`.
 *
 * Registration into a backend is one hook per platform file (search for
 * "file primitives hook" in `linux.ts` and `darwin.ts`): spread
 * `fileSymbols()` into the symbol table, then call {@linkcode attachFile}.
 *
 * @module
 */
import type { StatResult } from "../_file_info.ts";
import type { CallPool, LocalLibrary, PoolTask, Reply } from "./_pool.ts";
import { strBytes } from "./_pool.ts";
import type { CString } from "./_posix.ts";
import {
  type AsyncFilePrimitives,
  type BackendParts,
  FILE_IO_MAX,
  type FilePrimitives,
} from "./_types.ts";

/** `O_*`, `LOCK_*` and friends for one platform; `undefined` where absent. */
export interface FileConstants {
  readonly O_RDONLY: number;
  readonly O_WRONLY: number;
  readonly O_RDWR: number;
  readonly O_CREAT: number;
  readonly O_EXCL: number;
  readonly O_TRUNC: number;
  readonly O_APPEND: number;
  readonly O_NONBLOCK: number;
  readonly O_NOCTTY: number;
  readonly O_CLOEXEC: number;
  readonly O_DIRECTORY: number;
  readonly O_NOFOLLOW: number;
  readonly O_SYNC: number;
  readonly O_DSYNC: number;
  readonly O_NOATIME?: number;
  readonly O_PATH?: number;
  readonly O_TMPFILE?: number;
  readonly O_DIRECT?: number;
  readonly O_NOFOLLOW_ANY?: number;
  readonly O_SYMLINK?: number;
  readonly O_EXLOCK?: number;
  readonly O_SHLOCK?: number;
  /** `EWOULDBLOCK` (= `EAGAIN`), what `flock(LOCK_NB)` fails with when held. */
  readonly EWOULDBLOCK: number;
  /** `EINTR`. */
  readonly EINTR: number;
  /** `fcntl(fd, F_FULLFSYNC)` (macOS), used for `sync` as Rust's std does. */
  readonly F_FULLFSYNC?: number;
  /** The `struct termios` layout and flags for `setRaw` (POSIX only). */
  readonly TERMIOS?: TermiosLayout;
}

/** `LOCK_*` for `flock` (`<sys/file.h>`, the same on Linux and macOS). */
export const LOCK = { SH: 1, EX: 2, NB: 4, UN: 8 } as const;

/**
 * `struct termios` (Linux `asm-generic/termbits.h` via glibc
 * `bits/termios-struct.h`; macOS `<sys/termios.h>`) and the flags Deno's
 * `setRaw` clears or sets.
 */
export interface TermiosLayout {
  readonly size: number;
  /** Bytes per `tcflag_t` (4 on Linux, 8 on macOS). */
  readonly flagBytes: 4 | 8;
  readonly iflag: number;
  readonly cflag: number;
  readonly lflag: number;
  /** Byte offset of `c_cc`. */
  readonly cc: number;
  readonly VMIN: number;
  readonly VTIME: number;
  readonly BRKINT: number;
  readonly ICRNL: number;
  readonly INPCK: number;
  readonly ISTRIP: number;
  readonly IXON: number;
  readonly CS8: number;
  readonly ECHO: number;
  readonly ICANON: number;
  readonly IEXTEN: number;
  readonly ISIG: number;
  readonly TCSADRAIN: number;
}

/** glibc `struct termios`: 4 `tcflag_t` (u32), `c_line`, `c_cc[32]`, speeds; 60 bytes. */
export const LINUX_TERMIOS: TermiosLayout = {
  size: 60,
  flagBytes: 4,
  iflag: 0,
  cflag: 8,
  lflag: 12,
  cc: 17,
  VMIN: 6,
  VTIME: 5,
  BRKINT: 0o2,
  ICRNL: 0o400,
  INPCK: 0o20,
  ISTRIP: 0o40,
  IXON: 0o2000,
  CS8: 0o60,
  ECHO: 0o10,
  ICANON: 0o2,
  IEXTEN: 0o100000,
  ISIG: 0o1,
  TCSADRAIN: 1,
};

/** macOS `struct termios`: 4 `tcflag_t` (unsigned long), `c_cc[20]`, speeds; 72 bytes. */
export const DARWIN_TERMIOS: TermiosLayout = {
  size: 72,
  flagBytes: 8,
  iflag: 0,
  cflag: 16,
  lflag: 24,
  cc: 32,
  VMIN: 16,
  VTIME: 17,
  BRKINT: 0x2,
  ICRNL: 0x100,
  INPCK: 0x10,
  ISTRIP: 0x20,
  IXON: 0x200,
  CS8: 0x300,
  ECHO: 0x8,
  ICANON: 0x100,
  IEXTEN: 0x400,
  ISIG: 0x80,
  TCSADRAIN: 1,
};

/**
 * Linux `O_*` (`include/uapi/asm-generic/fcntl.h`; arm64 overrides
 * `O_DIRECTORY`, `O_NOFOLLOW`, `O_DIRECT` in `arch/arm64/include/uapi/asm/fcntl.h`).
 */
export function linuxFileConstants(
  arch: string = Deno.build.arch,
): FileConstants {
  const arm = arch === "aarch64";
  const O_DIRECTORY = arm ? 0o40000 : 0o200000;
  return {
    O_RDONLY: 0,
    O_WRONLY: 1,
    O_RDWR: 2,
    O_CREAT: 0o100,
    O_EXCL: 0o200,
    O_NOCTTY: 0o400,
    O_TRUNC: 0o1000,
    O_APPEND: 0o2000,
    O_NONBLOCK: 0o4000,
    O_DSYNC: 0o10000,
    O_SYNC: 0o4010000,
    O_DIRECT: arm ? 0o200000 : 0o40000,
    O_DIRECTORY,
    O_NOFOLLOW: arm ? 0o100000 : 0o400000,
    O_NOATIME: 0o1000000,
    O_CLOEXEC: 0o2000000,
    O_PATH: 0o10000000,
    // __O_TMPFILE | O_DIRECTORY
    O_TMPFILE: 0o20000000 | O_DIRECTORY,
    EWOULDBLOCK: 11,
    EINTR: 4,
    TERMIOS: LINUX_TERMIOS,
  };
}

/** macOS `O_*` (`<sys/fcntl.h>`), `F_FULLFSYNC` 51, `EWOULDBLOCK` 35. */
export const DARWIN_FILE_CONSTANTS: FileConstants = {
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_NONBLOCK: 0x4,
  O_APPEND: 0x8,
  O_SHLOCK: 0x10,
  O_EXLOCK: 0x20,
  O_SYNC: 0x80,
  O_NOFOLLOW: 0x100,
  O_CREAT: 0x200,
  O_TRUNC: 0x400,
  O_EXCL: 0x800,
  O_NOCTTY: 0x20000,
  O_DIRECTORY: 0x100000,
  O_SYMLINK: 0x200000,
  O_DSYNC: 0x400000,
  O_CLOEXEC: 0x1000000,
  O_NOFOLLOW_ANY: 0x20000000,
  EWOULDBLOCK: 35,
  EINTR: 4,
  F_FULLFSYNC: 51,
  TERMIOS: DARWIN_TERMIOS,
};

/**
 * How `openat(int, const char *, int, ...)` is declared so that its variadic
 * `mode` reaches the callee. On Apple arm64 a variadic argument travels on
 * the stack while a fixed one of the same position goes in a register
 * (Apple's "Writing ARM64 code for Apple platforms"), so the declaration is
 * padded with five unused 64-bit arguments: the eight registers x0–x7 fill
 * up and `mode`, the ninth, lands in the first 8-byte stack slot, exactly
 * where `va_arg` reads it. Everywhere else (x86_64 System V, AAPCS64 on
 * Linux) variadic integers travel as fixed ones do.
 */
export function openatLayout(os: string, arch: string): {
  parameters: Deno.NativeType[];
  /** Index of `mode` in `parameters`. */
  modeAt: number;
} {
  if (os === "darwin" && arch === "aarch64") {
    return {
      parameters: [
        "i32",
        "buffer",
        "i32",
        "i64",
        "i64",
        "i64",
        "i64",
        "i64",
        "u64",
      ],
      modeAt: 8,
    };
  }
  return { parameters: ["i32", "buffer", "i32", "u32"], modeAt: 3 };
}

/**
 * The file symbols, one row per primitive. `openat_mode` is `openat` with
 * its mode argument laid out by {@linkcode openatLayout}; `openat_nb` the
 * same as a `nonblocking` binding is made from it (see `attachFile`).
 */
export function fileSymbols(
  os: string = Deno.build.os,
  arch: string = Deno.build.arch,
) {
  return {
    openat_mode: {
      name: "openat",
      parameters: openatLayout(os, arch).parameters,
      result: "i32",
    },
    read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
    write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
    pread: { parameters: ["i32", "buffer", "usize", "i64"], result: "isize" },
    pwrite: {
      parameters: ["i32", "buffer", "usize", "i64"],
      result: "isize",
    },
    lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },
    fsync: { parameters: ["i32"], result: "i32" },
    fdatasync: { parameters: ["i32"], result: "i32", optional: true },
    flock: { parameters: ["i32", "i32"], result: "i32", optional: true },
    isatty: { parameters: ["i32"], result: "i32" },
    tcgetattr: {
      parameters: ["i32", "buffer"],
      result: "i32",
      optional: true,
    },
    tcsetattr: {
      parameters: ["i32", "i32", "buffer"],
      result: "i32",
      optional: true,
    },
    // int fcntl(int, int, ...): only F_FULLFSYNC, which takes no argument,
    // so the fixed two-argument declaration is exact on every ABI.
    fcntl: { parameters: ["i32", "i32"], result: "i32", optional: true },
  } as const satisfies Deno.ForeignLibraryInterface;
}

/** The syscall each primitive names in its errors. */
export const FILE_PRIMITIVES = {
  openAt: "open",
  read: "read",
  write: "write",
  pread: "pread",
  pwrite: "pwrite",
  seek: "lseek",
  sync: "fsync",
  syncData: "fdatasync",
  lock: "flock",
  setRaw: "tcsetattr",
} as const;

type Fn = (...a: any[]) => any;

/** The bound functions {@linkcode fileSync} needs, by symbol name. */
export type FileSymbols = Record<string, Fn | null>;

/** The largest number a pool argument (a double) carries exactly. */
const MAX_EXACT = Number.MAX_SAFE_INTEGER;
/** Bytes one pool read or write moves at most (the arena is 1 MiB). */
export const POOL_IO_MAX = FILE_IO_MAX;

/** Converts a 64-bit result to a number (`-1` stays `-1`). */
const num = (v: number | bigint) => typeof v === "bigint" ? Number(v) : v;

/** Builds the sync file primitives over bound symbols. */
export function fileSync(
  s: FileSymbols,
  c: FileConstants,
  errno: () => number,
  path: CString,
  fstat: (fd: number) => StatResult | number,
  os: string = Deno.build.os,
  arch: string = Deno.build.arch,
): FilePrimitives {
  const openat = s.openat_mode!;
  const padded = openatLayout(os, arch).modeAt === 8;
  const read = s.read!, write = s.write!, pread = s.pread!;
  const pwrite = s.pwrite!, lseek = s.lseek!;
  const fsync = s.fsync!, fdatasync = s.fdatasync, flock = s.flock;
  const fcntl = s.fcntl, isatty = s.isatty!;
  const tcgetattr = s.tcgetattr, tcsetattr = s.tcsetattr;
  const T = c.TERMIOS ?? LINUX_TERMIOS;
  const termios = new Uint8Array(T.size);
  const ok = (r: number) => r === 0 ? 0 : -errno();
  const val = (r: number | bigint) => {
    const n = num(r);
    return n < 0 ? -errno() : n;
  };
  const syncVia = (fd: number) =>
    c.F_FULLFSYNC !== undefined && fcntl != null
      ? ok(fcntl(fd, c.F_FULLFSYNC))
      : ok(fsync(fd));
  return {
    constants: c,
    rawFlags: true,
    dirSync: true,
    openAt(dirfd, p, flags, mode) {
      const cp = path.encode(p);
      const fd = padded
        ? openat(dirfd, cp, flags, 0n, 0n, 0n, 0n, 0n, BigInt(mode))
        : openat(dirfd, cp, flags, mode);
      return fd < 0 ? -errno() : fd;
    },
    read: (fd, buf) => val(read(fd, buf, buf.length)),
    write: (fd, buf) => val(write(fd, buf, buf.length)),
    pread: (fd, buf, pos) => val(pread(fd, buf, buf.length, pos)),
    pwrite: (fd, buf, pos) => val(pwrite(fd, buf, buf.length, pos)),
    seek: (fd, offset, whence) => {
      const r = lseek(fd, offset, whence);
      return (typeof r === "bigint" ? r < 0n : r < 0) ? -errno() : BigInt(r);
    },
    sync: syncVia,
    syncData: (fd) =>
      c.F_FULLFSYNC !== undefined || fdatasync == null
        ? syncVia(fd)
        : ok(fdatasync(fd)),
    ...(flock == null ? {} : {
      lock(fd: number, exclusive: boolean, wait: boolean) {
        const op = (exclusive ? LOCK.EX : LOCK.SH) | (wait ? 0 : LOCK.NB);
        for (;;) {
          if (flock(fd, op) === 0) return 0;
          const e = errno();
          if (e !== c.EINTR) return -e;
        }
      },
      unlock: (fd: number) => ok(flock(fd, LOCK.UN)),
    }),
    isTerminal: (fd) => isatty(fd) === 1,
    ...(tcgetattr == null || tcsetattr == null ? {} : {
      getTermios(fd: number) {
        const out = new Uint8Array(T.size);
        return tcgetattr(fd, out) === 0 ? out : -errno();
      },
      makeRaw: (t: Uint8Array, cbreak: boolean) => rawTermios(T, t, cbreak),
      setTermios(fd: number, t: Uint8Array) {
        termios.set(t);
        return ok(tcsetattr(fd, T.TCSADRAIN, termios));
      },
    }),
    fstat,
  };
}

/**
 * Deno's raw mode (`setRaw(true)`) applied to a copy of `orig`: input
 * `BRKINT ICRNL INPCK ISTRIP IXON` cleared, `CS8` set, `ECHO ICANON IEXTEN`
 * (and `ISIG` unless `cbreak`) cleared, `VMIN` 1, `VTIME` 0. Pure.
 */
export function rawTermios(
  T: TermiosLayout,
  orig: Uint8Array,
  cbreak: boolean,
): Uint8Array {
  const t = orig.slice();
  const v = new DataView(t.buffer);
  // The flags live in the low 32 bits of each tcflag_t (little-endian).
  const and = (off: number, mask: number) =>
    v.setUint32(off, v.getUint32(off, true) & ~mask, true);
  const or = (off: number, bits: number) =>
    v.setUint32(off, v.getUint32(off, true) | bits, true);
  and(T.iflag, T.BRKINT | T.ICRNL | T.INPCK | T.ISTRIP | T.IXON);
  or(T.cflag, T.CS8);
  and(T.lflag, T.ECHO | T.ICANON | T.IEXTEN | (cbreak ? 0 : T.ISIG));
  t[T.cc + T.VMIN] = 1;
  t[T.cc + T.VTIME] = 0;
  return t;
}

/**
 * Reads a whole small file in one pool request: `openat`, then `read` until
 * the end or until `cap` bytes are in. Returns the byte count; `out` starts
 * with an i32: `-1` when the file was read to its end (and closed), else the
 * still-open descriptor, whose remaining bytes the caller reads. A pool task
 * (shipped as source): self-contained.
 */
export function fileReadSmall(
  s: any,
  dirfd: number,
  path: Uint8Array,
  flags: number,
  out: Uint8Array,
  cap: number,
  padded: number,
): number {
  const fd = padded === 1
    ? s.openat_mode(dirfd, path, flags, 0n, 0n, 0n, 0n, 0n, 0n)
    : s.openat_mode(dirfd, path, flags, 0);
  if (fd < 0) return -s.__errnoOf(s);
  // A descriptor that cannot seek (pipe, FIFO, socket, terminal) may wait
  // without end: hand it back unread (byte 4 set) so no worker waits on it.
  if (Number(s.lseek(fd, 0n, 1)) < 0) {
    out[0] = fd & 0xff;
    out[1] = (fd >> 8) & 0xff;
    out[2] = (fd >> 16) & 0xff;
    out[3] = fd >>> 24;
    out[4] = 1;
    return 0;
  }
  // The data starts at byte 8 of `out`; read into `out` itself first (one
  // view less) by shifting the request: bytes 0–7 are rewritten after.
  let n = 0;
  let view = out.subarray(8);
  for (;;) {
    const r = Number(s.read(fd, view, cap - n));
    if (r < 0) {
      const e = s.__errnoOf(s);
      if (e === 4) continue;
      s.close(fd);
      return -e;
    }
    if (r === 0) {
      s.close(fd);
      out[0] =
        out[1] =
        out[2] =
        out[3] =
          0xff; // -1: read to the end
      return n;
    }
    n += r;
    if (n === cap) {
      // The still-open descriptor, little-endian.
      out[0] = fd & 0xff;
      out[1] = (fd >> 8) & 0xff;
      out[2] = (fd >> 16) & 0xff;
      out[3] = fd >>> 24;
      out[4] = 0;
      return n;
    }
    view = out.subarray(8 + n);
  }
}

/**
 * Writes a whole file in one pool request: `openat`, `write` until all is
 * written, `fchmod` when bit 0 of `bits` is set, `close`. Returns 0 or
 * `-errno` (the errno of the first failing call), or for a descriptor that
 * cannot seek, its number plus one (open, nothing written). Bit 1 of `bits`: the
 * padded `openat` layout. A pool task: self-contained.
 */
export function fileWriteSmall(
  s: any,
  dirfd: number,
  path: Uint8Array,
  flags: number,
  mode: number,
  data: Uint8Array,
  len: number,
  bits: number,
): number {
  const fd = (bits & 2) !== 0
    ? s.openat_mode(dirfd, path, flags, 0n, 0n, 0n, 0n, 0n, BigInt(mode))
    : s.openat_mode(dirfd, path, flags, mode);
  if (fd < 0) return -s.__errnoOf(s);
  // A descriptor that cannot seek (pipe, FIFO, socket, terminal) may wait
  // for its reader: hand it back open, unwritten, as its number plus one.
  if (Number(s.lseek(fd, 0n, 1)) < 0) return fd + 1;
  let done = 0;
  while (done < len) {
    const r = Number(s.write(fd, data.subarray(done), len - done));
    if (r < 0) {
      const e = s.__errnoOf(s);
      if (e === 4) continue;
      s.close(fd);
      return -e;
    }
    done += r;
  }
  if ((bits & 1) !== 0 && s.fchmod(fd, mode) !== 0) {
    const e = s.__errnoOf(s);
    s.close(fd);
    return -e;
  }
  if (s.close(fd) !== 0) return -s.__errnoOf(s);
  return 0;
}

/**
 * `openat` with a mode on a worker, in either layout: the descriptor or
 * `-errno`. A pool task: self-contained.
 */
export function fileOpen(
  s: any,
  dirfd: number,
  path: Uint8Array,
  flags: number,
  mode: number,
  padded: number,
): number {
  const fd = padded === 1
    ? s.openat_mode(dirfd, path, flags, 0n, 0n, 0n, 0n, 0n, BigInt(mode))
    : s.openat_mode(dirfd, path, flags, mode);
  return fd < 0 ? -s.__errnoOf(s) : fd;
}

/** The file tasks for a platform's pool library. */
export function fileTasks(errnoSym: string): Record<string, PoolTask> {
  return {
    fileReadSmall,
    fileWriteSmall,
    fileOpen,
    __errnoOf: errnoTask(errnoSym),
  };
}

/**
 * The errno reader tasks use, by the name they call (`s.__errnoOf()`): the
 * platform's pointer function (`__errno_location`, `__error`) wrapped as a
 * task that returns the code. A pool task: self-contained.
 */
export function errnoTask(sym: string): PoolTask {
  return new Function(
    "s",
    `return new Deno.UnsafePointerView(s.${sym}()).getInt32(0);`,
  ) as PoolTask;
}

const zeroOrErrno = (r: Reply): number => r.ret === 0 ? 0 : -r.errno;
const valueOrErrno = (r: Reply): number => r.ret >= 0 ? r.ret : -r.errno;

/**
 * The pool twins of {@linkcode fileSync}: the same calls on a worker, with
 * the worker's errno. Reads land in the arena and are copied once into the
 * caller's buffer; writes copy the caller's bytes into the arena when called
 * (so the caller may reuse its buffer at once). At most
 * {@linkcode POOL_IO_MAX} bytes move per call (partial reads and writes, as
 * the sync calls may also do). `open` and `lock`, which can wait without
 * bound (a FIFO without a writer, a held lock), run through `nonblocking`
 * bindings on Deno's blocking threads so they never hold a pool worker; a
 * failure is then repeated on the pool for its errno.
 */
export function fileAsync(
  getPool: () => CallPool,
  local: LocalLibrary,
  c: FileConstants,
  sync: FilePrimitives,
  blocking: {
    openat?: (...a: any[]) => Promise<number>;
    flock?: (...a: any[]) => Promise<number>;
    read?: (...a: any[]) => Promise<number | bigint>;
    write?: (...a: any[]) => Promise<number | bigint>;
    lseek?: (...a: any[]) => Promise<number | bigint>;
  },
  os: string = Deno.build.os,
  arch: string = Deno.build.arch,
): AsyncFilePrimitives {
  const padded = openatLayout(os, arch).modeAt === 8;
  const hasSym = (k: string) => local.symbols[k] != null;
  const poolOpen = (dirfd: number, p: string, flags: number, mode: number) => {
    const pool = getPool();
    pool.begin("fileOpen", strBytes(p));
    pool.int(dirfd);
    pool.str(p);
    pool.int(flags);
    pool.int(mode);
    pool.int(padded ? 1 : 0);
    return pool.end(valueOrErrno);
  };
  const enc = new TextEncoder();
  const a: AsyncFilePrimitives = {
    openAt(dirfd, p, flags, mode) {
      const nb = blocking.openat;
      if (nb === undefined) return poolOpen(dirfd, p, flags, mode);
      // Its own off-heap buffer, alive until the call settles.
      const cp = new Uint8Array(Math.max(256, p.length * 3 + 1));
      cp[enc.encodeInto(p, cp).written] = 0;
      const call = padded
        ? nb(dirfd, cp, flags, 0n, 0n, 0n, 0n, 0n, BigInt(mode))
        : nb(dirfd, cp, flags, mode);
      // A failed open has no effect: repeat it where errno is kept.
      return call.then((fd) => {
        // Reading `cp` here keeps it reachable until the call settled.
        if (cp.length === 0) return -22;
        return fd >= 0 ? fd : poolOpen(dirfd, p, flags, mode);
      });
    },
    read(fd, buf) {
      const n = Math.min(buf.length, POOL_IO_MAX);
      const pool = getPool();
      pool.begin("read", n);
      pool.int(fd);
      const at = pool.out(n);
      pool.int(n);
      return pool.end((r) => {
        if (r.ret < 0) return -r.errno;
        buf.set(r.u8.subarray(at, at + r.ret));
        return r.ret;
      });
    },
    readDirect(fd, buf) {
      const nb = blocking.read;
      if (nb === undefined) return a.read(fd, buf);
      return nb(fd, buf, buf.length).then((r) => {
        // A failed read consumed nothing: repeat it where errno is kept.
        const n = num(r);
        return n >= 0 && buf.length > 0 ? n : a.read(fd, buf);
      });
    },
    waits(fd) {
      const nb = blocking.lseek;
      // Without the binding, the pool's read and write serve every kind.
      if (nb === undefined) return Promise.resolve(false);
      // lseek fails (ESPIPE) only on what cannot seek: the descriptor is
      // pinned by the caller, so EBADF cannot be the cause.
      return nb(fd, 0n, 1).then((r) => num(r) < 0);
    },
    readWait(fd, buf) {
      const nb = blocking.read;
      if (nb === undefined) return a.read(fd, buf);
      const own = new Uint8Array(Math.min(buf.length, POOL_IO_MAX));
      return nb(fd, own, own.length).then((r) => {
        const n = num(r);
        // A failed read consumed nothing: repeat it where errno is kept
        // (what fails on a pipe or terminal fails again at once).
        if (n < 0) return a.read(fd, buf);
        buf.set(own.subarray(0, n));
        return n;
      });
    },
    writeWait(fd, buf) {
      const nb = blocking.write;
      if (nb === undefined) return a.write(fd, buf);
      // The bytes are taken now, as the pool's write takes them.
      const own = buf.slice(0, Math.min(buf.length, POOL_IO_MAX));
      return nb(fd, own, own.length).then((r) => {
        const n = num(r);
        return n >= 0 ? n : a.write(fd, own);
      });
    },
    pread(fd, buf, pos) {
      if (pos > MAX_EXACT) return Promise.resolve(sync.pread(fd, buf, pos));
      const n = Math.min(buf.length, POOL_IO_MAX);
      const pool = getPool();
      pool.begin("pread", n);
      pool.int(fd);
      const at = pool.out(n);
      pool.int(n);
      pool.int(pos);
      return pool.end((r) => {
        if (r.ret < 0) return -r.errno;
        buf.set(r.u8.subarray(at, at + r.ret));
        return r.ret;
      });
    },
    write(fd, buf) {
      const n = Math.min(buf.length, POOL_IO_MAX);
      const pool = getPool();
      pool.begin("write", n);
      pool.int(fd);
      pool.bytes(buf.subarray(0, n));
      pool.int(n);
      return pool.end(valueOrErrno);
    },
    pwrite(fd, buf, pos) {
      if (pos > MAX_EXACT) return Promise.resolve(sync.pwrite(fd, buf, pos));
      const n = Math.min(buf.length, POOL_IO_MAX);
      const pool = getPool();
      pool.begin("pwrite", n);
      pool.int(fd);
      pool.bytes(buf.subarray(0, n));
      pool.int(n);
      pool.int(pos);
      return pool.end(valueOrErrno);
    },
    sync(fd) {
      const pool = getPool();
      if (c.F_FULLFSYNC !== undefined && hasSym("fcntl")) {
        pool.begin("fcntl");
        pool.int(fd);
        pool.int(c.F_FULLFSYNC);
      } else {
        pool.begin("fsync");
        pool.int(fd);
      }
      return pool.end(zeroOrErrno);
    },
    syncData(fd) {
      if (c.F_FULLFSYNC !== undefined || !hasSym("fdatasync")) {
        return a.sync(fd);
      }
      const pool = getPool();
      pool.begin("fdatasync");
      pool.int(fd);
      return pool.end(zeroOrErrno);
    },
    readSmall(dirfd, p, flags, cap) {
      const pool = getPool();
      pool.begin("fileReadSmall", strBytes(p) + cap + 8);
      pool.int(dirfd);
      pool.str(p);
      pool.int(flags);
      const at = pool.out(cap + 8);
      pool.int(cap);
      pool.int(padded ? 1 : 0);
      return pool.end((r) => {
        if (r.ret < 0) return -r.errno;
        const fd = r.i32[at >> 2];
        const waits = fd >= 0 && r.u8[at + 4] === 1;
        return { fd, data: r.u8.slice(at + 8, at + 8 + r.ret), waits };
      });
    },
    writeSmall(dirfd, p, flags, mode, data, chmod) {
      const pool = getPool();
      pool.begin("fileWriteSmall", strBytes(p) + data.length);
      pool.int(dirfd);
      pool.str(p);
      pool.int(flags);
      pool.int(mode);
      pool.bytes(data);
      pool.int(data.length);
      pool.int((chmod ? 1 : 0) | (padded ? 2 : 0));
      // 0, -errno, or a descriptor that may wait plus one.
      return pool.end(valueOrErrno);
    },
  };
  if (hasSym("flock")) {
    const probe = (fd: number, op: number) => {
      const pool = getPool();
      pool.begin("flock");
      pool.int(fd);
      pool.int(op | LOCK.NB);
      return pool.end(zeroOrErrno);
    };
    a.lock = async (fd, exclusive, wait) => {
      const op = exclusive ? LOCK.EX : LOCK.SH;
      const nb = blocking.flock;
      if (!wait || nb === undefined) {
        // A non-blocking attempt never waits; without a nonblocking binding
        // a waiting lock holds a worker (still off the event loop).
        for (;;) {
          const r = await (wait ? plainFlock(getPool, fd, op) : probe(fd, op));
          if (r !== -c.EINTR) return r;
        }
      }
      for (;;) {
        if (await nb(fd, op) === 0) return 0;
        // errno was lost on Deno's thread: ask again without waiting. Held
        // (EWOULDBLOCK) or interrupted: wait again; anything else is the
        // error the blocking call met too.
        const r = await probe(fd, op);
        if (r === 0) return 0;
        if (r !== -c.EWOULDBLOCK && r !== -c.EINTR) return r;
      }
    };
    a.unlock = (fd) => {
      const pool = getPool();
      pool.begin("flock");
      pool.int(fd);
      pool.int(LOCK.UN);
      return pool.end(zeroOrErrno);
    };
  }
  return a;
}

function plainFlock(getPool: () => CallPool, fd: number, op: number) {
  const pool = getPool();
  pool.begin("flock");
  pool.int(fd);
  pool.int(op);
  return pool.end(zeroOrErrno);
}

/**
 * {@linkcode attachFile} on first use: `file` and `fileAsync` are accessors
 * that get the file symbols (`open()` yields them, or null) and build the
 * primitives the first time either is read, then stay plain properties. A
 * process that only stats and lists never binds them: `Deno.dlopen` costs
 * about 0.15 ms per synchronous symbol, and these are thirteen of libc's.
 * Assigning either property (a test hiding a primitive) settles it too.
 */
export function attachFileLazy(
  b: BackendParts,
  open: () => FileSymbols | null,
  c: FileConstants,
  errno: () => number,
  path: CString,
  lib: string | null,
  getPool: (() => CallPool) | null,
): void {
  const target = b as {
    file?: FilePrimitives;
    fileAsync?: AsyncFilePrimitives;
  };
  const settle = (k: "file" | "fileAsync", v: unknown) =>
    Object.defineProperty(target, k, {
      value: v,
      writable: true,
      configurable: true,
      enumerable: true,
    });
  let built = false;
  const build = () => {
    if (built) return;
    built = true;
    settle("file", undefined);
    settle("fileAsync", undefined);
    let s: FileSymbols | null = null;
    try {
      s = open();
    } catch {
      // No file primitives.
    }
    if (s === null) return;
    attachFile(b, s, c, errno, path, lib, getPool, { symbols: s, errno });
  };
  for (const k of ["file", "fileAsync"] as const) {
    Object.defineProperty(target, k, {
      configurable: true,
      enumerable: true,
      get() {
        build();
        return target[k];
      },
      set(v) {
        build();
        settle(k, v);
      },
    });
  }
}

/**
 * The file primitives hook: adds `file` (and `fileAsync`) to a POSIX
 * backend. `s` are the bound symbols of {@linkcode fileSymbols} (with
 * `close`), `lib` the library path the `nonblocking` bindings open.
 */
export function attachFile(
  b: BackendParts,
  s: FileSymbols,
  c: FileConstants,
  errno: () => number,
  path: CString,
  lib: string | null,
  getPool: (() => CallPool) | null,
  local: LocalLibrary | null,
): void {
  if (s.openat_mode == null || s.read == null || s.write == null) return;
  const file = fileSync(s, c, errno, path, (fd) => b.fstat(fd));
  (b as { file?: FilePrimitives }).file = file;
  if (getPool === null || local === null || b.async === undefined) return;
  // The nonblocking bindings open on first use (never in tests that only
  // build a backend), once.
  let nb: Deno.DynamicLibrary<Deno.ForeignLibraryInterface> | null | undefined;
  const bind = (k: "openat" | "flock" | "read" | "write" | "lseek") => {
    if (nb === undefined) {
      nb = null;
      if (lib !== null) {
        try {
          const syms = fileSymbols();
          nb = Deno.dlopen(lib, {
            openat: { ...syms.openat_mode, nonblocking: true },
            flock: { ...syms.flock, nonblocking: true },
            read: { ...syms.read, nonblocking: true },
            write: { ...syms.write, nonblocking: true },
            lseek: { ...syms.lseek, nonblocking: true },
          });
        } catch {
          // No nonblocking bindings: open and lock run on the pool.
        }
      }
    }
    return (nb?.symbols[k] ?? undefined) as
      | ((...a: any[]) => Promise<any>)
      | undefined;
  };
  const blocking = {
    get openat() {
      return bind("openat");
    },
    get flock() {
      return bind("flock");
    },
    get read() {
      return bind("read");
    },
    get write() {
      return bind("write");
    },
    get lseek() {
      return bind("lseek");
    },
  };
  (b as { fileAsync?: AsyncFilePrimitives }).fileAsync = fileAsync(
    getPool,
    local,
    c,
    file,
    blocking,
  );
}
