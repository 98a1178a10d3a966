// Copyright 2026 the dirfd authors. MIT license.
import {
  type FdLike,
  type PathLike,
  toDirFd,
  toMode,
  toOptions,
  toPath,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFd } from "./_dispatch.ts";
import { type File, newFile } from "./file.ts";
import { platformFileConstants } from "./ffi/_load.ts";
import type { Backend, FilePrimitives } from "./ffi/_types.ts";

type FileConstants = FilePrimitives["constants"];

/** Options for {@linkcode open} and {@linkcode openSync}. */
export interface OpenOptions extends Deno.OpenOptions {
  /**
   * Resolve a relative `path` against this open directory instead of the
   * current directory. Ignored for absolute paths.
   */
  dirFd?: FdLike;
  /**
   * When `false`, refuse to open `path` if its last component is a symlink
   * (`O_NOFOLLOW`: `FilesystemLoop` on Linux and macOS). Symlinks in earlier
   * components are still followed. Defaults to `true`.
   */
  followSymlinks?: boolean;
  /**
   * Further `O_*` flags ORed into the ones the options above give, for what
   * `Deno.OpenOptions` cannot say: {@linkcode O_DIRECTORY},
   * {@linkcode O_NOATIME}, {@linkcode O_SYNC}, {@linkcode O_DSYNC},
   * {@linkcode O_NONBLOCK}, {@linkcode O_TMPFILE}, {@linkcode O_PATH}, …
   * (each `undefined` where the platform lacks it). `O_CLOEXEC` is always
   * set.
   */
  flags?: number;
}

const K = platformFileConstants();

/** `O_RDONLY`: open for reading only. `undefined` where `open` has no flags. */
export const O_RDONLY: number | undefined = K?.O_RDONLY;
/** `O_WRONLY`: open for writing only. */
export const O_WRONLY: number | undefined = K?.O_WRONLY;
/** `O_RDWR`: open for reading and writing. */
export const O_RDWR: number | undefined = K?.O_RDWR;
/** `O_APPEND`: every write goes to the end. */
export const O_APPEND: number | undefined = K?.O_APPEND;
/** `O_CREAT`: create the file if missing. */
export const O_CREAT: number | undefined = K?.O_CREAT;
/** `O_EXCL`: with `O_CREAT`, fail if the name exists. */
export const O_EXCL: number | undefined = K?.O_EXCL;
/** `O_TRUNC`: truncate to length 0. */
export const O_TRUNC: number | undefined = K?.O_TRUNC;
/** `O_NONBLOCK`: non-blocking open and I/O (FIFOs, devices). */
export const O_NONBLOCK: number | undefined = K?.O_NONBLOCK;
/** `O_NOCTTY`: a terminal does not become the controlling terminal. */
export const O_NOCTTY: number | undefined = K?.O_NOCTTY;
/** `O_CLOEXEC`: always set by {@linkcode open}. */
export const O_CLOEXEC: number | undefined = K?.O_CLOEXEC;
/** `O_DIRECTORY`: fail unless the path is a directory. */
export const O_DIRECTORY: number | undefined = K?.O_DIRECTORY;
/** `O_NOFOLLOW`: fail if the last component is a symlink (`followSymlinks: false`). */
export const O_NOFOLLOW: number | undefined = K?.O_NOFOLLOW;
/** `O_SYNC`: writes return once data and metadata are on the device. */
export const O_SYNC: number | undefined = K?.O_SYNC;
/** `O_DSYNC`: writes return once data is on the device. */
export const O_DSYNC: number | undefined = K?.O_DSYNC;
/** `O_NOATIME` (Linux): do not update the access time. */
export const O_NOATIME: number | undefined = K?.O_NOATIME;
/** `O_PATH` (Linux): a descriptor for the path only, no I/O. */
export const O_PATH: number | undefined = K?.O_PATH;
/** `O_TMPFILE` (Linux): an unnamed file in the directory `path`. */
export const O_TMPFILE: number | undefined = K?.O_TMPFILE;
/** `O_DIRECT` (Linux): bypass the page cache. */
export const O_DIRECT: number | undefined = K?.O_DIRECT;
/** `O_NOFOLLOW_ANY` (macOS): no symlink in any component. */
export const O_NOFOLLOW_ANY: number | undefined = K?.O_NOFOLLOW_ANY;
/** `O_SYMLINK` (macOS): open a symlink itself. */
export const O_SYMLINK: number | undefined = K?.O_SYMLINK;
/** `O_EXLOCK` (macOS): take an exclusive lock while opening. */
export const O_EXLOCK: number | undefined = K?.O_EXLOCK;
/** `O_SHLOCK` (macOS): take a shared lock while opening. */
export const O_SHLOCK: number | undefined = K?.O_SHLOCK;

