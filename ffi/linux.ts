// Copyright 2026 the dirfd authors. MIT license.
/**
 * Linux (glibc) backend: symbols, constants and struct layouts as data, plus
 * thin wrappers. Sources: `include/uapi/linux/stat.h` (struct statx),
 * `arch/x86/include/uapi/asm/stat.h` and `include/uapi/asm-generic/stat.h`
 * (struct stat), `include/uapi/asm-generic/fcntl.h` and
 * `arch/arm64/include/uapi/asm/fcntl.h` (O_* flags),
 * `include/uapi/linux/fcntl.h` (AT_* flags),
 * `include/uapi/asm-generic/errno-base.h` and `errno.h` (errno numbers, the
 * same on x86_64 and aarch64).
 *
 * @module
 */
import { StatResult } from "../_file_info.ts";
import type { DirChunk, Entered } from "./_types.ts";
import {
  CString,
  type DirentLayout,
  direntReader,
  dirFlags,
  errnoReader,
  i64,
  parseDirents,
  POSIX_SYMBOLS,
  posixBackend,
  type PosixConstants,
  type PosixParts,
  type StatPrimitives,
  type StatvfsLayout,
  u64,
} from "./_posix.ts";
import {
  type LocalLibrary,
  type PoolLibrary,
  type Reply,
  strBytes,
} from "./_pool.ts";
import type { StatRequests } from "./_posix_async.ts";
import { StatxRing } from "./_uring.ts";
import { hasSymbol, lazySymbols, symbolOnUse } from "./_lazy.ts";
import type { Description } from "./_posix_at.ts";
import { attachRoot, ROOT_ERRNO_NAMES, ROOT_TASKS } from "./_root_posix.ts";
import {
  attachFile,
  attachFileLazy,
  type FileSymbols,
  fileSymbols,
  fileTasks,
  linuxFileConstants,
} from "./_file_posix.ts";

/** The C library every glibc system has. */
export const LIBC = "libc.so.6";

