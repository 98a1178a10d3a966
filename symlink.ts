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
import { symlinkFallbackOptions } from "./ffi/_load.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFd } from "./_dispatch.ts";

/** Options for {@linkcode symlink} and {@linkcode symlinkSync}. */
export interface SymlinkOptions {
  /**
   * On Windows, make a directory link when the target does not exist (an
   * existing target decides the link type itself). Accepted and ignored
   * elsewhere, like Python's `target_is_directory`.
   */
  targetIsDirectory?: boolean;
  /**
   * Create the link relative to this open directory instead of the current
   * directory. Ignored for an absolute `path`. The `target` is stored as given.
   */
  dirFd?: FdLike;
}

function checkTargetIsDirectory(value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") {
    throw new TypeError("symlink: targetIsDirectory must be a boolean");
  }
}

/**
 * Creates a symbolic link at `path` pointing to `target`, like Python's
 * `os.symlink`. The target is stored exactly as given and need not exist.
 *
 * Requires `--allow-ffi` for `dirFd`; without it, `Deno.symlinkSync` is used
 * (with `--allow-read` and `--allow-write`). Raises the audit event
 * `os.symlink` with `[target, path, dirFd]` (`-1` without `dirFd`).
 *
 * @param target What the link points to.
 * @param path Where the link is created.
 * @param options `targetIsDirectory` and `dirFd`.
 * @throws {TypeError} On a malformed target, path or `dirFd`.
 * @throws {Deno.errors.AlreadyExists} When `path` exists.
 * @throws {Deno.errors.NotSupported} When `dirFd` is unavailable here.
 *
 * @example Create a link next to its target
 * ```ts
 * import { openDirSync, readLinkSync, symlinkSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * using dir = openDirSync(root);
 * symlinkSync("target.txt", "link", { dirFd: dir });
 * assertEquals(readLinkSync("link", { dirFd: dir }), "target.txt");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function symlinkSync(
  target: PathLike,
  path: PathLike,
  options?: SymlinkOptions,
): void {
  const { t, p, dirFd, isDir } = check(target, path, options);
  const b = backend();
  if (b === null) {
    return Deno.symlinkSync(t, p, symlinkFallbackOptions(t, p, isDir));
  }
  const r = b.symlinkAt(t, dirFd ?? b.AT_FDCWD, p, isDir);
  if (r < 0) throw systemError(b, r, b.syscall.symlinkAt, t, p);
}

/** Argument and capability checks, then the audit event. */
function check(
  target: PathLike,
  path: PathLike,
  options: SymlinkOptions | undefined,
) {
  const o = toOptions(options, "symlink");
  const t = toPath(target, "symlink", "target");
  const p = toPath(path, "symlink");
  const dirFd = toDirFd(o.dirFd, "symlink");
  checkTargetIsDirectory(o.targetIsDirectory);
  if (dirFd !== undefined && !CAPS.dirFd) {
    throw notSupported("symlink", "dirFd");
  }
  if (hooks.length !== 0) audit("os.symlink", [target, path, dirFd ?? -1]);
  return { t, p, dirFd, given: o.dirFd, isDir: o.targetIsDirectory === true };
}

/**
 * Creates a symbolic link at `path` pointing to `target`; the async twin of
 * {@linkcode symlinkSync}.
 *
 * Requires `--allow-ffi` for `dirFd`; without it, `Deno.symlink` is used.
 *
 * @param target What the link points to.
 * @param path Where the link is created.
 * @param options `targetIsDirectory` and `dirFd`.
 * @returns A promise that resolves when the link exists.
 * @throws {Deno.errors.AlreadyExists} When `path` exists (as a rejection).
 *
 * @example Create a dangling link
 * ```ts
 * import { readLink, symlink } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * await symlink("../not/there", `${root}/link`);
 * assertEquals(await readLink(`${root}/link`), "../not/there");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function symlink(
  target: PathLike,
  path: PathLike,
  options?: SymlinkOptions,
): Promise<void> {
  const { t, p, given, isDir } = check(target, path, options);
  const b = backend();
  if (b === null) {
    return await Deno.symlink(t, p, symlinkFallbackOptions(t, p, isDir));
  }
  const r = await withDirFd(
    given,
    "symlink",
    b.AT_FDCWD,
    (d) => b.async.symlinkAt(t, d, p, isDir),
  );
  if (r < 0) throw systemError(b, r, b.syscall.symlinkAt, t, p);
}

const CAPS = declareCapabilities([symlink, symlinkSync], {
  dirFd: (b) => b !== null && b.has.symlinkAtDirFd !== false,
});
