// Copyright 2026 the dirfd authors. MIT license.
import {
  type FdLike,
  fdOfArg,
  isFdLike,
  type PathLike,
  stillOpen,
  toBool,
  toFdArg,
  toOptions,
  toPath,
} from "./_args.ts";
import { join } from "./_path.ts";
import { type FileInfo, fromDenoFileInfo } from "./_file_info.ts";
import { audit, hooks } from "./_audit.ts";
import { backend, hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import {
  Call,
  call,
  type Core,
  driveAsync,
  perform,
  performAsync,
  SyncDriver,
} from "./_drive.ts";
import { acquire, type Dir, type Handle, newDir, release } from "./dir.ts";
import { type Backend, type DirChunk, KIND } from "./ffi/_types.ts";
import { badName, kindAt, vanished } from "./_listing.ts";

/**
 * An entry of a directory listing: the same shape as `Deno.DirEntry`.
 *
 * The type comes from the directory listing itself (`d_type`) where the file
 * system provides it, else from an `lstat` of the entry, so a symlink is
 * reported as a symlink (`isSymlink`), never as what it points to.
 */
export type DirEntry = Deno.DirEntry;

/** An entry of a listing with `stat: true`: a {@linkcode DirEntry} and its metadata. */
export interface DirEntryWithInfo extends Deno.DirEntry {
  /**
   * The entry's metadata, as `lstat` describes it (a symlink is described
   * as itself), read with the listing.
   */
  info: FileInfo;
}

/** Options of {@linkcode readDir} and {@linkcode readDirSync}. */
export interface ReadDirOptions {
  /**
   * Describe every entry: each carries `info`, its {@linkcode FileInfo}
   * (`lstat`'s), fetched with the listing itself (on Linux, one pool request
   * per chunk of entries, not one per entry). An entry that disappears
   * before it could be described is skipped.
   *
   * @default {false}
   */
  stat?: boolean;
}

/**
 * The core of both twins (see `_drive.ts`): the entries of one open
 * directory, read lazily, chunk by chunk, into reused arrays. Owns `dir` and
 * closes it when the listing ends, when iteration stops early, or on an
 * error.
 */
function* listing(
  b: Backend,
  dir: Dir,
  what: string,
  stat: boolean,
): Core<DirEntry> {
  const fd = dir.fd;
  const chunk: DirChunk = { count: 0, names: [], kinds: [], infos: [] };
  try {
    for (;;) {
      const r = stat
        ? yield* call("readDirChunkStat", fd, chunk, false)
        : yield* call("readDirChunk", fd, chunk);
      if (r < 0) throw systemError(b, r, b.syscall.readDirChunk, what);
      if (r === 0) return;
      const { names, kinds } = chunk;
      for (let i = 0; i < chunk.count; i++) {
        const name = names[i];
        let kind = kinds[i];
        if (stat && kind !== KIND.BAD_NAME) {
          const info = chunk.infos![i];
          if (typeof info === "number") {
            if (vanished(b, info)) continue;
            throw systemError(b, info, b.syscall.statAt, name);
          }
          yield {
            name,
            isFile: info.isFile,
            isDirectory: info.isDirectory,
            isSymlink: info.isSymlink,
            info,
          } as DirEntryWithInfo;
          continue;
        }
        if (kind === KIND.UNKNOWN) {
          kind = yield* kindAt(fd, name);
          if (kind < 0) {
            if (vanished(b, kind)) continue;
            throw systemError(b, kind, b.syscall.statAt, name);
          }
        } else if (kind === KIND.BAD_NAME) {
          throw badName("readDir", name, what);
        }
        yield {
          name,
          isFile: kind === KIND.FILE,
          isDirectory: kind === KIND.DIR,
          isSymlink: kind === KIND.SYMLINK,
        };
      }
    }
  } finally {
    dir.close();
  }
}

/**
 * How a listing starts, once the arguments are checked and the audit event
 * raised: the call that opens the directory (`null`: no FFI, use Deno's
 * listing of `path`), and the `Dir` given as `path`, if any.
 */
interface Start {
  b: Backend;
  open: Call | null;
  path: string;
  what: string;
  syscall: string;
  given: Handle | null;
  stat: boolean;
}

function start(
  path: PathLike | FdLike,
  options: ReadDirOptions | undefined,
): Start {
  const o = toOptions(options, "readDir");
  const stat = toBool(o.stat, "readDir", "stat", false);
  const b = backend();
  if (isFdLike(path)) {
    const fdArg = toFdArg(path, "readDir");
    const fd = fdOfArg(fdArg, "readDir");
    if (!CAPS.fd) throw notSupported("readDir", "fd");
    if (hooks.length !== 0) {
      audit("os.scandir", [fd]);
      stillOpen("readDir", fdArg);
    }
    const given = typeof fdArg === "number" ? null : fdArg;
    return {
      b: b!,
      open: new Call("dupDir", [fd]),
      path: String(fd),
      what: given !== null ? given.path : `fd ${fd}`,
      syscall: "openat",
      given,
      stat,
    };
  }
  const p = toPath(path, "readDir");
  if (hooks.length !== 0) audit("os.scandir", [path]);
  return {
    b: b!,
    open: !hasPrimitive(b, "readDirChunk")
      ? null
      : new Call("openDirAt", [b.AT_FDCWD, p, true]),
    path: p,
    what: p,
    syscall: "readdir",
    given: null,
    stat,
  };
}

/** The listing core over the descriptor `start.open` returned. */
function opened(s: Start, fd: number): Core<DirEntry> {
  if (fd < 0) throw systemError(s.b, fd, s.syscall, s.path);
  return listing(s.b, newDir(fd, s.what), s.what, s.stat);
}

/** `lstat` of `name` in `p`, or null when it is gone (no-FFI fallback). */
function denoInfo(p: string, name: string): FileInfo | null {
  try {
    return fromDenoFileInfo(Deno.lstatSync(join(p, name)));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** Fallback without FFI: `Deno.readDirSync` entries, same shape. */
function* denoEntries(
  p: string,
  stat: boolean,
): Generator<DirEntry, undefined> {
  for (const e of Deno.readDirSync(p)) {
    if (stat) {
      const info = denoInfo(p, e.name);
      if (info === null) continue;
      yield {
        name: e.name,
        isFile: info.isFile,
        isDirectory: info.isDirectory,
        isSymlink: info.isSymlink,
        info,
      } as DirEntryWithInfo;
      continue;
    }
    yield {
      name: e.name,
      isFile: e.isFile,
      isDirectory: e.isDirectory,
      isSymlink: e.isSymlink,
    };
  }
}

/** Fallback without FFI: `Deno.readDir` entries, same shape. */
async function* denoEntriesAsync(
  p: string,
  stat: boolean,
): AsyncGenerator<DirEntry, undefined> {
  for await (const e of Deno.readDir(p)) {
    if (stat) {
      let info: FileInfo;
      try {
        info = fromDenoFileInfo(await Deno.lstat(join(p, e.name)));
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) continue;
        throw err;
      }
      yield {
        name: e.name,
        isFile: info.isFile,
        isDirectory: info.isDirectory,
        isSymlink: info.isSymlink,
        info,
      } as DirEntryWithInfo;
      continue;
    }
    yield {
      name: e.name,
      isFile: e.isFile,
      isDirectory: e.isDirectory,
      isSymlink: e.isSymlink,
    };
  }
}

/**
 * Lists a directory, like Python's `os.scandir` and `Deno.readDirSync`,
 * without `.` and `..`, in the order the file system returns entries.
 *
 * `path` may be a path, a `file:` URL, or an open descriptor (a number or a
 * {@linkcode Dir}) of a directory. A descriptor is not consumed: the
 * directory is opened once more through it (`openat(fd, ".")`), so the
 * caller's descriptor keeps its read position and stays open. Reading it
 * needs search permission on the directory.
 *
 * Entries are read lazily, a chunk at a time (`getdents64` on Linux); their
 * type comes from the listing itself, or from an `lstat` where the file
 * system does not report it. The directory is opened when `readDirSync` is
 * called and closed when iteration ends, stops early (`break`), or throws;
 * the result is also `Disposable` for a listing abandoned before its end. An
 * entry that disappears before its type could be read is skipped.
 *
 * Requires `--allow-ffi` for descriptors, which bypasses Deno's read
 * permission checks; without it, paths go through `Deno.readDirSync` (and
 * `--allow-read`). Raises the audit event `os.scandir` with `[path]` (the
 * descriptor number for a descriptor).
 *
 * With `stat: true`, each entry also carries `info`, its `lstat`
 * ({@linkcode DirEntryWithInfo}), read with the listing.
 *
 * @param path The directory: a path, `file:` URL or descriptor.
 * @param options {@linkcode ReadDirOptions}: `stat` to describe each entry.
 * @returns An iterable of {@linkcode DirEntry} objects.
 * @throws {TypeError} On a malformed path or descriptor.
 * @throws {Deno.errors.NotSupported} For a descriptor where reading one is
 * unavailable (see {@linkcode supportsFd}).
 * @throws {Deno.errors.NotFound} When `path` does not exist;
 * `NotADirectory` when it is not a directory, and other `Deno.errors`.
 * @throws {Deno.errors.InvalidData} While iterating, for an entry name that
 * is not valid UTF-8 (never a lossy string).
 *
 * @example List a directory
 * ```ts
 * import { readDirSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/a.txt`, "");
 * Deno.mkdirSync(`${root}/sub`);
 * const names = [...readDirSync(root)].map((e) =>
 *   `${e.name}${e.isDirectory ? "/" : ""}`
 * );
 * assertEquals(names.sort(), ["a.txt", "sub/"]);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function readDirSync(
  path: PathLike | FdLike,
  options: ReadDirOptions & { stat: true },
): IterableIterator<DirEntryWithInfo> & Disposable;
/**
 * {@linkcode readDirSync} without `stat: true`: entries carry no `info`.
 *
 * @param path See the signature above.
 * @param options See the signature above.
 * @returns See the signature above.
 */
export function readDirSync(
  path: PathLike | FdLike,
  options?: ReadDirOptions,
): IterableIterator<DirEntry> & Disposable;
export function readDirSync(
  path: PathLike | FdLike,
  options?: ReadDirOptions,
): IterableIterator<DirEntry> & Disposable {
  const s = start(path, options);
  if (s.open === null) return denoEntries(s.path, s.stat);
  return new SyncDriver(s.b, opened(s, perform(s.b, s.open) as number));
}

/**
 * Lists a directory; the async twin of {@linkcode readDirSync}, like
 * `Deno.readDir`, with the same entries, audit event and errors.
 *
 * Nothing happens until iteration starts: the arguments are checked, the
 * audit event raised and the directory opened on the first `next()`, so
 * every error arrives as a rejection. The directory is closed when iteration
 * ends, stops early or throws.
 *
 * Every syscall (the open, each `getdents64` chunk, the `lstat` of an entry
 * of unknown type) runs off the main thread where the backend has async
 * twins (Linux), each with its own errno; a {@linkcode Dir} given as `path`
 * stays pinned until the listing's own descriptor is open.
 *
 * Requires `--allow-ffi` for descriptors; without it, paths are listed with
 * `Deno.readDir`.
 *
 * With `stat: true`, each entry's `info` comes from the same request that
 * read its chunk of the listing (Linux: `getdents64` and a `statx` per
 * entry in one worker task): one hand-off per chunk, not per entry.
 *
 * @param path The directory: a path, `file:` URL or descriptor.
 * @param options {@linkcode ReadDirOptions}: `stat` to describe each entry.
 * @returns An async iterable of {@linkcode DirEntry} objects.
 * @throws {Deno.errors.NotFound} And the other errors of
 * {@linkcode readDirSync}, as rejections.
 *
 * @example List a directory through an open descriptor
 * ```ts
 * import { openDirSync, readDir } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/note.md`, "");
 * using dir = openDirSync(root);
 * const names: string[] = [];
 * for await (const entry of readDir(dir)) names.push(entry.name);
 * assertEquals(names, ["note.md"]);
 * assertEquals(dir.closed, false); // the caller's descriptor stays open
 * Deno.removeSync(root, { recursive: true });
 * ``` *
 * @example Sizes from the listing itself
 * ```ts
 * import { readDir } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/a.txt`, "four");
 * const sizes: Record<string, number> = {};
 * for await (const e of readDir(root, { stat: true })) {
 *   sizes[e.name] = e.info.size;
 * }
 * assertEquals(sizes, { "a.txt": 4 });
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function readDir(
  path: PathLike | FdLike,
  options: ReadDirOptions & { stat: true },
): AsyncGenerator<DirEntryWithInfo, undefined>;
/**
 * {@linkcode readDir} without `stat: true`: entries carry no `info`.
 *
 * @param path See the signature above.
 * @param options See the signature above.
 * @returns See the signature above.
 */
export function readDir(
  path: PathLike | FdLike,
  options?: ReadDirOptions,
): AsyncGenerator<DirEntry, undefined>;
export async function* readDir(
  path: PathLike | FdLike,
  options?: ReadDirOptions,
): AsyncGenerator<DirEntry, undefined> {
  const s = start(path, options);
  if (s.open === null) return yield* denoEntriesAsync(s.path, s.stat);
  // A given Dir stays pinned (open, its number not reused) while it is in
  // use; the listing itself reads a descriptor of its own.
  s.given?.[acquire]("readDir");
  let fd: number;
  try {
    fd = await performAsync(s.b, s.open) as number;
  } finally {
    s.given?.[release]();
  }
  return yield* driveAsync(s.b, opened(s, fd));
}

const CAPS = declareCapabilities([readDir, readDirSync], {
  fd: (b) => hasPrimitive(b, "readDirChunk") && hasPrimitive(b, "dupDir"),
});
