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
import type { RootPlatform, RootReply } from "./_root_task.ts";
import type { ResolvePrimitives } from "./_resolve.ts";
import type { FileConstants } from "./_file_posix.ts";

/** Returned by {@linkcode Backend.readLinkAt} when the target is not valid UTF-8. */
export const NOT_UTF8 = -0x1_0000;

/**
 * The primitives every backend has. Each returns a result or a negative error
 * code and never throws.
 */
export interface CorePrimitives {
  /** `fstatat`/`statx` relative to `dirfd`; a result or `-errno`. */
  statAt(dirfd: number, path: string, follow: boolean): StatResult | number;
  /** `fstat` of an open descriptor; a result or `-errno`. */
  fstat(fd: number): StatResult | number;
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
}

/**
 * Optional primitives (Python's HAVE_* pattern): a backend that lacks one
 * leaves it out, and the operation drops out of the capability sets. An
 * operation narrows a backend to one that has it with
 * {@linkcode hasPrimitive}, the check its capability probe uses too.
 */
export interface OptionalPrimitives {
  /** `mkdirat`; 0 or `-errno`. */
  mkdirAt(dirfd: number, path: string, mode: number): number;
  /** `unlinkat`, with `AT_REMOVEDIR` when `dir`; 0 or `-errno`. */
  unlinkAt(dirfd: number, path: string, dir: boolean): number;
  /** `renameat`; 0 or `-errno`. */
  renameAt(
    srcDirfd: number,
    src: string,
    dstDirfd: number,
    dst: string,
  ): number;
  /**
   * `renameat` that replaces an existing target (Python's `os.replace`); 0
   * or `-errno`. POSIX's `renameat` always does; on Windows
   * {@linkcode OptionalPrimitives.renameAt} does not (Python's `os.rename`:
   * ERROR_ALREADY_EXISTS).
   */
  replaceAt(
    srcDirfd: number,
    src: string,
    dstDirfd: number,
    dst: string,
  ): number;
  /** `linkat`, with `AT_SYMLINK_FOLLOW` when `follow`; 0 or `-errno`. */
  linkAt(
    srcDirfd: number,
    src: string,
    dstDirfd: number,
    dst: string,
    follow: boolean,
  ): number;
  /** `fchmodat` following symlinks; 0 or `-errno`. */
  chmodAt(dirfd: number, path: string, mode: number): number;
  /**
   * chmod that does not follow a final symlink (Linux: `fchmodat2` with
   * `AT_SYMLINK_NOFOLLOW`); present only where the kernel really has it.
   */
  lchmodAt(dirfd: number, path: string, mode: number): number;
  /** `fchmod`; 0 or `-errno`. */
  fchmod(fd: number, mode: number): number;
  /**
   * Linux `openat2`: opens the directory `path` (`O_RDONLY|O_DIRECTORY`, as
   * `openDirAt` does) with the kernel resolving it beneath `dirfd` — a Root's one-syscall
   * path. `symlinks` as a Root's option (`RESOLVE_BENEATH`, `RESOLVE_IN_ROOT`
   * or `RESOLVE_NO_SYMLINKS`, always with `RESOLVE_NO_MAGICLINKS`), `noXdev`
   * adds `RESOLVE_NO_XDEV`. The descriptor, or `-errno`: `EXDEV` for an
   * escape (or a mount crossing), `EAGAIN` when the kernel could not be sure
   * (a rename raced it; try again). With `flags`, those open flags instead
   * of `O_RDONLY|O_DIRECTORY` (never `O_CREAT`: the mode is 0; `O_CLOEXEC`
   * is always added): a Root reading a whole file opens it in one call.
   */
  openBeneath(
    dirfd: number,
    path: string,
    symlinks: "beneath" | "inRoot" | "none",
    noXdev: boolean,
    flags?: number,
  ): number;
  /** `fchownat`; `-1` leaves an id unchanged; 0 or `-errno`. */
  chownAt(
    dirfd: number,
    path: string,
    uid: number,
    gid: number,
    follow: boolean,
  ): number;
  /** `fchown`; 0 or `-errno`. */
  fchown(fd: number, uid: number, gid: number): number;
  /**
   * `utimensat`; times are (seconds, nanoseconds) pairs, `null` for "now"
   * (both). 0 or `-errno`.
   */
  utimeAt(
    dirfd: number,
    path: string,
    times: UtimeTimes | null,
    follow: boolean,
  ): number;
  /** `futimens`; like {@linkcode OptionalPrimitives.utimeAt}. */
  futimes(fd: number, times: UtimeTimes | null): number;
  /** `faccessat`; 0 when access is allowed, else `-errno`. */
  accessAt(
    dirfd: number,
    path: string,
    mode: number,
    follow: boolean,
    effectiveIds: boolean,
  ): number;
  /** `truncate`; 0 or `-errno`. */
  truncate(path: string, length: bigint): number;
  /** `ftruncate`; 0 or `-errno`. */
  ftruncate(fd: number, length: bigint): number;
  /** `mkfifoat`; 0 or `-errno`. */
  mkfifoAt(dirfd: number, path: string, mode: number): number;
  /** `mknodat`; `mode` includes the file type bits; 0 or `-errno`. */
  mknodAt(dirfd: number, path: string, mode: number, device: bigint): number;
  /** `statvfs`; a result or `-errno`. */
  statvfs(path: string): StatvfsResult | number;
  /** `fstatvfs`; a result or `-errno`. */
  fstatvfs(fd: number): StatvfsResult | number;
  /**
   * Opens the directory `fd` refers to once more (`openat(fd, ".")`), with a
   * read position of its own; the new descriptor or `-errno`.
   */
  dupDir(fd: number): number;
  /**
   * Reads the next entries of the open directory `fd` (Linux: `getdents64`)
   * and decodes them into `out`, skipping `.` and `..`. Returns the number of
   * bytes read (0 at the end; `out.count` may be 0 for a chunk of only `.`
   * and `..`) or `-errno`.
   */
  readDirChunk(fd: number, out: DirChunk): number;
  /**
   * {@linkcode OptionalPrimitives.readDirChunk}, and each entry's `lstat`
   * in `out.infos[i]` (a result, or `-errno` for an entry that could not be
   * described: gone since the listing, …), fetched by the same call (Linux's
   * pool form: one worker task per chunk). With `follow`, an entry listed as
   * a symlink is described by its target where the target can be reached
   * (its `lstat` otherwise). An entry of unknown type is never followed.
   * Returns what `readDirChunk` returns.
   */
  readDirChunkStat(fd: number, out: DirChunk, follow: boolean): number;
  /**
   * Enters the directory `name` of the open directory `parent` for a walk,
   * in one call (Linux's pool form: one worker task): `statAt(parent, name,
   * follow)`, a check that it is a directory, `openDirAt(parent, name,
   * follow)`, an `fstat` of the new descriptor that must find the same
   * device and inode, then the first chunk of its entries into `out`
   * (`readDirChunkStat` with `followEntries` when `withStat`, else
   * `readDirChunk`). Never throws; see {@linkcode Entered}.
   */
  enterDirAt(
    parent: number,
    name: string,
    follow: boolean,
    out: DirChunk,
    withStat: boolean,
    followEntries: boolean,
  ): Entered;
}

