// Copyright 2026 the dirfd authors. MIT license.
/**
 * macOS backend (x86_64 and arm64) through libSystem: symbols, constants,
 * the `struct stat` and `struct dirent` layouts and the errno table as data,
 * plus thin wrappers over the shared POSIX primitives.
 *
 * Sources (Apple's xnu, `bsd/sys/`, as installed in the macOS SDK under
 * `usr/include/sys/`): `fcntl.h` (O_* and AT_* flags, AT_FDCWD), `stat.h`
 * (`__DARWIN_STRUCT_STAT64`, UTIME_NOW/UTIME_OMIT, the
 * `__DARWIN_INODE64(fstatat)` symbol variants), `dirent.h`
 * (`__DARWIN_STRUCT_DIRENTRY`, DT_*; `readdir` is `__DARWIN_INODE64`,
 * `fdopendir` `__DARWIN_ALIAS_I`), `errno.h` (errno numbers,
 * `__error()`), `cdefs.h` (on x86_64 `__DARWIN_64_BIT_INO_T` selects the
 * `$INODE64` symbols; arm64 only has 64-bit inodes, under the plain names).
 *
 * Directory listing is chunked: the pool task {@linkcode darwinReadChunk}
 * wraps a dup of the directory descriptor in a `DIR` (`fdopendir`), copies
 * the records `readdir` returns into a buffer until the next might not fit,
 * and leaves the `DIR` open for the next call; the sync `readDirChunk` runs
 * it on the calling thread, its async twin on a pool worker, and the
 * backend's `close(fd)` closes a `DIR` a listing left open.
 *
 * Everything but {@linkcode openDarwin} is pure and is tested on every OS
 * against byte fixtures built from those header definitions (the task
 * against stand-in `dup`/`fdopendir`/`readdir`/`closedir` serving fixture
 * records); the async twins' requests are tested on Linux through a real
 * worker pool that opens glibc with the same symbol table.
 *
 * @module
 */
import { StatResult } from "../_file_info.ts";
import {
  CString,
  DT,
  errnoReader,
  i64,
  POSIX_SYMBOLS,
  posixBackend,
  type PosixConstants,
  type PosixParts,
  type StatPrimitives,
  u64,
} from "./_posix.ts";
import { type DirChunk, KIND } from "./_types.ts";
import {
  type ErrnoSource,
  type PoolLibrary,
  type PoolTask,
  strBytes,
} from "./_pool.ts";
import type { StatRequests } from "./_posix_async.ts";
import {
  attachFile,
  DARWIN_FILE_CONSTANTS,
  fileSymbols,
  fileTasks,
} from "./_file_posix.ts";
import { attachRoot, ROOT_ERRNO_NAMES, ROOT_TASKS } from "./_root_posix.ts";
import type { Description } from "./_posix_at.ts";

/** The system library every macOS process has (libc is part of it). */
export const LIBSYSTEM = "/usr/lib/libSystem.B.dylib";

/**
 * The symbol-name suffix for APIs whose structs carry 64-bit inodes:
 * `$INODE64` on x86_64 (`__DARWIN_INODE64`/`__DARWIN_ALIAS_I` in
 * `<sys/cdefs.h>`), none on arm64, which has only the 64-bit variant.
 */
export function inode64Suffix(arch: string = Deno.build.arch): string {
  return arch === "x86_64" ? "$INODE64" : "";
}

/** libSystem symbols for macOS on `arch` (`"x86_64"` or `"aarch64"`). */
export function darwinSymbols(arch: string = Deno.build.arch) {
  const sfx = inode64Suffix(arch);
  return {
    ...POSIX_SYMBOLS,
    // File primitives hook (1/3): open/read/write/… rows of `_file_posix.ts`
    // (openat's variadic mode padded onto the stack on arm64).
    ...fileSymbols("darwin", arch),
    // int *__error(void): the calling thread's errno (<sys/errno.h>).
    __error: { parameters: [], result: "pointer" },
    // __DARWIN_INODE64
    fstatat: {
      name: `fstatat${sfx}`,
      parameters: [
        "i32", // int fd
        "buffer", // const char *path
        "buffer", // struct stat *buf
        "i32", // int flag
      ],
      result: "i32",
    },
    // __DARWIN_INODE64
    fstat: {
      name: `fstat${sfx}`,
      parameters: [
        "i32", // int fildes
        "buffer", // struct stat *buf
      ],
      result: "i32",
    },
    // Directory reading (getdirentries64 is private): DIR *fdopendir(int)
    // __DARWIN_ALIAS_I, struct dirent *readdir(DIR *) __DARWIN_INODE64,
    // int closedir(DIR *) __DARWIN_ALIAS (no suffix on 64-bit), int dup(int).
    fdopendir: {
      name: `fdopendir${sfx}`,
      parameters: ["i32" /* int fd */],
      result: "pointer", // DIR *
      optional: true,
    },
    readdir: {
      name: `readdir${sfx}`,
      parameters: ["pointer" /* DIR *dirp */],
      result: "pointer", // struct dirent *
      optional: true,
    },
    closedir: {
      parameters: ["pointer" /* DIR *dirp */],
      result: "i32",
      optional: true,
    },
    dup: {
      parameters: ["i32" /* int fildes */],
      result: "i32",
      optional: true,
    },
  } as const satisfies Deno.ForeignLibraryInterface;
}

