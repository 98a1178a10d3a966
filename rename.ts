// Copyright 2026 the dirfd authors. MIT license.
import type { PathLike } from "./_args.ts";
import { hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import * as core from "./_rename.ts";

const KIND: core.RenameKind = { fn: "rename", primitive: "renameAt" };

/** Options for {@linkcode rename} and {@linkcode renameSync}. */
export type RenameOptions = core.TwoDirOptions;

/**
 * Renames (moves) `src` to `dst`, like Python's `os.rename` (`renameat`).
 * An existing `dst` is replaced atomically if it is a file, or an empty
 * directory when `src` is a directory. On Windows, as in Python there, an
 * existing `dst` fails with `AlreadyExists` instead; `replaceSync` replaces
 * on every platform. Both paths must be on one file system.
 *
 * Requires `--allow-ffi` for `srcDirFd`/`dstDirFd`; without it,
 * `Deno.renameSync` is used (with `--allow-read` and `--allow-write`). With
 * `--allow-ffi` the call bypasses Deno's permission checks. Raises the audit
 * event `os.rename` with `[src, dst, srcDirFd, dstDirFd]` (`-1` for each one
 * not given). Errors carry `path` (`src`) and `dest` (`dst`).
 *
 * @param src The path to rename.
 * @param dst The new path.
 * @param options `srcDirFd` and `dstDirFd`.
 * @throws {TypeError} On a malformed path or descriptor.
 * @throws {Deno.errors.NotSupported} When `srcDirFd`/`dstDirFd` is
 * unavailable here.
 * @throws {Deno.errors.NotFound} When `src` does not exist.
 * @throws {Error} With `code` `"EXDEV"` across file systems, `"ENOTEMPTY"`
 * over a non-empty directory (the classes Deno itself uses).
 *
 * @example Move a file between two open directories
 * ```ts
 * import { openDirSync, renameSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${root}/in`);
 * Deno.mkdirSync(`${root}/out`);
 * Deno.writeTextFileSync(`${root}/in/job`, "1");
 * using from = openDirSync(`${root}/in`);
 * using to = openDirSync(`${root}/out`);
 * renameSync("job", "job.done", { srcDirFd: from, dstDirFd: to });
 * assertEquals(Deno.readTextFileSync(`${root}/out/job.done`), "1");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function renameSync(
  src: PathLike,
  dst: PathLike,
  options?: RenameOptions,
): void {
  core.renameSync(KIND, CAPS, src, dst, options);
}

/**
 * Renames (moves) `src` to `dst`; the async twin of {@linkcode renameSync},
 * with the same arguments, audit event and errors.
 *
 * Requires `--allow-ffi` for `srcDirFd`/`dstDirFd`; without it,
 * `Deno.rename` is used.
 *
 * @param src The path to rename.
 * @param dst The new path.
 * @param options `srcDirFd` and `dstDirFd`.
 * @returns A promise that resolves once the rename is done.
 * @throws {Deno.errors.NotFound} When `src` does not exist (as a rejection).
 *
 * @example Replace a file atomically
 * ```ts
 * import { rename } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/config`, "old");
 * Deno.writeTextFileSync(`${root}/config.tmp`, "new");
 * await rename(`${root}/config.tmp`, `${root}/config`);
 * assertEquals(Deno.readTextFileSync(`${root}/config`), "new");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function rename(
  src: PathLike,
  dst: PathLike,
  options?: RenameOptions,
): Promise<void> {
  await core.rename(KIND, CAPS, src, dst, options);
}

const CAPS = declareCapabilities([rename, renameSync], {
  dirFd: (b) => hasPrimitive(b, "renameAt"),
});
