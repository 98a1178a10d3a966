// Copyright 2026 the dirfd authors. MIT license.
import { type FdLike, isFdLike, type PathLike, toFd, toPath } from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { Dir, newDir } from "./dir.ts";
import { type Backend, type DirChunk, KIND } from "./ffi/_types.ts";

/**
 * An entry of a directory listing: the same shape as `Deno.DirEntry`.
 *
 * The type comes from the directory listing itself (`d_type`) where the file
 * system provides it, else from an `lstat` of the entry, so a symlink is
 * reported as a symlink (`isSymlink`), never as what it points to.
 */
export type DirEntry = Deno.DirEntry;

const DONE: IteratorReturnResult<undefined> = Object.freeze({
  done: true,
  value: undefined,
});

/** Whether a failed lookup means "the entry is gone" (skipped, not thrown). */
export function vanished(b: Backend, err: number): boolean {
  const code = b.errnoName(-err);
  return code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP";
}

/**
 * The kind of entry `name` in the open directory `fd` from an `lstat`, for
 * file systems that leave `d_type` unknown; a negative error code on failure.
 */
export function kindAt(b: Backend, fd: number, name: string): number {
  const st = b.statAt(fd, name, false);
  if (typeof st === "number") return st;
  return st.isFile
    ? KIND.FILE
    : st.isDirectory
    ? KIND.DIR
    : st.isSymlink
    ? KIND.SYMLINK
    : KIND.OTHER;
}

/** The error for a name that is not valid UTF-8. */
export function badName(fn: string, lossy: string, dir: string): Error {
  const e = new Deno.errors.InvalidData(
    `${fn}: an entry name in '${dir}' is not valid UTF-8: ${
      JSON.stringify(lossy)
    }`,
  );
  (e as { code?: string }).code = "EILSEQ";
  return e;
}

/**
 * The entries of one open directory, read lazily, chunk by chunk, into
 * reused arrays. Owns its `Dir` and closes it when the listing ends, when
 * iteration stops early (`return`), on an error, or on dispose.
 */
class DirEntries implements IterableIterator<DirEntry>, Disposable, DirChunk {
  count = 0;
  names: string[] = [];
  kinds: number[] = [];
  #i = 0;
  #b: Backend;
  #dir: Dir | null;
  #fd: number;
  #what: string;

  constructor(b: Backend, dir: Dir, what: string) {
    this.#b = b;
    this.#dir = dir;
    this.#fd = dir.fd;
    this.#what = what;
  }

  next(): IteratorResult<DirEntry, undefined> {
    if (this.#dir === null) return DONE;
    const b = this.#b;
    try {
      for (;;) {
        if (this.#i < this.count) {
          const i = this.#i++;
          const name = this.names[i];
          let kind = this.kinds[i];
          if (kind === KIND.UNKNOWN) {
            kind = kindAt(b, this.#fd, name);
            if (kind < 0) {
              if (vanished(b, kind)) continue;
              throw systemError(b, kind, b.statVia, name);
            }
          } else if (kind === KIND.BAD_NAME) {
            throw badName("readDir", name, this.#what);
          }
          return {
            done: false,
            value: {
              name,
              isFile: kind === KIND.FILE,
              isDirectory: kind === KIND.DIR,
              isSymlink: kind === KIND.SYMLINK,
            },
          };
        }
        const r = b.readDirChunk!(this.#fd, this);
        if (r < 0) throw systemError(b, r, "readdir", this.#what);
        if (r === 0) {
          this.#close();
          return DONE;
        }
        this.#i = 0;
      }
    } catch (e) {
      this.#close();
      throw e;
    }
  }

  return(): IteratorResult<DirEntry, undefined> {
    this.#close();
    return DONE;
  }

  [Symbol.iterator](): this {
    return this;
  }

  [Symbol.dispose](): void {
    this.#close();
  }

  #close(): void {
    const dir = this.#dir;
    if (dir === null) return;
    this.#dir = null;
    this.count = this.#i = 0;
    this.names.length = this.kinds.length = 0;
    dir.close();
  }
}

/** Fallback without FFI: `Deno.readDirSync` entries, same shape. */
function* denoEntries(p: string): Generator<DirEntry, undefined> {
  for (const e of Deno.readDirSync(p)) {
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
 * @param path The directory: a path, `file:` URL or descriptor.
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
 * import assert from "node:assert/strict";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/a.txt`, "");
 * Deno.mkdirSync(`${root}/sub`);
 * const names = [...readDirSync(root)].map((e) =>
 *   `${e.name}${e.isDirectory ? "/" : ""}`
 * );
 * assert.deepEqual(names.sort(), ["a.txt", "sub/"]);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function readDirSync(
  path: PathLike | FdLike,
): IterableIterator<DirEntry> & Disposable {
  const b = backend();
  if (isFdLike(path)) {
    const fd = toFd(path, "readDir");
    if (!CAPS.fd) throw notSupported("readDir", "fd");
    if (hooks.length !== 0) audit("os.scandir", [fd]);
    const own = b!.dupDir!(fd);
    if (own < 0) throw systemError(b!, own, "openat", String(fd));
    const what = path instanceof Dir ? path.path : `fd ${fd}`;
    return new DirEntries(b!, newDir(own, what), what);
  }
  const p = toPath(path, "readDir");
  if (hooks.length !== 0) audit("os.scandir", [path]);
  if (b?.readDirChunk === undefined) {
    return denoEntries(p);
  }
  const fd = b.openDirAt(b.AT_FDCWD, p, true);
  if (fd < 0) throw systemError(b, fd, "readdir", p);
  return new DirEntries(b, newDir(fd, p), p);
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
 * Requires `--allow-ffi` for descriptors; without it, paths are listed with
 * `Deno.readDirSync`.
 *
 * @param path The directory: a path, `file:` URL or descriptor.
 * @returns An async iterable of {@linkcode DirEntry} objects.
 * @throws {Deno.errors.NotFound} And the other errors of
 * {@linkcode readDirSync}, as rejections.
 *
 * @example List a directory through an open descriptor
 * ```ts
 * import { openDirSync, readDir } from "@dirfd/dirfd";
 * import assert from "node:assert/strict";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/note.md`, "");
 * using dir = openDirSync(root);
 * const names: string[] = [];
 * for await (const entry of readDir(dir)) names.push(entry.name);
 * assert.deepEqual(names, ["note.md"]);
 * assert.equal(dir.closed, false); // the caller's descriptor stays open
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function* readDir(
  path: PathLike | FdLike,
): AsyncGenerator<DirEntry, undefined> {
  const it = readDirSync(path);
  try {
    for (let r = it.next(); r.done !== true; r = it.next()) yield r.value;
  } finally {
    it.return!();
  }
}

const CAPS = declareCapabilities([readDir, readDirSync], {
  fd: (b) =>
    typeof b?.readDirChunk === "function" && typeof b?.dupDir === "function",
});