/** The libSystem symbol table (its shape is the same on both architectures). */
export type DarwinSymbols = ReturnType<typeof darwinSymbols>;

/** `AT_*` values, each from `<sys/fcntl.h>`. */
export const AT = {
  FDCWD: -2, // <sys/fcntl.h>: #define AT_FDCWD -2
  EACCESS: 0x10, // <sys/fcntl.h>: #define AT_EACCESS 0x0010
  SYMLINK_NOFOLLOW: 0x20, // <sys/fcntl.h>: #define AT_SYMLINK_NOFOLLOW 0x0020
  SYMLINK_FOLLOW: 0x40, // <sys/fcntl.h>: #define AT_SYMLINK_FOLLOW 0x0040
  REMOVEDIR: 0x80, // <sys/fcntl.h>: #define AT_REMOVEDIR 0x0080
} as const;

/** `O_*` values, each from `<sys/fcntl.h>`. */
export const O = {
  RDONLY: 0x0, // <sys/fcntl.h>: #define O_RDONLY 0x0000
  NOFOLLOW: 0x100, // <sys/fcntl.h>: #define O_NOFOLLOW 0x00000100
  DIRECTORY: 0x100000, // <sys/fcntl.h>: #define O_DIRECTORY 0x00100000
  CLOEXEC: 0x1000000, // <sys/fcntl.h>: #define O_CLOEXEC 0x01000000
} as const;

/** `UTIME_NOW`/`UTIME_OMIT` for `utimensat`/`futimens`, from `<sys/stat.h>`. */
export const UTIME = {
  NOW: -1, // <sys/stat.h>: #define UTIME_NOW -1
  OMIT: -2, // <sys/stat.h>: #define UTIME_OMIT -2
} as const;

/** The constants the shared POSIX primitives need, for macOS. */
export const DARWIN_CONSTANTS: PosixConstants = {
  AT_FDCWD: AT.FDCWD,
  O_RDONLY: O.RDONLY,
  O_DIRECTORY: O.DIRECTORY,
  O_NOFOLLOW: O.NOFOLLOW,
  O_CLOEXEC: O.CLOEXEC,
  AT_SYMLINK_NOFOLLOW: AT.SYMLINK_NOFOLLOW,
  AT_SYMLINK_FOLLOW: AT.SYMLINK_FOLLOW,
  AT_REMOVEDIR: AT.REMOVEDIR,
  AT_EACCESS: AT.EACCESS,
  UTIME_NOW: UTIME.NOW,
  UTIME_OMIT: UTIME.OMIT,
};

/**
 * `struct stat` with 64-bit inodes (`__DARWIN_STRUCT_STAT64`, `<sys/stat.h>`),
 * the same on x86_64 and arm64 (LP64): byte offsets of each field.
 *
 * ```c
 * dev_t st_dev;            //   0  i32
 * mode_t st_mode;          //   4  u16
 * nlink_t st_nlink;        //   6  u16
 * __darwin_ino64_t st_ino; //   8  u64
 * uid_t st_uid;            //  16  u32
 * gid_t st_gid;            //  20  u32
 * dev_t st_rdev;           //  24  i32, then 4 bytes of padding
 * struct timespec st_atimespec, st_mtimespec, st_ctimespec,
 *   st_birthtimespec;      //  32, 48, 64, 80  { i64 tv_sec; i64 tv_nsec }
 * off_t st_size;           //  96  i64
 * blkcnt_t st_blocks;      // 104  i64
 * blksize_t st_blksize;    // 112  i32
 * __uint32_t st_flags;     // 116
 * __uint32_t st_gen;       // 120
 * __int32_t st_lspare;     // 124
 * __int64_t st_qspare[2];  // 128..144
 * ```
 */
export const STAT64 = {
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
} as const;

/**
 * A signed 32-bit `dev_t` as Deno reports it: Rust widens it with
 * `st_dev as u64`, which sign-extends, and Deno reads the u64 as a number.
 */
function devT(w: Uint32Array, s: Int32Array, i: number): number {
  return s[i] < 0 ? w[i] + 0xffffffff * 4294967296 : w[i];
}

/**
 * Decodes a macOS `struct stat` ({@linkcode STAT64}) from 144 bytes seen as
 * 32-bit words (little-endian, as on both Apple architectures), starting at
 * word `o` of the views (0 for a buffer of its own; a pool arena's output
 * buffer starts elsewhere).
 */
