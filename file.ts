// Copyright 2026 the dirfd authors. MIT license.
import { toLength, toTimespec } from "./_args.ts";
import { backend, hasPrimitive } from "./_backend.ts";
import { closedFile, notSupported, systemError } from "./_errors.ts";
import type { FileInfo } from "./_file_info.ts";
import { acquire, addHandle, release } from "./dir.ts";
import {
  type AsyncFilePrimitives,
  type Backend,
  FILE_IO_MAX,
  type FilePrimitives,
} from "./ffi/_types.ts";

// A File that is garbage-collected while it still owns an open descriptor
// gives it back. Explicit close (or `using`) is the documented way.
const finalizer = new FinalizationRegistry<number>((fd) => {
  backend()?.close(fd);
});

const token = Symbol("dirfd.File");
const I64_LIMIT = 2n ** 63n;
/**
 * Bytes a `readable` asks for per read, as Deno's. Larger chunks streamed
 * faster (256 KiB: 1 GiB 1.6–1.8× as fast as `Deno.FsFile.readable`) but
 * left resident memory 60–80 MB higher while 256 MiB streamed (garbage the
 * collector takes later), against under 64 MB with these.
 */
const CHUNK = 64 * 1024;

/** Options for {@linkcode File.fromFd}. */
export interface FromFdOptions {
  /**
   * Whether the `File` owns the descriptor: closes it on `close()`, at the
   * end of a `using` block, or when garbage-collected. Defaults to `true`.
   */
  owned?: boolean;
  /** The path to report as {@linkcode File.path}. Defaults to `""`. */
  path?: string;
}

/** The file primitives, or `NotSupported` (no FFI, or no backend for them). */
function prims(fn: string): { b: Backend; f: FilePrimitives } {
  const b = backend();
  const f = b?.file;
  if (b === null || f === undefined) throw notSupported(fn, "File");
  return { b, f };
}

/** Deno's message for an error from an open file: no syscall, no path. */
function fileError(b: Backend, r: number, syscall: string): Error {
  const e = systemError(b, r, syscall);
  e.message = `${b.describe(-r)} (os error ${-r})`;
  return e;
}

function checkBuffer(p: unknown, fn: string): Uint8Array {
  if (!(p instanceof Uint8Array)) {
    throw new TypeError(`${fn}: the buffer must be a Uint8Array`);
  }
  if ((p.buffer as ArrayBuffer).detached === true) {
    throw new TypeError(`${fn}: the buffer is detached`);
  }
  return p;
}

