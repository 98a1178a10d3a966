// Copyright 2026 the dirfd authors. MIT license.
/**
 * What every POSIX backend shares: the common libc symbols, reusable C-string
 * buffers, errno access, and the primitives whose shape does not depend on the
 * platform. Per-OS files (`linux.ts`, `darwin.ts`) add their constants, their
 * stat layout and their errno table. Nothing here throws.
 *
 * @module
 */
import type { StatResult, StatvfsResult } from "../_file_info.ts";
import {
  type BackendParts,
  type DirChunk,
  type Features,
  KIND,
  NOT_UTF8,
  type PrimitiveName,
} from "./_types.ts";
import {
  CallPool,
  COLD_MS,
  type LocalLibrary,
  type PoolLibrary,
} from "./_pool.ts";
import {
  AT_PRIMITIVES,
  derivePrimitives,
  type DescribedName,
  type Description,
  SYMLINK_AT,
} from "./_posix_at.ts";
import { posixCoreAsync, type StatRequests } from "./_posix_async.ts";
import { errorClassFor } from "./_error_classes.ts";
import { registerSeams } from "./_seams.ts";

/**
 * libc symbols with the same C signature on every POSIX platform, each
 * parameter with its C declaration. Optional ones may be missing: each
 * missing one drops its operation from the capability sets. `mode_t` is u32
 * on Linux and u16 on macOS; a u32 carries either.
 */