/** libc symbols for Linux; optional ones may be missing on older glibc. */
export const LINUX_SYMBOLS = {
  ...POSIX_SYMBOLS,
  // File primitives hook (1/3): open/read/write/… rows of `_file_posix.ts`.
  ...fileSymbols("linux"),
  // int *__errno_location(void): the calling thread's errno.
  __errno_location: { parameters: [], result: "pointer" },
  statx: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *path
      "i32", // int flags
      "u32", // unsigned int mask
      "buffer", // struct statx *statxbuf
    ],
    result: "i32",
    optional: true,
  },
  fstatat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *path
      "buffer", // struct stat *statbuf
      "i32", // int flags
    ],
    result: "i32",
    optional: true,
  },
  // long syscall(long number, ...): variadic, but on x86_64 and aarch64
  // Linux variadic integer and pointer arguments travel exactly like fixed
  // ones, so a fixed signature is sound there. Used for fchmodat2 only.
  syscall: {
    parameters: [
      "i64", // long number (__NR_fchmodat2)
      "i64", // int dirfd
      "buffer", // const char *path
      "i64", // mode_t mode
      "i64", // unsigned int flags
    ],
    result: "i64",
    optional: true,
  },
  // openat2 (Linux 5.6) through syscall(2): glibc wraps it only from 2.43.
  // long syscall(SYS_openat2, int dirfd, const char *path,
  //              struct open_how *how, size_t size); fixed as for fchmodat2.
  openat2: {
    name: "syscall",
    parameters: [
      "i64", // long number (__NR_openat2)
      "i64", // int dirfd
      "buffer", // const char *path
      "buffer", // struct open_how *how
      "i64", // size_t size (24)
    ],
    result: "i64",
    optional: true,
  },
  // Exported by glibc >= 2.30.
  getdents64: {
    parameters: [
      "i32", // int fd
      "buffer", // void *dirp
      "usize", // size_t count
    ],
    result: "isize",
    optional: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;

/**
 * `struct linux_dirent64` (`include/linux/dirent.h`): `d_ino` u64 @0,
 * `d_off` i64 @8, `d_reclen` u16 @16, `d_type` u8 @18, `d_name` @19.
 */
export const DIRENT64: DirentLayout = { reclen: 16, type: 18, name: 19 };
/** The reused `getdents64` buffer's size, as the `size_t` argument. */
const DIRENT_BUF_SIZE = 32768n;

/**
 * `__NR_fchmodat2` (Linux 6.6): 452 in both `arch/x86/entry/syscalls/syscall_64.tbl`
 * and `include/uapi/asm-generic/unistd.h` (aarch64).
 */
export const NR_FCHMODAT2 = 452n;

/** `__NR_openat2` (Linux 5.6): 437 on x86_64 and in asm-generic (aarch64). */
export const NR_OPENAT2 = 437n;

/** `O_PATH` (`include/uapi/asm-generic/fcntl.h`; x86_64 and aarch64 agree). */
export const O_PATH = 0o10000000;

/** `RESOLVE_*` flags of `struct open_how` (`include/uapi/linux/openat2.h`). */
export const RESOLVE = {
  NO_XDEV: 0x01,
  NO_MAGICLINKS: 0x02,
  NO_SYMLINKS: 0x04,
  BENEATH: 0x08,
  IN_ROOT: 0x10,
} as const;

/** `UTIME_NOW` and `UTIME_OMIT` (glibc `bits/stat.h`, kernel `include/linux/stat.h`). */
export const UTIME = { NOW: (1 << 30) - 1, OMIT: (1 << 30) - 2 } as const;

/** `AT_*` flags (`include/uapi/linux/fcntl.h`). */
export const AT = {
  FDCWD: -100,
  SYMLINK_NOFOLLOW: 0x100,
  REMOVEDIR: 0x200,
  EACCESS: 0x200,
  SYMLINK_FOLLOW: 0x400,
  EMPTY_PATH: 0x1000,
} as const;

/** `O_*` flags that differ between architectures. */
export const O_BY_ARCH = {
  // asm-generic/fcntl.h
  x86_64: { O_DIRECTORY: 0o200000, O_NOFOLLOW: 0o400000 },
  // arm64/include/uapi/asm/fcntl.h
  aarch64: { O_DIRECTORY: 0o40000, O_NOFOLLOW: 0o100000 },
} as const;

/** Constants for the running architecture. */
export function linuxConstants(
  arch: string = Deno.build.arch,
): PosixConstants {
  const o = arch === "aarch64" ? O_BY_ARCH.aarch64 : O_BY_ARCH.x86_64;
  return {
    AT_FDCWD: AT.FDCWD,
    O_RDONLY: 0,
    O_DIRECTORY: o.O_DIRECTORY,
    O_NOFOLLOW: o.O_NOFOLLOW,
    O_CLOEXEC: 0o2000000,
    AT_SYMLINK_NOFOLLOW: AT.SYMLINK_NOFOLLOW,
    AT_SYMLINK_FOLLOW: AT.SYMLINK_FOLLOW,
    AT_REMOVEDIR: AT.REMOVEDIR,
    AT_EACCESS: AT.EACCESS,
    UTIME_NOW: UTIME.NOW,
    UTIME_OMIT: UTIME.OMIT,
    MKNOD_DEV_U64: true,
    STATVFS,
  };
}

/**
 * glibc's `struct statvfs` on 64-bit Linux (`bits/statvfs.h`, the same on
 * x86_64 and aarch64): eleven 8-byte fields (`unsigned long`,
 * `fsblkcnt_t`, `fsfilcnt_t`; no `__f_unused` on 64-bit) and
 * `int __f_spare[6]`, 112 bytes.
 */
export const STATVFS: StatvfsLayout = {
  size: 112,
  bsize: 0,
  frsize: 8,
  blocks: 16,
  bfree: 24,
  bavail: 32,
  files: 40,
  ffree: 48,
  favail: 56,
  fsid: 64,
  flag: 72,
  namemax: 80,
};

/** `STATX_BASIC_STATS | STATX_BTIME`, what Deno asks for. */
export const STATX_MASK = 0x0fff;
/** `STATX_BTIME`: set in `stx_mask` when the birth time is known. */
export const STATX_BTIME = 0x0800;
/** `sizeof(struct statx)`, the same on every architecture. */
export const STATX_SIZE = 256;

/**
 * Decodes a `struct statx` (`include/uapi/linux/stat.h`) into a
 * {@linkcode StatResult}. Word indexes are byte offsets divided by 4.
 */
export function decodeStatx(
  w: Uint32Array,
  s: Int32Array,
  o = 0,
): StatResult {
  // stx_mode is a u16 at byte 28.
  const mode = w[o + 7] & 0xffff;
  const btime = (w[o] & STATX_BTIME) !== 0;
  return new StatResult(
    mode,
    u64(w, o + 10), // stx_size @40
    makedev(w[o + 34], w[o + 35]), // stx_dev_major @136, stx_dev_minor @140
    u64(w, o + 8), // stx_ino @32
    w[o + 4], // stx_nlink @16
    w[o + 5], // stx_uid @20
    w[o + 6], // stx_gid @24
    makedev(w[o + 32], w[o + 33]), // stx_rdev_major @128, minor @132
    w[o + 1], // stx_blksize @4
    u64(w, o + 12), // stx_blocks @48
    i64(w, s, o + 16), // stx_atime.tv_sec @64
    w[o + 18], // stx_atime.tv_nsec @72
    i64(w, s, o + 28), // stx_mtime @112
    w[o + 30],
    i64(w, s, o + 24), // stx_ctime @96
    w[o + 26],
    btime ? i64(w, s, o + 20) : NaN, // stx_btime @80
    btime ? w[o + 22] : 0,
  );
}

/** `struct stat` layouts by architecture, as word (4-byte) indexes. */
export const STAT_LAYOUTS = {
  // arch/x86/include/uapi/asm/stat.h, 144 bytes
  x86_64: {
    size: 144,
    dev: 0,
    ino: 2,
    nlink: 4,
    nlink64: true,
    mode: 6,
    uid: 7,
    gid: 8,
    rdev: 10,
    st_size: 12,
    blksize: 14,
    blocks: 16,
    atime: 18,
    mtime: 22,
    ctime: 26,
  },
  // include/uapi/asm-generic/stat.h (arm64), 128 bytes
  aarch64: {
    size: 128,
    dev: 0,
    ino: 2,
    mode: 4,
    nlink: 5,
    nlink64: false,
    uid: 6,
    gid: 7,
    rdev: 8,
    st_size: 12,
    blksize: 14,
    blocks: 16,
    atime: 18,
    mtime: 22,
    ctime: 26,
  },
} as const;

/** One of {@linkcode STAT_LAYOUTS}. */
export type StatLayout = (typeof STAT_LAYOUTS)[keyof typeof STAT_LAYOUTS];

/** Decodes a `struct stat` of the given layout. It has no birth time. */
export function decodeStat(
  L: StatLayout,
  w: Uint32Array,
  s: Int32Array,
  o = 0,
): StatResult {
  return new StatResult(
    w[o + L.mode],
    u64(w, o + L.st_size),
    u64(w, o + L.dev),
    u64(w, o + L.ino),
    L.nlink64 ? u64(w, o + L.nlink) : w[o + L.nlink],
    w[o + L.uid],
    w[o + L.gid],
    u64(w, o + L.rdev),
    w[o + L.blksize],
    u64(w, o + L.blocks),
    i64(w, s, o + L.atime),
    w[o + L.atime + 2],
    i64(w, s, o + L.mtime),
    w[o + L.mtime + 2],
    i64(w, s, o + L.ctime),
    w[o + L.ctime + 2],
    NaN,
    0,
  );
}

/** glibc's `makedev` (`sysmacros.h`), as a number. */
export function makedev(major: number, minor: number): number {
  return (major & 0xfff) * 256 + (minor & 0xff) +
    (minor >>> 8) * 1048576 + (major >>> 12) * 17592186044416;
}

/** Linux errno numbers to names (asm-generic; identical on x86_64 and aarch64). */
export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: "EPERM",
  2: "ENOENT",
  3: "ESRCH",
  4: "EINTR",
  5: "EIO",
  6: "ENXIO",
  7: "E2BIG",
  8: "ENOEXEC",
  9: "EBADF",
  10: "ECHILD",
  11: "EAGAIN",
  12: "ENOMEM",
  13: "EACCES",
  14: "EFAULT",
  15: "ENOTBLK",
  16: "EBUSY",
  17: "EEXIST",
  18: "EXDEV",
  19: "ENODEV",
  20: "ENOTDIR",
  21: "EISDIR",
  22: "EINVAL",
  23: "ENFILE",
  24: "EMFILE",
  25: "ENOTTY",
  26: "ETXTBSY",
  27: "EFBIG",
  28: "ENOSPC",
  29: "ESPIPE",
  30: "EROFS",
  31: "EMLINK",
  32: "EPIPE",
  33: "EDOM",
  34: "ERANGE",
  35: "EDEADLK",
  36: "ENAMETOOLONG",
  37: "ENOLCK",
  38: "ENOSYS",
  39: "ENOTEMPTY",
  40: "ELOOP",
  61: "ENODATA",
  75: "EOVERFLOW",
  84: "EILSEQ",
  95: "EOPNOTSUPP",
  98: "EADDRINUSE",
  99: "EADDRNOTAVAIL",
  100: "ENETDOWN",
  101: "ENETUNREACH",
  103: "ECONNABORTED",
  104: "ECONNRESET",
  107: "ENOTCONN",
  110: "ETIMEDOUT",
  111: "ECONNREFUSED",
  113: "EHOSTUNREACH",
  115: "EINPROGRESS",
  116: "ESTALE",
  122: "EDQUOT",
  125: "ECANCELED",
};

