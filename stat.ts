// Copyright 2026 the dirfd authors. MIT license.
import {
  dirFdAndFd,
  fdAndFollow,
  type FdLike,
  isFdLike,
  type PathLike,
  toDirFd,
  toFd,
  toFollow,
  toOptions,
  toPath,
} from "./_args.ts";
import { backendFor } from "./_backend.ts";
import { statPath, statPathAsync } from "./_stat.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import type { FileInfo } from "./_file_info.ts";
import { withFd } from "./_dispatch.ts";

/** Options for {@linkcode stat} and {@linkcode statSync}. */
export interface StatOptions {
  /**
   * Resolve a relative `path` against this open directory instead of the
   * current directory. Ignored for absolute paths.
   */
  dirFd?: FdLike;
  /**
   * When `false`, a symlink at `path` is described itself rather than its
   * target (like `lstat`). Defaults to `true`.
   */
  followSymlinks?: boolean;
}

/**
 * Returns information about a file, like Python's `os.stat`.
 *
 * `path` may be a path, a `file:` URL, or an open descriptor (a number or a
 * {@linkcode Dir}) to describe the open file itself (`fstat`).
 *
 * Requires `--allow-ffi` for descriptors and `dirFd`; without it, paths are
 * looked up through `Deno.statSync`/`Deno.lstatSync` (and `--allow-read`).
 * With `--allow-ffi` the call bypasses Deno's read permission checks.
 *
 * @param path The path, URL or descriptor to describe.
 * @param options `dirFd` and `followSymlinks`.
 * @returns A {@linkcode FileInfo} with every `Deno.FileInfo` field plus
 * nanosecond timestamps.
 * @throws {TypeError} On a malformed path or descriptor, or when combining a
 * descriptor with `dirFd` or `followSymlinks: false`.
 * @throws {Deno.errors.NotSupported} When `dirFd` or a descriptor is not
 * available on this platform (see {@linkcode supportsDirFd}).
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` for the OS error.
 *
 * @example Describe a file relative to an open directory
 * ```ts
 * import { openDirSync, statSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/a.txt`, "hello");
 * using dir = openDirSync(root);
 * const info = statSync("a.txt", { dirFd: dir });
 * assertEquals(info.size, 5);
 * assertEquals(typeof info.mtimeNs, "bigint");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function statSync(
  path: PathLike | FdLike,
  options?: StatOptions,
): FileInfo {
  const o = toOptions(options, "stat");
  if (isFdLike(path)) {
    if (o.dirFd !== undefined && o.dirFd !== null) throw dirFdAndFd("stat");
    if (o.followSymlinks === false) throw fdAndFollow("stat");
    const fd = toFd(path, "stat");
    if (!CAPS.fd) throw notSupported("stat", "fd");
    const b = backendFor("stat", "fd");
    const r = b.fstat(fd);
    if (typeof r === "number") throw systemError(b, r, b.syscall.fstat);
    return r;
  }
  const p = toPath(path, "stat");
  const dirFd = toDirFd(o.dirFd, "stat");
  const follow = toFollow(o.followSymlinks, "stat");
  return statPath("stat", p, dirFd, follow, CAPS);
}

/**
 * Returns information about a file, like Python's `os.stat`; the async
 * twin of {@linkcode statSync}, with the same arguments, results and errors.
 *
 * Requires `--allow-ffi` for descriptors and `dirFd`; without it, paths are
 * looked up through `Deno.stat`/`Deno.lstat` (and `--allow-read`).
 *
 * @param path The path, URL or descriptor to describe.
 * @param options `dirFd` and `followSymlinks`.
 * @returns A promise for the {@linkcode FileInfo}.
 * @throws {TypeError} On a malformed path or descriptor (as a rejection).
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` for the OS error.
 *
 * @example Describe a symlink itself
 * ```ts
 * import { stat } from "@dirfd/dirfd";
 * import { assert } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.symlinkSync("missing", `${root}/link`);
 * const info = await stat(`${root}/link`, { followSymlinks: false });
 * assert(info.isSymlink);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function stat(
  path: PathLike | FdLike,
  options?: StatOptions,
): Promise<FileInfo> {
  // Not `async`: one promise layer less on the hot path; argument errors
  // still arrive as rejections.
  try {
    const o = toOptions(options, "stat");
    if (isFdLike(path)) {
      if (o.dirFd !== undefined && o.dirFd !== null) throw dirFdAndFd("stat");
      if (o.followSymlinks === false) throw fdAndFollow("stat");
      toFd(path, "stat");
      if (!CAPS.fd) throw notSupported("stat", "fd");
      const b = backendFor("stat", "fd");
      return withFd(
        path,
        "stat",
        "fd",
        (fd) => b.async.fstat(fd),
      ).then((r) => {
        if (typeof r === "number") throw systemError(b, r, b.syscall.fstat);
        return r;
      });
    }
    const p = toPath(path, "stat");
    toDirFd(o.dirFd, "stat");
    const follow = toFollow(o.followSymlinks, "stat");
    return statPathAsync("stat", p, o.dirFd, follow, CAPS);
  } catch (e) {
    return Promise.reject(e);
  }
}

const CAPS = declareCapabilities([stat, statSync], {
  fd: (b) => b !== null,
  dirFd: (b) => b !== null && b.has.statAtDirFd !== false,
  followSymlinks: () => true,
});