export const POSIX_SYMBOLS = {
  // Called without O_CREAT, so the variadic mode is never passed (it goes
  // elsewhere on Apple arm64).
  openat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *path
      "i32", // int flags
    ],
    result: "i32",
  },
  close: { parameters: ["i32" /* int fd */], result: "i32" },
  symlinkat: {
    parameters: [
      "buffer", // const char *target
      "i32", // int newdirfd
      "buffer", // const char *linkpath
    ],
    result: "i32",
  },
  readlinkat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *path
      "buffer", // char *buf
      "usize", // size_t bufsiz
    ],
    result: "isize",
  },
  fchdir: { parameters: ["i32" /* int fd */], result: "i32" },
  strerror: { parameters: ["i32" /* int errnum */], result: "pointer" },
  mkdirat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *path
      "u32", // mode_t mode
    ],
    result: "i32",
    optional: true,
  },
  unlinkat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *path
      "i32", // int flags
    ],
    result: "i32",
    optional: true,
  },
  renameat: {
    parameters: [
      "i32", // int olddirfd
      "buffer", // const char *oldpath
      "i32", // int newdirfd
      "buffer", // const char *newpath
    ],
    result: "i32",
    optional: true,
  },
  linkat: {
    parameters: [
      "i32", // int olddirfd
      "buffer", // const char *oldpath
      "i32", // int newdirfd
      "buffer", // const char *newpath
      "i32", // int flags
    ],
    result: "i32",
    optional: true,
  },
  fchmodat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *path
      "u32", // mode_t mode
      "i32", // int flags
    ],
    result: "i32",
    optional: true,
  },
  fchmod: {
    parameters: [
      "i32", // int fd
      "u32", // mode_t mode
    ],
    result: "i32",
    optional: true,
  },
  fchownat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *path
      "u32", // uid_t owner
      "u32", // gid_t group
      "i32", // int flags
    ],
    result: "i32",
    optional: true,
  },
  fchown: {
    parameters: [
      "i32", // int fd
      "u32", // uid_t owner
      "u32", // gid_t group
    ],
    result: "i32",
    optional: true,
  },
  utimensat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *path
      "buffer", // const struct timespec times[2]
      "i32", // int flags
    ],
    result: "i32",
    optional: true,
  },
  futimens: {
    parameters: [
      "i32", // int fd
      "buffer", // const struct timespec times[2]
    ],
    result: "i32",
    optional: true,
  },
  faccessat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *path
      "i32", // int mode
      "i32", // int flags
    ],
    result: "i32",
    optional: true,
  },
  truncate: {
    parameters: [
      "buffer", // const char *path
      "i64", // off_t length
    ],
    result: "i32",
    optional: true,
  },
  ftruncate: {
    parameters: [
      "i32", // int fd
      "i64", // off_t length
    ],
    result: "i32",
    optional: true,
  },
  mkfifoat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *path
      "u32", // mode_t mode
    ],
    result: "i32",
    optional: true,
  },
  // dev_t is u64 on Linux glibc and i32 on macOS, so the primitive needs
  // `MKNOD_DEV_U64` (Linux only).
  mknodat: {
    parameters: [
      "i32", // int dirfd
      "buffer", // const char *path
      "u32", // mode_t mode
      "u64", // dev_t dev
    ],
    result: "i32",
    optional: true,
  },
  // The struct's layout is per-platform (`STATVFS` constant).
  statvfs: {
    parameters: [
      "buffer", // const char *path
      "buffer", // struct statvfs *buf
    ],
    result: "i32",
    optional: true,
  },
  fstatvfs: {
    parameters: [
      "i32", // int fd
      "buffer", // struct statvfs *buf
    ],
    result: "i32",
    optional: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** The bound functions of {@linkcode POSIX_SYMBOLS}. */
export type PosixSymbols = Deno.StaticForeignLibraryInterface<
  typeof POSIX_SYMBOLS
>;

/** Platform constants used by the shared primitives. */
export interface PosixConstants {
  readonly AT_FDCWD: number;
  readonly O_RDONLY: number;
  readonly O_DIRECTORY: number;
  readonly O_NOFOLLOW: number;
  readonly O_CLOEXEC: number;
  // `*at` flags and `utimensat` specials; a platform that leaves one out
  // lacks the primitives that need it.
  readonly AT_SYMLINK_NOFOLLOW?: number;
  readonly AT_SYMLINK_FOLLOW?: number;
  readonly AT_REMOVEDIR?: number;
  readonly AT_EACCESS?: number;
  readonly UTIME_NOW?: number;
  readonly UTIME_OMIT?: number;
  /** Whether `dev_t` is 64-bit, as `mknodat`'s u64 binding assumes. */
  readonly MKNOD_DEV_U64?: boolean;
  /** The `struct statvfs` layout; without one, no `statvfs` primitives. */
  readonly STATVFS?: StatvfsLayout;
}

/**
 * A `struct statvfs` whose fields are all 64-bit unsigned words (glibc on
 * 64-bit Linux): its size and each field's byte offset.
 */
export interface StatvfsLayout {
  readonly size: number;
  readonly bsize: number;
  readonly frsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
  readonly files: number;
  readonly ffree: number;
  readonly favail: number;
  readonly fsid: number;
  readonly flag: number;
  readonly namemax: number;
}

/**
 * Decodes a `struct statvfs` of layout `L` at byte offset `o` of `w` (a
 * word view; `o` a multiple of 8). Counts are numbers; `fsid`, an opaque
 * 64-bit identifier, is a bigint so that no bits are lost.
 */
export function decodeStatvfs(
  L: StatvfsLayout,
  w: Uint32Array,
  o = 0,
): StatvfsResult {
  const at = (off: number) => u64(w, (o + off) >> 2);
  const i = (o + L.fsid) >> 2;
  return {
    bsize: at(L.bsize),
    frsize: at(L.frsize),
    blocks: at(L.blocks),
    bfree: at(L.bfree),
    bavail: at(L.bavail),
    files: at(L.files),
    ffree: at(L.ffree),
    favail: at(L.favail),
    fsid: BigInt(w[i]) | (BigInt(w[i + 1]) << 32n),
    flag: at(L.flag),
    namemax: at(L.namemax),
  };
}

/** The platform's stat primitives, already bound to its layout. */
export interface StatPrimitives {
  statAt(dirfd: number, path: Uint8Array, follow: boolean): StatResult | number;
  fstat(fd: number): StatResult | number;
  via: string;
  select?(via: string): boolean;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A reusable NUL-terminated UTF-8 buffer. ASCII is copied by hand (no
 * allocation); anything else goes through `TextEncoder.encodeInto`. Callers
 * have already rejected NUL bytes and lone surrogates.
 */
export class CString {
  #buf: Uint8Array;
  constructor(size = 1024) {
    this.#buf = new Uint8Array(size);
  }
  /** Encodes `s` and returns the buffer, valid until the next call. */
  encode(s: string): Uint8Array {
    const n = s.length;
    let buf = this.#buf;
    if (n * 3 + 1 > buf.length) {
      buf = this.#buf = new Uint8Array(Math.max(n * 3 + 1, buf.length * 2));
    }
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        const { written } = utf8.encodeInto(s, buf);
        buf[written] = 0;
        return buf;
      }
      buf[i] = c;
    }
    buf[n] = 0;
    return buf;
  }
}

