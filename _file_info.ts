// Copyright 2026 the dirfd authors. MIT license.

/**
 * Information about a file, as returned by {@linkcode stat} and
 * {@linkcode lstat}.
 *
 * It has every field of `Deno.FileInfo`, with the values Deno reports for the
 * same file, plus the nanosecond timestamps of Python's `os.stat_result`
 * (`st_atime_ns` and friends) as `bigint`s.
 */
export interface FileInfo extends Deno.FileInfo {
  /** Last access time in nanoseconds since the epoch (`st_atime_ns`). */
  readonly atimeNs: bigint | null;
  /** Last modification time in nanoseconds since the epoch (`st_mtime_ns`). */
  readonly mtimeNs: bigint | null;
  /** Last status change time in nanoseconds since the epoch (`st_ctime_ns`). */
  readonly ctimeNs: bigint | null;
  /** Creation time in nanoseconds since the epoch, where the file system records it. */
  readonly birthtimeNs: bigint | null;
}

/**
 * File system statistics, as returned by {@linkcode statvfs}: the fields of
 * Python's `os.statvfs_result` without their `f_` prefix.
 */
export interface StatvfsResult {
  /** The file system's preferred block size (`f_bsize`). */
  bsize: number;
  /** The fundamental block size, the unit of the block counts (`f_frsize`). */
  frsize: number;
  /** The size of the file system in `frsize` units (`f_blocks`). */
  blocks: number;
  /** Free blocks (`f_bfree`). */
  bfree: number;
  /** Free blocks available to unprivileged users (`f_bavail`). */
  bavail: number;
  /** The number of inodes (`f_files`). */
  files: number;
  /** Free inodes (`f_ffree`). */
  ffree: number;
  /** Free inodes available to unprivileged users (`f_favail`). */
  favail: number;
  /**
   * The file system id (`f_fsid`): an opaque 64-bit value, a `bigint` so
   * that no bits are lost.
   */
  fsid: bigint;
  /** Mount flags (`f_flag`: `ST_RDONLY` 1, `ST_NOSUID` 2, …). */
  flag: number;
  /** The maximum length of a file name (`f_namemax`). */
  namemax: number;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const S_IFIFO = 0o010000;
const S_IFSOCK = 0o140000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;

/**
 * Milliseconds as Deno reports them: the exact time truncated toward zero.
 * Internal (the Windows result's `ctime` uses it too).
 */
export function toMs(sec: number, nsec: number): number {
  // Whole and fractional parts apart: `sec * 1000 + nsec / 1e6` in one float
  // rounds e.g. (1700000000, 999999999) up to the next millisecond.
  const ms = Math.floor(nsec / 1e6);
  return sec < 0 && nsec % 1e6 !== 0 ? sec * 1000 + ms + 1 : sec * 1000 + ms;
}

function toNs(sec: number, nsec: number): bigint {
  return BigInt(sec) * 1_000_000_000n + BigInt(nsec);
}

/**
 * The one `FileInfo` implementation. Numbers are decoded eagerly into own
 * properties; `Date`s and `bigint`s are made on access from the raw seconds
 * and nanoseconds, which keeps the hot path at one allocation per call.
 *
 * Times are (seconds, nanoseconds) pairs; `NaN` seconds means "not known".
 */
export class StatResult implements FileInfo {
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
  size: number;
  dev: number;
  ino: number | null;
  mode: number | null;
  nlink: number | null;
  uid: number | null;
  gid: number | null;
  rdev: number | null;
  blksize: number | null;
  blocks: number | null;
  isBlockDevice: boolean | null;
  isCharDevice: boolean | null;
  isFifo: boolean | null;
  isSocket: boolean | null;
  #aS: number;
  #aN: number;
  #mS: number;
  #mN: number;
  #cS: number;
  #cN: number;
  #bS: number;
  #bN: number;