export function decodeDarwinStat(
  w: Uint32Array,
  s: Int32Array,
  o = 0,
): StatResult {
  const L = STAT64;
  return new StatResult(
    w[o + (L.mode >> 2)] & 0xffff, // st_mode: low half of word 1
    i64(w, s, o + L.st_size / 4),
    devT(w, s, o + L.dev / 4),
    u64(w, o + L.ino / 4),
    w[o + (L.nlink >> 2)] >>> 16, // st_nlink: high half of word 1
    w[o + L.uid / 4],
    w[o + L.gid / 4],
    devT(w, s, o + L.rdev / 4),
    s[o + L.blksize / 4],
    i64(w, s, o + L.blocks / 4),
    i64(w, s, o + L.atime / 4),
    w[o + L.atime / 4 + 2], // tv_nsec < 1e9: its low word is the value
    i64(w, s, o + L.mtime / 4),
    w[o + L.mtime / 4 + 2],
    i64(w, s, o + L.ctime / 4),
    w[o + L.ctime / 4 + 2],
    i64(w, s, o + L.birthtime / 4),
    w[o + L.birthtime / 4 + 2],
  );
}

/**
 * `struct dirent` with 64-bit inodes (`__DARWIN_STRUCT_DIRENTRY`,
 * `<sys/dirent.h>`; not packed): byte offsets, and its full size
 * (21 + `__DARWIN_MAXPATHLEN` 1024, rounded up to 8).
 */
export const DIRENT64 = {
  size: 1048,
  ino: 0, // __uint64_t d_ino
  seekoff: 8, // __uint64_t d_seekoff
  reclen: 16, // __uint16_t d_reclen
  namlen: 18, // __uint16_t d_namlen
  type: 20, // __uint8_t d_type
  name: 21, // char d_name[1024], NUL-terminated
} as const;

/** `d_type` values (`<sys/dirent.h>`): the same numbers as Linux's. */
export { DT };

/** One decoded directory entry. */
export interface DarwinDirent {
  /** `d_ino`. */
  ino: number;
  /** `d_type`, one of {@linkcode DT}. */
  type: number;
  /** `d_name` (`d_namlen` bytes) as UTF-8; lossy when `utf8` is false. */
  name: string;
  /** Whether `d_name` is valid UTF-8 (APFS enforces it; other file systems may not). */
  utf8: boolean;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossyUtf8 = new TextDecoder();

/**
 * Decodes one `struct dirent` ({@linkcode DIRENT64}) from the bytes of its
 * record (at least `d_reclen` bytes, as `readdir` returns them).
 */
export function decodeDarwinDirent(rec: Uint8Array): DarwinDirent {
  const v = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  const L = DIRENT64;
  const bytes = rec.subarray(L.name, L.name + v.getUint16(L.namlen, true));
  let name: string;
  let utf8 = true;
  try {
    name = strictUtf8.decode(bytes);
  } catch {
    name = lossyUtf8.decode(bytes);
    utf8 = false;
  }
  return {
    ino: v.getUint32(L.ino, true) + v.getUint32(L.ino + 4, true) * 4294967296,
    type: v.getUint8(L.type),
    name,
    utf8,
  };
}

/** The {@linkcode KIND} of a `d_type`. */
export function kindOfDarwinEntry(e: DarwinDirent): number {
  if (!e.utf8) return KIND.BAD_NAME;
  switch (e.type) {
    case DT.UNKNOWN:
      return KIND.UNKNOWN;
    case DT.REG:
      return KIND.FILE;
    case DT.DIR:
      return KIND.DIR;
    case DT.LNK:
      return KIND.SYMLINK;
    default:
      return KIND.OTHER;
  }
}

/** macOS errno numbers to names, from `<sys/errno.h>` (they differ from Linux's). */
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
  11: "EDEADLK",
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
  35: "EAGAIN",
  36: "EINPROGRESS",
  37: "EALREADY",
  38: "ENOTSOCK",
  39: "EDESTADDRREQ",
  40: "EMSGSIZE",
  41: "EPROTOTYPE",
  42: "ENOPROTOOPT",
  43: "EPROTONOSUPPORT",
  44: "ESOCKTNOSUPPORT",
  45: "ENOTSUP",
  46: "EPFNOSUPPORT",
  47: "EAFNOSUPPORT",
  48: "EADDRINUSE",
  49: "EADDRNOTAVAIL",
  50: "ENETDOWN",
  51: "ENETUNREACH",
  52: "ENETRESET",
  53: "ECONNABORTED",
  54: "ECONNRESET",
  55: "ENOBUFS",
  56: "EISCONN",
  57: "ENOTCONN",
  58: "ESHUTDOWN",
  59: "ETOOMANYREFS",
  60: "ETIMEDOUT",
  61: "ECONNREFUSED",
  62: "ELOOP",
  63: "ENAMETOOLONG",
  64: "EHOSTDOWN",
  65: "EHOSTUNREACH",
  66: "ENOTEMPTY",
  67: "EPROCLIM",
  68: "EUSERS",
  69: "EDQUOT",
  70: "ESTALE",
  71: "EREMOTE",
  72: "EBADRPC",
  73: "ERPCMISMATCH",
  74: "EPROGUNAVAIL",
  75: "EPROGMISMATCH",
  76: "EPROCUNAVAIL",
  77: "ENOLCK",
  78: "ENOSYS",
  79: "EFTYPE",
  80: "EAUTH",
  81: "ENEEDAUTH",
  82: "EPWROFF",
  83: "EDEVERR",
  84: "EOVERFLOW",
  85: "EBADEXEC",
  86: "EBADARCH",
  87: "ESHLIBVERS",
  88: "EBADMACHO",
  89: "ECANCELED",
  90: "EIDRM",
  91: "ENOMSG",
  92: "EILSEQ",
  93: "ENOATTR",
  94: "EBADMSG",
  95: "EMULTIHOP",
  96: "ENODATA",
  97: "ENOLINK",
  98: "ENOSR",
  99: "ENOSTR",
  100: "EPROTO",
  101: "ETIME",
  102: "EOPNOTSUPP",
  103: "ENOPOLICY",
  104: "ENOTRECOVERABLE",
  105: "EOWNERDEAD",
  106: "EQFULL",
};