/** Reads `errno` of the calling thread through the pointer libc gives us. */
export function errnoReader(location: Deno.PointerValue): () => number {
  if (location === null) return () => 0;
  const view = new Deno.UnsafePointerView(location);
  return () => view.getInt32(0);
}

/** Where a backend's async forms run. */
export interface PosixPool {
  /** The library each worker opens. */
  readonly lib: PoolLibrary;
  /** The same library on this thread (and its `nonblocking` bindings). */
  readonly local: LocalLibrary;
  /** How the platform asks for a stat in a pool request and decodes it. */
  readonly stat: StatRequests;
}

/** What {@linkcode posixBackend} builds a backend from. */
export interface PosixOptions {
  /** `"linux"` or `"darwin"`. */
  readonly name: string;
  /** The bound libc symbols (or stand-ins, in tests). */
  readonly symbols: PosixSymbols;
  /** The symbol table they were bound from (its C declarations). */
  readonly table: Deno.ForeignLibraryInterface;
  readonly constants: PosixConstants;
  /** Reads the calling thread's errno. */
  readonly errno: () => number;
  readonly errnoNames: Readonly<Record<number, string>>;
  readonly stat: StatPrimitives;
  readonly has: Features;
  /** Per-OS one-call primitives, described like `AT_PRIMITIVES`. */
  readonly more?: Readonly<Partial<Record<DescribedName, Description>>>;
  /** The platform's directory reader (see {@linkcode direntReader}). */
  readonly readDirChunk?: (fd: number, out: DirChunk) => number;
  /** Where the async forms run; without one, the loader fills them in. */
  readonly pool?: PosixPool | null;
  /** Syscall names that differ from `SYSCALL`'s (besides the described). */
  readonly syscall?: Readonly<Partial<Record<PrimitiveName, string>>>;
}

/** The flags of a directory open (`O_NOFOLLOW` unless `follow`). */
export function dirFlags(c: PosixConstants, follow: boolean): number {
  const flags = c.O_RDONLY | c.O_DIRECTORY | c.O_CLOEXEC;
  return follow ? flags : flags | c.O_NOFOLLOW;
}

/** A POSIX backend's async forms, with the pool they run on. */
export type PosixAsync = NonNullable<BackendParts["async"]> & {
  pool(): CallPool;
};

/** A POSIX backend as its builder returns it (see `completeBackend`). */
export type PosixParts = BackendParts & { async?: PosixAsync };

/**
 * Builds the platform-independent part of a POSIX backend: the hand-written
 * hot paths (`statAt`, `openDirAt`, `readLinkAt`, `dupDir`) and every
 * primitive of `AT_PRIMITIVES` (and `more`) whose symbol resolved, each with
 * its pool form when `pool` is given.
 */
