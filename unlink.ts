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
 * import assert from "node:assert/strict";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/old.txt`, "bye");
 * using dir = openDirSync(root);
 * unlinkSync("old.txt", { dirFd: dir });
 * assert.deepEqual([...Deno.readDirSync(root)], []);
 * Deno.removeSync(root);
 * ```
 */
export function unlinkSync(path: PathLike, options?: UnlinkOptions): void {
  const { p, dirFd } = check(path, options);
  const b = backend();
  if (b?.unlinkAt === undefined) {
    if (Deno.lstatSync(p).isDirectory) throw isADirectory(p);
    return Deno.removeSync(p);
  }
  const r = b.unlinkAt(dirFd ?? b.AT_FDCWD, p, false);
  if (r < 0) throw systemError(b, r, "unlinkat", p);
}

/** Argument and capability checks, then the audit event. */
function check(path: PathLike, options: UnlinkOptions | undefined) {
  const o = toOptions(options, "unlink");
  const p = toPath(path, "unlink");
  const dirFd = toDirFd(o.dirFd, "unlink");
  if (dirFd !== undefined && !CAPS.dirFd) throw notSupported("unlink", "dirFd");
  if (hooks.length !== 0) audit("os.remove", [path, dirFd ?? -1]);
  return { p, dirFd, given: o.dirFd };
}

/** The fallback's refusal of a directory (unlink(2) answers EISDIR). */
function isADirectory(p: string): Error {
  return Object.assign(
    new Deno.errors.IsADirectory(`Is a directory: unlink '${p}'`),
    { code: "EISDIR", syscall: "unlink", path: p },
  );
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
 * import assert from "node:assert/strict";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/target`, "kept");
 * Deno.symlinkSync("target", `${root}/link`);
 * await unlink(`${root}/link`);
 * assert.equal(Deno.readTextFileSync(`${root}/target`), "kept");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function unlink(
  path: PathLike,
  options?: UnlinkOptions,
): Promise<void> {
  const { p, given } = check(path, options);
  const b = backend();
  if (b?.unlinkAt === undefined) {
    if ((await Deno.lstat(p)).isDirectory) throw isADirectory(p);
    return await Deno.remove(p);
  }
  const r = await withDirFd(
    given,
    "unlink",
    b.AT_FDCWD,
    (d) => b.async?.unlinkAt?.(d, p, false) ?? b.unlinkAt!(d, p, false),
  );
  if (r < 0) throw systemError(b, r, "unlinkat", p);
}

const CAPS = declareCapabilities([unlink, unlinkSync], {
  dirFd: (b) => typeof b?.unlinkAt === "function",
});