/**
 * Builds the stat primitives over libSystem's `fstatat`/`fstat` and one
 * reused 144-byte buffer. Pure apart from the two calls it is given.
 */
export function darwinStat(
  fstatat: (fd: number, p: Uint8Array, buf: Uint8Array, flag: number) => number,
  fstat: (fd: number, buf: Uint8Array) => number,
  errno: () => number,
): StatPrimitives {
  const buf = new Uint8Array(STAT64.size);
  const w = new Uint32Array(buf.buffer);
  const s = new Int32Array(buf.buffer);
  return {
    via: "fstatat",
    statAt(dirfd, p, follow) {
      const r = fstatat(dirfd, p, buf, follow ? 0 : AT.SYMLINK_NOFOLLOW);
      return r === 0 ? decodeDarwinStat(w, s) : -errno();
    },
    fstat(fd) {
      return fstat(fd, buf) === 0 ? decodeDarwinStat(w, s) : -errno();
    },
    select: (via) => via === "fstatat",
  };
}

/**
 * The layout of a {@linkcode darwinReadChunk} output buffer: a 16-byte
 * header (the `DIR *` left open for the next call as a little-endian u64, 0
 * once closed; the records copied; the bytes used, header included), then
 * the raw `struct dirent` records ({@linkcode DIRENT64}) back to back, each
 * `d_reclen` bytes. `size` is the buffer each reader uses.
 */
export const READ_CHUNK = {
  dirp: 0,
  records: 8,
  used: 12,
  header: 16,
  size: 64 * 1024,
} as const;

/**
 * The pool task ({@linkcode PoolTask}) behind both `readDirChunk`s: reads
 * the next entries of the open directory `fd` into `out`, laid out as
 * {@linkcode READ_CHUNK}, using at most `size` bytes of it (a pool passes
 * the arena from the buffer's offset on, so the size travels apart).
 *
 * `dirp` is the `DIR *` an earlier call left open for `fd` (its value, as
 * the header reported it), or 0 to start: then `fdopendir(dup(fd))` (the
 * `DIR` owns the dup, which shares `fd`'s offset; Apple's `fdopendir` reads
 * from the current offset). A `DIR` reads ahead into a buffer of its own, so
 * it stays open between calls, its value in the header for the caller to
 * pass back; it is closed (and the header holds 0) at the end or on a
 * `readdir` error, else by the caller (the backend's `close(fd)`). The loop
 * stops *before* a `readdir` whose record might not fit (less room left than
 * the largest `struct dirent`), so no entry `readdir` returned is dropped.
 *
 * The task runs on whichever thread serves it and reads that thread's errno
 * through `__error()`, cleared before each `readdir` (NULL with errno 0 is
 * the end). Being shipped as source text, it refers only to its parameters
 * and globals: the layout numbers are literals, named in comments.
 *
 * @returns The records copied (0 only at the end, when nothing was left),
 * or `-errno` (EINVAL, 22, when `size` cannot hold one record).
 */