const DENO_KEYS = [
  "read",
  "write",
  "append",
  "truncate",
  "create",
  "createNew",
] as const;

/** The checked request: flags, mode, and where. */
interface OpenRequest {
  b: Backend;
  f: FilePrimitives;
  p: string;
  flags: number;
  mode: number;
  dirFd: number | undefined;
  given: unknown;
}

function bool(v: unknown, name: string, fn: string): boolean | undefined {
  if (v === undefined || typeof v === "boolean") return v;
  throw new TypeError(`${fn}: ${name} must be a boolean, not ${typeof v}`);
}

/**
 * Deno's `OpenOptions` rules and flag mapping (ext/fs `checkOpenOptions`,
 * Rust std `get_access_mode`/`get_creation_mode`), on options read once.
 * Returns the flags without `O_CLOEXEC`, or throws Deno's error.
 */
export function openFlags(
  o: Partial<OpenOptions>,
  c: FileConstants,
  p: string,
  fn = "open",
): { flags: number; mode: number } {
  // Every option read exactly once.
  const v: Record<(typeof DENO_KEYS)[number], boolean | undefined> = {
    read: bool(o.read, "read", fn),
    write: bool(o.write, "write", fn),
    append: bool(o.append, "append", fn),
    truncate: bool(o.truncate, "truncate", fn),
    create: bool(o.create, "create", fn),
    createNew: bool(o.createNew, "createNew", fn),
  };
  const rawMode = o.mode;
  const extra = o.flags;
  const nofollow = bool(o.followSymlinks, "followSymlinks", fn) === false;
  const mode = rawMode === undefined ? 0o666 : toMode(rawMode, fn) & 0o777;
  let more = 0;
  if (extra !== undefined) {
    if (
      typeof extra !== "number" || !Number.isInteger(extra) || extra < 0 ||
      extra > 0x7fffffff
    ) {
      throw new TypeError(
        `${fn}: flags must be a non-negative 32-bit integer, not ${
          String(extra)
        }`,
      );
    }
    more = extra;
  }
  const denoKeyGiven = DENO_KEYS.some((k) => v[k] !== undefined) ||
    rawMode !== undefined;
  // Options that carry only dirfd's own keys read, as `open(path)` does
  // (`{}` itself is Deno's error).
  if (
    !denoKeyGiven &&
    (o.dirFd != null || o.followSymlinks !== undefined || extra !== undefined)
  ) v.read = true;
  if (!DENO_KEYS.some((k) => v[k] === true)) {
    throw new Error("'options' requires at least one option to be true");
  }
  if (v.truncate && !v.write) {
    throw new Error("'truncate' option requires 'write' to be true");
  }
  if ((v.create || v.createNew) && !(v.write || v.append)) {
    throw new Error(
      "'create' or 'createNew' options require 'write' or 'append' to be true",
    );
  }
  const read = v.read === true, write = v.write === true;
  const append = v.append === true;
  let flags = append
    ? (read ? c.O_RDWR : c.O_WRONLY) | c.O_APPEND
    : read && write
    ? c.O_RDWR
    : write
    ? c.O_WRONLY
    : c.O_RDONLY;
  if (!read && !write && !append) {
    const e = new TypeError(
      `must specify at least one of read, write, or append access: open '${p}'`,
    );
    Object.assign(e, { code: "EINVAL" });
    throw e;
  }
  if (append && v.truncate && !v.createNew) {
    const e = new TypeError(
      `creating or truncating a file requires write or append access: open '${p}'`,
    );
    Object.assign(e, { code: "EINVAL" });
    throw e;
  }
  if (v.createNew) flags |= c.O_CREAT | c.O_EXCL;
  else {
    if (v.create) flags |= c.O_CREAT;
    if (v.truncate) flags |= c.O_TRUNC;
  }
  if (nofollow) flags |= c.O_NOFOLLOW;
  return { flags: flags | more, mode };
}

/** What `open(path)` without options means: Deno's default, `{ read: true }`. */
const NO_OPTIONS: Partial<OpenOptions> = Object.freeze({ read: true });

/**
 * Internal: the options, each read exactly once, as a plain object (what is
 * then validated, audited and used, however often it is read).
 */
