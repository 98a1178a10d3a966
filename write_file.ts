// Copyright 2026 the dirfd authors. MIT license.
import {
  type FdLike,
  type PathLike,
  toDirFd,
  toFollow,
  toMode,
  toOptions,
  toPath,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend, hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFd } from "./_dispatch.ts";
import {
  type Backend,
  FILE_IO_MAX,
  type FilePrimitives,
  type With,
} from "./ffi/_types.ts";

/** Options for {@linkcode writeFile}, {@linkcode writeTextFile} and their Sync twins. */
export interface WriteFileOptions extends Deno.WriteFileOptions {
  /**
   * Resolve a relative `path` against this open directory instead of the
   * current directory. Ignored for absolute paths.
   */
  dirFd?: FdLike;
  /**
   * Write a temporary file beside the target (in the same directory, by
   * descriptor), sync it, rename it over the target and sync the directory:
   * readers see the old contents or the new, never a mix, and a crash
   * leaves no partial target. The target is a new file: it gets `mode`
   * (default `0o666` before the umask), not the old file's permissions.
   * Cannot be combined with `append`. Defaults to `false`.
   */
  atomic?: boolean;
  /**
   * When `false`, refuse a symlink as the last component (`O_NOFOLLOW`:
   * `FilesystemLoop`; with `atomic`, an existing link is replaced, never
   * written through), as `open` does. Beyond Deno's options. Defaults to
   * `true`.
   */
  followSymlinks?: boolean;
}

interface Req {
  b: Backend | null;
  f: FilePrimitives | undefined;
  p: string;
  given: unknown;
  dirFd: number | undefined;
  signal: AbortSignal | undefined;
  flags: number;
  /** The creation mode (0o666 unless given). */
  mode: number;
  /** Whether `mode` was given: then it is applied with `fchmod`, as Deno does. */
  chmod: boolean;
  atomic: boolean;
  createNew: boolean;
  create: boolean;
  append: boolean;
}

function bool(v: unknown, name: string, fn: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v === "boolean") return v;
  throw new TypeError(`${fn}: ${name} must be a boolean, not ${typeof v}`);
}

