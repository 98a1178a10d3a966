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
import { type Dir, newDir } from "./dir.ts";
import { withDirFd } from "./_dispatch.ts";

/** Options for {@linkcode openDir} and {@linkcode openDirSync}. */
export interface OpenDirOptions {
  /**
   * Resolve a relative `path` against this open directory instead of the
   * current directory. Ignored for absolute paths.
   */
  dirFd?: FdLike;
  /**
   * When `false`, refuse to open `path` if it is a symlink (`O_NOFOLLOW`).
   * The error is the kernel's: Linux says `ENOTDIR` (`NotADirectory`) for a
   * symlink opened as a directory without following, other systems `ELOOP`
   * (`FilesystemLoop`). Defaults to `true`.
   */
  followSymlinks?: boolean;
}

/**
 * Opens a directory and returns a {@linkcode Dir} holding its descriptor.
 *
 * Requires `--allow-ffi`, which bypasses Deno's read permission checks. Raises
 * the audit event `open` with `[path, null, flags]`, like Python's `os.open`.
 *
 * @param path The directory to open.
 * @param options `dirFd` and `followSymlinks`.
 * @returns The open {@linkcode Dir}; close it (or use `using`) when done.
 * @throws {TypeError} On a malformed path or `dirFd`.
 * @throws {Deno.errors.NotSupported} Without `--allow-ffi` or a backend.
 * @throws {Deno.errors.NotADirectory} When `path` is not a directory.
 * @throws {Deno.errors.NotADirectory} Also (Linux) when `path` is a symlink
 * and `followSymlinks` is false; `FilesystemLoop` on other systems.
 *
 * @example Open a directory for the length of a block
 * ```ts
 * import { openDirSync } from "@dirfd/dirfd";
 * import { assert } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * {
 *   using dir = openDirSync(root);
 *   assert(dir.fd >= 0);
 * }
 * Deno.removeSync(root);
 * ```
 */
export function openDirSync(path: PathLike, options?: OpenDirOptions): Dir {
  const { b, p, dirFd, follow } = check(path, options);
  const fd = b.openDirAt(dirFd ?? b.AT_FDCWD, p, follow);
  if (fd < 0) throw systemError(b, fd, b.syscall.openDirAt, p);
  return newDir(fd, p);
}

/** Argument and capability checks, then the audit event. */
function check(path: PathLike, options: OpenDirOptions | undefined) {
  const o = toOptions(options, "openDir");
  const p = toPath(path, "openDir");
  const dirFd = toDirFd(o.dirFd, "openDir");
  const follow = toFollow(o.followSymlinks, "openDir");
  const b = backend();
  if (b === null) throw notSupported("openDir", "a directory descriptor");
  if (dirFd !== undefined && !CAPS.dirFd) {
    throw notSupported("openDir", "dirFd");
  }
  if (!follow && !CAPS.followSymlinks) {
    throw notSupported("openDir", "followSymlinks");
  }
  if (hooks.length !== 0) audit("open", [path, null, b.openDirFlags(follow)]);
  return { b, p, dirFd, follow, given: o.dirFd };
}

/**
 * Opens a directory and returns a {@linkcode Dir}; the async twin of
 * {@linkcode openDirSync}.
 *
 * Requires `--allow-ffi`.
 *
 * @param path The directory to open.
 * @param options `dirFd` and `followSymlinks`.
 * @returns A promise for the open {@linkcode Dir}.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` (as rejections).
 *
 * @example Open a directory with `await using`
 * ```ts
 * import { openDir } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * await using dir = await openDir(Deno.cwd());
 * assertEquals(dir.closed, false);
 * ```
 */
export async function openDir(
  path: PathLike,
  options?: OpenDirOptions,
): Promise<Dir> {
  const { b, p, follow, given } = check(path, options);
  const fd = await withDirFd(
    given,
    "openDir",
    b.AT_FDCWD,
    (d) => b.async.openDirAt(d, p, follow),
  );
  if (fd < 0) throw systemError(b, fd, b.syscall.openDirAt, p);
  return newDir(fd, p);
}

const CAPS = declareCapabilities([openDir, openDirSync], {
  dirFd: (b) => b !== null && b.has.openDirAtDirFd !== false,
  followSymlinks: (b) => b !== null,
});