export function openOptionsOnce(
  options: OpenOptions | undefined,
  fn: string,
): Partial<OpenOptions> {
  if (options === undefined) return NO_OPTIONS;
  const o = toOptions(options, fn);
  return {
    read: o.read,
    write: o.write,
    append: o.append,
    truncate: o.truncate,
    create: o.create,
    createNew: o.createNew,
    mode: o.mode,
    dirFd: o.dirFd,
    followSymlinks: o.followSymlinks,
    flags: o.flags,
  };
}

function check(
  path: PathLike,
  options: OpenOptions | undefined,
  fn: string,
): OpenRequest {
  const o = openOptionsOnce(options, fn);
  const p = toPath(path, fn);
  const given = o.dirFd;
  const dirFd = toDirFd(given, fn);
  const b = backend();
  const f = b?.file;
  const c = f?.constants ?? K;
  // Windows: raw `flags` are POSIX bits, with no meaning there.
  if (o.flags !== undefined && f !== undefined && !f.rawFlags) {
    throw notSupported(fn, "flags");
  }
  if (c === undefined) throw notSupported(fn, "File");
  const { flags, mode } = openFlags(o, c, p, fn);
  if (b === null || f === undefined) throw notSupported(fn, "File");
  if (dirFd !== undefined && !CAPS.dirFd) throw notSupported(fn, "dirFd");
  const all = flags | c.O_CLOEXEC;
  if (hooks.length !== 0) audit("open", [path, null, all]);
  return { b, f, p, flags: all, mode, dirFd, given };
}

/**
 * Opens a file and returns a {@linkcode File}, like `Deno.openSync` with
 * Python's `os.open` additions: `dirFd`, `followSymlinks` and raw `flags`.
 *
 * The options are `Deno.OpenOptions` with Deno's defaults (read only), flag
 * mapping and errors: `{}` and the invalid combinations throw the `Error`
 * Deno throws, with its text. Options holding only `dirFd`,
 * `followSymlinks` or `flags` open for reading. `mode` (default `0o666`,
 * before the umask) is masked to `0o777`. The descriptor is always
 * close-on-exec.
 *
 * Requires `--allow-ffi`, which bypasses Deno's read and write permission
 * checks. Raises the audit event `open` with `[path, null, flags]`, like
 * Python's `os.open`.
 *
 * @param path The file to open: a path or a `file:` URL.
 * @param options `Deno.OpenOptions`, `dirFd`, `followSymlinks`, `flags`.
 * @returns The open {@linkcode File}; close it (or use `using`) when done.
 * @throws {TypeError} On a malformed path, `dirFd` or option.
 * @throws {Error} Deno's errors for invalid option combinations.
 * @throws {Deno.errors.NotSupported} Without `--allow-ffi` or file support.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` for the OS
 * error, with Deno's message (`No such file or directory (os error 2): open 'name'`).
 *
 * @example Create a file beneath an open directory
 * ```ts
 * import { openDirSync, openSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * using dir = openDirSync(root);
 * {
 *   using file = openSync("hello.txt", { dirFd: dir, write: true, createNew: true });
 *   file.writeSync(new TextEncoder().encode("hi"));
 * }
 * assertEquals(Deno.readTextFileSync(`${root}/hello.txt`), "hi");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function openSync(path: PathLike, options?: OpenOptions): File {
  const { b, f, p, flags, mode, dirFd } = check(path, options, "open");
  const fd = f.openAt(dirFd ?? b.AT_FDCWD, p, flags, mode);
  if (fd < 0) throw systemError(b, fd, "open", p);
  return newFile(fd, p);
}

/**
 * Opens a file and returns a {@linkcode File}; the async twin of
 * {@linkcode openSync}. The open runs off the event loop, so opening a FIFO
 * that waits for its other end does not block the program.
 *
 * Requires `--allow-ffi`.
 *
 * @param path The file to open.
 * @param options `Deno.OpenOptions`, `dirFd`, `followSymlinks`, `flags`.
 * @returns A promise for the open {@linkcode File}.
 * @throws {Deno.errors.NotFound} And the other errors of {@linkcode openSync}
 * (as rejections).
 *
 * @example Read a file relative to a directory
 * ```ts
 * import { open, openDir } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/a.txt`, "abc");
 * await using dir = await openDir(root);
 * await using file = await open("a.txt", { dirFd: dir });
 * const buf = new Uint8Array(8);
 * assertEquals(await file.read(buf), 3);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function open(
  path: PathLike,
  options?: OpenOptions,
): Promise<File> {
  const { b, f, p, flags, mode, given } = check(path, options, "open");
  const a = b.fileAsync;
  const fd = await withDirFd(
    given,
    "open",
    b.AT_FDCWD,
    (d) => a?.openAt(d, p, flags, mode) ?? f.openAt(d, p, flags, mode),
  );
  if (fd < 0) throw systemError(b, fd, "open", p);
  return newFile(fd, p);
}

/**
 * Internal (for `Root`): opens `leaf` in the open directory `dirfd`, never
 * following a symlink there (`O_NOFOLLOW`), with `o` as checked by
 * {@linkcode openOptionsOnce}; the File's path is `path`. The audit event is
 * raised by the caller. Returns the File or `-errno`.
 */