const ENOSYS = 38;

/**
 * Symbols whose failed call has no side effect, so that a lone call may run
 * as a `nonblocking` call and, on failure, again on a worker for its errno
 * (`getdents64` advances the directory offset only when it succeeds).
 */
const DIRECT = [
  "statx",
  "fstatat",
  "openat",
  "readlinkat",
  "getdents64",
] as const;

/** A second view of libc with `nonblocking` bindings of {@linkcode DIRECT}. */
function openDirect(): Record<string, (...a: never[]) => Promise<number>> {
  const defs: Record<string, Deno.ForeignFunction> = {};
  for (const k of DIRECT) {
    defs[k] = {
      ...LINUX_SYMBOLS[k],
      nonblocking: true,
    } as Deno.ForeignFunction;
  }
  try {
    const lib = Deno.dlopen(LIBC, defs);
    const out: Record<string, (...a: never[]) => Promise<number>> = {};
    for (const k of DIRECT) {
      const f = lib.symbols[k] as unknown;
      if (typeof f === "function") {
        out[k] = f as (...a: never[]) => Promise<number>;
      }
    }
    return out;
  } catch {
    return {};
  }
}
const EBADF = 9;
const NOFOLLOW_64 = BigInt(AT.SYMLINK_NOFOLLOW);

/** The names of the file symbols (`_file_posix.ts`) in the table. */
const FILE_KEYS = Object.keys(fileSymbols("linux"));

/**
 * What the main thread binds when the backend opens: {@linkcode LINUX_SYMBOLS}
 * without the file symbols, bound on first use (a pool worker binds the
 * whole table).
 */
const LINUX_MAIN_SYMBOLS: Deno.ForeignLibraryInterface = Object.fromEntries(
  Object.entries(LINUX_SYMBOLS).filter(([k]) => !FILE_KEYS.includes(k)),
);

/** The bound glibc functions (or stand-ins, in tests). */
export type LinuxLibrary = Deno.StaticForeignLibraryInterface<
  typeof LINUX_SYMBOLS
>;

/** The libc a pool worker opens: the same table, errno via `__errno_location`. */
export const LINUX_POOL: PoolLibrary = {
  path: LIBC,
  symbols: LINUX_SYMBOLS,
  errno: { kind: "pointer", sym: "__errno_location" },
  // Root's resolve-and-operate request (`_root_posix.ts`), and the whole-file
  // requests of `_file_posix.ts` (file primitives hook, 2/3).
  tasks: {
    ...ROOT_TASKS,
    ...fileTasks("__errno_location"),
    linuxReadDirStat,
    linuxEnterDir,
  },
  // A walk's requests: directories entered, listed and described.
  coldSafe: [
    "linuxEnterDir",
    "linuxReadDirStat",
    "getdents64",
    "statx",
    "fstatat",
    "readlinkat",
  ],
};

/**
 * chmod without following a final symlink: the `fchmodat2` syscall (Linux
 * 6.6) through `syscall(2)`, with `AT_SYMLINK_NOFOLLOW`.
 */