export function posixBackend(o: PosixOptions): PosixParts {
  const { symbols: s, constants: c, errno, stat } = o;
  const path = new CString();
  const path2 = new CString(256);
  let linkBuf = new Uint8Array(4096);
  const descriptions = new Map<number, string>();
  let pool: CallPool | null = null;
  const getPool = o.pool
    ? () =>
      pool ??= new CallPool(
        o.pool!.lib,
        o.pool!.local,
        undefined,
        undefined,
        COLD_MS,
      )
    : undefined;

  const backend: PosixParts = {
    name: o.name,
    AT_FDCWD: c.AT_FDCWD,
    has: o.has,
    get statVia() {
      return stat.via;
    },
    syscall: { ...o.syscall },
    statAt(dirfd, p, follow) {
      return stat.statAt(dirfd, path.encode(p), follow);
    },
    fstat: (fd) => stat.fstat(fd),
    openDirFlags: (follow) => dirFlags(c, follow),
    openDirAt(dirfd, p, follow) {
      const fd = s.openat(dirfd, path.encode(p), dirFlags(c, follow));
      return fd < 0 ? -errno() : fd;
    },
    close(fd) {
      return s.close(fd) === 0 ? 0 : -errno();
    },
    symlinkAt: () => -38, // replaced below by the derived form
    readLinkAt(dirfd, p) {
      const cpath = path.encode(p);
      for (;;) {
        const n = Number(
          s.readlinkat(dirfd, cpath, linkBuf, BigInt(linkBuf.length)),
        );
        if (n < 0) return -errno();
        if (n < linkBuf.length) {
          try {
            return strictUtf8.decode(linkBuf.subarray(0, n));
          } catch {
            return NOT_UTF8;
          }
        }
        // The target may have been truncated: retry with a larger buffer.
        linkBuf = new Uint8Array(linkBuf.length * 2);
      }
    },
    fchdir(fd) {
      return s.fchdir(fd) === 0 ? 0 : -errno();
    },
    describe(code) {
      let d = descriptions.get(code);
      if (d === undefined) {
        const p = s.strerror(code);
        d = p === null
          ? `Unknown error ${code}`
          : Deno.UnsafePointerView.getCString(p);
        descriptions.set(code, d);
      }
      return d;
    },
    errnoName(code) {
      return o.errnoNames[code];
    },
    errorClass: (code) => errorClassFor(o.errnoNames[code]),
    hint: () => undefined,
  };
  const async = getPool === undefined
    ? undefined
    : posixCoreAsync(getPool, c, o.pool!.stat);
  // One description per one-call primitive: both forms come from it.
  const derived = derivePrimitives(
    { ...AT_PRIMITIVES, ...o.more, symlinkAt: SYMLINK_AT },
    {
      symbols: s as unknown as Record<string, unknown>,
      table: o.table,
      constants: c,
      errno,
      paths: [path, path2],
      decodeStatvfs,
    },
    getPool,
  );
  const b = backend as unknown as Record<string, unknown>;
  const a = async as unknown as Record<string, unknown> | undefined;
  const names = backend.syscall!;
  for (const [name, f] of Object.entries(derived)) {
    b[name] = f.sync;
    if (a !== undefined) a[name] = f.pool;
    (names as Record<string, string>)[name] = f.syscall;
  }
  if (o.readDirChunk !== undefined) {
    backend.readDirChunk = o.readDirChunk;
    const dot = new Uint8Array([0x2e, 0]);
    const flags = dirFlags(c, true);
    backend.dupDir = (fd: number) => {
      const r = s.openat(fd, dot, flags);
      return r < 0 ? -errno() : r;
    };
    // `openat(fd, ".")`, exactly as the sync `dupDir`.
    if (async !== undefined) {
      async.dupDir = (fd) => async.openDirAt!(fd, ".", true);
    }
  }
  if (async !== undefined) backend.async = async;
  registerSeams(backend, { selectStat: (via) => stat.select?.(via) ?? false });
  return backend;
}

/** Reads an unsigned 64-bit field (two 32-bit words, little-endian) as a number. */
export function u64(w: Uint32Array, i: number): number {
  return w[i] + w[i + 1] * 4294967296;
}