export function openLeafSync(
  dirfd: number,
  leaf: string,
  o: Partial<OpenOptions>,
  path: string,
  fn: string,
): File | number {
  const { f, flags, mode } = leafRequest(o, path, fn);
  const fd = f.openAt(dirfd, leaf, flags, mode);
  return fd < 0 ? fd : newFile(fd, path);
}

/** The async twin of {@linkcode openLeafSync} (the open off the loop). */
export async function openLeaf(
  dirfd: number,
  leaf: string,
  o: Partial<OpenOptions>,
  path: string,
  fn: string,
): Promise<File | number> {
  const { b, f, flags, mode } = leafRequest(o, path, fn);
  const a = b.fileAsync;
  const fd = await (a?.openAt(dirfd, leaf, flags, mode) ??
    f.openAt(dirfd, leaf, flags, mode));
  return fd < 0 ? fd : newFile(fd, path);
}

function leafRequest(o: Partial<OpenOptions>, path: string, fn: string) {
  const b = backend();
  const f = b?.file;
  if (b === null || f === undefined) throw notSupported(fn, "File");
  if (o.flags !== undefined && !f.rawFlags) throw notSupported(fn, "flags");
  const { flags, mode } = openFlags(
    { ...o, followSymlinks: false },
    f.constants,
    path,
    fn,
  );
  const all = flags | f.constants.O_CLOEXEC;
  if (hooks.length !== 0) audit("open", [path, null, all]);
  return { b, f, flags: all, mode };
}

/** Options for {@linkcode create} and {@linkcode createSync}. */
export interface CreateOptions {
  /** Resolve a relative `path` against this open directory. */
  dirFd?: FdLike;
}

function createOptions(
  options: CreateOptions | undefined,
  fn: string,
): OpenOptions {
  const o = toOptions(options, fn);
  return {
    read: true,
    write: true,
    create: true,
    truncate: true,
    dirFd: o.dirFd,
  };
}

/**
 * Creates a file (or truncates an existing one) and opens it for reading
 * and writing, like `Deno.createSync`, optionally relative to `dirFd`.
 *
 * Requires `--allow-ffi`. Raises the audit event `open`.
 *
 * @param path The file to create.
 * @param options `dirFd`.
 * @returns The open {@linkcode File}.
 * @throws {Deno.errors.NotFound} And the other errors of {@linkcode openSync}.
 *
 * @example Create an empty file
 * ```ts
 * import { createSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * createSync(`${root}/new`).close();
 * assertEquals(Deno.statSync(`${root}/new`).size, 0);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function createSync(path: PathLike, options?: CreateOptions): File {
  return openSync(path, createOptions(options, "create"));
}

/**
 * Creates a file (or truncates it) and opens it for reading and writing;
 * the async twin of {@linkcode createSync}.
 *
 * Requires `--allow-ffi`.
 *
 * @param path The file to create.
 * @param options `dirFd`.
 * @returns A promise for the open {@linkcode File}.
 * @throws {Deno.errors.NotFound} And the other errors (as rejections).
 *
 * @example Create and write
 * ```ts
 * import { create } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * await using file = await create(`${root}/new`);
 * assertEquals(await file.write(new Uint8Array([1, 2])), 2);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function create(
  path: PathLike,
  options?: CreateOptions,
): Promise<File> {
  try {
    return open(path, createOptions(options, "create"));
  } catch (e) {
    return Promise.reject(e);
  }
}

const CAPS = declareCapabilities([open, openSync], {
  dirFd: (b) => b?.file !== undefined && b.has.openDirAtDirFd !== false,
  followSymlinks: (b) => b?.file !== undefined,
});
declareCapabilities([create, createSync], {
  dirFd: (b) => b?.file !== undefined && b.has.openDirAtDirFd !== false,
});
