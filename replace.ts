// Copyright 2026 the dirfd authors. MIT license.
import type { PathLike } from "./_args.ts";
import { hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import * as core from "./_rename.ts";

const KIND: core.RenameKind = { fn: "replace", primitive: "replaceAt" };

/** Options for {@linkcode replace} and {@linkcode replaceSync}. */
export type ReplaceOptions = core.TwoDirOptions;

/**
 * Renames `src` to `dst`, replacing `dst` if it exists, like Python's
 * `os.replace`: on POSIX the same call as {@linkcode renameSync}
 * (`renameat`); on Windows `FileRenameInformationEx` with
 * `REPLACE_IF_EXISTS` and POSIX semantics (an open `dst` is replaced too),
 * where `rename` would fail with `AlreadyExists`. An existing `dst` must be
 * a file, or an empty directory when `src` is a directory (POSIX; Windows
 * refuses a directory `dst` with `PermissionDenied`). Both paths must be on
 * one file system.
 *
 * Requires `--allow-ffi` for `srcDirFd`/`dstDirFd`; without it,
 * `Deno.renameSync` (which replaces) is used, with `--allow-read` and
 * `--allow-write`. With `--allow-ffi` the call bypasses Deno's permission
 * checks. Raises the audit event `os.rename` (Python's `os.replace` raises
 * that one too) with `[src, dst, srcDirFd, dstDirFd]` (`-1` for each one not
 * given). Errors carry `path` (`src`) and `dest` (`dst`).
 *
 * @param src The path to rename.
 * @param dst The new path, replaced if it exists.
 * @param options `srcDirFd` and `dstDirFd`.
 * @throws {TypeError} On a malformed path or descriptor.
 * @throws {Deno.errors.NotSupported} When `srcDirFd`/`dstDirFd` is
 * unavailable here.
 * @throws {Deno.errors.NotFound} When `src` does not exist.
 * @throws {Error} With `code` `"EXDEV"` across file systems, `"ENOTEMPTY"`
 * over a non-empty directory (the classes Deno itself uses).
 *
 * @example Replace a file through an open directory
 * ```ts
 * import { openDirSync, replaceSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/config`, "old");
 * Deno.writeTextFileSync(`${root}/config.tmp`, "new");
 * using dir = openDirSync(root);
 * replaceSync("config.tmp", "config", { srcDirFd: dir, dstDirFd: dir });
 * assertEquals(Deno.readTextFileSync(`${root}/config`), "new");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function replaceSync(
  src: PathLike,
  dst: PathLike,
  options?: ReplaceOptions,
): void {
  core.renameSync(KIND, CAPS, src, dst, options);
}

/**
 * Renames `src` to `dst`, replacing `dst`; the async twin of
 * {@linkcode replaceSync}, with the same arguments, audit event and errors.
 *
 * Requires `--allow-ffi` for `srcDirFd`/`dstDirFd`; without it,
 * `Deno.rename` is used.
 *
 * @param src The path to rename.
 * @param dst The new path, replaced if it exists.
 * @param options `srcDirFd` and `dstDirFd`.
 * @returns A promise that resolves once the rename is done.
 * @throws {Deno.errors.NotFound} When `src` does not exist (as a rejection).
 *
 * @example Write a file atomically
 * ```ts
 * import { replace } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/data.json`, "{}");
 * Deno.writeTextFileSync(`${root}/data.json.tmp`, '{"v":2}');
 * await replace(`${root}/data.json.tmp`, `${root}/data.json`);
 * assertEquals(Deno.readTextFileSync(`${root}/data.json`), '{"v":2}');
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function replace(
  src: PathLike,
  dst: PathLike,
  options?: ReplaceOptions,
): Promise<void> {
  await core.rename(KIND, CAPS, src, dst, options);
}

const CAPS = declareCapabilities([replace, replaceSync], {
  dirFd: (b) => hasPrimitive(b, "replaceAt"),
});
