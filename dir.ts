// Copyright 2026 the dirfd authors. MIT license.
import { backend } from "./_backend.ts";
import { closedDir, systemError } from "./_errors.ts";

// A Dir that is garbage-collected while still open gives its descriptor back.
// Explicit close (or `using`) is the documented way; this is a safety net.
const finalizer = new FinalizationRegistry<number>((fd) => {
  backend()?.close(fd);
});

const token = Symbol("dirfd.Dir");
let brand: (v: unknown) => boolean;
let fdOf: (d: Dir, fn: string) => number;
/** Internal: the constructor key of `Dir` and of its subclass `Root`. */
export const dirToken: symbol = token;

/** Internal: pins the descriptor for an operation in flight; returns it. */
export const acquire: unique symbol = Symbol("dirfd.Dir.acquire");
/** Internal: unpins it; the last release after `close()` closes it. */
export const release: unique symbol = Symbol("dirfd.Dir.release");

/**
 * Internal: what a `Dir` and a `File` share as descriptors — a number that
 * async calls pin (`acquire`) and unpin (`release`).
 */
export interface Handle {
  readonly fd: number;
  /** The path it was opened with. */
  readonly path: string;
  readonly closed: boolean;
  [acquire](fn: string): number;
  [release](): void;
}

const handles = new WeakSet<object>();

/** Internal: registers a `File` (or any handle) as a descriptor. */
export function addHandle(h: Handle): void {
  handles.add(h);
}

/** Internal: whether `value` is a `Dir` or a `File`. */
export function isHandle(value: unknown): value is Handle {
  return typeof value === "object" && value !== null && handles.has(value);
}

/**
 * An open directory descriptor, as returned by {@linkcode openDir}.
 *
 * Pass it as `dirFd` to resolve relative paths against this directory, or in
 * place of a path to operate on the directory itself. It closes with
 * {@linkcode Dir.close}, at the end of a `using` block, or (as a last resort)
 * when it is garbage-collected. Using a closed `Dir` throws
 * `Deno.errors.BadResource`.
 *
 * @example Use a directory as the base of relative paths
 * ```ts ignore
 * import { openDirSync, statSync } from "@dirfd/dirfd";
 *
 * using dir = openDirSync("/etc");
 * const info = statSync("hostname", { dirFd: dir });
 * console.log(info.isFile);
 * ```
 */
export class Dir implements Disposable, AsyncDisposable {
  static {
    brand = (v) => typeof v === "object" && v !== null && #fd in v;
    fdOf = (d, fn) => {
      if (d.#closed) throw closedDir(fn);
      return d.#fd;
    };
  }
  #fd: number;
  #closed = false;
  #users = 0;
  /** The path the directory was opened with (relative paths stay relative). */
  readonly path: string;

  /**
   * Not for direct use: {@linkcode openDir} and {@linkcode openDirSync}
   * create `Dir`s.
   *
   * @param key Internal token.
   * @param fd The open descriptor this `Dir` now owns.
   * @param path The path the descriptor was opened with.
   */
  constructor(key: symbol, fd: number, path: string) {
    if (key !== token) {
      throw new TypeError("Dir: use openDir() or openDirSync() to open one");
    }
    this.#fd = fd;
    this.path = path;
    finalizer.register(this, fd, this);
    handles.add(this);
  }

  /** The descriptor number. Throws `Deno.errors.BadResource` once closed. */
  get fd(): number {
    if (this.#closed) throw closedDir("Dir.fd");
    return this.#fd;
  }

  /** Whether {@linkcode Dir.close} has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Closes the descriptor. Closing twice is harmless. Async operations
   * already started on this `Dir` finish on it first: the descriptor itself
   * is closed when the last of them completes, so its number is never reused
   * under them.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    finalizer.unregister(this);
    if (this.#users === 0) this.#closeNow();
  }

  #closeNow(): void {
    const fd = this.#fd;
    this.#fd = -1;
    const b = backend();
    if (b === null) return;
    const r = b.close(fd);
    if (r < 0) throw systemError(b, r, b.syscall.close, this.path);
  }

  /** Internal: see {@linkcode acquire}. */
  [acquire](fn: string): number {
    if (this.#closed) throw closedDir(fn);
    this.#users++;
    return this.#fd;
  }

  /** Internal: see {@linkcode release}. */
  [release](): void {
    if (--this.#users === 0 && this.#closed && this.#fd >= 0) {
      try {
        this.#closeNow();
      } catch {
        // Nobody is left to report a failed close to.
      }
    }
  }

  /** Closes the descriptor at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Closes the descriptor at the end of an `await using` block. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /** A short description for `console.log`. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.#closed
      ? `Dir { closed, path: ${JSON.stringify(this.path)} }`
      : `Dir { fd: ${this.#fd}, path: ${JSON.stringify(this.path)} }`;
  }
}

/**
 * Internal: whether `value` is a real {@linkcode Dir} (a brand check: a
 * proxy of one, or an object with `Dir.prototype` as its prototype, is not).
 */
export function isDir(value: unknown): value is Dir {
  return brand(value);
}

/**
 * Internal: the descriptor of an open `Dir`, read from the object itself
 * (not through getters a prototype change could replace); throws
 * `BadResource` when it is closed.
 */
export function openFdOf(dir: Dir, fn: string): number {
  return fdOf(dir, fn);
}

/** Internal: wraps a freshly opened descriptor. */
export function newDir(fd: number, path: string): Dir {
  return new Dir(token, fd, path);
}
