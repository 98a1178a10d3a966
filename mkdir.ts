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
import { backend, hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFd } from "./_dispatch.ts";

/** Options for {@linkcode mkdir} and {@linkcode mkdirSync}. */
export interface MkdirOptions {
  /**
   * The permission bits of the new directory, before the process umask is
   * applied. Defaults to `0o777`, like Python's `os.mkdir`.
   */
  mode?: number;
  /**
   * Create the directory relative to this open directory instead of the
   * current directory. Ignored for an absolute `path`.
   */
  dirFd?: FdLike;
}

/**
 * Creates one directory, like Python's `os.mkdir` (`mkdirat`). Parents are
 * not created; use `Deno.mkdir` with `recursive` for that.
 *
 * Requires `--allow-ffi` for `dirFd`; without it, `Deno.mkdirSync` is used
 * (with `--allow-write`). With `--allow-ffi` the call bypasses Deno's write
 * permission checks. Raises the audit event `os.mkdir` with
 * `[path, mode, dirFd]` (`-1` without `dirFd`).
 *
 * @param path The directory to create.
 * @param options `mode` and `dirFd`.
 * @throws {TypeError} On a malformed path, mode or `dirFd`.
 * @throws {Deno.errors.NotSupported} When `dirFd` is unavailable here.
 * @throws {Deno.errors.AlreadyExists} When `path` exists.
 * @throws {Deno.errors.NotFound} When a parent is missing; other OS errors as
 * the `Deno.errors` class Deno uses.
 *
 * @example Create a directory inside an open directory
 * ```ts
 * import { mkdirSync, openDirSync } from "@dirfd/dirfd";
 * import { assert } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * using dir = openDirSync(root);
 * mkdirSync("sub", { dirFd: dir, mode: 0o700 });
 * assert(Deno.statSync(`${root}/sub`).isDirectory);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function mkdirSync(path: PathLike, options?: MkdirOptions): void {
  const { p, mode, dirFd } = check(path, options);
  const b = backend();
  if (!hasPrimitive(b, "mkdirAt")) return Deno.mkdirSync(p, { mode });
  const r = b.mkdirAt(dirFd ?? b.AT_FDCWD, p, mode);
  if (r < 0) throw systemError(b, r, b.syscall.mkdirAt, p);
}

/** Argument and capability checks, then the audit event. */
function check(path: PathLike, options: MkdirOptions | undefined) {
  const o = toOptions(options, "mkdir");
  const p = toPath(path, "mkdir");
  const mode = o.mode === undefined ? 0o777 : toMode(o.mode, "mkdir");
  const dirFd = toDirFd(o.dirFd, "mkdir");
  if (dirFd !== undefined && !CAPS.dirFd) throw notSupported("mkdir", "dirFd");
  if (hooks.length !== 0) audit("os.mkdir", [path, mode, dirFd ?? -1]);
  return { p, mode, dirFd, given: o.dirFd };
}

/**
 * Creates one directory; the async twin of {@linkcode mkdirSync}, with the
 * same arguments, audit event and errors.
 *
 * Requires `--allow-ffi` for `dirFd`; without it, `Deno.mkdir` is used.
 *
 * @param path The directory to create.
 * @param options `mode` and `dirFd`.
 * @returns A promise that resolves once the directory exists.
 * @throws {Deno.errors.AlreadyExists} When `path` exists (as a rejection).
 *
 * @example Create a private directory
 * ```ts
 * import { mkdir } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * await mkdir(`${root}/private`, { mode: 0o700 });
 * assertEquals(Deno.statSync(`${root}/private`).mode! & 0o077, 0);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function mkdir(
  path: PathLike,
  options?: MkdirOptions,
): Promise<void> {
  const { p, mode, given } = check(path, options);
  const b = backend();
  if (!hasPrimitive(b, "mkdirAt")) return await Deno.mkdir(p, { mode });
  const r = await withDirFd(
    given,
    "mkdir",
    b.AT_FDCWD,
    (d) => b.async.mkdirAt(d, p, mode),
  );
  if (r < 0) throw systemError(b, r, b.syscall.mkdirAt, p);
}

const CAPS = declareCapabilities([mkdir, mkdirSync], {
  dirFd: (b) => hasPrimitive(b, "mkdirAt"),
});