function check(
  path: PathLike,
  options: WriteFileOptions | undefined,
  fn: string,
): Req {
  const o = toOptions(options, fn);
  // Every option read exactly once.
  const given = o.dirFd;
  const rawAppend = o.append, rawCreate = o.create;
  const rawCreateNew = o.createNew, rawMode = o.mode;
  const signal = o.signal, rawAtomic = o.atomic;
  const follow = toFollow(o.followSymlinks, fn);
  const p = toPath(path, fn);
  const dirFd = toDirFd(given, fn);
  const append = bool(rawAppend, "append", fn, false);
  const create = bool(rawCreate, "create", fn, true);
  const createNew = bool(rawCreateNew, "createNew", fn, false);
  const atomic = bool(rawAtomic, "atomic", fn, false);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${fn}: signal must be an AbortSignal`);
  }
  const mode = rawMode === undefined ? 0o666 : toMode(rawMode, fn) & 0o777;
  if (atomic && append) {
    throw new TypeError(`${fn}: atomic cannot be combined with append`);
  }
  const b = backend();
  const f = b?.file;
  if (dirFd !== undefined && !CAPS.dirFd) throw notSupported(fn, "dirFd");
  if (atomic && (f === undefined || !canReplace(b, createNew))) {
    throw notSupported(fn, "atomic");
  }
  if (!follow && f === undefined) throw notSupported(fn, "followSymlinks");
  let flags = 0;
  if (f !== undefined) {
    // Deno: { write, create, createNew, append, truncate: !append }.
    const c = f.constants;
    flags = c.O_WRONLY | c.O_CLOEXEC | (follow ? 0 : c.O_NOFOLLOW);
    if (append) flags |= c.O_APPEND;
    if (createNew) flags |= c.O_CREAT | c.O_EXCL;
    else {
      if (create) flags |= c.O_CREAT;
      if (!append) flags |= c.O_TRUNC;
    }
  }
  if (hooks.length !== 0) audit("open", [path, null, flags]);
  return {
    b,
    f,
    p,
    given,
    dirFd,
    signal,
    flags,
    mode,
    chmod: rawMode !== undefined,
    atomic,
    createNew,
    create,
    append,
  };
}

/** A backend that can finish an atomic write (rename or link, and unlink). */
type Replacing = With<"renameAt" | "unlinkAt" | "linkAt">;

function canReplace(b: Backend | null, createNew: boolean): boolean {
  return hasPrimitive(b, "renameAt") && hasPrimitive(b, "unlinkAt") &&
    (!createNew || hasPrimitive(b, "linkAt"));
}

/** `fchmod` where the backend has it (0 where it has none, as before). */
function fchmodSync(b: Backend, fd: number, mode: number): number {
  return hasPrimitive(b, "fchmod") ? b.fchmod(fd, mode) : 0;
}

function fchmodAsync(b: Backend, fd: number, mode: number): Promise<number> {
  return hasPrimitive(b, "fchmod")
    ? b.async.fchmod(fd, mode)
    : Promise.resolve(0);
}

function toBytes(data: unknown, fn: string): Uint8Array {
  if (data instanceof Uint8Array) {
    if ((data.buffer as ArrayBuffer).detached === true) {
      throw new TypeError(`${fn}: data is detached`);
    }
    return data;
  }
  throw new TypeError(`${fn}: data must be a Uint8Array`);
}

/** Writes all of `data` to `fd`; 0 or `-errno`. */
function writeAll(f: FilePrimitives, fd: number, data: Uint8Array): number {
  let off = 0;
  while (off < data.length) {
    const r = f.write(fd, off === 0 ? data : data.subarray(off));
    if (r < 0) return r;
    off += r;
  }
  return 0;
}

/** `path` split at its last `/` (and `\` on Windows): [dir or "", name]. */
function splitPath(p: string): [string, string] {
  const i = Math.max(
    p.lastIndexOf("/"),
    Deno.build.os === "windows" ? p.lastIndexOf("\\") : -1,
  );
  if (i < 0) return ["", p];
  return [i === 0 ? "/" : p.slice(0, i), p.slice(i + 1)];
}

let counter = 0;
function tempName(base: string): string {
  const r = crypto.getRandomValues(new Uint32Array(2));
  return `.${base.slice(0, 200)}.${r[0].toString(36)}${r[1].toString(36)}${
    (counter++).toString(36)
  }.tmp`;
}

/**
 * The atomic write, sync: temp file beside the target, data, fchmod, fsync,
 * rename (or link for `createNew`), fsync of the directory.
 */
function atomicSync(
  b: Backend,
  f: FilePrimitives,
  dirfd: number,
  r: Req,
  data: Uint8Array,
): void {
  const { p } = r;
  const [dir, base] = splitPath(p);
  if (base === "" || base === "." || base === "..") {
    throw systemError(b, -21, "writefile", p);
  }
  // The directory, held by descriptor for the temp file, rename and sync.
  const d = dir === "" ? -1 : b.openDirAt(dirfd, dir, true);
  if (d < -1) throw systemError(b, d, "writefile", p);
  const at = dir === "" ? dirfd : d;
  try {
    if (!r.create && !r.createNew) {
      const st = b.statAt(at, base, true);
      if (typeof st === "number") throw systemError(b, st, "writefile", p);
    }
    const c = f.constants;
    const tmp = tempName(base);
    const tflags = c.O_WRONLY | c.O_CREAT | c.O_EXCL | c.O_CLOEXEC;
    const fd = f.openAt(at, tmp, tflags, r.mode);
    if (fd < 0) throw systemError(b, fd, "writefile", p);
    let err = writeAll(f, fd, data);
    if (err === 0 && r.chmod) err = fchmodSync(b, fd, r.mode);
    if (err === 0) err = f.sync(fd);
    const closed = b.close(fd);
    if (err === 0) err = closed;
    const rb = b as Replacing; // checked by canReplace before any call
    if (err === 0) {
      err = r.createNew
        ? rb.linkAt(at, tmp, at, base, false)
        : rb.renameAt(at, tmp, at, base);
    }
    if (err !== 0 || r.createNew) rb.unlinkAt(at, tmp, false);
    if (err !== 0) throw systemError(b, err, "writefile", p);
    // The rename itself made durable: sync the directory.
    // Windows has no directory flush: the rename is durable with the file.
    const dsync = !f.dirSync
      ? 0
      : dir === "" && dirfd === b.AT_FDCWD
      ? syncCwd(b, f)
      : f.sync(at);
    if (dsync < 0) throw systemError(b, dsync, "writefile", p);
  } finally {
    if (d >= 0) b.close(d);
  }
}

/**
 * The async twin of {@linkcode atomicSync}: the same calls in the same
 * order, each off the event loop where the backend has a twin (the writes,
 * the fsyncs, the rename).
 */
async function atomicAsync(
  b: Backend,
  f: FilePrimitives,
  dirfd: number,
  r: Req,
  data: Uint8Array,
): Promise<void> {
  const { p, signal } = r;
  const A = b.async;
  const rb = b as Replacing; // checked by canReplace before any call
  const a = b.fileAsync;
  const [dir, base] = splitPath(p);
  if (base === "" || base === "." || base === "..") {
    throw systemError(b, -21, "writefile", p);
  }
  const d = dir === "" ? -1 : await A.openDirAt(dirfd, dir, true);
  if (d < -1) throw systemError(b, d, "writefile", p);
  const at = dir === "" ? dirfd : d;
  try {
    if (!r.create && !r.createNew) {
      const st =
        await (A?.statAt?.(at, base, true) ?? b.statAt(at, base, true));
      if (typeof st === "number") throw systemError(b, st, "writefile", p);
    }
    const c = f.constants;
    const tmp = tempName(base);
    const tflags = c.O_WRONLY | c.O_CREAT | c.O_EXCL | c.O_CLOEXEC;
    const fd = await (a?.openAt(at, tmp, tflags, r.mode) ??
      f.openAt(at, tmp, tflags, r.mode));
    if (fd < 0) throw systemError(b, fd, "writefile", p);
    let err = 0;
    let aborted = false;
    try {
      for (let off = 0; off < data.length && err === 0;) {
        if (signal?.aborted) {
          aborted = true;
          break;
        }
        const view = data.subarray(off);
        const n = await (a?.write(fd, view) ?? f.write(fd, view));
        if (n < 0) err = n;
        else off += n;
      }
      if (!aborted && err === 0 && r.chmod) {
        err = await fchmodAsync(b, fd, r.mode);
      }
      if (!aborted && err === 0) err = await (a?.sync(fd) ?? f.sync(fd));
    } finally {
      const closed = b.close(fd);
      if (err === 0) err = closed;
    }
    if (!aborted && err === 0) {
      err = r.createNew
        ? await rb.async.linkAt(at, tmp, at, base, false)
        : await rb.async.renameAt(at, tmp, at, base);
    }
    if (aborted || err !== 0 || r.createNew) {
      await rb.async.unlinkAt(at, tmp, false);
    }
    if (aborted) throw signal!.reason;
    if (err !== 0) throw systemError(b, err, "writefile", p);
    let dsync = 0;
    if (!f.dirSync) {
      // No directory flush there: the rename is durable with the file.
    } else if (dir === "" && dirfd === b.AT_FDCWD) {
      const cwd = await A.openDirAt(b.AT_FDCWD, ".", true);
      if (cwd < 0) dsync = cwd;
      else {
        dsync = await (a?.sync(cwd) ?? f.sync(cwd));
        b.close(cwd);
      }
    } else dsync = await (a?.sync(at) ?? f.sync(at));
    if (dsync < 0) throw systemError(b, dsync, "writefile", p);
  } finally {
    if (d >= 0) b.close(d);
  }
}

function syncCwd(b: Backend, f: FilePrimitives): number {
  const d = b.openDirAt(b.AT_FDCWD, ".", true);
  if (d < 0) return d;
  const r = f.sync(d);
  b.close(d);
  return r;
}

/**
 * Writes `data` to a file, like `Deno.writeFileSync` (same options, flags
 * and errors: created if missing unless `create: false`, truncated unless
 * `append`; `mode` applied with `fchmod` when given), optionally relative to
 * an open directory and optionally atomic.
 *
 * Requires `--allow-ffi` for `dirFd` and `atomic`; without FFI,
 * `Deno.writeFileSync` is used (with `--allow-write`). With `--allow-ffi`
 * the call bypasses Deno's permission checks. Raises the audit event `open`
 * with `[path, null, flags]`.
 *
 * @param path The file: a path or a `file:` URL.
 * @param data The bytes to write.
 * @param options Deno's `append`, `create`, `createNew`, `mode`, plus
 * `dirFd` and `atomic`.
 * @throws {TypeError} On a malformed path, data or option.
 * @throws {Deno.errors.AlreadyExists} With `createNew` when the file exists.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors`, with Deno's
 * message (`No such file or directory (os error 2): writefile 'name'`).
 *
 * @example Replace a config file atomically beneath an open directory
 * ```ts
 * import { openDirSync, writeFileSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * using dir = openDirSync(root);
 * const data = new TextEncoder().encode("v=2\n");
 * writeFileSync("app.conf", data, { dirFd: dir, atomic: true });
 * assertEquals(Deno.readTextFileSync(`${root}/app.conf`), "v=2\n");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function writeFileSync(
  path: PathLike,
  data: Uint8Array,
  options?: Omit<WriteFileOptions, "signal">,
): void {
  const r = check(path, options, "writeFile");
  const bytes = toBytes(data, "writeFile");
  const { b, f, p, dirFd } = r;
  if (b === null || f === undefined) {
    return Deno.writeFileSync(p, bytes, options as Deno.WriteFileOptions);
  }
  const dfd = dirFd ?? b.AT_FDCWD;
  if (r.atomic) return atomicSync(b, f, dfd, r, bytes);
  const fd = f.openAt(dfd, p, r.flags, r.mode);
  if (fd < 0) throw systemError(b, fd, "writefile", p);
  let err = writeAll(f, fd, bytes);
  if (err === 0 && r.chmod) err = fchmodSync(b, fd, r.mode);
  const closed = b.close(fd);
  if (err === 0) err = closed;
  if (err < 0) throw systemError(b, err, "writefile", p);
}

async function collect(
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of stream) {
    if (signal?.aborted) throw signal.reason;
    const bytes = toBytes(chunk, "writeFile");
    parts.push(bytes);
    n += bytes.length;
  }
  const out = new Uint8Array(n);
  let off = 0;
  for (const part of parts) {
    out.set(part, off);
    off += part.length;
  }
  return out;
}

/**
 * Writes `data` to a file; the async twin of {@linkcode writeFileSync}. A
 * `ReadableStream` is accepted, as by `Deno.writeFile`; a small write is one
 * round trip to a worker (open, write, chmod, close in one request).
 *
 * Requires `--allow-ffi` for `dirFd` and `atomic`; without FFI,
 * `Deno.writeFile` is used.
 *
 * @param path The file.
 * @param data The bytes, or a stream of them.
 * @param options Deno's options plus `dirFd` and `atomic`.
 * @returns A promise that resolves once written.
 * @throws {Deno.errors.NotFound} And the other errors (as rejections); an
 * aborted `signal` rejects with its reason.
 *
 * @example Append to a log relative to a directory
 * ```ts
 * import { openDir, writeFile } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * await using dir = await openDir(root);
 * const line = new TextEncoder().encode("x\n");
 * await writeFile("log", line, { dirFd: dir, append: true });
 * await writeFile("log", line, { dirFd: dir, append: true });
 * assertEquals(Deno.readTextFileSync(`${root}/log`), "x\nx\n");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function writeFile(
  path: PathLike,
  data: Uint8Array | ReadableStream<Uint8Array>,
  options?: WriteFileOptions,
): Promise<void> {
  try {
    const r = check(path, options, "writeFile");
    const stream = isStream(data) ? data : null;
    const bytes = stream === null ? toBytes(data, "writeFile") : null;
    const { b, f, p, signal } = r;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (b === null || f === undefined) {
      return Deno.writeFile(p, data, options as Deno.WriteFileOptions);
    }
    return writeAsync(b, f, r, bytes, stream);
  } catch (e) {
    return Promise.reject(e);
  }
}

async function writeAsync(
  b: Backend,
  f: FilePrimitives,
  r: Req,
  bytes: Uint8Array | null,
  stream: ReadableStream<Uint8Array> | null,
): Promise<void> {
  const { p, signal } = r;
  const data = bytes ?? await collect(stream!, signal);
  if (signal?.aborted) throw signal.reason;
  const a = b.fileAsync;
  const err = await withDirFd(r.given, "writeFile", b.AT_FDCWD, async (d) => {
    if (r.atomic) {
      await atomicAsync(b, f, d, r, data);
      return 0;
    }
    let fd: number;
    // A pipe, FIFO or terminal may wait for its reader: its writes go
    // through Deno's blocking threads, never a pool worker.
    let waits = false;
    if (a !== undefined && data.length <= FILE_IO_MAX) {
      const w = await a.writeSmall(d, p, r.flags, r.mode, data, r.chmod);
      if (w <= 0) return w;
      fd = w - 1;
      waits = true;
    } else {
      fd = await (a?.openAt(d, p, r.flags, r.mode) ??
        f.openAt(d, p, r.flags, r.mode));
      if (fd < 0) return fd;
      waits = await a?.waits?.(fd) ?? false;
    }
    let e = 0;
    for (let off = 0; off < data.length && e === 0;) {
      if (signal?.aborted) {
        b.close(fd);
        throw signal.reason;
      }
      const view = data.subarray(off);
      const n = await (waits && a?.writeWait !== undefined
        ? a.writeWait(fd, view)
        : a?.write(fd, view) ?? f.write(fd, view));
      if (n < 0) {
        e = n;
      } else off += n;
    }
    if (e === 0 && r.chmod) {
      e = await fchmodAsync(b, fd, r.mode);
    }
    const closed = b.close(fd);
    return e === 0 ? closed : e;
  });
  if (err < 0) throw systemError(b, err, "writefile", p);
}

const encoder = new TextEncoder();

/**
 * Whether `data` is a `ReadableStream`. A value whose prototype cannot be
 * read (a proxy that throws) is not one: it then fails the data check with
 * the same `TypeError` in both twins.
 */
function isStream<T>(data: unknown): data is ReadableStream<T> {
  try {
    return data instanceof ReadableStream;
  } catch {
    return false;
  }
}

function toText(data: unknown, fn: string): string {
  if (typeof data === "string") return data;
  throw new TypeError(`${fn}: data must be a string`);
}

/**
 * Writes a string as UTF-8, like `Deno.writeTextFileSync`, optionally
 * relative to an open directory and optionally atomic.
 *
 * Requires `--allow-ffi` for `dirFd` and `atomic`. Raises the audit event
 * `open`.
 *
 * @param path The file.
 * @param data The text.
 * @param options Deno's options plus `dirFd` and `atomic`.
 * @throws {Deno.errors.NotFound} And the other errors of {@linkcode writeFileSync}.
 *
 * @example Write a text file
 * ```ts
 * import { writeTextFileSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * writeTextFileSync(`${root}/t`, "hello", { mode: 0o600 });
 * assertEquals(Deno.readTextFileSync(`${root}/t`), "hello");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function writeTextFileSync(
  path: PathLike,
  data: string,
  options?: Omit<WriteFileOptions, "signal">,
): void {
  writeFileSync(
    path,
    encoder.encode(toText(data, "writeTextFile")),
    options,
  );
}

/**
 * Writes a string (or a stream of strings) as UTF-8; the async twin of
 * {@linkcode writeTextFileSync}.
 *
 * Requires `--allow-ffi` for `dirFd` and `atomic`.
 *
 * @param path The file.
 * @param data The text, or a stream of text.
 * @param options Deno's options plus `dirFd` and `atomic`.
 * @returns A promise that resolves once written.
 * @throws {Deno.errors.NotFound} And the other errors (as rejections).
 *
 * @example Write text atomically
 * ```ts
 * import { writeTextFile } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * await writeTextFile(`${root}/t`, "new", { atomic: true });
 * assertEquals(Deno.readTextFileSync(`${root}/t`), "new");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function writeTextFile(
  path: PathLike,
  data: string | ReadableStream<string>,
  options?: WriteFileOptions,
): Promise<void> {
  try {
    const bytes = isStream(data)
      ? data.pipeThrough(new TextEncoderStream())
      : encoder.encode(toText(data, "writeTextFile"));
    return writeFile(path, bytes, options);
  } catch (e) {
    return Promise.reject(e);
  }
}

const CAPS = declareCapabilities([writeFile, writeFileSync], {
  dirFd: (b) => b?.file !== undefined && b.has.openDirAtDirFd !== false,
});
declareCapabilities([writeTextFile, writeTextFileSync], {
  dirFd: (b) => b?.file !== undefined && b.has.openDirAtDirFd !== false,
});
