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
  type Backend,
  type DirChunk,
  KIND,
  NOT_UTF8,
  type UtimeTimes,
} from "./_types.ts";

/** libc symbols with the same C signature on every POSIX platform. */
export const POSIX_SYMBOLS = {
  // openat(int, const char *, int, ...): called without O_CREAT, so the
  // variadic mode is never passed (it goes elsewhere on Apple arm64).
  openat: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  symlinkat: { parameters: ["buffer", "i32", "buffer"], result: "i32" },
  readlinkat: {
    parameters: ["i32", "buffer", "buffer", "usize"],
    result: "isize",
  },
  fchdir: { parameters: ["i32"], result: "i32" },
  strerror: { parameters: ["i32"], result: "pointer" },
  // Optional: each one missing drops its operation from the capability sets.
  // mode_t is u32 on Linux and u16 on macOS; a u32 carries either.
  mkdirat: {
    parameters: ["i32", "buffer", "u32"],
    result: "i32",
    optional: true,
  },
  unlinkat: {
    parameters: ["i32", "buffer", "i32"],
    result: "i32",
    optional: true,
  },
  renameat: {
    parameters: ["i32", "buffer", "i32", "buffer"],
    result: "i32",
    optional: true,
  },
  linkat: {
    parameters: ["i32", "buffer", "i32", "buffer", "i32"],
    result: "i32",
    optional: true,
  },
  fchmodat: {
    parameters: ["i32", "buffer", "u32", "i32"],
    result: "i32",
    optional: true,
  },
  fchmod: { parameters: ["i32", "u32"], result: "i32", optional: true },
  fchownat: {
    parameters: ["i32", "buffer", "u32", "u32", "i32"],
    result: "i32",
    optional: true,
  },
  fchown: { parameters: ["i32", "u32", "u32"], result: "i32", optional: true },
  utimensat: {
    parameters: ["i32", "buffer", "buffer", "i32"],
    result: "i32",
    optional: true,
  },
  futimens: { parameters: ["i32", "buffer"], result: "i32", optional: true },
  faccessat: {
    parameters: ["i32", "buffer", "i32", "i32"],
    result: "i32",
    optional: true,
  },
  truncate: { parameters: ["buffer", "i64"], result: "i32", optional: true },
  ftruncate: { parameters: ["i32", "i64"], result: "i32", optional: true },
  mkfifoat: {
    parameters: ["i32", "buffer", "u32"],
    result: "i32",
    optional: true,
  },
  // mknodat(int, const char *, mode_t, dev_t): dev_t is u64 on Linux glibc
  // and i32 on macOS, so the primitive needs `MKNOD_DEV_U64` (Linux only).
  mknodat: {
    parameters: ["i32", "buffer", "u32", "u64"],
    result: "i32",
    optional: true,
  },
  // statvfs(const char *, struct statvfs *), fstatvfs(int, struct statvfs *):
  // the struct's layout is per-platform (`STATVFS` constant).
  statvfs: { parameters: ["buffer", "buffer"], result: "i32", optional: true },
  fstatvfs: { parameters: ["i32", "buffer"], result: "i32", optional: true },
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

/** Per-OS primitives {@linkcode posixBackend} cannot build from libc alone. */
export interface PosixExtras {
  /** chmod without following a final symlink, where the kernel has one. */
  lchmodAt?(dirfd: number, path: Uint8Array, mode: number): number;
  /** The platform's directory reader (see {@linkcode direntReader}). */
  readDirChunk?(fd: number, out: DirChunk): number;
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

/** Builds the platform-independent part of a POSIX backend. */
export function posixBackend(
  name: string,
  s: PosixSymbols,
  c: PosixConstants,
  errno: () => number,
  errnoNames: Readonly<Record<number, string>>,
  stat: StatPrimitives,
  path: CString,
  has: Record<string, boolean>,
  extras: PosixExtras = {},
): Backend {
  const path2 = new CString(256);
  let linkBuf = new Uint8Array(4096);
  const dirFlags = c.O_RDONLY | c.O_DIRECTORY | c.O_CLOEXEC;
  const descriptions = new Map<number, string>();

  const backend: Backend = {
    name,
    AT_FDCWD: c.AT_FDCWD,
    has,
    get statVia() {
      return stat.via;
    },
    statAt(dirfd, p, follow) {
      return stat.statAt(dirfd, path.encode(p), follow);
    },
    fstat: (fd) => stat.fstat(fd),
    openDirFlags: (follow) => follow ? dirFlags : dirFlags | c.O_NOFOLLOW,
    openDirAt(dirfd, p, follow) {
      const flags = follow ? dirFlags : dirFlags | c.O_NOFOLLOW;
      const fd = s.openat(dirfd, path.encode(p), flags);
      return fd < 0 ? -errno() : fd;
    },
    close(fd) {
      return s.close(fd) === 0 ? 0 : -errno();
    },
    symlinkAt(target, dirfd, p) {
      const r = s.symlinkat(path2.encode(target), dirfd, path.encode(p));
      return r === 0 ? 0 : -errno();
    },
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
      return errnoNames[code];
    },
    selectStat: (via) => stat.select?.(via) ?? false,
  };
  addAtPrimitives(backend, s, c, errno, path, path2, extras);
  return backend;
}

/** The primitives the backend has, by name, for `setPrimitive`. */
type Prims = Partial<Record<keyof Backend, unknown>>;

/**
 * Adds the optional `*at` primitives whose symbols resolved and whose
 * constants the platform defines, plus the tests-only `setPrimitive`.
 */
function addAtPrimitives(
  b: Backend,
  s: PosixSymbols,
  c: PosixConstants,
  errno: () => number,
  path: CString,
  path2: CString,
  extras: PosixExtras,
): void {
  const ok = (r: number) => r === 0 ? 0 : -errno();
  const nofollow = c.AT_SYMLINK_NOFOLLOW;
  const times = new BigInt64Array(4);
  const fill = (t: UtimeTimes | null): BigInt64Array => {
    if (t === null) {
      times[0] = times[2] = 0n;
      times[1] = times[3] = BigInt(c.UTIME_NOW!);
    } else {
      times[0] = t.atimeSec;
      times[1] = BigInt(t.atimeNsec);
      times[2] = t.mtimeSec;
      times[3] = BigInt(t.mtimeNsec);
    }
    return times;
  };
  const p: Prims = {};
  const {
    mkdirat,
    unlinkat,
    renameat,
    linkat,
    fchmodat,
    fchmod,
    fchownat,
    fchown,
    utimensat,
    futimens,
    faccessat,
    truncate,
    ftruncate,
    mkfifoat,
    mknodat,
    statvfs,
    fstatvfs,
  } = s;
  if (mkdirat !== null) {
    p.mkdirAt = (dirfd: number, q: string, mode: number) =>
      ok(mkdirat(dirfd, path.encode(q), mode));
  }
  if (unlinkat !== null && c.AT_REMOVEDIR !== undefined) {
    const rm = c.AT_REMOVEDIR;
    p.unlinkAt = (dirfd: number, q: string, dir: boolean) =>
      ok(unlinkat(dirfd, path.encode(q), dir ? rm : 0));
  }
  if (renameat !== null) {
    p.renameAt = (sd: number, src: string, dd: number, dst: string) =>
      ok(renameat(sd, path.encode(src), dd, path2.encode(dst)));
  }
  if (linkat !== null && c.AT_SYMLINK_FOLLOW !== undefined) {
    const fl = c.AT_SYMLINK_FOLLOW;
    p.linkAt = (
      sd: number,
      src: string,
      dd: number,
      dst: string,
      follow: boolean,
    ) =>
      ok(linkat(sd, path.encode(src), dd, path2.encode(dst), follow ? fl : 0));
  }
  if (fchmodat !== null) {
    p.chmodAt = (dirfd: number, q: string, mode: number) =>
      ok(fchmodat(dirfd, path.encode(q), mode, 0));
  }
  const lchmodAt = extras.lchmodAt;
  if (lchmodAt !== undefined) {
    p.lchmodAt = (dirfd: number, q: string, mode: number) =>
      lchmodAt(dirfd, path.encode(q), mode);
  }
  const readDirChunk = extras.readDirChunk;
  if (readDirChunk !== undefined) {
    p.readDirChunk = readDirChunk;
    const dot = new Uint8Array([0x2e, 0]);
    const flags = c.O_RDONLY | c.O_DIRECTORY | c.O_CLOEXEC;
    p.dupDir = (fd: number) => {
      const r = s.openat(fd, dot, flags);
      return r < 0 ? -errno() : r;
    };
  }
  if (fchmod !== null) {
    p.fchmod = (fd: number, mode: number) => ok(fchmod(fd, mode));
  }
  if (fchownat !== null && nofollow !== undefined) {
    p.chownAt = (
      dirfd: number,
      q: string,
      uid: number,
      gid: number,
      follow: boolean,
    ) =>
      ok(
        fchownat(
          dirfd,
          path.encode(q),
          uid >>> 0,
          gid >>> 0,
          follow ? 0 : nofollow,
        ),
      );
  }
  if (fchown !== null) {
    p.fchown = (fd: number, uid: number, gid: number) =>
      ok(fchown(fd, uid >>> 0, gid >>> 0));
  }
  if (
    utimensat !== null && nofollow !== undefined && c.UTIME_NOW !== undefined
  ) {
    p.utimeAt = (
      dirfd: number,
      q: string,
      t: UtimeTimes | null,
      follow: boolean,
    ) => ok(utimensat(dirfd, path.encode(q), fill(t), follow ? 0 : nofollow));
  }
  if (futimens !== null && c.UTIME_NOW !== undefined) {
    p.futimes = (fd: number, t: UtimeTimes | null) => ok(futimens(fd, fill(t)));
  }
  if (
    faccessat !== null && nofollow !== undefined && c.AT_EACCESS !== undefined
  ) {
    const eaccess = c.AT_EACCESS;
    p.accessAt = (
      dirfd: number,
      q: string,
      mode: number,
      follow: boolean,
      effectiveIds: boolean,
    ) =>
      ok(faccessat(
        dirfd,
        path.encode(q),
        mode,
        (follow ? 0 : nofollow) | (effectiveIds ? eaccess : 0),
      ));
  }
  if (truncate !== null) {
    p.truncate = (q: string, length: bigint) =>
      ok(truncate(path.encode(q), length));
  }
  if (ftruncate !== null) {
    p.ftruncate = (fd: number, length: bigint) => ok(ftruncate(fd, length));
  }
  if (mkfifoat !== null) {
    p.mkfifoAt = (dirfd: number, q: string, mode: number) =>
      ok(mkfifoat(dirfd, path.encode(q), mode));
  }
  if (mknodat !== null && c.MKNOD_DEV_U64 === true) {
    p.mknodAt = (dirfd: number, q: string, mode: number, device: bigint) =>
      ok(mknodat(dirfd, path.encode(q), mode, device));
  }
  const L = c.STATVFS;
  if (L !== undefined && (statvfs !== null || fstatvfs !== null)) {
    const buf = new Uint8Array(L.size);
    const w = new Uint32Array(buf.buffer);
    if (statvfs !== null) {
      p.statvfs = (q: string) =>
        statvfs(path.encode(q), buf) === 0 ? decodeStatvfs(L, w) : -errno();
    }
    if (fstatvfs !== null) {
      p.fstatvfs = (fd: number) =>
        fstatvfs(fd, buf) === 0 ? decodeStatvfs(L, w) : -errno();
    }
  }
  Object.assign(b, p);
  // Async twins hidden along with their primitive (attached after this runs).
  const twins: Record<string, unknown> = {};
  b.setPrimitive = (name, on) => {
    if (!Object.hasOwn(p, name)) return false;
    (b as Prims)[name as keyof Backend] = on
      ? p[name as keyof Backend]
      : undefined;
    const a = b.async as Record<string, unknown> | undefined;
    if (a !== undefined) {
      if (!on && a[name] !== undefined) {
        twins[name] = a[name];
        a[name] = undefined;
      } else if (on && twins[name] !== undefined) a[name] = twins[name];
    }
    return true;
  };
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