  /** Builds a POSIX result from `st_mode` and the other `struct stat` fields. */
  constructor(
    mode: number,
    size: number,
    dev: number,
    ino: number,
    nlink: number,
    uid: number,
    gid: number,
    rdev: number,
    blksize: number,
    blocks: number,
    aS: number,
    aN: number,
    mS: number,
    mN: number,
    cS: number,
    cN: number,
    bS: number,
    bN: number,
  ) {
    const fmt = mode & S_IFMT;
    this.isFile = fmt === S_IFREG;
    this.isDirectory = fmt === S_IFDIR;
    this.isSymlink = fmt === S_IFLNK;
    this.size = size;
    this.dev = dev;
    this.ino = ino;
    this.mode = mode;
    this.nlink = nlink;
    this.uid = uid;
    this.gid = gid;
    this.rdev = rdev;
    this.blksize = blksize;
    this.blocks = blocks;
    this.isBlockDevice = fmt === S_IFBLK;
    this.isCharDevice = fmt === S_IFCHR;
    this.isFifo = fmt === S_IFIFO;
    this.isSocket = fmt === S_IFSOCK;
    this.#aS = aS;
    this.#aN = aN;
    this.#mS = mS;
    this.#mN = mN;
    this.#cS = cS;
    this.#cN = cN;
    this.#bS = bS;
    this.#bN = bN;
  }

  /** The last modification time, as `Deno.FileInfo.mtime`. */
  get mtime(): Date | null {
    return Number.isNaN(this.#mS) ? null : new Date(toMs(this.#mS, this.#mN));
  }
  /** The last access time, as `Deno.FileInfo.atime`. */
  get atime(): Date | null {
    return Number.isNaN(this.#aS) ? null : new Date(toMs(this.#aS, this.#aN));
  }
  /** The creation time, as `Deno.FileInfo.birthtime`. */
  get birthtime(): Date | null {
    return Number.isNaN(this.#bS) ? null : new Date(toMs(this.#bS, this.#bN));
  }
  /** The last status change, as `Deno.FileInfo.ctime` (whole seconds, like Deno). */
  get ctime(): Date | null {
    return Number.isNaN(this.#cS) ? null : new Date(this.#cS * 1000);
  }
  /** `st_atime_ns`. */
  get atimeNs(): bigint | null {
    return Number.isNaN(this.#aS) ? null : toNs(this.#aS, this.#aN);
  }
  /** `st_mtime_ns`. */
  get mtimeNs(): bigint | null {
    return Number.isNaN(this.#mS) ? null : toNs(this.#mS, this.#mN);
  }
  /** `st_ctime_ns`. */
  get ctimeNs(): bigint | null {
    return Number.isNaN(this.#cS) ? null : toNs(this.#cS, this.#cN);
  }
  /** `st_birthtime_ns`, or `null` where the file system keeps no birth time. */
  get birthtimeNs(): bigint | null {
    return Number.isNaN(this.#bS) ? null : toNs(this.#bS, this.#bN);
  }

  /** A plain object with every field; bigints become decimal strings. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of FILE_INFO_KEYS) {
      const v = this[key];
      out[key] = typeof v === "bigint" ? v.toString() : v;
    }
    return out;
  }

  [Symbol.for("Deno.customInspect")](
    inspect: (value: unknown, options: unknown) => string,
    options: unknown,
  ): string {
    const out: Record<string, unknown> = {};
    for (const key of FILE_INFO_KEYS) out[key] = this[key];
    return `FileInfo ${inspect(out, options)}`;
  }
}

/** Every field of a {@linkcode FileInfo}, in `Deno.FileInfo`'s order first. */
export const FILE_INFO_KEYS = [
  "isFile",
  "isDirectory",
  "isSymlink",
  "size",
  "mtime",
  "atime",
  "birthtime",
  "ctime",
  "dev",
  "ino",
  "mode",
  "nlink",
  "uid",
  "gid",
  "rdev",
  "blksize",
  "blocks",
  "isBlockDevice",
  "isCharDevice",
  "isFifo",
  "isSocket",
  "atimeNs",
  "mtimeNs",
  "ctimeNs",
  "birthtimeNs",
] as const satisfies readonly (keyof FileInfo)[];

/** Wraps a `Deno.FileInfo` (the no-FFI fallback): nanosecond fields are unknown. */
export function fromDenoFileInfo(info: Deno.FileInfo): FileInfo {
  return Object.freeze({
    ...info,
    atimeNs: null,
    mtimeNs: null,
    ctimeNs: null,
    birthtimeNs: null,
  });
}
