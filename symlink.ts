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
import type { Backend } from "./ffi/_types.ts";
import {
  ERROR,
  linkTargetProbePath,
  SYMLINK_PRIVILEGE_HINT,
} from "./ffi/_windows_logic.ts";

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
  if (b === null) return Deno.symlinkSync(t, p, fallbackType(t, p, isDir));
  const r = b.symlinkAt(t, dirFd ?? b.AT_FDCWD, p, isDir);
  if (r < 0) throw symlinkError(b, r, t, p);
}

/**
 * The error for a failed link: on Windows, `ERROR_PRIVILEGE_NOT_HELD` says
 * how to get the privilege.
 */
function symlinkError(b: Backend, r: number, t: string, p: string): Error {
  if (b.name !== "windows") return systemError(b, r, "symlinkat", t, p);
  const e = systemError(b, r, "CreateSymbolicLinkW", t, p);
  if (r !== -ERROR.PRIVILEGE_NOT_HELD) return e;
  const denied = new Deno.errors.PermissionDenied(
    `${e.message}: ${SYMLINK_PRIVILEGE_HINT}`,
  );
  return Object.assign(denied, {
    code: e.code,
    errno: e.errno,
    syscall: e.syscall,
    path: t,
    dest: p,
  });
}

/**
 * Without FFI on Windows, `Deno.symlink` is told the type Python's rule
 * gives (an existing target, resolved against the link's directory, decides;
 * else `targetIsDirectory`); elsewhere it needs none.
 */
function fallbackType(
  t: string,
  p: string,
  isDir: boolean,
): Deno.SymlinkOptions | undefined {
  if (Deno.build.os !== "windows") return undefined;
  let dir = isDir;
  try {
    dir = Deno.lstatSync(linkTargetProbePath(t, p)).isDirectory;
  } catch {
    // A missing target: targetIsDirectory decides.
  }
  return { type: dir ? "dir" : "file" };
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
  if (b === null) return await Deno.symlink(t, p, fallbackType(t, p, isDir));
  const r = await withDirFd(
    given,
    "symlink",
    b.AT_FDCWD,
    (d) => b.async?.symlinkAt?.(t, d, p, isDir) ?? b.symlinkAt(t, d, p, isDir),
  );
  if (r < 0) throw symlinkError(b, r, t, p);
}

const CAPS = declareCapabilities([symlink, symlinkSync], {
  dirFd: (b) => b !== null && b.has.symlinkAtDirFd !== false,
});