export function darwinReadChunk(
  s: DarwinTaskSymbols,
  fd: number,
  dirp: number,
  out: Uint8Array,
  size: number,
): number {
  const v = new DataView(out.buffer, out.byteOffset, size);
  // READ_CHUNK: u64 dirp at 0, u32 records at 8, u32 bytes used at 12.
  const header = (p: bigint, records: number, used: number) => {
    v.setBigUint64(0, p, true);
    v.setUint32(8, records, true);
    v.setUint32(12, used, true);
  };
  // READ_CHUNK.header (16) + DIRENT64.size (1048), the largest record.
  if (size < 16 + 1048) {
    header(BigInt(dirp), 0, 16);
    return -22; // EINVAL
  }
  const errno = new Int32Array(
    Deno.UnsafePointerView.getArrayBuffer(s.__error()!, 4),
  );
  let dir;
  if (dirp === 0) {
    const own = s.dup(fd);
    if (own < 0) {
      header(0n, 0, 16);
      return -errno[0];
    }
    dir = s.fdopendir(own);
    if (dir === null) {
      const e = errno[0];
      s.close(own);
      header(0n, 0, 16);
      return -e;
    }
  } else {
    dir = Deno.UnsafePointer.create(BigInt(dirp));
  }
  let used = 16; // READ_CHUNK.header
  let records = 0;
  // Room for the largest record (DIRENT64.size, 1048) before each readdir.
  while (size - used >= 1048) {
    errno[0] = 0;
    const ent = s.readdir(dir);
    if (ent === null) {
      const e = errno[0];
      s.closedir(dir);
      header(0n, records, used);
      return e !== 0 ? -e : records;
    }
    // DIRENT64.reclen: u16 d_reclen at byte 16.
    const reclen = new Deno.UnsafePointerView(ent).getUint16(16);
    out.set(
      new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(ent, reclen)),
      used,
    );
    used += reclen;
    records++;
  }
  header(BigInt(Deno.UnsafePointer.value(dir)), records, used);
  return records;
}

/** Bytes of records one {@linkcode darwinReadChunkStat} request reads at most. */
export const STAT_CHUNK_SIZE = 8192;
/** Its stat slots: a record is at least 24 bytes. */
export const STAT_CHUNK_SLOTS = Math.floor((STAT_CHUNK_SIZE - 16) / 24);

/**
 * Where the parts of a {@linkcode darwinReadChunkStat} output lie: the
 * {@linkcode READ_CHUNK} of `size` bytes, one i32 errno per slot, the
 * {@linkcode STAT64} buffers, and one scratch buffer.
 */
export function statChunkLayout(
  size: number,
  slots: number,
): { errs: number; stats: number; bytes: number } {
  const stats = (size + 4 * slots + 7) & ~7;
  return { errs: size, stats, bytes: stats + (slots + 1) * STAT64.size };
}

/**
 * The pool task behind the async `readDirChunkStat`: the next chunk, read
 * by {@linkcode darwinReadChunk} into the first `size` bytes of `out`, then
 * every entry of it (not `.` or `..`, in the order the records are decoded)
 * described by `fstatat(fd, name, AT_SYMLINK_NOFOLLOW)` into slot `k`
 * ({@linkcode statChunkLayout}), its errno (0: described) beside it; with
 * `follow`, an entry listed as a symlink (`DT_LNK`) is described once more
 * following it, kept when that succeeds. Returns what `darwinReadChunk`
 * returns. Self-contained (it travels as source): the layout numbers are
 * literals, named in comments.
 */
export function darwinReadChunkStat(
  s: DarwinTaskSymbols & { darwinReadChunk: typeof darwinReadChunk },
  fd: number,
  dirp: number,
  out: Uint8Array,
  size: number,
  slots: number,
  follow: number,
): number {
  const r = s.darwinReadChunk(s, fd, dirp, out, size);
  if (r <= 0) return r;
  const v = new DataView(out.buffer, out.byteOffset);
  const used = v.getUint32(12, true); // READ_CHUNK.used
  const statAt = (size + 4 * slots + 7) & ~7;
  const errno = new Int32Array(
    Deno.UnsafePointerView.getArrayBuffer(s.__error()!, 4),
  );
  // STAT64.size: 144.
  const scratch = out.subarray(
    statAt + slots * 144,
    statAt + (slots + 1) * 144,
  );
  let k = 0;
  // READ_CHUNK.header 16; DIRENT64: reclen u16 @16, namlen u16 @18, type
  // u8 @20, name @21 (NUL-terminated).
  for (let at = 16; at + 21 <= used && k < slots;) {
    const reclen = out[at + 16] | (out[at + 17] << 8);
    if (reclen === 0) break;
    const namlen = out[at + 18] | (out[at + 19] << 8);
    const type = out[at + 20];
    const name = out.subarray(at + 21, at + reclen);
    at += reclen;
    if (
      name[0] === 0x2e &&
      (namlen === 1 || (namlen === 2 && name[1] === 0x2e))
    ) continue;
    const st = out.subarray(statAt + k * 144, statAt + (k + 1) * 144);
    let e = 0;
    for (;;) {
      errno[0] = 0;
      // AT_SYMLINK_NOFOLLOW: 0x20.
      e = s.fstatat(fd, name, st, 0x20) === 0 ? 0 : errno[0];
      if (e !== 4) break; // EINTR
    }
    if (e === 0 && follow !== 0 && type === 10) { // DT_LNK
      if (s.fstatat(fd, name, scratch, 0) === 0) st.set(scratch);
    }
    v.setInt32(size + 4 * k, e, true);
    k++;
  }
  return r;
}

