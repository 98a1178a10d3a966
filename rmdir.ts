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
  const o = toOptions(options, "rmdir");
  const p = toPath(path, "rmdir");
  const dirFd = toDirFd(o.dirFd, "rmdir");
  if (dirFd !== undefined && !CAPS.dirFd) throw notSupported("rmdir", "dirFd");
  if (hooks.length !== 0) audit("os.rmdir", [path, dirFd ?? -1]);
  const b = backend();
  if (b?.unlinkAt === undefined) {
    if (!Deno.lstatSync(p).isDirectory) {
      throw Object.assign(
        new Deno.errors.NotADirectory(`Not a directory: rmdir '${p}'`),
        { code: "ENOTDIR", syscall: "rmdir", path: p },
      );
    }
    return Deno.removeSync(p);
  }
  const r = b.unlinkAt(dirFd ?? b.AT_FDCWD, p, true);
  if (r < 0) throw systemError(b, r, "unlinkat", p);
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
  return await Promise.resolve().then(() => rmdirSync(path, options));
}

const CAPS = declareCapabilities([rmdir, rmdirSync], {
  dirFd: (b) => typeof b?.unlinkAt === "function",
});
