// Copyright 2026 the dirfd authors. MIT license.
import type { FdLike, PathLike } from "./_args.ts";
import { declareCapabilities } from "./_caps.ts";
import { hasPrimitive } from "./_backend.ts";
import { remove, type RemoveKind, removeSync } from "./_remove.ts";

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
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${root}/empty`);
 * using dir = openDirSync(root);
 * rmdirSync("empty", { dirFd: dir });
 * assertEquals([...Deno.readDirSync(root)], []);
 * Deno.removeSync(root);
 * ```
 */
export function rmdirSync(path: PathLike, options?: RmdirOptions): void {
  removeSync(KIND, CAPS, path, options);
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
 * import { rmdir, type SystemError } from "@dirfd/dirfd";
 * import { assertEquals, assertRejects } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/f`, "");
 * const e = await assertRejects(() => rmdir(root), Error);
 * assertEquals((e as SystemError).code, "ENOTEMPTY");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function rmdir(
  path: PathLike,
  options?: RmdirOptions,
): Promise<void> {
  return await remove(KIND, CAPS, path, options);
}

const KIND: RemoveKind = { fn: "rmdir", event: "os.rmdir", dir: true };

const CAPS = declareCapabilities([rmdir, rmdirSync], {
  dirFd: (b) => hasPrimitive(b, "unlinkAt"),
});