/**
 * Decodes the records of a {@linkcode darwinReadChunk} output (the bytes
 * after the header, which must not be shared memory: TextDecoder refuses
 * it) into `out`, skipping `.` and `..`.
 */
function decodeDarwinRecords(recs: Uint8Array, out: DirChunk): void {
  let count = 0;
  for (let at = 0; at + DIRENT64.name <= recs.length;) {
    const reclen = recs[at + DIRENT64.reclen] |
      (recs[at + DIRENT64.reclen + 1] << 8);
    if (reclen === 0) break;
    const e = decodeDarwinDirent(recs.subarray(at, at + reclen));
    at += reclen;
    if (e.name === "." || e.name === "..") continue;
    out.names[count] = e.name;
    out.kinds[count] = kindOfDarwinEntry(e);
    count++;
  }
  out.count = count;
}

/** Records in `dirs` the `DIR *` a chunk's header left open for `fd`. */
function keepDir(dirs: Map<number, number>, fd: number, v: DataView): void {
  const dirp = Number(v.getBigUint64(READ_CHUNK.dirp, true));
  if (dirp === 0) dirs.delete(fd);
  else dirs.set(fd, dirp);
}

/**
 * Builds {@linkcode Backend.readDirChunk} over `fdopendir`/`readdir`/
 * `closedir` (the public API; `getdirentries64` is private), or returns
 * undefined when one of them is missing.
 *
 * The shape is Linux's (chunks read from a private descriptor that
 * {@linkcode Backend.dupDir} made with `openat(fd, ".")`), each chunk read
 * by the task {@linkcode darwinReadChunk} on the calling thread into a
 * buffer of {@linkcode READ_CHUNK.size} bytes and decoded here. The `DIR`
 * it keeps open between calls is recorded in `dirs` (descriptor to `DIR *`
 * value), which the async twin shares; the backend's `close(fd)` closes
 * that `DIR` first ({@linkcode darwinBackend}), so a caller that stops
 * early leaks nothing. Returns a positive count of records read (`.` and
 * `..` included, skipped in `out`), 0 at the end, or `-errno`. Nothing here
 * throws.
 * The task reads and clears errno itself, through `__error()`.
 */
export function darwinDirReader(
  s: DarwinLibrary,
  dirs: Map<number, number> = new Map(),
): ((fd: number, out: DirChunk) => number) | undefined {
  const { fdopendir, readdir, closedir, dup } = s;
  if (
    fdopendir === null || readdir === null || closedir === null || dup === null
  ) return undefined;
  // What a task sees on this thread: the symbols (those it calls checked
  // above), and the tasks by name.
  const env = { ...s, darwinReadChunk } as unknown as DarwinTaskSymbols;
  const buf = new Uint8Array(READ_CHUNK.size);
  const view = new DataView(buf.buffer);
  return (fd, out) => {
    out.count = 0;
    const r = darwinReadChunk(env, fd, dirs.get(fd) ?? 0, buf, buf.length);
    keepDir(dirs, fd, view);
    if (r <= 0) return r;
    decodeDarwinRecords(
      buf.subarray(READ_CHUNK.header, view.getUint32(READ_CHUNK.used, true)),
      out,
    );
    return r;
  };
}

/**
 * Closes the `DIR` a `readDirChunk` left open for `fd`, if any (which closes
 * its dup of `fd`), and forgets it.
 */
function closeDirOf(
  s: DarwinLibrary,
  dirs: Map<number, number>,
  fd: number,
): void {
  const dirp = dirs.get(fd);
  if (dirp === undefined) return;
  dirs.delete(fd);
  s.closedir!(Deno.UnsafePointer.create(BigInt(dirp)));
}

/** The bound libSystem functions. */
export type DarwinLibrary = Deno.StaticForeignLibraryInterface<DarwinSymbols>;

/**
 * What a macOS pool task calls: the bound functions, every optional one
 * resolved (a task is only registered when they are).
 */
export type DarwinTaskSymbols = {
  readonly [K in keyof DarwinLibrary]: NonNullable<DarwinLibrary[K]>;
};

/** How a thread reads its errno on macOS: `int *__error(void)`. */
const DARWIN_ERRNO: ErrnoSource = { kind: "pointer", sym: "__error" };

/** The pool tasks of the macOS backend, by name: what its workers run. */
export const DARWIN_TASKS: Record<string, PoolTask<DarwinTaskSymbols>> = {
  darwinReadChunk,
};

/**
 * The library the async twins' workers open: libSystem with exactly the
 * symbol table {@linkcode openDarwin} binds for `arch` (the `$INODE64` names
 * on x86_64), each worker reading errno through its own thread's `__error()`,
 * and the tasks of {@linkcode DARWIN_TASKS}.
 */