export const LCHMOD_AT: Description = {
  symbol: "syscall",
  syscall: "fchmodat2",
  lead: [Number(NR_FCHMODAT2)],
  args: ["int", "path", "int"],
  flags: ["AT_SYMLINK_NOFOLLOW"],
};

/**
 * Bytes of `getdents64` records one {@linkcode linuxReadDirStat} request
 * reads at most, and the stat slots it has (a record is at least 24 bytes).
 */
export const STAT_CHUNK_BYTES = 8192;
/** Stat slots of a {@linkcode linuxReadDirStat} request. */
export const STAT_CHUNK_SLOTS = Math.floor(STAT_CHUNK_BYTES / 24);

/**
 * Where the parts of a {@linkcode linuxReadDirStat} output lie, for `ssize`
 * bytes per stat buffer: an 8-byte header (i32: 1 when the end of the
 * directory was seen), the records, one i32 errno per slot, the stat
 * buffers, and one scratch buffer (a followed link's target).
 */
export function statChunkLayout(
  dsize: number,
  slots: number,
  ssize: number,
): { records: number; errs: number; stats: number; bytes: number } {
  const errs = 8 + dsize;
  const stats = (errs + 4 * slots + 7) & ~7;
  return { records: 8, errs, stats, bytes: stats + (slots + 1) * ssize };
}

/**
 * A pool task (see `PoolTask`): reads the next entries of the directory
 * `fd` with `getdents64` (again and again while the room left can hold a
 * record, so that a small directory is read to its end in one request), then
 * describes each entry (not `.` or `..`, in the order {@linkcode parseDirents}
 * keeps them) with `statx` (mode bit 0; `fstatat` otherwise) without
 * following, and, with mode bit 1, an entry listed as a symlink once more
 * following it (its target's, where that resolves). The output's layout is
 * {@linkcode statChunkLayout}'s; slot `k`'s errno is 0 when its buffer holds
 * the stat. Returns the bytes of records read (0 at the end) or `-errno` of
 * `getdents64`. Self-contained: it travels to the workers as source.
 */
export function linuxReadDirStat(
  s: any,
  fd: number,
  out: Uint8Array,
  dsize: number,
  slots: number,
  ssize: number,
  mode: number,
  mask: number,
): number {
  // statChunkLayout, inline: a task refers to nothing of its module.
  const errAt = 8 + dsize;
  const statAt = (errAt + 4 * slots + 7) & ~7;
  const useStatx = (mode & 1) !== 0, follow = (mode & 2) !== 0;
  const view = new DataView(out.buffer, out.byteOffset);
  let used = 0, end = 0;
  // A record is at most 19 + 256 bytes, 8-aligned: 280.
  while (dsize - used >= 280) {
    const n = Number(
      s.getdents64(fd, out.subarray(8 + used, 8 + dsize), dsize - used),
    );
    if (n < 0) {
      const e = s.__errnoOf();
      if (e === 4) continue; // EINTR
      if (used === 0) return -e;
      break; // the records read so far; the error comes again next time
    }
    if (n === 0) {
      end = 1;
      break;
    }
    used += n;
  }
  view.setInt32(0, end, true);
  const scratch = out.subarray(
    statAt + slots * ssize,
    statAt + (slots + 1) * ssize,
  );
  let k = 0;
  for (let off = 8; off < 8 + used && k < slots;) {
    const next = off + (out[off + 16] | (out[off + 17] << 8));
    const start = off + 19;
    const type = out[off + 18];
    let stop = start;
    while (stop < next && out[stop] !== 0) stop++;
    off = next;
    const len = stop - start;
    if (len === 0 || next <= start) continue;
    if (
      out[start] === 0x2e &&
      (len === 1 || (len === 2 && out[start + 1] === 0x2e))
    ) continue;
    const name = out.subarray(start, next);
    const st = out.subarray(statAt + k * ssize, statAt + (k + 1) * ssize);
    let e = 0;
    for (;;) {
      const r = useStatx
        ? s.statx(fd, name, 0x100, mask, st) // AT_SYMLINK_NOFOLLOW
        : s.fstatat(fd, name, st, 0x100);
      e = r === 0 ? 0 : s.__errnoOf();
      if (e !== 4) break;
    }
    if (e === 0 && follow && type === 10) { // DT_LNK
      const r = useStatx
        ? s.statx(fd, name, 0, mask, scratch)
        : s.fstatat(fd, name, scratch, 0);
      if (r === 0) st.set(scratch);
    }
    view.setInt32(errAt + 4 * k, e, true);
    k++;
  }
  return used;
}

/**
 * A pool task (see `PoolTask`): enters the directory `name` of `parent` for
 * a walk in one request. `stat` of it through `parent` (following links
 * when mode bit 2), a check that it is a directory (the u16 at byte
 * `mode >> 8` of the stat buffer), `openat(parent, name, flags)`, an
 * `fstat` of the new descriptor that must find the same device and inode
 * (`statx`: `stx_ino` at 32, `stx_dev_*` at 136; `struct stat`: `st_dev`
 * and `st_ino` at 0), then the first chunk with
 * {@linkcode linuxReadDirStat} (entries described when mode bit 3, links
 * among them followed when bit 1; `statx` when bit 0).
 *
 * Output: i32 phase at 0 (0 entered; 1 the stat, 2 the open, 3 the fstat
 * failed; 4 not the directory listed), i32 result of the first chunk at 4,
 * zeros at 8 (the empty path), the two stat buffers at 16, then the chunk
 * ({@linkcode statChunkLayout}). Returns the descriptor, or `-errno` (of the
 * failed step; `-ENOTDIR` for phase 4), nothing left open.
 */