/** What {@linkcode OptionalPrimitives.enterDirAt} found. */
export interface Entered {
  /**
   * Which step failed: `"statAt"`, `"openDirAt"` or `"fstat"` (`fd` is
   * then `-errno`), `"skip"` (not a directory, or not the one the `stat`
   * saw: nothing is open), or `""`: `fd` is the open directory.
   */
  failed: "" | "statAt" | "openDirAt" | "fstat" | "skip";
  /** The descriptor, or `-errno` of the failed step. */
  fd: number;
  /** The directory's device and inode (from the `stat` through `parent`). */
  dev: number;
  ino: number;
  /** What reading the first chunk returned (bytes, 0 at the end, `-errno`). */
  first: number;
}

/** Every primitive, core and optional. */
export type Primitives = CorePrimitives & OptionalPrimitives;
/** The name of a primitive. */
export type PrimitiveName = keyof Primitives;
/** The name of an optional primitive. */
export type OptionalName = keyof OptionalPrimitives;
/** The primitives that have an async form (all but `close` and `fchdir`). */
export type AsyncPrimitive = Exclude<PrimitiveName, "close" | "fchdir">;

/** The async form of each function of `T`: the same call, resolved later. */
export type AsyncForms<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<R>
    : never;
};

/**
 * Async forms of the primitives: the same call run off the main thread (or,
 * where a backend has no worker form, the sync primitive), resolving to what
 * the sync primitive returns.
 */