/** A position for `readAt`/`writeAt`: a safe integer or bigint, ≥ 0. */
function toPosition(value: unknown, fn: string): number | bigint {
  if (
    typeof value === "number" && Number.isSafeInteger(value) && value >= 0
  ) {
    return value === 0 ? 0 : value; // -0 → 0
  }
  if (typeof value === "bigint" && value >= 0n && value < I64_LIMIT) {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  throw new TypeError(
    `${fn}: position must be a non-negative safe integer or bigint, not ${
      typeof value === "number" ? value : typeof value
    }`,
  );
}

/** A seek offset: a safe integer or bigint within i64. */
function toOffset(value: unknown): bigint {
  if (typeof value === "number" && Number.isSafeInteger(value)) {
    return BigInt(value);
  }
  if (typeof value === "bigint" && value >= -I64_LIMIT && value < I64_LIMIT) {
    return value;
  }
  throw new TypeError(
    `seek: offset must be a safe integer or a bigint, not ${
      typeof value === "number" ? value : typeof value
    }`,
  );
}

function toWhence(value: unknown): number {
  if (value === 0 || value === 1 || value === 2) return value;
  throw new TypeError(`Invalid seek mode: ${value}`);
}

function toExclusive(value: unknown, fn: string): boolean {
  if (value === undefined) return false;
  if (typeof value === "boolean") return value;
  throw new TypeError(`${fn}: exclusive must be a boolean`);
}

/**
 * An open file, as returned by {@linkcode open} and {@linkcode create}: every
 * member of `Deno.FsFile` with the same signatures and semantics, plus the
 * descriptor ({@linkcode File.fd}), positional reads and writes
 * ({@linkcode File.readAt}, {@linkcode File.writeAt}) and
 * {@linkcode File.fromFd} for a descriptor opened elsewhere.
 *
 * A `File` is also a descriptor argument (`FdLike`): `stat(file)`,
 * `chmod(file, …)`, `truncate(file, …)` and the other descriptor forms accept
 * it. Async calls in flight keep the descriptor open until they settle, even
 * across {@linkcode File.close}. Using a closed `File` throws
 * `Deno.errors.BadResource` (`Bad resource ID`), as `Deno.FsFile` does.
 *
 * @example Write and read back through a File
 * ```ts
 * import { openSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * {
 *   using file = openSync(`${root}/f`, { read: true, write: true, create: true });
 *   file.writeSync(new TextEncoder().encode("hello"));
 *   const buf = new Uint8Array(5);
 *   assertEquals(file.readAtSync(buf, 0), 5);
 *   assertEquals(new TextDecoder().decode(buf), "hello");
 * }
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export class File implements Deno.FsFile, AsyncDisposable {
  #fd: number;
  #owned: boolean;
  /** See {@linkcode File.#waits}: the answer, and the question in flight. */
  #waitsKnown: boolean | undefined;
  #waiting: Promise<boolean> | undefined;
  #closed = false;
  #users = 0;
  #readable: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;
  #writable: WritableStream<Uint8Array<ArrayBufferLike>> | undefined;
  #termios: Uint8Array | undefined;
  /** The path the file was opened with (`""` for {@linkcode File.fromFd}). */
  readonly path: string;

  /**
   * Not for direct use: {@linkcode open}, {@linkcode create} and
   * {@linkcode File.fromFd} create `File`s.
   *
   * @param key Internal token.
   * @param fd The open descriptor.
   * @param path The path it was opened with.
   * @param owned Whether this `File` closes the descriptor.
   */
  constructor(key: symbol, fd: number, path: string, owned = true) {
    if (key !== token) {
      throw new TypeError("File: use open(), create() or File.fromFd()");
    }
    this.#fd = fd;
    this.#owned = owned;
    this.path = path;
    if (owned) finalizer.register(this, fd, this);
    addHandle(this);
  }

  /**
   * Wraps a descriptor opened elsewhere (what `Deno.FsFile` cannot do).
   *
   * @param fd An open descriptor: a non-negative integer.
   * @param options `owned` (default `true`: the `File` closes it) and `path`.
   * @returns A `File` over `fd`.
   * @throws {TypeError} When `fd` is not a non-negative integer.
   */
  static fromFd(fd: number, options?: FromFdOptions): File {
    if (
      typeof fd !== "number" || !Number.isInteger(fd) || fd < 0 ||
      fd > 0x7fffffff || Object.is(fd, -0)
    ) {
      throw new TypeError(
        `File.fromFd: fd must be a non-negative integer, not ${String(fd)}`,
      );
    }
    if (
      options !== undefined && (typeof options !== "object" || options === null)
    ) {
      throw new TypeError("File.fromFd: options must be an object");
    }
    const owned = options?.owned;
    const path = options?.path;
    if (owned !== undefined && typeof owned !== "boolean") {
      throw new TypeError("File.fromFd: owned must be a boolean");
    }
    if (path !== undefined && typeof path !== "string") {
      throw new TypeError("File.fromFd: path must be a string");
    }
    return new File(token, fd, path ?? "", owned ?? true);
  }

  /** The descriptor number. Throws `Deno.errors.BadResource` once closed. */
  get fd(): number {
    if (this.#closed) throw closedFile();
    return this.#fd;
  }

  /** Whether {@linkcode File.close} has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  #open(): number {
    if (this.#closed) throw closedFile();
    return this.#fd;
  }

  /** Runs an async primitive with the descriptor pinned until it settles. */
  /**
   * Whether reads and writes of this descriptor may wait without end (a
   * pipe, FIFO, socket or terminal), asked once: those go through Deno's
   * blocking threads, never a pool worker, so a read awaiting a writer
   * cannot hold up the process's other async calls.
   */
  #waits(a: AsyncFilePrimitives, fd: number): Promise<boolean> {
    return this.#waiting ??= (a.waits?.(fd) ?? Promise.resolve(false)).then(
      (w) => this.#waitsKnown = w,
      () => this.#waitsKnown = false,
    );
  }

  #pinned<T>(fn: string, call: (fd: number) => Promise<T> | T): Promise<T> {
    let fd: number;
    try {
      fd = this[acquire](fn);
    } catch (e) {
      return Promise.reject(e);
    }
    let p: Promise<T>;
    try {
      p = Promise.resolve(call(fd));
    } catch (e) {
      this[release]();
      return Promise.reject(e);
    }
    return p.finally(() => this[release]());
  }

  /**
   * Reads up to `p.byteLength` bytes into `p`.
   *
   * @param p The buffer to fill.
   * @returns The number of bytes read (possibly fewer than asked, 0 for an
   * empty buffer), or `null` at the end of the file.
   */
  readSync(p: Uint8Array): number | null {
    const fd = this.#open();
    checkBuffer(p, "read");
    const { b, f } = prims("read");
    const r = f.read(fd, p);
    if (r < 0) throw fileError(b, r, "read");
    return r === 0 && p.length > 0 ? null : r;
  }

  /**
   * Reads up to `p.byteLength` bytes into `p` off the main thread; the
   * async twin of {@linkcode File.readSync}.
   *
   * @param p The buffer to fill; it must stay attached until the promise settles.
   * @returns The number of bytes read, or `null` at the end of the file.
   */
  read(p: Uint8Array): Promise<number | null> {
    try {
      checkBuffer(p, "read");
      const { b, f } = prims("read");
      const a = b.fileAsync;
      return this.#pinned("read", (fd) => {
        if (a === undefined) return f.read(fd, p);
        // The descriptor's kind, once known, without a promise step more.
        const w = this.#waitsKnown;
        if (w !== undefined) {
          return w && a.readWait !== undefined
            ? a.readWait(fd, p)
            : a.read(fd, p);
        }
        return this.#waits(a, fd).then((w) =>
          w && a.readWait !== undefined ? a.readWait(fd, p) : a.read(fd, p)
        );
      }).then((r) => {
        if (r < 0) throw fileError(b, r, "read");
        return r === 0 && p.length > 0 ? null : r;
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * `read` into a buffer only the stream holds (no copy through the pool),
   * with as few promise steps as the chunk allows: the stream's pull is
   * this promise.
   */
  #readOwned(view: Uint8Array): Promise<number | null> {
    let fd: number;
    let b: Backend;
    let f: FilePrimitives;
    try {
      ({ b, f } = prims("read"));
      fd = this[acquire]("read");
    } catch (e) {
      return Promise.reject(e);
    }
    const a = b.fileAsync;
    const settle = (r: number) => {
      this[release]();
      if (r < 0) throw fileError(b, r, "read");
      return r === 0 && view.length > 0 ? null : r;
    };
    if (a === undefined) {
      let r: number;
      try {
        r = f.read(fd, view);
      } catch (e) {
        this[release]();
        return Promise.reject(e);
      }
      return Promise.resolve(r).then(settle);
    }
    return a.readDirect(fd, view).then(settle, (e) => {
      this[release]();
      throw e;
    });
  }

  /**
   * Reads up to `p.byteLength` bytes at `position` (`pread`) without moving
   * the file position.
   *
   * @param p The buffer to fill.
   * @param position The byte offset: a non-negative safe integer or bigint.
   * @returns The number of bytes read, or `null` at or past the end.
   */
  readAtSync(p: Uint8Array, position: number | bigint): number | null {
    const fd = this.#open();
    checkBuffer(p, "readAt");
    const pos = toPosition(position, "readAt");
    const { b, f } = prims("readAt");
    const r = f.pread(fd, p, pos);
    if (r < 0) throw fileError(b, r, "pread");
    return r === 0 && p.length > 0 ? null : r;
  }

  /**
   * The async twin of {@linkcode File.readAtSync}.
   *
   * @param p The buffer to fill.
   * @param position The byte offset.
   * @returns The number of bytes read, or `null` at or past the end.
   */
  readAt(p: Uint8Array, position: number | bigint): Promise<number | null> {
    try {
      checkBuffer(p, "readAt");
      const pos = toPosition(position, "readAt");
      const { b, f } = prims("readAt");
      const a = b.fileAsync;
      return this.#pinned(
        "readAt",
        (fd) =>
          a !== undefined && typeof pos === "number"
            ? a.pread(fd, p, pos)
            : f.pread(fd, p, pos),
      ).then((r) => {
        if (r < 0) throw fileError(b, r, "pread");
        return r === 0 && p.length > 0 ? null : r;
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Writes bytes from `p`; not necessarily all of them.
   *
   * @param p The bytes to write.
   * @returns The number of bytes written.
   */
  writeSync(p: Uint8Array): number {
    const fd = this.#open();
    checkBuffer(p, "write");
    const { b, f } = prims("write");
    const r = f.write(fd, p);
    if (r < 0) throw fileError(b, r, "write");
    return r;
  }

  /**
   * The async twin of {@linkcode File.writeSync}. The bytes are taken when
   * the call is made: `p` may be reused at once.
   *
   * @param p The bytes to write.
   * @returns The number of bytes written.
   */
  write(p: Uint8Array): Promise<number> {
    try {
      checkBuffer(p, "write");
      const { b, f } = prims("write");
      const a = b.fileAsync;
      return this.#pinned("write", (fd) => {
        if (a === undefined) return f.write(fd, p);
        const w = this.#waitsKnown;
        if (w !== undefined) {
          return w && a.writeWait !== undefined
            ? a.writeWait(fd, p)
            : a.write(fd, p);
        }
        // The first call asks the kind first; the bytes are taken now (as
        // much as one request writes: a partial write, as write allows).
        const own = p.slice(0, FILE_IO_MAX);
        return this.#waits(a, fd).then((w) =>
          w && a.writeWait !== undefined
            ? a.writeWait(fd, own)
            : a.write(fd, own)
        );
      }).then((r) => {
        if (r < 0) throw fileError(b, r, "write");
        return r;
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Writes bytes from `p` at `position` (`pwrite`) without moving the file
   * position (on Linux a file opened with `append` writes at its end).
   *
   * @param p The bytes to write.
   * @param position The byte offset.
   * @returns The number of bytes written.
   */
  writeAtSync(p: Uint8Array, position: number | bigint): number {
    const fd = this.#open();
    checkBuffer(p, "writeAt");
    const pos = toPosition(position, "writeAt");
    const { b, f } = prims("writeAt");
    const r = f.pwrite(fd, p, pos);
    if (r < 0) throw fileError(b, r, "pwrite");
    return r;
  }

  /**
   * The async twin of {@linkcode File.writeAtSync}.
   *
   * @param p The bytes to write.
   * @param position The byte offset.
   * @returns The number of bytes written.
   */
  writeAt(p: Uint8Array, position: number | bigint): Promise<number> {
    try {
      checkBuffer(p, "writeAt");
      const pos = toPosition(position, "writeAt");
      const { b, f } = prims("writeAt");
      const a = b.fileAsync;
      return this.#pinned(
        "writeAt",
        (fd) =>
          a !== undefined && typeof pos === "number"
            ? a.pwrite(fd, p, pos)
            : f.pwrite(fd, p, pos),
      ).then((r) => {
        if (r < 0) throw fileError(b, r, "pwrite");
        return r;
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Moves the file position (`lseek`).
   *
   * @param offset Bytes, relative to `whence`: a safe integer or bigint.
   * @param whence `Deno.SeekMode.Start`, `Current` or `End`.
   * @returns The new position from the start of the file.
   */
  seekSync(offset: number | bigint, whence: Deno.SeekMode): number {
    const fd = this.#open();
    const off = toOffset(offset);
    const w = toWhence(whence);
    const { b, f } = prims("seek");
    const r = f.seek(fd, off, w);
    if (typeof r === "number") throw fileError(b, r, "lseek");
    return Number(r);
  }

  /**
   * The async twin of {@linkcode File.seekSync} (`lseek` does not block, so
   * it runs here).
   *
   * @param offset Bytes, relative to `whence`.
   * @param whence `Deno.SeekMode.Start`, `Current` or `End`.
   * @returns The new position.
   */
  seek(offset: number | bigint, whence: Deno.SeekMode): Promise<number> {
    try {
      return Promise.resolve(this.seekSync(offset, whence));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Describes the open file (`fstat`).
   *
   * @returns Its {@linkcode FileInfo}.
   */
  statSync(): FileInfo {
    const fd = this.#open();
    const { b } = prims("stat");
    const r = b.fstat(fd);
    if (typeof r === "number") throw fileError(b, r, "fstat");
    return r;
  }

  /**
   * The async twin of {@linkcode File.statSync}.
   *
   * @returns Its {@linkcode FileInfo}.
   */
  stat(): Promise<FileInfo> {
    try {
      const { b } = prims("stat");
      return this.#pinned(
        "stat",
        (fd) => b.async.fstat(fd),
      ).then((r) => {
        if (typeof r === "number") throw fileError(b, r, "fstat");
        return r;
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Sets the file's length (`ftruncate`); longer fills with zeros.
   *
   * @param len The new length; defaults to 0.
   */
  truncateSync(len?: number): void {
    const fd = this.#open();
    const n = toLength(len ?? 0, "truncate");
    const { b } = prims("truncate");
    if (!hasPrimitive(b, "ftruncate")) throw notSupported("truncate", "fd");
    const r = b.ftruncate(fd, n);
    if (r < 0) throw fileError(b, r, "ftruncate");
  }

  /**
   * The async twin of {@linkcode File.truncateSync}.
   *
   * @param len The new length; defaults to 0.
   */
  truncate(len?: number): Promise<void> {
    try {
      const n = toLength(len ?? 0, "truncate");
      const { b } = prims("truncate");
      if (!hasPrimitive(b, "ftruncate")) throw notSupported("truncate", "fd");
      return this.#pinned("truncate", (fd) => b.async.ftruncate(fd, n)).then(
        (r) => {
          if (r < 0) throw fileError(b, r, "ftruncate");
        },
      );
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #times(atime: number | Date, mtime: number | Date) {
    const [atimeSec, atimeNsec] = toTimespec(atime, "utime", "atime");
    const [mtimeSec, mtimeNsec] = toTimespec(mtime, "utime", "mtime");
    return { atimeSec, atimeNsec, mtimeSec, mtimeNsec };
  }

  /**
   * Sets the access and modification times (`futimens`).
   *
   * @param atime Seconds since the epoch, or a `Date`.
   * @param mtime Seconds since the epoch, or a `Date`.
   */
  utimeSync(atime: number | Date, mtime: number | Date): void {
    const fd = this.#open();
    const t = this.#times(atime, mtime);
    const { b } = prims("utime");
    if (!hasPrimitive(b, "futimes")) throw notSupported("utime", "fd");
    const r = b.futimes(fd, t);
    if (r < 0) throw fileError(b, r, "futimens");
  }

  /**
   * The async twin of {@linkcode File.utimeSync}.
   *
   * @param atime Seconds since the epoch, or a `Date`.
   * @param mtime Seconds since the epoch, or a `Date`.
   */
  utime(atime: number | Date, mtime: number | Date): Promise<void> {
    try {
      const t = this.#times(atime, mtime);
      const { b } = prims("utime");
      if (!hasPrimitive(b, "futimes")) throw notSupported("utime", "fd");
      return this.#pinned("utime", (fd) => b.async.futimes(fd, t)).then((r) => {
        if (r < 0) throw fileError(b, r, "futimens");
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #sync(fn: "sync" | "syncData"): Promise<void> {
    try {
      const { b, f } = prims(fn);
      const a: AsyncFilePrimitives | undefined = b.fileAsync;
      return this.#pinned(fn, (fd) => a?.[fn](fd) ?? f[fn](fd)).then((r) => {
        if (r < 0) throw fileError(b, r, fn === "sync" ? "fsync" : "fdatasync");
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Flushes data and metadata to the device (`fsync`; macOS `F_FULLFSYNC`). */
  syncSync(): void {
    const fd = this.#open();
    const { b, f } = prims("sync");
    const r = f.sync(fd);
    if (r < 0) throw fileError(b, r, "fsync");
  }

  /**
   * The async twin of {@linkcode File.syncSync}.
   *
   * @returns A promise that resolves once flushed.
   */
  sync(): Promise<void> {
    return this.#sync("sync");
  }

  /** Flushes data to the device (`fdatasync`; macOS `F_FULLFSYNC`). */
  syncDataSync(): void {
    const fd = this.#open();
    const { b, f } = prims("syncData");
    const r = f.syncData(fd);
    if (r < 0) throw fileError(b, r, "fdatasync");
  }

  /**
   * The async twin of {@linkcode File.syncDataSync}.
   *
   * @returns A promise that resolves once flushed.
   */
  syncData(): Promise<void> {
    return this.#sync("syncData");
  }

  #lockSync(fn: string, exclusive: unknown, wait: boolean): boolean {
    const fd = this.#open();
    const ex = toExclusive(exclusive, fn);
    const { b, f } = prims(fn);
    if (f.lock === undefined) throw notSupported(fn, "file locking");
    const r = f.lock(fd, ex, wait);
    if (r === 0) return true;
    if (!wait && r === -f.constants.EWOULDBLOCK) return false;
    throw fileError(b, r, "flock");
  }

  #lock(fn: string, exclusive: unknown, wait: boolean): Promise<boolean> {
    try {
      const ex = toExclusive(exclusive, fn);
      const { b, f } = prims(fn);
      const a = b.fileAsync;
      const lock = f.lock;
      if (lock === undefined) throw notSupported(fn, "file locking");
      return this.#pinned(
        fn,
        (fd) => a?.lock?.(fd, ex, wait) ?? lock(fd, ex, wait),
      ).then((r) => {
        if (r === 0) return true;
        if (!wait && r === -f.constants.EWOULDBLOCK) return false;
        throw fileError(b, r, "flock");
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Takes an advisory lock on the whole file (`flock`), waiting while
   * another open file description holds a conflicting one.
   *
   * @param exclusive An exclusive lock (`true`) or a shared one (default).
   */
  lockSync(exclusive?: boolean): void {
    this.#lockSync("lock", exclusive, true);
  }

  /**
   * The async twin of {@linkcode File.lockSync}: the wait happens off the
   * event loop.
   *
   * @param exclusive An exclusive lock (`true`) or a shared one (default).
   */
  async lock(exclusive?: boolean): Promise<void> {
    await this.#lock("lock", exclusive, true);
  }

  /**
   * Takes the lock if it is free.
   *
   * @param exclusive An exclusive lock (`true`) or a shared one (default).
   * @returns `false` when another holder has a conflicting lock.
   */
  tryLockSync(exclusive?: boolean): boolean {
    return this.#lockSync("tryLock", exclusive, false);
  }

  /**
   * The async twin of {@linkcode File.tryLockSync}.
   *
   * @param exclusive An exclusive lock (`true`) or a shared one (default).
   * @returns `false` when another holder has a conflicting lock.
   */
  tryLock(exclusive?: boolean): Promise<boolean> {
    return this.#lock("tryLock", exclusive, false);
  }

  /** Releases the lock. */
  unlockSync(): void {
    const fd = this.#open();
    const { b, f } = prims("unlock");
    if (f.unlock === undefined) throw notSupported("unlock", "file locking");
    const r = f.unlock(fd);
    if (r < 0) throw fileError(b, r, "flock");
  }

  /**
   * The async twin of {@linkcode File.unlockSync}.
   *
   * @returns A promise that resolves once released.
   */
  unlock(): Promise<void> {
    try {
      const { b, f } = prims("unlock");
      const a = b.fileAsync;
      const unlock = f.unlock;
      if (unlock === undefined) throw notSupported("unlock", "file locking");
      return this.#pinned("unlock", (fd) => a?.unlock?.(fd) ?? unlock(fd))
        .then((r) => {
          if (r < 0) throw fileError(b, r, "flock");
        });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Whether the file is a terminal (`isatty`).
   *
   * @returns `true` for a terminal.
   */
  isTerminal(): boolean {
    const fd = this.#open();
    return prims("isTerminal").f.isTerminal(fd);
  }

  /**
   * Puts a terminal into raw mode (or back), as `Deno.FsFile.setRaw` does.
   *
   * @param mode `true` for raw mode, `false` to restore the mode the first
   * `setRaw(true)` found.
   * @param options `cbreak: true` keeps signals (Ctrl-C) working.
   */
  setRaw(mode: boolean, options?: Deno.SetRawOptions): void {
    const fd = this.#open();
    if (typeof mode !== "boolean") {
      throw new TypeError("setRaw: mode must be a boolean");
    }
    const cbreak = options?.cbreak ?? false;
    if (typeof cbreak !== "boolean") {
      throw new TypeError("setRaw: cbreak must be a boolean");
    }
    const { b, f } = prims("setRaw");
    if (
      f.getTermios === undefined || f.setTermios === undefined ||
      f.makeRaw === undefined
    ) {
      throw notSupported("setRaw", "terminal modes");
    }
    if (!f.isTerminal(fd)) {
      // Deno's own error for a descriptor that is not a terminal.
      throw new Deno.errors.BadResource("ENOTTY: Not a typewriter");
    }
    if (!mode) {
      if (this.#termios === undefined) return;
      const r = f.setTermios(fd, this.#termios);
      if (r < 0) throw fileError(b, r, "tcsetattr");
      return;
    }
    const orig = f.getTermios(fd);
    if (typeof orig === "number") throw fileError(b, orig, "tcgetattr");
    this.#termios ??= orig;
    const r = f.setTermios(
      fd,
      f.makeRaw(orig, cbreak),
    );
    if (r < 0) throw fileError(b, r, "tcsetattr");
  }

  /**
   * A byte stream of the file's contents from the current position, in
   * 64 KiB chunks. It takes ownership of the file: the file is closed at the
   * end of the stream or when it is cancelled.
   */
  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    if (this.#readable !== undefined) return this.#readable;
    return this.#readable = new ReadableStream({
      type: "bytes",
      autoAllocateChunkSize: CHUNK,
      pull: (controller) => {
        const req = controller.byobRequest!;
        const v = req.view!;
        const view = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        return this.#readOwned(view).then((n) => {
          if (n === null) {
            this.#tryClose();
            controller.close();
            req.respond(0);
          } else {
            req.respond(n);
          }
        }, (e) => {
          controller.error(e);
          this.#tryClose();
        });
      },
      cancel: () => this.#tryClose(),
    }) as ReadableStream<Uint8Array<ArrayBuffer>>;
  }

  /**
   * A stream that writes each chunk in full to the file. It takes ownership
   * of the file: closing or aborting the stream closes the file.
   */
  get writable(): WritableStream<Uint8Array<ArrayBufferLike>> {
    if (this.#writable !== undefined) return this.#writable;
    return this.#writable = new WritableStream({
      write: async (chunk) => {
        let off = 0;
        while (off < chunk.length) {
          off += await this.write(chunk.subarray(off));
        }
      },
      close: () => this.#tryClose(),
      abort: () => this.#tryClose(),
    });
  }

  #tryClose(): void {
    try {
      if (!this.#closed) this.close();
    } catch {
      // Nothing to report a failed close to.
    }
  }

  /**
   * Closes the file. Closing twice throws `Deno.errors.BadResource`, as
   * `Deno.FsFile.close` does. Async calls already started finish first: the
   * descriptor is closed when the last of them settles.
   */
  close(): void {
    if (this.#closed) throw closedFile();
    this.#closed = true;
    if (this.#owned) finalizer.unregister(this);
    if (this.#users === 0) this.#closeNow();
  }

  #closeNow(): void {
    const fd = this.#fd;
    this.#fd = -1;
    if (!this.#owned) return;
    const b = backend();
    const r = b === null ? 0 : b.close(fd);
    if (r < 0) throw systemError(b!, r, "close", this.path);
  }

  /** Internal: pins the descriptor for a call in flight. */
  [acquire](_fn: string): number {
    if (this.#closed) throw closedFile();
    this.#users++;
    return this.#fd;
  }

  /** Internal: unpins it; the last release after `close()` closes it. */
  [release](): void {
    if (--this.#users === 0 && this.#closed && this.#fd >= 0) {
      try {
        this.#closeNow();
      } catch {
        // Nobody is left to report a failed close to.
      }
    }
  }

  /** Closes the file at the end of a `using` block; never throws. */
  [Symbol.dispose](): void {
    this.#tryClose();
  }

  /** Closes the file at the end of an `await using` block; never rejects. */
  [Symbol.asyncDispose](): Promise<void> {
    this.#tryClose();
    return Promise.resolve();
  }

  /** A short description for `console.log`. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.#closed
      ? `File { closed, path: ${JSON.stringify(this.path)} }`
      : `File { fd: ${this.#fd}, path: ${JSON.stringify(this.path)} }`;
  }
}

/** Internal: wraps a freshly opened descriptor. */
export function newFile(fd: number, path: string): File {
  return new File(token, fd, path, true);
}
