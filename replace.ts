// Copyright 2026 the dirfd authors. MIT license.
import {
  type FdLike,
  type PathLike,
  toDirFd,
  toOptions,
  toPath,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend, hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFds } from "./_dispatch.ts";

/** Options for {@linkcode replace} and {@linkcode replaceSync}. */
export interface ReplaceOptions {
  /**
   * Resolve a relative `src` against this open directory instead of the
   * current directory. Ignored for an absolute `src`.
   */
  srcDirFd?: FdLike;
  /**
   * Resolve a relative `dst` against this open directory instead of the
   * current directory. Ignored for an absolute `dst`.
   */
  dstDirFd?: FdLike;
}

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
  const { s, d, srcDirFd, dstDirFd } = check(src, dst, options);
  const b = backend();
  if (!hasPrimitive(b, "replaceAt")) return Deno.renameSync(s, d);
  const r = b.replaceAt(srcDirFd ?? b.AT_FDCWD, s, dstDirFd ?? b.AT_FDCWD, d);
  if (r < 0) throw systemError(b, r, b.syscall.replaceAt, s, d);
}

/** Argument and capability checks, then the audit event. */
function check(
  src: PathLike,
  dst: PathLike,
  options: ReplaceOptions | undefined,
) {
  const o = toOptions(options, "replace");
  const s = toPath(src, "replace", "src");
  const d = toPath(dst, "replace", "dst");
  const srcDirFd = toDirFd(o.srcDirFd, "replace", "srcDirFd");
  const dstDirFd = toDirFd(o.dstDirFd, "replace", "dstDirFd");
  if ((srcDirFd !== undefined || dstDirFd !== undefined) && !CAPS.dirFd) {
    throw notSupported(
      "replace",
      srcDirFd !== undefined ? "srcDirFd" : "dstDirFd",
    );
  }
  if (hooks.length !== 0) {
    audit("os.rename", [src, dst, srcDirFd ?? -1, dstDirFd ?? -1]);
  }
  return {
    s,
    d,
    srcDirFd,
    dstDirFd,
    srcGiven: o.srcDirFd,
    dstGiven: o.dstDirFd,
  };
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
  const { s, d, srcGiven, dstGiven } = check(src, dst, options);
  const b = backend();
  if (!hasPrimitive(b, "replaceAt")) return await Deno.rename(s, d);
  const r = await withDirFds(
    srcGiven,
    dstGiven,
    "replace",
    b.AT_FDCWD,
    (sd, dd) => b.async.replaceAt(sd, s, dd, d),
  );
  if (r < 0) throw systemError(b, r, b.syscall.replaceAt, s, d);
}

const CAPS = declareCapabilities([replace, replaceSync], {
  dirFd: (b) => hasPrimitive(b, "replaceAt"),
});