export type AsyncBackend =
  & AsyncForms<Pick<CorePrimitives, AsyncPrimitive & keyof CorePrimitives>>
  & Partial<AsyncForms<OptionalPrimitives>>;

/**
 * What a backend found when it opened, by name (probes of kernel features
 * and of optional symbols). A core primitive that takes a `dirfd` is assumed
 * to honour one unless its `<name>DirFd` entry is `false`, as on Windows
 * without `NtCreateFile`.
 */
export interface Features {
  /** Linux: `statx` works (not filtered, kernel ≥ 4.11). */
  readonly statx?: boolean;
  /** Linux and macOS: `fstatat` resolved. */
  readonly fstatat?: boolean;
  /** Linux: the `fchmodat2` syscall works (kernel ≥ 6.6). */
  readonly fchmodat2?: boolean;
  /** Linux: the `openat2` syscall works (kernel ≥ 5.6; not in qemu 7.2). */
  readonly openat2?: boolean;
  /** macOS: `fdopendir`/`readdir`/`closedir`/`dup` resolved. */
  readonly readdir?: boolean;
  /** Windows: running under Wine. */
  readonly wine?: boolean;
  readonly statAtDirFd?: boolean;
  readonly openDirAtDirFd?: boolean;
  readonly symlinkAtDirFd?: boolean;
  readonly readLinkAtDirFd?: boolean;
}

/** A `Deno.errors` class (or `TypeError`, `Error`). */
export type ErrorClass = new (message: string) => Error;

/** What an operation needs to know about a backend besides its primitives. */
export interface BackendInfo {
  /** `"linux"`, `"darwin"` or `"windows"`. */
  readonly name: string;
  /** The descriptor meaning "the current directory" for `*at` calls. */
  readonly AT_FDCWD: number;
  /** Probed features, by name. */
  readonly has: Features;
  /** Which stat primitive is in use (`"statx"`, `"fstatat"`, …). */
  readonly statVia: string;
  /**
   * The name errors report for each primitive (`"mkdirat"`; macOS's
   * `lchmodAt` is `"fchmodat"`, Linux's `"fchmodat2"`). A backend may leave
   * out those whose name is {@linkcode SYSCALL}'s; the loader fills them in.
   */
  readonly syscall: Readonly<Record<PrimitiveName, string>>;
  /** The open flags {@linkcode CorePrimitives.openDirAt} uses (for audit events). */
  openDirFlags(follow: boolean): number;
  /** The platform's description of an error code (`strerror`). */
  describe(errno: number): string;
  /** The symbolic name of an error code (`"ENOENT"`), or `undefined`. */
  errnoName(errno: number): string | undefined;
  /** The class Deno itself throws for error `errno` of `syscall`. */
  errorClass(errno: number, syscall: string): ErrorClass;
  /**
   * What to add to the message of error `errno` of `syscall` (Windows: how
   * to get the symlink privilege), or `undefined`.
   */
  hint(errno: number, syscall: string): string | undefined;
}

/**
 * What a backend offers a `Root` beyond the primitives: one pool request
 * that resolves a name beneath the root and operates on it
 * (`ffi/_root_task.ts`), where the backend has it.
 */
export interface RootSupport {
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
   * The resolver's primitives where they are not the backend's own
   * (Windows: components opened as themselves, junctions taken as links,
   * link targets read relative to a handle, names cleaned lexically).
   */
  readonly rootResolve?: ResolvePrimitives;
  /**
   * Windows: a Root's name cleaned lexically (`/`-joined, a trailing
   * separator kept), or the negative code of its refusal.
   */
  rootName?(name: string, inRoot: boolean): string | number;
  /**
   * Windows: makes the symlink `leaf` in the directory `dir` (a directory
   * link when `isDir`), where `symlinkAt` cannot take a directory handle;
   * 0 or a negative error.
   */
  rootSymlink?(
    target: string,
    dir: number,
    leaf: string,
    isDir: boolean,
  ): number;
}

/** An open platform library with the primitives dirfd needs. */
export interface Backend
  extends
    BackendInfo,
    RootSupport,
    FileSupport,
    CorePrimitives,
    Partial<OptionalPrimitives> {
  /**
   * The async form of every primitive this backend has (the loader fills in
   * those a backend does not run off the main thread).
   */
  readonly async: AsyncBackend;
}