export function linuxEnterDir(
  s: any,
  parent: number,
  name: Uint8Array,
  out: Uint8Array,
  dsize: number,
  ssize: number,
  mode: number,
  flags: number,
): number {
  const useStatx = (mode & 1) !== 0;
  const view = new DataView(out.buffer, out.byteOffset);
  const st0 = out.subarray(16, 16 + ssize);
  const st1 = out.subarray(16 + ssize, 16 + 2 * ssize);
  const empty = out.subarray(8, 16);
  view.setInt32(8, 0, true);
  const mask = 0xfff; // STATX_MASK
  const stat = (fd: number, p: Uint8Array, fl: number, buf: Uint8Array) =>
    useStatx ? s.statx(fd, p, fl, mask, buf) : s.fstatat(fd, p, buf, fl);
  let e = 0;
  for (;;) {
    const r = stat(parent, name, (mode & 4) !== 0 ? 0 : 0x100, st0);
    e = r === 0 ? 0 : s.__errnoOf();
    if (e !== 4) break; // EINTR
  }
  if (e !== 0) {
    view.setInt32(0, 1, true);
    return -e;
  }
  const at = (mode >> 8) & 0xff;
  if (((st0[at] | (st0[at + 1] << 8)) & 0xf000) !== 0x4000) { // S_IFDIR
    view.setInt32(0, 4, true);
    return -20;
  }
  let fd = -1;
  for (;;) {
    fd = s.openat(parent, name, flags);
    e = fd < 0 ? s.__errnoOf() : 0;
    if (e !== 4) break;
  }
  if (fd < 0) {
    view.setInt32(0, 2, true);
    return -e;
  }
  for (;;) {
    const r = stat(fd, empty, 0x1000, st1); // AT_EMPTY_PATH
    e = r === 0 ? 0 : s.__errnoOf();
    if (e !== 4) break;
  }
  if (e !== 0) {
    s.close(fd);
    view.setInt32(0, 3, true);
    return -e;
  }
  const same = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (st0[i] !== st1[i]) return false;
    return true;
  };
  if (useStatx ? !same(32, 40) || !same(136, 144) : !same(0, 16)) {
    s.close(fd);
    view.setInt32(0, 4, true);
    return -20;
  }
  const slots = (mode & 8) !== 0 ? Math.floor(dsize / 24) : 0;
  const first = s.linuxReadDirStat(
    s,
    fd,
    out.subarray(16 + 2 * ssize),
    dsize,
    slots,
    ssize,
    mode & 3,
    mask,
  );
  view.setInt32(0, 0, true);
  view.setInt32(4, first, true);
  return fd;
}

/** The step of {@linkcode Entered} each phase of {@linkcode linuxEnterDir} names. */
const ENTER_STEPS: Entered["failed"][] = [
  "",
  "statAt",
  "openDirAt",
  "fstat",
  "skip",
];

/** What {@linkcode linuxBackend} builds on besides the symbols. */
export interface LinuxOptions {
  /** `Deno.build.arch` unless given (it selects O_* flags and `struct stat`). */
  readonly arch?: string;
  /** Where the async forms run (none: the loader fills them in). */
  readonly pool?: PoolLibrary | null;
  /** `nonblocking` bindings for lone side-effect-free pool requests. */
  readonly direct?: LocalLibrary["direct"];
  /** Opens the io_uring that runs batches of `statx` (see `_uring.ts`). */
  readonly ring?: LocalLibrary["ring"];
  /**
   * Gives the file symbols when a file call first needs them (`s` binds
   * them on first read then); without it they are taken from `s` at once.
   */
  readonly fileSymbols?: () => FileSymbols | null;
}

/**
 * Builds the Linux backend over bound (or, in tests, stand-in) glibc
 * functions: probes `statx` and `fchmodat2` (each with one call that touches
 * no file), chooses the stat primitive, and adds `lchmodAt` where
 * `fchmodat2` works and `readDirChunk` over `getdents64`. Returns null when
 * neither `statx` nor `fstatat` works.
 */