/** Reads a signed 64-bit field as a number. */
export function i64(w: Uint32Array, s: Int32Array, i: number): number {
  return w[i] + s[i + 1] * 4294967296;
}

/** Where a platform's `struct dirent` keeps its fields (byte offsets). */
export interface DirentLayout {
  /** The little-endian u16 record length (`d_reclen`). */
  readonly reclen: number;
  /** The u8 entry type (`d_type`). */
  readonly type: number;
  /** The NUL-terminated name (`d_name`). */
  readonly name: number;
}

/** `d_type` values (`dirent.h`), the same on Linux and macOS. */
export const DT = {
  UNKNOWN: 0,
  FIFO: 1,
  CHR: 2,
  DIR: 4,
  BLK: 6,
  REG: 8,
  LNK: 10,
  SOCK: 12,
  WHT: 14,
} as const;

const KIND_BY_DT = new Uint8Array(256).fill(KIND.OTHER);
KIND_BY_DT[DT.UNKNOWN] = KIND.UNKNOWN;
KIND_BY_DT[DT.REG] = KIND.FILE;
KIND_BY_DT[DT.DIR] = KIND.DIR;
KIND_BY_DT[DT.LNK] = KIND.SYMLINK;

// A byte-per-character decoding of a whole chunk lets ASCII names be sliced
// out of one string (one native call per chunk, not per name); names with a
// byte ≥ 0x80 go through the strict UTF-8 decoder on their own.
const bytewise = new TextDecoder("latin1");
const lossyUtf8 = new TextDecoder();

/**
 * Decodes the first `n` bytes of `buf`, a run of `struct dirent` records in
 * `layout`, into `out`, skipping `.` and `..`. Pure: used by the sync reader
 * ({@linkcode direntReader}) and by the async twin, which reads into a pool
 * arena. `buf` must not be backed by a SharedArrayBuffer (TextDecoder refuses
 * those): copy such bytes out first.
 */
export function parseDirents(
  buf: Uint8Array,
  n: number,
  layout: DirentLayout,
  out: DirChunk,
): void {
  const { reclen: R, type: T, name: N } = layout;
  const text = bytewise.decode(buf.subarray(0, n));
  const names = out.names;
  const kinds = out.kinds;
  let count = 0;
  for (let off = 0; off < n;) {
    const next = off + (buf[off + R] | (buf[off + R + 1] << 8));
    const start = off + N;
    let end = start;
    let high = 0;
    while (end < next && buf[end] !== 0) high |= buf[end++];
    const type = buf[off + T];
    off = next;
    const len = end - start;
    if (len === 0 || next <= start) continue;
    if (
      buf[start] === 0x2e &&
      (len === 1 || (len === 2 && buf[start + 1] === 0x2e))
    ) continue;
    if (high < 0x80) {
      names[count] = text.slice(start, end);
      kinds[count] = KIND_BY_DT[type];
    } else {
      const bytes = buf.subarray(start, end);
      try {
        names[count] = strictUtf8.decode(bytes);
        kinds[count] = KIND_BY_DT[type];
      } catch {
        names[count] = lossyUtf8.decode(bytes);
        kinds[count] = KIND.BAD_NAME;
      }
    }
    count++;
  }
  out.count = count;
}

/**
 * Builds a {@linkcode Backend.readDirChunk} from a platform call that fills a
 * buffer with `struct dirent` records (`read` returns bytes, 0 at the end, or
 * `-errno`) and the layout of those records. The buffer is reused; names are
 * decoded (by {@linkcode parseDirents}) before returning, so interleaved
 * readers cannot see each other's bytes.
 */
export function direntReader(
  read: (fd: number, buf: Uint8Array) => number,
  layout: DirentLayout,
  size = 32768,
): (fd: number, out: DirChunk) => number {
  const buf = new Uint8Array(size);
  return (fd, out) => {
    const n = read(fd, buf);
    if (n <= 0) {
      out.count = 0;
      return n;
    }
    parseDirents(buf, n, layout, out);
    return n;
  };
}
