// Copyright 2026 the dirfd authors. MIT license.
/**
 * The contract between the public operations and a platform backend.
 *
 * Backends never throw: every primitive returns a negative errno (POSIX) or a
 * negative error code of the platform (Windows) on failure, and the public
 * operation files turn it into an error exactly once.
 *
 * @module
 */
import type { StatResult, StatvfsResult } from "../_file_info.ts";
import type { FileConstants } from "./_file_posix.ts";
import type { RootPlatform, RootReply } from "./_root_task.ts";

/** Returned by {@linkcode Backend.readLinkAt} when the target is not valid UTF-8. */
export const NOT_UTF8 = -0x1_0000;

/** An open platform library with the primitives dirfd needs. */
export interface Backend {
  /** `"linux"`, `"darwin"` or `"windows"`. */
  readonly name: string;
  /** The descriptor meaning "the current directory" for `*at` calls. */
  readonly AT_FDCWD: number;
  /**
   * Optional primitives that resolved and work here, by name. A core
   * primitive that takes a `dirfd` is assumed to honour one unless its
   * `<name>DirFd` entry (`statAtDirFd`, `openDirAtDirFd`, `symlinkAtDirFd`,
   * `readLinkAtDirFd`) is `false`, as on Windows without `NtCreateFile`.
   */
  readonly has: Readonly<Record<string, boolean>>;
  /** Which stat primitive is in use (`"statx"`, `"fstatat"`, …). */
  readonly statVia: string;

  /** `fstatat`/`statx` relative to `dirfd`; a result or `-errno`. */
  statAt(dirfd: number, path: string, follow: boolean): StatResult | number;
  /** `fstat` of an open descriptor; a result or `-errno`. */
  fstat(fd: number): StatResult | number;
  /** The open flags {@linkcode Backend.openDirAt} uses (for audit events). */
  openDirFlags(follow: boolean): number;
  /** Opens a directory relative to `dirfd`; the descriptor or `-errno`. */
  openDirAt(dirfd: number, path: string, follow: boolean): number;
  /** Closes a descriptor; 0 or `-errno`. */
  close(fd: number): number;
  /**
   * `symlinkat`; 0 or `-errno`. `targetIsDirectory` matters on Windows only
   * (Python's rule for a target that does not exist).
   */
  symlinkAt(
    target: string,
    dirfd: number,
    path: string,
    targetIsDirectory: boolean,
  ): number;
  /** `readlinkat`; the target, `-errno`, or {@linkcode NOT_UTF8}. */
  readLinkAt(dirfd: number, path: string): string | number;
  /** `fchdir`; 0 or `-errno`. */
  fchdir(fd: number): number;

  /** The platform's description of an error code (`strerror`). */
  describe(errno: number): string;
  /** The symbolic name of an error code (`"ENOENT"`), or `undefined`. */
  errnoName(errno: number): string | undefined;
  /** Async twins of the primitives, where this backend has them. */
  readonly async?: AsyncBackend;
  /** Tests only: switch the stat primitive; returns false if unavailable. */
  selectStat?(via: string): boolean;

  // Optional primitives (Python's HAVE_* pattern): a backend that lacks one
  // leaves it out, and the operation drops out of the capability sets.