export function linuxBackend(
  s: LinuxLibrary,
  errno: () => number,
  o: LinuxOptions = {},
): PosixParts | null {
  const arch = o.arch ?? Deno.build.arch;
  const c = linuxConstants(arch);
  const layout = arch === "aarch64"
    ? STAT_LAYOUTS.aarch64
    : STAT_LAYOUTS.x86_64;
  const statxBuf = new Uint8Array(STATX_SIZE);
  const sxW = new Uint32Array(statxBuf.buffer);
  const sxS = new Int32Array(statxBuf.buffer);
  const statBuf = new Uint8Array(layout.size);
  const stW = new Uint32Array(statBuf.buffer);
  const stS = new Int32Array(statBuf.buffer);
  const empty = new Uint8Array(1);
  const probePath = new CString(16);

  const statx = s.statx;
  // Read at its first call (it may be bound lazily, see `_lazy.ts`): with
  // statx working, it is never called.
  const fstatatOnUse = symbolOnUse<NonNullable<typeof s.fstatat>>(
    s as unknown as Record<string, unknown>,
    "fstatat",
  );
  const fstatat = (...a: Parameters<NonNullable<typeof s.fstatat>>) =>
    fstatatOnUse()!(...a);

  const viaStatx: StatPrimitives = {
    via: "statx",
    statAt(dirfd, p, follow) {
      const r = statx!(
        dirfd,
        p,
        follow ? 0 : AT.SYMLINK_NOFOLLOW,
        STATX_MASK,
        statxBuf,
      );
      return r === 0 ? decodeStatx(sxW, sxS) : -errno();
    },
    fstat(fd) {
      const r = statx!(fd, empty, AT.EMPTY_PATH, STATX_MASK, statxBuf);
      return r === 0 ? decodeStatx(sxW, sxS) : -errno();
    },
  };
  const viaFstatat: StatPrimitives = {
    via: "fstatat",
    statAt(dirfd, p, follow) {
      const r = fstatat(dirfd, p, statBuf, follow ? 0 : AT.SYMLINK_NOFOLLOW);
      return r === 0 ? decodeStat(layout, stW, stS) : -errno();
    },
    fstat(fd) {
      const r = fstatat(fd, empty, statBuf, AT.EMPTY_PATH);
      return r === 0 ? decodeStat(layout, stW, stS) : -errno();
    },
  };

  // Probe statx once: a kernel or sandbox without it answers ENOSYS.
  let statxWorks = false;
  if (statx !== null) {
    statxWorks = statx(
          AT.FDCWD,
          probePath.encode("/"),
          0,
          STATX_MASK,
          statxBuf,
        ) === 0 || errno() !== ENOSYS;
  }
  const fstatatWorks = hasSymbol(
    s as unknown as Record<string, unknown>,
    "fstatat",
  );
  if (!statxWorks && !fstatatWorks) return null;
  // Probe fchmodat2 without touching any file: with dirfd -1 and a relative
  // path, a kernel that has it validates the flags (AT_SYMLINK_NOFOLLOW is
  // accepted) and answers EBADF; an older kernel answers ENOSYS and a seccomp
  // filter typically ENOSYS or EPERM. Only EBADF counts as "works".
  const sys = s.syscall;
  const getdents64 = s.getdents64;
  let fchmodat2Works = false;
  const fixedVariadicOk = arch === "x86_64" || arch === "aarch64";
  if (sys !== null && fixedVariadicOk) {
    const r = sys(NR_FCHMODAT2, -1n, probePath.encode("x"), 0n, NOFOLLOW_64);
    fchmodat2Works = Number(r) === -1 && errno() === EBADF;
  }

  // openat2, probed the same way: its how is valid (O_PATH, no resolve
  // flags), so a kernel that has it answers EBADF for dirfd -1.
  const openat2 = fixedVariadicOk ? s.openat2 : null;
  let openat2Works = false;
  const how = new BigUint64Array(3);
  const howBytes = new Uint8Array(how.buffer);
  if (openat2 !== null && openat2 !== undefined) {
    how[0] = BigInt(O_PATH);
    const r = openat2(NR_OPENAT2, -1n, probePath.encode("x"), howBytes, 24n);
    openat2Works = Number(r) === -1 && errno() === EBADF;
  }
  const openBeneathPath = new CString();
  const how32 = new Uint32Array(how.buffer);
  const openBeneath = openat2Works
    ? (
      dirfd: number,
      p: string,
      symlinks: "beneath" | "inRoot" | "none",
      noXdev: boolean,
      flags: number = c.O_RDONLY | c.O_DIRECTORY,
    ): number => {
      // The three u64 fields as little-endian u32 halves (x86_64 and
      // aarch64 are little-endian): no BigInt per call. Never O_CREAT
      // (0o100 on every Linux architecture): the mode is 0.
      how32[0] = (flags & ~0o100) | c.O_CLOEXEC;
      how32[1] =
        how32[2] =
        how32[3] =
        how32[5] =
          0;
      how32[4] = RESOLVE.NO_MAGICLINKS |
        (symlinks === "inRoot" ? RESOLVE.IN_ROOT : RESOLVE.BENEATH) |
        (symlinks === "none" ? RESOLVE.NO_SYMLINKS : 0) |
        (noXdev ? RESOLVE.NO_XDEV : 0);
      const r = Number(
        openat2!(
          NR_OPENAT2,
          BigInt(dirfd),
          openBeneathPath.encode(p),
          howBytes,
          24n,
        ),
      );
      return r < 0 ? -errno() : r;
    }
    : undefined;

  // The active primitive is chosen once; `select` exists for tests that must
  // exercise the struct stat layout on a kernel that has statx.
  const initial = statxWorks ? viaStatx : viaFstatat;
  const active: StatPrimitives = {
    via: initial.via,
    statAt: initial.statAt,
    fstat: initial.fstat,
    select(via) {
      const next = via === "statx" && statxWorks
        ? viaStatx
        : via === "fstatat" && fstatatWorks
        ? viaFstatat
        : null;
      if (next === null) return false;
      Object.assign(active, {
        via: next.via,
        statAt: next.statAt,
        fstat: next.fstat,
      });
      return true;
    },
  };
  // The async forms run the same stat primitive as the sync calls.
  const statRequests: StatRequests = {
    statAt(pool, dirfd, p, follow) {
      const flags = follow ? 0 : AT.SYMLINK_NOFOLLOW;
      if (active.via === "statx") {
        pool.begin("statx", strBytes(p) + STATX_SIZE);
        pool.int(dirfd);
        pool.str(p);
        pool.int(flags);
        pool.int(STATX_MASK);
        pool.out(STATX_SIZE);
      } else {
        pool.begin("fstatat", strBytes(p) + layout.size);
        pool.int(dirfd);
        pool.str(p);
        pool.out(layout.size);
        pool.int(flags);
      }
    },
    fstat(pool, fd) {
      this.statAt(pool, fd, "", true);
      // AT_EMPTY_PATH replaces the flags written above (argument 2 or 3).
      pool.setInt(active.via === "statx" ? 2 : 3, AT.EMPTY_PATH);
    },
    decode: (r) =>
      active.via === "statx"
        ? decodeStatx(r.u32, r.i32, r.out >> 2)
        : decodeStat(layout, r.u32, r.i32, r.out >> 2),
  };
  const backend = posixBackend({
    name: "linux",
    symbols: s,
    table: LINUX_SYMBOLS,
    constants: c,
    errno,
    errnoNames: ERRNO_NAMES,
    stat: active,
    has: {
      statx: statxWorks,
      fstatat: fstatatWorks,
      fchmodat2: fchmodat2Works,
      openat2: openat2Works,
    },
    more: fchmodat2Works ? { lchmodAt: LCHMOD_AT } : {},
    readDirChunk: getdents64 === null ? undefined : direntReader(
      (fd, buf) => {
        const n = Number(getdents64(fd, buf, DIRENT_BUF_SIZE));
        return n < 0 ? -errno() : n;
      },
      DIRENT64,
      Number(DIRENT_BUF_SIZE),
    ),
    pool: o.pool
      ? {
        lib: o.pool,
        local: { symbols: s, errno, direct: o.direct, ring: o.ring },
        stat: statRequests,
      }
      : null,
  });
  if (openBeneath !== undefined) backend.openBeneath = openBeneath;
  const async = backend.async;
  if (getdents64 !== null && async !== undefined) {
    // The async `readDirChunk`: getdents64 into the arena on a worker,
    // decoded by the same parser once copied out (the arena is shared
    // memory, which TextDecoder refuses).
    const size = Number(DIRENT_BUF_SIZE);
    async.readDirChunk = (fd, out) => {
      if (out.end === true) {
        // The request that entered the directory saw its end.
        out.end = false;
        out.count = 0;
        return Promise.resolve(0);
      }
      const pool = async.pool();
      pool.begin("getdents64", size);
      pool.int(fd);
      pool.out(size);
      pool.int(size);
      return pool.end((r) => {
        if (r.ret <= 0) {
          out.count = 0;
          return r.ret < 0 ? -r.errno : 0;
        }
        parseDirents(r.u8.slice(r.out, r.out + r.ret), r.ret, DIRENT64, out);
        return r.ret;
      });
    };
  }
  const DS = STAT_CHUNK_BYTES, SLOTS = STAT_CHUNK_SLOTS;
  /** Decodes a chunk the tasks left at `o` (`ret` bytes of records). */
  const decodeChunk = (
    r: Pick<Reply, "u8" | "u32" | "i32">,
    o: number,
    ret: number,
    at: ReturnType<typeof statChunkLayout>,
    ssize: number,
    statx: boolean,
    out: DirChunk,
  ) => {
    out.end = r.i32[o >> 2] === 1;
    const recs = o + at.records;
    parseDirents(r.u8.slice(recs, recs + ret), ret, DIRENT64, out);
    if (ssize === 0) return;
    const infos = out.infos ??= [];
    const errs = (o + at.errs) >> 2;
    for (let k = 0; k < out.count; k++) {
      const e = r.i32[errs + k];
      const w = (o + at.stats + k * ssize) >> 2;
      infos[k] = e !== 0
        ? -e
        : statx
        ? decodeStatx(r.u32, r.i32, w)
        : decodeStat(layout, r.u32, r.i32, w);
    }
  };
  if (getdents64 !== null && async !== undefined) {
    // The async `readDirChunkStat`: one worker task per chunk reads the
    // records and stats every entry into the arena (linuxReadDirStat); the
    // names are parsed and the stat buffers decoded here, with the decoder
    // of the stat primitive in use.
    async.enterDirAt = (parent, name, follow, out, withStat, followEntries) => {
      const statx = active.via === "statx";
      const ssize = statx ? STATX_SIZE : layout.size;
      const dsize = withStat ? DS : Number(DIRENT_BUF_SIZE);
      const at = statChunkLayout(dsize, withStat ? SLOTS : 0, ssize);
      const bytes = 16 + 2 * ssize + at.bytes;
      const modeAt = statx ? 28 : layout.mode * 4;
      const pool = async.pool();
      pool.begin("linuxEnterDir", strBytes(name) + bytes + 8, true);
      pool.int(parent);
      pool.str(name);
      pool.out(bytes);
      pool.int(dsize);
      pool.int(ssize);
      pool.int(
        (statx ? 1 : 0) | (followEntries ? 2 : 0) | (follow ? 4 : 0) |
          (withStat ? 8 : 0) | (modeAt << 8),
      );
      pool.int(dirFlags(c, follow));
      return pool.end((r): Entered => {
        const o = r.out;
        const phase = r.i32[o >> 2];
        if (phase !== 0) {
          return {
            failed: ENTER_STEPS[phase] ?? "statAt",
            fd: -r.errno,
            dev: 0,
            ino: 0,
            first: 0,
          };
        }
        const w = (o + 16) >> 2;
        const st = statx
          ? decodeStatx(r.u32, r.i32, w)
          : decodeStat(layout, r.u32, r.i32, w);
        const first = r.i32[(o >> 2) + 1];
        out.end = false;
        if (first > 0) {
          decodeChunk(
            r,
            o + 16 + 2 * ssize,
            first,
            at,
            withStat ? ssize : 0,
            statx,
            out,
          );
        } else out.count = 0;
        return { failed: "", fd: r.ret, dev: st.dev, ino: st.ino!, first };
      });
    };
    async.readDirChunkStat = (fd, out, follow) => {
      if (out.end === true) {
        out.end = false;
        out.count = 0;
        return Promise.resolve(0);
      }
      const statx = active.via === "statx";
      const ssize = statx ? STATX_SIZE : layout.size;
      const at = statChunkLayout(DS, SLOTS, ssize);
      const pool = async.pool();
      pool.begin("linuxReadDirStat", at.bytes + 8, true);
      pool.int(fd);
      pool.out(at.bytes);
      pool.int(DS);
      pool.int(SLOTS);
      pool.int(ssize);
      pool.int((statx ? 1 : 0) | (follow ? 2 : 0));
      pool.int(STATX_MASK);
      return pool.end((r) => {
        out.end = false;
        if (r.ret <= 0) {
          out.count = 0;
          return r.ret < 0 ? -r.errno : 0;
        }
        decodeChunk(r, r.out, r.ret, at, ssize, statx, out);
        return r.ret;
      });
    };
  }
  if (async !== undefined) {
    // Root's pool task, over the same pool (see `_root_posix.ts`).
    const byName = Object.fromEntries(
      Object.entries(ERRNO_NAMES).map(([n, name]) => [name, Number(n)]),
    );
    attachRoot(backend, {
      pool: () => async.pool(),
      platform: () => {
        const statx = active.via === "statx";
        return {
          statx,
          // stx_mode (u16 @28) and stx_dev_major/minor (2 × u32 @136), or
          // st_mode (u32) and st_dev (u64 @0) of the architecture's layout.
          modeOffset: statx ? 28 : layout.mode * 4,
          modeSize: statx ? 2 : 4,
          devOffset: statx ? 136 : layout.dev * 4,
          devSize: 8,
          dirFlags: dirFlags(c, false),
          AT_SYMLINK_NOFOLLOW: AT.SYMLINK_NOFOLLOW,
          AT_REMOVEDIR: AT.REMOVEDIR,
          errno: ROOT_ERRNO_NAMES.map((n) => byName[n]),
          nrFchmodat2: fchmodat2Works ? Number(NR_FCHMODAT2) : 0,
          lchmod: false,
        };
      },
      decodeStat: (raw) => {
        const w = new Uint32Array(raw.buffer, raw.byteOffset, 64);
        const i = new Int32Array(raw.buffer, raw.byteOffset, 64);
        return active.via === "statx"
          ? decodeStatx(w, i)
          : decodeStat(layout, w, i);
      },
    });
  }
  // File primitives hook (3/3): `file` and `fileAsync` over the same libc,
  // built on first use when `o.fileSymbols` binds their symbols late.
  const getPool = async === undefined ? null : () => async.pool();
  if (o.fileSymbols !== undefined) {
    attachFileLazy(
      backend,
      o.fileSymbols,
      linuxFileConstants(arch),
      errno,
      new CString(),
      o.pool?.path ?? null,
      getPool,
    );
    return backend;
  }
  attachFile(
    backend,
    s as unknown as Record<string, (...a: any[]) => any>,
    linuxFileConstants(arch),
    errno,
    new CString(),
    o.pool?.path ?? null,
    getPool,
    { symbols: s as unknown as Record<string, unknown>, errno },
  );
  return backend;
}

