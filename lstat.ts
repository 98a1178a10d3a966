// Copyright 2026 the dirfd authors. MIT license.
import {
  type FdLike,
  type PathLike,
  toDirFd,
  toOptions,
  toPath,
} from "./_args.ts";
import { declareCapabilities } from "./_caps.ts";
import type { FileInfo } from "./_file_info.ts";
import { statPath, statPathAsync } from "./_stat.ts";

/** Options for {@linkcode lstat} and {@linkcode lstatSync}. */
export interface LstatOptions {
  /**
   * Resolve a relative `path` against this open directory instead of the
   * current directory. Ignored for absolute paths.
   */
  dirFd?: FdLike;
}

/**
 * Returns information about a file without following a symlink at `path`,
 * like Python's `os.lstat` (`stat` with `followSymlinks: false`).
 *
 * Requires `--allow-ffi` for `dirFd`; without it, the call goes through
 * `Deno.lstatSync` (and `--allow-read`). With `--allow-ffi` it bypasses
 * Deno's read permission checks.
 *
 * @param path The path or `file:` URL to describe.
 * @param options `dirFd`.
 * @returns A {@linkcode FileInfo}; `isSymlink` is true for a symlink.
 * @throws {TypeError} On a malformed path or `dirFd`.
 * @throws {Deno.errors.NotSupported} When `dirFd` is unavailable here.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` for the OS error.
 *
 * @example Describe a dangling symlink
 * ```ts
 * import { lstatSync } from "@dirfd/dirfd";
 * import { assert } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.symlinkSync("nowhere", `${root}/link`);
 * assert(lstatSync(`${root}/link`).isSymlink);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function lstatSync(path: PathLike, options?: LstatOptions): FileInfo {
  const o = toOptions(options, "lstat");
  const p = toPath(path, "lstat");
  return statPath("lstat", p, toDirFd(o.dirFd, "lstat"), false, CAPS);
}

/**
 * Returns information about a file without following a symlink at `path`;
 * the async twin of {@linkcode lstatSync}.
 *
 * Requires `--allow-ffi` for `dirFd`; without it, `Deno.lstat` is used.
 *
 * @param path The path or `file:` URL to describe.
 * @param options `dirFd`.
 * @returns A promise for the {@linkcode FileInfo}.
 * @throws {TypeError} On a malformed path or `dirFd` (as a rejection).
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` for the OS error.
 *
 * @example Describe a directory entry
 * ```ts
 * import { lstat } from "@dirfd/dirfd";
 * import { assert } from "@std/assert";
 *
 * const info = await lstat(Deno.cwd());
 * assert(info.isDirectory);
 * ```
 */
export async function lstat(
  path: PathLike,
  options?: LstatOptions,
): Promise<FileInfo> {
  const o = toOptions(options, "lstat");
  const p = toPath(path, "lstat");
  toDirFd(o.dirFd, "lstat");
  return await statPathAsync("lstat", p, o.dirFd, false, CAPS);
}

const CAPS = declareCapabilities([lstat, lstatSync], {
  dirFd: (b) => b !== null && b.has.statAtDirFd !== false,
});