/** Bytes one async file read or write moves at most (a pool arena is 1 MiB). */
export const FILE_IO_MAX = 512 * 1024;

/** What a backend offers `open()` and `File` (`ffi/_file_posix.ts`, `ffi/_file_windows.ts`). */
export interface FileSupport {
  /** The file primitives, where this backend has them. */
  readonly file?: FilePrimitives;
  /** Their forms that run off the main thread, where it has a pool. */
  readonly fileAsync?: AsyncFilePrimitives;
}

/**
 * The primitives of an open file (`ffi/_file_posix.ts`). Every call returns
 * its result or a negative error code; none throws.
 */
export interface FilePrimitives {
  /** The platform's `O_*` and related constants. */
  readonly constants: FileConstants;
  /** Whether `flags` (raw `O_*` bits) mean anything here (not on Windows). */
  readonly rawFlags: boolean;
  /** Whether a directory can be synced (`fsync` of its descriptor). */
  readonly dirSync: boolean;
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
  /** Deno's raw mode applied to a copy of `termios` (`cbreak` keeps `ISIG`). */
  makeRaw?(termios: Uint8Array, cbreak: boolean): Uint8Array;
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
  /**
   * Whether `fd` may wait without end in `read` or `write` (a pipe, FIFO,
   * socket or terminal: `lseek` fails with `ESPIPE`), asked off the loop.
   * Such descriptors read and write through {@linkcode readWait} and
   * {@linkcode writeWait}, so a pool worker is never held by a wait.
   */
  waits?(fd: number): Promise<boolean>;
  /**
   * `read` on Deno's blocking threads into a buffer of its own, copied into
   * `buf` when it settles: for a descriptor that may wait.
   */
  readWait?(fd: number, buf: Uint8Array): Promise<number>;
  /** `write` of a copy of `buf` on Deno's blocking threads, as readWait. */
  writeWait?(fd: number, buf: Uint8Array): Promise<number>;
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
   * reading from; `waits` when that descriptor may wait without end (not
   * seekable: nothing was read, the rest is for readWait).
   */
  readSmall(
    dirfd: number,
    path: string,
    flags: number,
    cap: number,
  ): Promise<{ fd: number; data: Uint8Array; waits?: boolean } | number>;
  /**
   * Opens, writes all of `data`, `fchmod`s when `chmod`, closes: 0 or
   * `-errno`; or, for a descriptor that may wait without end (not seekable:
   * a pipe, FIFO, socket or terminal), its number plus one, open and
   * unwritten, for writeWait.
   */
  writeSmall(
    dirfd: number,
    path: string,
    flags: number,
    mode: number,
    data: Uint8Array,
    chmod: boolean,
  ): Promise<number>;
}

/**
 * What a backend builder returns: the loader ({@linkcode completeBackend})
 * adds the async forms it left out and the default syscall names.
 */
export type BackendParts =
  & Omit<Backend, "async" | "syscall">
  & {
    async?: Partial<AsyncForms<Pick<Primitives, AsyncPrimitive>>>;
    syscall?: Partial<Record<PrimitiveName, string>>;
  };

/** A backend narrowed to one that has the optional primitives `K`. */
export type With<K extends OptionalName> =
  & Backend
  & Pick<OptionalPrimitives, K>
  & { readonly async: Pick<AsyncForms<OptionalPrimitives>, K> };

/**
 * Whether `b` has the optional primitive `name` (and so its async form):
 * the one check an operation's capability probe and its call both use.
 */
export function hasPrimitive<K extends OptionalName>(
  b: Backend | null,
  name: K,
): b is With<K> {
  return b !== null && b[name] !== undefined;
}