  /** `mkdirat`; 0 or `-errno`. */
  mkdirAt?(dirfd: number, path: string, mode: number): number;
  /** `unlinkat`, with `AT_REMOVEDIR` when `dir`; 0 or `-errno`. */
  unlinkAt?(dirfd: number, path: string, dir: boolean): number;
  /** `renameat`; 0 or `-errno`. */
  renameAt?(
    srcDirfd: number,
    src: string,
    dstDirfd: number,
    dst: string,
  ): number;
  /** `linkat`, with `AT_SYMLINK_FOLLOW` when `follow`; 0 or `-errno`. */
  linkAt?(
    srcDirfd: number,
    src: string,
    dstDirfd: number,
    dst: string,
    follow: boolean,
  ): number;
  /** `fchmodat` following symlinks; 0 or `-errno`. */
  chmodAt?(dirfd: number, path: string, mode: number): number;
  /**
   * chmod that does not follow a final symlink (Linux: `fchmodat2` with
   * `AT_SYMLINK_NOFOLLOW`); present only where the kernel really has it.
   */
  lchmodAt?(dirfd: number, path: string, mode: number): number;
  /** `fchmod`; 0 or `-errno`. */
  fchmod?(fd: number, mode: number): number;
  /** `fchownat`; `-1` leaves an id unchanged; 0 or `-errno`. */
  chownAt?(
    dirfd: number,
    path: string,
    uid: number,
    gid: number,
    follow: boolean,
  ): number;
  /** `fchown`; 0 or `-errno`. */
  fchown?(fd: number, uid: number, gid: number): number;
  /**
   * `utimensat`; times are (seconds, nanoseconds) pairs, `null` for "now"
   * (both). 0 or `-errno`.
   */
  utimeAt?(
    dirfd: number,
    path: string,
    times: UtimeTimes | null,
    follow: boolean,
  ): number;
  /** `futimens`; like {@linkcode Backend.utimeAt}. */
  futimes?(fd: number, times: UtimeTimes | null): number;
  /** `faccessat`; 0 when access is allowed, else `-errno`. */
  accessAt?(
    dirfd: number,
    path: string,
    mode: number,
    follow: boolean,
    effectiveIds: boolean,
  ): number;
  /** `truncate`; 0 or `-errno`. */
  truncate?(path: string, length: bigint): number;
  /** `ftruncate`; 0 or `-errno`. */
  ftruncate?(fd: number, length: bigint): number;
  /** `mkfifoat`; 0 or `-errno`. */
  mkfifoAt?(dirfd: number, path: string, mode: number): number;
  /** `mknodat`; `mode` includes the file type bits; 0 or `-errno`. */
  mknodAt?(dirfd: number, path: string, mode: number, device: bigint): number;
  /** `statvfs`; a result or `-errno`. */
  statvfs?(path: string): StatvfsResult | number;
  /** `fstatvfs`; a result or `-errno`. */
  fstatvfs?(fd: number): StatvfsResult | number;
  /**
   * Opens the directory `fd` refers to once more (`openat(fd, ".")`), with a
   * read position of its own; the new descriptor or `-errno`.
   */
  dupDir?(fd: number): number;
  /**
   * Reads the next entries of the open directory `fd` (Linux: `getdents64`)
   * and decodes them into `out`, skipping `.` and `..`. Returns the number of
   * bytes read (0 at the end; `out.count` may be 0 for a chunk of only `.`
   * and `..`) or `-errno`.
   */
  readDirChunk?(fd: number, out: DirChunk): number;
  /** The file primitives behind `open()` and `File`, where this backend has them. */
  readonly file?: FilePrimitives;
  /**
   * Root's pool task (`ffi/_root_task.ts`): resolves a name beneath `root`
   * and performs an operation, in one request off the main thread.
   */
  rootCall?(root: number, request: Uint8Array): Promise<RootReply>;
  /** The platform facts a root request carries. */
  readonly rootPlatform?: RootPlatform;
  /** Decodes the raw stat buffer a root task leaves in its output. */
  decodeStat?(raw: Uint8Array): StatResult;
  /**
   * Tests only: hide (`on: false`) or restore an optional primitive by name,
   * as if the platform lacked it. Returns false when there is no such
   * primitive here.
   */
  setPrimitive?(name: string, on: boolean): boolean;
}

/** The primitives that have an async twin. */
export type AsyncPrimitive =
  | "statAt"
  | "fstat"
  | "openDirAt"
  | "symlinkAt"
  | "readLinkAt"
  | "mkdirAt"
  | "unlinkAt"
  | "renameAt"
  | "linkAt"
  | "chmodAt"
  | "lchmodAt"
  | "fchmod"
  | "chownAt"
  | "fchown"
  | "utimeAt"
  | "futimes"
  | "accessAt"
  | "truncate"
  | "ftruncate"
  | "dupDir"
  | "readDirChunk"
  | "mkfifoAt"
  | "mknodAt"
  | "statvfs"
  | "fstatvfs";

/**
 * Async twins of the primitives: the same call run off the main thread,
 * resolving to what the sync primitive returns. A missing twin means the
 * operation runs the sync primitive instead.
 */
export type AsyncBackend =
  & {
    [K in AsyncPrimitive]?: Backend[K] extends
      ((...args: infer A) => infer R) | undefined ? (...args: A) => Promise<R>
      : never;
  }
  & {
    /** The async file primitives. */
    readonly file?: AsyncFilePrimitives;
  };

/**
 * The primitives of an open file (`ffi/_file_posix.ts`). Every call returns
 * its result or a negative error code; none throws.
 */
