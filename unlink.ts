// Copyright 2026 the dirfd authors. MIT license.
import type { FdLike, PathLike } from "./_args.ts";
import { declareCapabilities } from "./_caps.ts";
import { hasPrimitive } from "./_backend.ts";
import { remove, type RemoveKind, removeSync } from "./_remove.ts";

/** Options for {@linkcode unlink} and {@linkcode unlinkSync}. */
export interface UnlinkOptions {
  /**
   * Resolve a relative `path` against this open directory instead of the
   * current directory. Ignored for absolute paths.
   */
  dirFd?: FdLike;
}

/**
 * Removes a file (or a symlink itself, never its target), like Python's
 * `os.remove`/`os.unlink` (`unlinkat`). Directories are refused; use
 * {@linkcode rmdirSync} for those.
 *
 * Requires `--allow-ffi` for `dirFd`; without it, `Deno.removeSync` is used
 * after checking that `path` is not a directory (with `--allow-read` and
 * `--allow-write`). With `--allow-ffi` the call bypasses Deno's write
 * permission checks. Raises the audit event `os.remove` with
 * `[path, dirFd]` (`-1` without `dirFd`).
 *
 * @param path The file to remove.
 * @param options `dirFd`.
 * @throws {TypeError} On a malformed path or `dirFd`.
 * @throws {Deno.errors.NotSupported} When `dirFd` is unavailable here.
 * @throws {Deno.errors.NotFound} When `path` does not exist.
 * @throws {Deno.errors.IsADirectory} When `path` is a directory.
 *
 * @example Remove a file inside an open directory
 * ```ts
 * import { openDirSync, unlinkSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/old.txt`, "bye");
 * using dir = openDirSync(root);
 * unlinkSync("old.txt", { dirFd: dir });
 * assertEquals([...Deno.readDirSync(root)], []);
 * Deno.removeSync(root);
 * ```
 */
export function unlinkSync(path: PathLike, options?: UnlinkOptions): void {
  removeSync(KIND, CAPS, path, options);
}

/**
 * Removes a file or symlink; the async twin of {@linkcode unlinkSync}, with
 * the same arguments, audit event and errors.
 *
 * Requires `--allow-ffi` for `dirFd`; without it, `Deno.remove` is used.
 *
 * @param path The file to remove.
 * @param options `dirFd`.
 * @returns A promise that resolves once the file is gone.
 * @throws {Deno.errors.NotFound} When `path` does not exist (as a rejection).
 *
 * @example Remove a symlink, not its target
 * ```ts
 * import { unlink } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/target`, "kept");
 * Deno.symlinkSync("target", `${root}/link`);
 * await unlink(`${root}/link`);
 * assertEquals(Deno.readTextFileSync(`${root}/target`), "kept");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function unlink(
  path: PathLike,
  options?: UnlinkOptions,
): Promise<void> {
  return await remove(KIND, CAPS, path, options);
}

const KIND: RemoveKind = { fn: "unlink", event: "os.remove", dir: false };

const CAPS = declareCapabilities([unlink, unlinkSync], {
  dirFd: (b) => hasPrimitive(b, "unlinkAt"),
});
