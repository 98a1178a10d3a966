// Copyright 2026 the dirfd authors. MIT license.
import {
  type FdLike,
  type PathLike,
  toDirFd,
  toFollow,
  toOptions,
  toPath,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFd } from "./_dispatch.ts";
import type { Backend, FilePrimitives } from "./ffi/_types.ts";

/** Options for {@linkcode readFile}, {@linkcode readTextFile} and their Sync twins. */
export interface ReadFileOptions {
  /**
   * Resolve a relative `path` against this open directory instead of the
   * current directory. Ignored for absolute paths.
   */
  dirFd?: FdLike;
  /**
   * When `false`, refuse a symlink as the last component (`O_NOFOLLOW`:
   * `FilesystemLoop`), as `open` does; links earlier in the path are
   * followed. Beyond Deno's options. Defaults to `true`.
   */
  followSymlinks?: boolean;
  /** Abort the read (async forms only); the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** Bytes the first read asks for: files up to this size take two reads. */
const FIRST = 64 * 1024;
/** Bytes an async whole-file request reads in its one round trip. */
const SMALL = 8 * 1024;
const scratch = new Uint8Array(FIRST);

interface Req {
  b: Backend | null;
  f: FilePrimitives | undefined;
  p: string;
  given: unknown;
  dirFd: number | undefined;
  signal: AbortSignal | undefined;
  flags: number;
}

function check(
  path: PathLike,
  options: ReadFileOptions | undefined,
  fn: string,
): Req {
  const o = toOptions(options, fn);
  const p = toPath(path, fn);
  const given = o.dirFd;
  const signal = o.signal;
  const follow = toFollow(o.followSymlinks, fn);
  const dirFd = toDirFd(given, fn);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${fn}: signal must be an AbortSignal`);
  }
  const b = backend();
  const f = b?.file;
  if (dirFd !== undefined && !CAPS.dirFd) throw notSupported(fn, "dirFd");
  if (!follow && f === undefined) throw notSupported(fn, "followSymlinks");
  const flags = f === undefined
    ? 0
    : f.constants.O_RDONLY | f.constants.O_CLOEXEC |
      (follow ? 0 : f.constants.O_NOFOLLOW);
  if (hooks.length !== 0) audit("open", [path, null, flags]);
  return { b, f, p, given, dirFd, signal, flags };
}

/**
 * Internal (for `Root`): reads the open `fd` from its position to its end;
 * `-errno` on failure. Closes nothing.
 */
export function readAll(f: FilePrimitives, fd: number): Uint8Array | number {
  let buf = scratch;
  let n = f.read(fd, buf);
  if (n < 0) return n;
  if (n === 0) return new Uint8Array(0);
  for (;;) {
    if (n === buf.length) {
      // Larger than the buffer: size the next one from the file.
      const st = f.fstat(fd);
      const hint = typeof st === "number" ? 0 : st.size;
      const next = new Uint8Array(Math.max(hint + 1, buf.length * 2));
      next.set(buf.subarray(0, n));
      buf = next;
    }
    const r = f.read(fd, buf.subarray(n));
    if (r < 0) return r;
    if (r === 0) break;
    n += r;
  }
  return buf === scratch ? buf.slice(0, n) : buf.subarray(0, n);
}

/**
 * Reads a whole file, like `Deno.readFileSync`, optionally relative to an
 * open directory.
 *
 * Requires `--allow-ffi` for `dirFd`; without FFI, `Deno.readFileSync` is
 * used (with `--allow-read`). With `--allow-ffi` the call bypasses Deno's
 * read permission checks. Raises the audit event `open` with
 * `[path, null, flags]`.
 *
 * @param path The file: a path or a `file:` URL.
 * @param options `dirFd`.
 * @returns The file's bytes.
 * @throws {TypeError} On a malformed path or option.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors`, with Deno's
 * message (`No such file or directory (os error 2): readfile 'name'`).
 *
 * @example Read a file beneath an open directory
 * ```ts
 * import { openDirSync, readFileSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeFileSync(`${root}/bin`, new Uint8Array([1, 2, 3]));
 * using dir = openDirSync(root);
 * assertEquals(readFileSync("bin", { dirFd: dir }), new Uint8Array([1, 2, 3]));
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function readFileSync(
  path: PathLike,
  options?: Omit<ReadFileOptions, "signal">,
): Uint8Array<ArrayBuffer> {
  const { b, f, p, dirFd, flags } = check(path, options, "readFile");
  if (b === null || f === undefined) return Deno.readFileSync(p);
  const fd = f.openAt(dirFd ?? b.AT_FDCWD, p, flags, 0);
  if (fd < 0) throw systemError(b, fd, "readfile", p);
  const r = readAll(f, fd);
  b.close(fd);
  if (typeof r === "number") throw systemError(b, r, "readfile", p);
  return r as Uint8Array<ArrayBuffer>;
}

/**
 * Reads a whole file; the async twin of {@linkcode readFileSync}. A small
 * file takes one round trip to a worker (open, read, close in one request),
 * and concurrent calls are batched.
 *
 * Requires `--allow-ffi` for `dirFd`; without FFI, `Deno.readFile` is used.
 *
 * @param path The file.
 * @param options `dirFd` and `signal`.
 * @returns A promise for the file's bytes.
 * @throws {Deno.errors.NotFound} And the other errors (as rejections); an
 * aborted `signal` rejects with its reason.
 *
 * @example Read many files at once
 * ```ts
 * import { openDir, readFile } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * for (const n of ["a", "b"]) Deno.writeTextFileSync(`${root}/${n}`, n);
 * await using dir = await openDir(root);
 * const all = await Promise.all(["a", "b"].map((n) => readFile(n, { dirFd: dir })));
 * assertEquals(all.map((u) => u.length), [1, 1]);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function readFile(
  path: PathLike,
  options?: ReadFileOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  try {
    const req = check(path, options, "readFile");
    const { b, f, p, signal } = req;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (b === null || f === undefined) {
      return Deno.readFile(p, signal === undefined ? undefined : { signal });
    }
    return readAsync(b, f, req);
  } catch (e) {
    return Promise.reject(e);
  }
}

async function readAsync(
  b: Backend,
  f: FilePrimitives,
  { p, given, signal, flags }: Req,
): Promise<Uint8Array<ArrayBuffer>> {
  const a = b.fileAsync;
  const first = await withDirFd(
    given,
    "readFile",
    b.AT_FDCWD,
    (d) => {
      if (a !== undefined) return a.readSmall(d, p, flags, SMALL);
      const fd = f.openAt(d, p, flags, 0);
      return fd < 0 ? fd : { fd, data: new Uint8Array(0) };
    },
  );
  if (typeof first === "number") throw systemError(b, first, "readfile", p);
  const { fd } = first;
  if (fd < 0) {
    if (signal?.aborted) throw signal.reason;
    return first.data as Uint8Array<ArrayBuffer>;
  }
  // More than one request's worth: go on reading from the open descriptor.
  try {
    let buf = new Uint8Array(Math.max(first.data.length * 4, FIRST));
    buf.set(first.data);
    let n = first.data.length;
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      if (n === buf.length) {
        const next = new Uint8Array(buf.length * 2);
        next.set(buf);
        buf = next;
      }
      const view = buf.subarray(n);
      // A pipe, FIFO or terminal may wait for its writer: never on a worker.
      const r = await (first.waits && a?.readWait !== undefined
        ? a.readWait(fd, view)
        : a?.read(fd, view) ?? f.read(fd, view));
      if (r < 0) {
        throw systemError(b, r, "readfile", p);
      }
      if (r === 0) {
        break;
      }
      n += r;
    }
    return buf.subarray(0, n) as Uint8Array<ArrayBuffer>;
  } finally {
    b.close(fd);
  }
}

// Rust's from_utf8_lossy, as Deno.readTextFile: U+FFFD for bad bytes, a BOM kept.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Reads a whole file as UTF-8 text, like `Deno.readTextFileSync`
 * (malformed bytes become U+FFFD), optionally relative to an open directory.
 *
 * Requires `--allow-ffi` for `dirFd`. Raises the audit event `open`.
 *
 * @param path The file.
 * @param options `dirFd`.
 * @returns The text.
 * @throws {Deno.errors.NotFound} And the other errors of {@linkcode readFileSync}.
 *
 * @example Read a text file
 * ```ts
 * import { readTextFileSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/t`, "héllo");
 * assertEquals(readTextFileSync(`${root}/t`), "héllo");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function readTextFileSync(
  path: PathLike,
  options?: Omit<ReadFileOptions, "signal">,
): string {
  return decoder.decode(readFileSync(path, options));
}

/**
 * Reads a whole file as UTF-8 text; the async twin of
 * {@linkcode readTextFileSync}.
 *
 * Requires `--allow-ffi` for `dirFd`.
 *
 * @param path The file.
 * @param options `dirFd` and `signal`.
 * @returns A promise for the text.
 * @throws {Deno.errors.NotFound} And the other errors (as rejections).
 *
 * @example Read a text file relative to a directory
 * ```ts
 * import { openDir, readTextFile } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/t`, "hi");
 * await using dir = await openDir(root);
 * assertEquals(await readTextFile("t", { dirFd: dir }), "hi");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function readTextFile(
  path: PathLike,
  options?: ReadFileOptions,
): Promise<string> {
  return decoder.decode(await readFile(path, options));
}

const CAPS = declareCapabilities([readFile, readFileSync], {
  dirFd: (b) => b?.file !== undefined && b.has.openDirAtDirFd !== false,
});
declareCapabilities([readTextFile, readTextFileSync], {
  dirFd: (b) => b?.file !== undefined && b.has.openDirAtDirFd !== false,
});