/** The POSIX call each primitive stands for: the syscall errors name. */
export const SYSCALL: Readonly<Record<PrimitiveName, string>> = {
  statAt: "fstatat",
  fstat: "fstat",
  openDirAt: "openat",
  close: "close",
  symlinkAt: "symlinkat",
  readLinkAt: "readlinkat",
  fchdir: "fchdir",
  mkdirAt: "mkdirat",
  unlinkAt: "unlinkat",
  renameAt: "renameat",
  replaceAt: "renameat",
  linkAt: "linkat",
  chmodAt: "fchmodat",
  lchmodAt: "fchmodat",
  openBeneath: "openat2",
  fchmod: "fchmod",
  chownAt: "fchownat",
  fchown: "fchown",
  utimeAt: "utimensat",
  futimes: "futimens",
  accessAt: "faccessat",
  truncate: "truncate",
  ftruncate: "ftruncate",
  mkfifoAt: "mkfifoat",
  mknodAt: "mknodat",
  statvfs: "statvfs",
  fstatvfs: "fstatvfs",
  dupDir: "openat",
  readDirChunk: "readdir",
  readDirChunkStat: "readdir",
  enterDirAt: "openat",
};

/** The primitives that have an async form, by name. */
export const ASYNC_PRIMITIVES: readonly AsyncPrimitive[] = (Object.keys(
  SYSCALL,
) as PrimitiveName[]).filter((k): k is AsyncPrimitive =>
  k !== "close" && k !== "fchdir"
);

/**
 * Completes what a builder made into a {@linkcode Backend}, in place: every
 * primitive it has gets an async form (one that runs the sync primitive,
 * where the builder gave none), and every primitive a syscall name. The one
 * place a missing async form is filled in.
 */
export function completeBackend(parts: BackendParts): Backend {
  const b = parts as unknown as Record<string, unknown> & {
    async?: Record<string, unknown>;
    syscall?: Record<string, string>;
  };
  const a = b.async ??= {};
  addListingWithStat(parts, a as Record<string, unknown>);
  for (const k of ASYNC_PRIMITIVES) {
    if (b[k] === undefined || a[k] !== undefined) continue;
    a[k] = (...args: unknown[]) =>
      Promise.resolve((b[k] as (...a: unknown[]) => unknown)(...args));
  }
  const names = b.syscall ??= {};
  for (const k of Object.keys(SYSCALL) as PrimitiveName[]) {
    if (Object.hasOwn(names, k)) continue;
    // The stat primitives report the call in use (tests may switch it).
    if (k === "statAt" || k === "fstat") {
      Object.defineProperty(names, k, {
        get: () => parts.statVia,
        enumerable: true,
      });
    } else names[k] = SYSCALL[k];
  }
  return parts as unknown as Backend;
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
  /**
   * Each entry's metadata, filled by
   * {@linkcode OptionalPrimitives.readDirChunkStat} (a result or `-errno`).
   */
  infos?: (StatResult | number)[];
  /**
   * Set by a reader that already saw the end of the directory: its next
   * read returns 0 without a call (a reader that fills its buffer with
   * several `getdents64` saves the last, empty, hand-off). Whoever reuses a
   * chunk for another directory clears it.
   */
  end?: boolean;
}

/**
 * Describes the entries of `out` (just read from `fd`) with `statAt`:
 * `lstat` each, then, with `follow`, `stat` each listed symlink.
 */
function statEntries(
  b: BackendParts,
  fd: number,
  out: DirChunk,
  follow: boolean,
): void {
  const infos = out.infos ??= [];
  const { names, kinds } = out;
  for (let i = 0; i < out.count; i++) {
    if (kinds[i] === KIND.BAD_NAME) {
      infos[i] = -22; // never read: a bad name throws first
      continue;
    }
    infos[i] = b.statAt(fd, names[i], false);
    if (follow && kinds[i] === KIND.SYMLINK) {
      const t = b.statAt(fd, names[i], true);
      if (typeof t !== "number") infos[i] = t;
    }
  }
}

/**
 * Gives a backend that reads directories but has no
 * {@linkcode OptionalPrimitives.readDirChunkStat} of its own one made of
 * `readDirChunk` and `statAt`: the sync form on the calling thread, and an
 * async form that asks for every entry's stat in the same tick (one batch,
 * one hand-off for the pool).
 */