export interface FilePrimitives {
  /** The platform's `O_*` and related constants. */
  readonly constants: FileConstants;
  /** `openat` with flags and a creation mode; the descriptor or `-errno`. */
  openAt(dirfd: number, path: string, flags: number, mode: number): number;
  /** `read`; bytes read (0 at the end) or `-errno`. */
  read(fd: number, buf: Uint8Array): number;
  /** `write`; bytes written or `-errno`. */
  write(fd: number, buf: Uint8Array): number;
  /** `pread` at `pos`; bytes read or `-errno`. */
  pread(fd: number, buf: Uint8Array, pos: number | bigint): number;
  /** `pwrite` at `pos`; bytes written or `-errno`. */
  pwrite(fd: number, buf: Uint8Array, pos: number | bigint): number;
  /** `lseek`; the new position or `-errno` (a negative number). */
  seek(fd: number, offset: bigint, whence: number): bigint | number;
  /** `fsync` (`F_FULLFSYNC` on macOS); 0 or `-errno`. */
  sync(fd: number): number;
  /** `fdatasync` (`F_FULLFSYNC` on macOS); 0 or `-errno`. */
  syncData(fd: number): number;
  /** `flock`, waiting when `wait`; 0 or `-errno` (`-EWOULDBLOCK` when held). */
  lock?(fd: number, exclusive: boolean, wait: boolean): number;
  /** `flock(LOCK_UN)`; 0 or `-errno`. */
  unlock?(fd: number): number;
  /** `isatty`. */
  isTerminal(fd: number): boolean;
  /** `tcgetattr` into a new buffer, or `-errno`. */
  getTermios?(fd: number): Uint8Array | number;
  /** `tcsetattr(TCSADRAIN)`; 0 or `-errno`. */
  setTermios?(fd: number, termios: Uint8Array): number;
  /** `fstat`; a result or `-errno`. */
  fstat(fd: number): StatResult | number;
}

/** The pool twins of {@linkcode FilePrimitives}, plus whole-file requests. */
export interface AsyncFilePrimitives {
  openAt(
    dirfd: number,
    path: string,
    flags: number,
    mode: number,
  ): Promise<number>;
  read(fd: number, buf: Uint8Array): Promise<number>;
  /**
   * `read` straight into `buf` on Deno's blocking threads (no copy). Only
   * for buffers the caller owns and keeps attached until it settles (the
   * `readable` stream's own chunks).
   */
  readDirect(fd: number, buf: Uint8Array): Promise<number>;
  write(fd: number, buf: Uint8Array): Promise<number>;
  pread(fd: number, buf: Uint8Array, pos: number): Promise<number>;
  pwrite(fd: number, buf: Uint8Array, pos: number): Promise<number>;
  sync(fd: number): Promise<number>;
  syncData(fd: number): Promise<number>;
  lock?(fd: number, exclusive: boolean, wait: boolean): Promise<number>;
  unlock?(fd: number): Promise<number>;
  /**
   * Opens and reads up to `cap` bytes in one request: `-errno`, or the bytes
   * and `fd` -1 (read to the end, closed) or the open descriptor to go on
   * reading from.
   */
  readSmall(
    dirfd: number,
    path: string,
    flags: number,
    cap: number,
  ): Promise<{ fd: number; data: Uint8Array } | number>;
  /** Opens, writes all of `data`, `fchmod`s when `chmod`, closes: 0 or `-errno`. */
  writeSmall(
    dirfd: number,
    path: string,
    flags: number,
    mode: number,
    data: Uint8Array,
    chmod: boolean,
  ): Promise<number>;
}

/** The kind of a directory entry in a {@linkcode DirChunk}. */
export const KIND = {
  /** `DT_UNKNOWN`: the file system did not say; ask `lstat`. */
  UNKNOWN: 0,
  FILE: 1,
  DIR: 2,
  SYMLINK: 3,
  /** FIFOs, sockets and devices. */
  OTHER: 4,
  /** The name is not valid UTF-8; `names[i]` holds a lossy rendering. */
  BAD_NAME: 5,
} as const;

/** Directory entries decoded by {@linkcode Backend.readDirChunk}; reused. */
export interface DirChunk {
  /** How many entries the last read decoded. */
  count: number;
  /** Entry names (valid for `0 ≤ i < count`). */
  names: string[];
  /** Entry kinds, values of {@linkcode KIND}. */
  kinds: number[];
}

/** Access and modification times: seconds and nanoseconds (0 ≤ ns < 1e9). */
export interface UtimeTimes {
  atimeSec: bigint;
  atimeNsec: number;
  mtimeSec: bigint;
  mtimeNsec: number;
}