export function darwinPoolLibrary(
  arch: string = Deno.build.arch,
): PoolLibrary & { symbols: DarwinSymbols } {
  return {
    path: LIBSYSTEM,
    symbols: darwinSymbols(arch),
    errno: DARWIN_ERRNO,
    tasks: DARWIN_TASKS,
  };
}

/**
 * The async twins' stat requests, the same calls as {@linkcode darwinStat}:
 * `fstatat` (flags 0 or `AT_SYMLINK_NOFOLLOW`) and `fstat` (older macOS
 * releases have no `AT_EMPTY_PATH`), each into a {@linkcode STAT64} output
 * buffer in the arena, decoded there by {@linkcode decodeDarwinStat}.
 */
const DARWIN_STAT_REQUESTS: StatRequests = {
  statAt(pool, dirfd, p, follow) {
    pool.begin("fstatat", strBytes(p) + STAT64.size);
    pool.int(dirfd);
    pool.str(p);
    pool.out(STAT64.size);
    pool.int(follow ? 0 : AT.SYMLINK_NOFOLLOW);
  },
  fstat(pool, fd) {
    pool.begin("fstat", STAT64.size);
    pool.int(fd);
    pool.out(STAT64.size);
  },
  decode: (r) => decodeDarwinStat(r.u32, r.i32, r.out >> 2),
};

/**
 * Builds the macOS backend over bound (or, in tests, stand-in) libSystem
 * functions: the shared POSIX primitives with macOS constants, stat layout
 * and errno names, plus `lchmodAt` through `fchmodat(AT_SYMLINK_NOFOLLOW)`,
 * which changes a symlink's own mode on macOS (the `lchmod` that CPython's
 * `supports_follow_symlinks` counts for `chmod`), and `readDirChunk` over
 * `readdir` ({@linkcode darwinDirReader}). With `readDirChunk`, `close(fd)`
 * first closes the `DIR` a listing of `fd` left open (when the caller
 * stopped before the end), then `fd`.
 *
 * With `poolLib` (what {@linkcode openDarwin} passes:
 * {@linkcode darwinPoolLibrary}), the backend also gets async twins: the
 * same libSystem calls run on a pool of worker threads (`posixAsync`), each
 * reporting the errno its worker read right after the call; `lchmodAt`'s
 * twin is `fchmodat(AT_SYMLINK_NOFOLLOW)` on a worker, and `readDirChunk`'s
 * is the task {@linkcode darwinReadChunk} on a worker (added to the pool
 * library's tasks if it lacks it), its records copied into the arena and
 * decoded on the calling thread. Both `readDirChunk`s share the record of
 * open `DIR`s, so a `DIR` opened on one thread is read on, and closed by,
 * others (one call at a time: a listing never overlaps its own calls).
 * Without `poolLib`
 * (null, the default, as in tests over stand-in functions) there are no
 * twins at all and every async operation runs the sync primitive.
 */