function addListingWithStat(
  b: BackendParts,
  a: Record<string, unknown>,
): void {
  addEnter(b, a);
  const read = b.readDirChunk;
  if (read === undefined || b.readDirChunkStat !== undefined) return;
  b.readDirChunkStat = (fd, out, follow) => {
    const r = read(fd, out);
    if (r > 0) statEntries(b, fd, out, follow);
    return r;
  };
  const readAsync = a.readDirChunk as
    | ((fd: number, out: DirChunk) => Promise<number>)
    | undefined;
  const statAsync = a.statAt as
    | ((fd: number, p: string, f: boolean) => Promise<StatResult | number>)
    | undefined;
  if (readAsync === undefined || statAsync === undefined) return;
  a.readDirChunkStat = async (fd: number, out: DirChunk, follow: boolean) => {
    const r = await readAsync(fd, out);
    if (r <= 0) return r;
    const infos = out.infos ??= [];
    const { names, kinds } = out;
    const n = out.count;
    const all: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      if (kinds[i] === KIND.BAD_NAME) {
        infos[i] = -22;
        continue;
      }
      const name = names[i];
      const link = follow && kinds[i] === KIND.SYMLINK;
      all.push(
        statAsync(fd, name, false).then(async (st) => {
          infos[i] = st;
          if (!link) return;
          const t = await statAsync(fd, name, true);
          if (typeof t !== "number") infos[i] = t;
        }),
      );
    }
    await Promise.all(all);
    return r;
  };
}

/** Access and modification times: seconds and nanoseconds (0 ≤ ns < 1e9). */
export interface UtimeTimes {
  atimeSec: bigint;
  atimeNsec: number;
  mtimeSec: bigint;
  mtimeNsec: number;
}

const SKIPPED: Entered = Object.freeze({
  failed: "skip",
  fd: -1,
  dev: 0,
  ino: 0,
  first: 0,
});

/**
 * Gives a backend that reads directories an
 * {@linkcode OptionalPrimitives.enterDirAt} made of its other primitives,
 * where it has none of its own: the sync form on the calling thread, the
 * async form as a sequence of the async forms (the steps of the walk as
 * before). Run before `readDirChunkStat` is filled in (it is read when
 * called).
 */
function addEnter(b: BackendParts, a: Record<string, unknown>): void {
  if (b.readDirChunk === undefined) return;
  if (b.enterDirAt === undefined) {
    b.enterDirAt = (parent, name, follow, out, withStat, followEntries) => {
      const st = b.statAt(parent, name, follow);
      if (typeof st === "number") return failed("statAt", st);
      if (!st.isDirectory) return SKIPPED;
      const fd = b.openDirAt(parent, name, follow);
      if (fd < 0) return failed("openDirAt", fd);
      const now = b.fstat(fd);
      if (typeof now === "number" || now.dev !== st.dev || now.ino !== st.ino) {
        b.close(fd);
        return typeof now === "number" ? failed("fstat", now) : SKIPPED;
      }
      out.end = false;
      const first = withStat
        ? b.readDirChunkStat!(fd, out, followEntries)
        : b.readDirChunk!(fd, out);
      return { failed: "", fd, dev: st.dev, ino: st.ino!, first };
    };
  }
  if (a.enterDirAt !== undefined) return;
  const A = a as unknown as AsyncBackend & {
    readDirChunk?: (fd: number, out: DirChunk) => Promise<number>;
    readDirChunkStat?: (
      fd: number,
      out: DirChunk,
      follow: boolean,
    ) => Promise<number>;
  };
  if (A.statAt === undefined || A.openDirAt === undefined) return;
  if (A.fstat === undefined || A.readDirChunk === undefined) return;
  a.enterDirAt = async (
    parent: number,
    name: string,
    follow: boolean,
    out: DirChunk,
    withStat: boolean,
    followEntries: boolean,
  ): Promise<Entered> => {
    const st = await A.statAt(parent, name, follow);
    if (typeof st === "number") return failed("statAt", st);
    if (!st.isDirectory) return SKIPPED;
    const fd = await A.openDirAt(parent, name, follow);
    if (fd < 0) return failed("openDirAt", fd);
    const now = await A.fstat(fd);
    if (typeof now === "number" || now.dev !== st.dev || now.ino !== st.ino) {
      b.close(fd);
      return typeof now === "number" ? failed("fstat", now) : SKIPPED;
    }
    out.end = false;
    const first = withStat
      ? await (A.readDirChunkStat !== undefined
        ? A.readDirChunkStat(fd, out, followEntries)
        : Promise.resolve(b.readDirChunkStat!(fd, out, followEntries)))
      : await A.readDirChunk!(fd, out);
    return { failed: "", fd, dev: st.dev, ino: st.ino!, first };
  };
}

function failed(step: Entered["failed"], err: number): Entered {
  return { failed: step, fd: err, dev: 0, ino: 0, first: 0 };
}
