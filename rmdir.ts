// Copyright 2026 the dirfd authors. MIT license.
import {
  type FdLike,
  type PathLike,
  toDirFd,
  toOptions,
  toPath,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFd } from "./_dispatch.ts";

/** Options for {@linkcode rmdir} and {@linkcode rmdirSync}. */
export interface RmdirOptions {
  /**
   * Resolve a relative `path` against this open directory instead of the
   * current directory. Ignored for absolute paths.
   */
  dirFd?: FdLike;
}

/**
 * Removes an empty directory, like Python's `os.rmdir` (`unlinkat` with
 * `AT_REMOVEDIR`). A symlink to a directory is refused (`NotADirectory`),
 * and so is anything that is not a directory.
 *
 * Requires `--allow-ffi` for `dirFd`; without it, `Deno.removeSync` is used
 * after checking that `path` is a directory (with `--allow-read` and
 * `--allow-write`). With `--allow-ffi` the call bypasses Deno's write
 * permission checks. Raises the audit event `os.rmdir` with `[path, dirFd]`
 * (`-1` without `dirFd`).
 *
 * @param path The directory to remove.
 * @param options `dirFd`.
 * @throws {TypeError} On a malformed path or `dirFd`.
 * @throws {Deno.errors.NotSupported} When `dirFd` is unavailable here.
 * @throws {Deno.errors.NotFound} When `path` does not exist.
 * @throws {Deno.errors.NotADirectory} When `path` is not a directory.
 * @throws {Error} With `code` `"ENOTEMPTY"` when the directory is not empty
 * (the class Deno itself uses).
 *
 * @example Remove an empty directory inside an open directory
 * ```ts
 * import { openDirSync, rmdirSync } from "@dirfd/dirfd";
 * import assert from "node:assert/strict";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${root}/empty`);
 * using dir = openDirSync(root);
 * rmdirSync("empty", { dirFd: dir });
 * assert.deepEqual([...Deno.readDirSync(root)], []);
 * Deno.removeSync(root);
 * ```
 */
export function rmdirSync(path: PathLike, options?: RmdirOptions): void {
  const { p, dirFd } = check(path, options);
  const b = backend();
  if (b?.unlinkAt === undefined) {
    if (!Deno.lstatSync(p).isDirectory) throw notADirectory(p);
    return Deno.removeSync(p);
  }
  const r = b.unlinkAt(dirFd ?? b.AT_FDCWD, p, true);
  if (r < 0) throw systemError(b, r, "unlinkat", p);
}

/** Argument and capability checks, then the audit event. */
function check(path: PathLike, options: RmdirOptions | undefined) {
  const o = toOptions(options, "rmdir");
  const p = toPath(path, "rmdir");
  const dirFd = toDirFd(o.dirFd, "rmdir");
  if (dirFd !== undefined && !CAPS.dirFd) throw notSupported("rmdir", "dirFd");
  if (hooks.length !== 0) audit("os.rmdir", [path, dirFd ?? -1]);
  return { p, dirFd, given: o.dirFd };
}

/** The fallback's refusal of a non-directory (rmdir(2) answers ENOTDIR). */
function notADirectory(p: string): Error {
  return Object.assign(
    new Deno.errors.NotADirectory(`Not a directory: rmdir '${p}'`),
    { code: "ENOTDIR", syscall: "rmdir", path: p },
  );
}

/**
 * Removes an empty directory; the async twin of {@linkcode rmdirSync}, with
 * the same arguments, audit event and errors.
 *
 * Requires `--allow-ffi` for `dirFd`; without it, `Deno.remove` is used.
 *
 * @param path The directory to remove.
 * @param options `dirFd`.
 * @returns A promise that resolves once the directory is gone.
 * @throws {Error} With `code` `"ENOTEMPTY"` for a non-empty directory.
 *
 * @example A non-empty directory stays
 * ```ts
 * import { rmdir } from "@dirfd/dirfd";
 * import assert from "node:assert/strict";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/f`, "");
 * await assert.rejects(rmdir(root), { code: "ENOTEMPTY" });
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function rmdir(
  path: PathLike,
  options?: RmdirOptions,
): Promise<void> {
  const { p, given } = check(path, options);
  const b = backend();
  if (b?.unlinkAt === undefined) {
    if (!(await Deno.lstat(p)).isDirectory) throw notADirectory(p);
    return await Deno.remove(p);
  }
  const r = await withDirFd(
    given,
    "rmdir",
    b.AT_FDCWD,
    (d) => b.async?.unlinkAt?.(d, p, true) ?? b.unlinkAt!(d, p, true),
  );
  if (r < 0) throw systemError(b, r, "unlinkat", p);
}

const CAPS = declareCapabilities([rmdir, rmdirSync], {
  dirFd: (b) => typeof b?.unlinkAt === "function",
});