export function darwinBackend(
  s: DarwinLibrary,
  errno: () => number,
  poolLib: PoolLibrary | null = null,
): PosixParts {
  const stat = darwinStat(s.fstatat, s.fstat, errno);
  // The DIR each listing left open, by descriptor, shared by both forms.
  const dirs = new Map<number, number>();
  const readDirChunk = darwinDirReader(s, dirs);
  // File primitives hook (2/3): the whole-file requests join the tasks.
  const lib = poolLib === null ? null : {
    ...poolLib,
    tasks: {
      ...poolLib.tasks,
      ...(readDirChunk === undefined
        ? {}
        : { darwinReadChunk, darwinReadChunkStat }),
      ...fileTasks("__error"),
      ...ROOT_TASKS,
    },
    // A walk's requests: directories listed and described.
    coldSafe: [
      "darwinReadChunk",
      "darwinReadChunkStat",
      "fstatat",
      "fstat",
      "readlinkat",
    ],
  };
  const backend = posixBackend({
    name: "darwin",
    symbols: s,
    table: darwinSymbols(),
    constants: DARWIN_CONSTANTS,
    errno,
    errnoNames: ERRNO_NAMES,
    stat,
    has: { fstatat: true, readdir: readDirChunk !== undefined },
    more: { lchmodAt: LCHMOD_AT },
    readDirChunk,
    pool: lib === null
      ? null
      : { lib, local: { symbols: s, errno }, stat: DARWIN_STAT_REQUESTS },
  });
  if (readDirChunk !== undefined) {
    const closeFd = backend.close;
    backend.close = (fd) => {
      closeDirOf(s, dirs, fd);
      return closeFd(fd);
    };
  }
  const async = backend.async;
  if (readDirChunk !== undefined && async !== undefined) {
    // The async `readDirChunk`: the same task on a worker, its records
    // copied out of the arena (shared memory, which TextDecoder refuses)
    // and decoded here.
    const size = READ_CHUNK.size;
    async.readDirChunk = (fd, out) => {
      const pool = async.pool();
      pool.begin("darwinReadChunk", size);
      pool.int(fd);
      pool.int(dirs.get(fd) ?? 0);
      pool.out(size);
      pool.int(size);
      return pool.end((r) => {
        out.count = 0;
        const v = new DataView(r.u8.buffer, r.u8.byteOffset + r.out, size);
        keepDir(dirs, fd, v);
        if (r.ret <= 0) return r.ret < 0 ? -r.errno : 0;
        const used = v.getUint32(READ_CHUNK.used, true);
        decodeDarwinRecords(
          r.u8.slice(r.out + READ_CHUNK.header, r.out + used),
          out,
        );
        return r.ret;
      });
    };
  }
  if (readDirChunk !== undefined && async !== undefined) {
    // The async `readDirChunkStat`: one task reads the chunk and describes
    // its entries on a worker; records and stat buffers decoded here.
    const size = STAT_CHUNK_SIZE, slots = STAT_CHUNK_SLOTS;
    const at = statChunkLayout(size, slots);
    async.readDirChunkStat = (fd, out, follow) => {
      const pool = async.pool();
      pool.begin("darwinReadChunkStat", at.bytes + 8);
      pool.int(fd);
      pool.int(dirs.get(fd) ?? 0);
      pool.out(at.bytes);
      pool.int(size);
      pool.int(slots);
      pool.int(follow ? 1 : 0);
      return pool.end((r) => {
        out.count = 0;
        const v = new DataView(r.u8.buffer, r.u8.byteOffset + r.out, at.bytes);
        keepDir(dirs, fd, v);
        if (r.ret <= 0) return r.ret < 0 ? -r.errno : 0;
        const used = v.getUint32(READ_CHUNK.used, true);
        decodeDarwinRecords(
          r.u8.slice(r.out + READ_CHUNK.header, r.out + used),
          out,
        );
        const infos = out.infos ??= [];
        for (let k = 0; k < out.count; k++) {
          const e = k < slots ? v.getInt32(at.errs + 4 * k, true) : 5;
          infos[k] = e !== 0
            ? -e
            : decodeDarwinStat(r.u32, r.i32, (r.out + at.stats + k * 144) >> 2);
        }
        return r.ret;
      });
    };
  }
  if (async !== undefined && readDirChunk !== undefined) {
    attachRoot(backend, {
      pool: () => async.pool(),
      platform: () => ({
        statx: false,
        // struct stat (64-bit inode): st_dev i32 @0, st_mode u16 @4.
        modeOffset: STAT64.mode,
        modeSize: 2,
        devOffset: STAT64.dev,
        devSize: 4,
        dirFlags: O.RDONLY | O.DIRECTORY | O.CLOEXEC | O.NOFOLLOW,
        AT_SYMLINK_NOFOLLOW: AT.SYMLINK_NOFOLLOW,
        AT_REMOVEDIR: AT.REMOVEDIR,
        errno: ROOT_ERRNO_NAMES.map((n) =>
          Number(Object.keys(ERRNO_NAMES).find((k) => ERRNO_NAMES[+k] === n))
        ),
        nrFchmodat2: 0,
        // fchmodat(AT_SYMLINK_NOFOLLOW) changes a link's own mode here.
        lchmod: true,
      }),
      decodeStat: (raw) =>
        decodeDarwinStat(
          new Uint32Array(raw.buffer, raw.byteOffset, STAT64.size >> 2),
          new Int32Array(raw.buffer, raw.byteOffset, STAT64.size >> 2),
        ),
    });
  }
  // File primitives hook (3/3): `file` and `fileAsync` over libSystem.
  attachFile(
    backend,
    s as unknown as Record<string, (...a: any[]) => any>,
    DARWIN_FILE_CONSTANTS,
    errno,
    new CString(),
    poolLib?.path ?? null,
    async === undefined ? null : () => async.pool(),
    { symbols: s as unknown as Record<string, unknown>, errno },
  );
  return backend;
}

/**
 * chmod without following a final symlink: `fchmodat` with
 * `AT_SYMLINK_NOFOLLOW` changes a symlink's own mode on macOS (the `lchmod`
 * that CPython's `supports_follow_symlinks` counts for `chmod`).
 */
export const LCHMOD_AT: Description = {
  symbol: "fchmodat",
  args: ["int", "path", "int"],
  flags: ["AT_SYMLINK_NOFOLLOW"],
};

/** Opens libSystem and builds the macOS backend, or returns null if it cannot. */
export function openDarwin(): PosixParts | null {
  // The workers of the async twins open the very table bound here.
  const pool = darwinPoolLibrary();
  let lib: Deno.DynamicLibrary<DarwinSymbols>;
  try {
    lib = Deno.dlopen(pool.path, pool.symbols);
  } catch {
    return null;
  }
  const loc = lib.symbols.__error();
  if (loc === null) {
    lib.close();
    return null;
  }
  return darwinBackend(lib.symbols, errnoReader(loc), pool);
}