/** Opens libc and builds the Linux backend, or returns null if it cannot. */
export function openLinux(): PosixParts | null {
  const s = mainSymbols();
  if (s === null) return null;
  // The file symbols join the table when first read (a file call, or the
  // pool running a file request on this thread), bound once.
  let files: FileSymbols | null | undefined;
  const bindFiles = (): FileSymbols | null => {
    if (files !== undefined) return files;
    try {
      files = Deno.dlopen(LIBC, fileSymbols("linux"))
        .symbols as unknown as FileSymbols;
    } catch {
      files = null;
    }
    for (const k of FILE_KEYS) {
      Object.defineProperty(s, k, {
        value: files?.[k] ?? null,
        writable: true,
        configurable: true,
        enumerable: true,
      });
    }
    return files;
  };
  for (const k of FILE_KEYS) {
    Object.defineProperty(s, k, {
      configurable: true,
      enumerable: true,
      get: () => bindFiles()?.[k] ?? null,
    });
  }
  const syms = s as unknown as LinuxLibrary;
  const errno = errnoReader(syms.__errno_location());
  // The pool's direct bindings, once a pool is built (it reads them then).
  let directs: Record<string, (...a: never[]) => Promise<number>> | undefined;
  const direct: Record<string, (...a: never[]) => Promise<number>> = {};
  for (const k of DIRECT) {
    Object.defineProperty(direct, k, {
      enumerable: true,
      get: () => (directs ??= openDirect())[k],
    });
  }
  return linuxBackend(syms, errno, {
    pool: LINUX_POOL,
    direct,
    ring: () => StatxRing.open(),
    fileSymbols: bindFiles,
  });
}

