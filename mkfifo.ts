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
import { backend, backendWith, hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFd } from "./_dispatch.ts";

/** Options for {@linkcode mkfifo} and {@linkcode mkfifoSync}. */
export interface MkfifoOptions {
  /**
   * The permission bits of the new FIFO, before the process umask is
   * applied. Defaults to `0o666`, like Python's `os.mkfifo`.
   */
  mode?: number;
  /**
   * Create the FIFO relative to this open directory instead of the current
   * directory. Ignored for an absolute `path`.
   */
  dirFd?: FdLike;
}

/**
 * Creates a FIFO (a named pipe), like Python's `os.mkfifo` (`mkfifoat`).
 * Deno has no equivalent.
 *
 * Requires `--allow-ffi` (the call bypasses Deno's write permission
 * checks); not available on Windows, nor without FFI. Raises the audit
 * event `os.mkfifo` with `[path, mode, dirFd]` (`-1` without `dirFd`).
 *
 * @param path The FIFO to create.
 * @param options `mode` and `dirFd`.
 * @throws {TypeError} On a malformed path, mode or `dirFd`.
 * @throws {Deno.errors.NotSupported} When FIFOs cannot be created here.
 * @throws {Deno.errors.AlreadyExists} When `path` exists.
 * @throws {Deno.errors.NotFound} When a parent is missing; other OS errors as
 * the `Deno.errors` class Deno uses.
 *
 * @example Create a FIFO inside an open directory
 * ```ts
 * import { mkfifoSync, openDirSync, supportsDirFd } from "@dirfd/dirfd";
 * import { assert } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * if (supportsDirFd.has(mkfifoSync)) {
 *   using dir = openDirSync(root);
 *   mkfifoSync("pipe", { dirFd: dir, mode: 0o600 });
 *   assert(Deno.statSync(`${root}/pipe`).isFifo);
 * }
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function mkfifoSync(path: PathLike, options?: MkfifoOptions): void {
  const { p, mode, dirFd } = check(path, options);
  const b = backendWith("mkfifoAt", "mkfifo", "mkfifoat");
  const r = b.mkfifoAt(dirFd ?? b.AT_FDCWD, p, mode);
  if (r < 0) throw systemError(b, r, b.syscall.mkfifoAt, p);
}

/** Argument and capability checks, then the audit event. */
function check(path: PathLike, options: MkfifoOptions | undefined) {
  const o = toOptions(options, "mkfifo");
  const p = toPath(path, "mkfifo");
  const mode = o.mode === undefined ? 0o666 : toMode(o.mode, "mkfifo");
  const dirFd = toDirFd(o.dirFd, "mkfifo");
  if (!hasPrimitive(backend(), "mkfifoAt")) {
    throw notSupported("mkfifo", "mkfifoat");
  }
  if (dirFd !== undefined && !CAPS.dirFd) throw notSupported("mkfifo", "dirFd");
  if (hooks.length !== 0) audit("os.mkfifo", [path, mode, dirFd ?? -1]);
  return { p, mode, dirFd, given: o.dirFd };
}

/**
 * Creates a FIFO; the async twin of {@linkcode mkfifoSync}, with the same
 * arguments, audit event and errors.
 *
 * Requires `--allow-ffi`.
 *
 * @param path The FIFO to create.
 * @param options `mode` and `dirFd`.
 * @returns A promise that resolves once the FIFO exists.
 * @throws {Deno.errors.AlreadyExists} When `path` exists (as a rejection).
 *
 * @example Create a FIFO by path
 * ```ts
 * import { mkfifo, supportsDirFd } from "@dirfd/dirfd";
 * import { assert } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * if (supportsDirFd.has(mkfifo)) {
 *   await mkfifo(`${root}/pipe`);
 *   assert(Deno.lstatSync(`${root}/pipe`).isFifo);
 * }
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function mkfifo(
  path: PathLike,
  options?: MkfifoOptions,
): Promise<void> {
  const { p, mode, given } = check(path, options);
  const b = backendWith("mkfifoAt", "mkfifo", "mkfifoat");
  const r = await withDirFd(
    given,
    "mkfifo",
    b.AT_FDCWD,
    (d) => b.async.mkfifoAt(d, p, mode),
  );
  if (r < 0) throw systemError(b, r, b.syscall.mkfifoAt, p);
}

const CAPS = declareCapabilities([mkfifo, mkfifoSync], {
  dirFd: (b) => hasPrimitive(b, "mkfifoAt"),
});