/**
 * {@linkcode LINUX_MAIN_SYMBOLS}, each bound on first use where libc's
 * `dlsym` can tell which exist without binding them (glibc 2.34 and later
 * export it from libc itself); else all of them now. Null when libc cannot
 * be opened or lacks a symbol that is not optional.
 */
function mainSymbols(): Record<string, unknown> | null {
  let dlsym: ((h: null, name: Uint8Array) => Deno.PointerValue) | null;
  try {
    dlsym = Deno.dlopen(LIBC, {
      // void *dlsym(void *handle, const char *symbol); RTLD_DEFAULT is 0.
      dlsym: {
        parameters: ["pointer", "buffer"],
        result: "pointer",
        optional: true,
      },
    }).symbols.dlsym;
  } catch {
    return null;
  }
  if (dlsym === null) {
    try {
      return { ...Deno.dlopen(LIBC, LINUX_MAIN_SYMBOLS).symbols };
    } catch {
      return null;
    }
  }
  const enc = new TextEncoder();
  const exists = (name: string) =>
    dlsym(null, enc.encode(`${name}\0`)) !== null;
  for (const [k, def] of Object.entries(LINUX_MAIN_SYMBOLS)) {
    const d = def as { name?: string; optional?: boolean };
    if (d.optional !== true && !exists(d.name ?? k)) return null;
  }
  return lazySymbols(LIBC, LINUX_MAIN_SYMBOLS, exists);
}
