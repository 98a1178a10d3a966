// Copyright 2026 the dirfd authors. MIT license.
import { type FdLike, isFdLike, type PathLike, toFd, toPath } from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backendFor } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";

/**
 * Changes the current working directory, like Python's `os.chdir`. A path
 * goes through `Deno.chdir`; an open descriptor (a number or a
 * {@linkcode Dir}) through `fchdir`, so the change cannot be redirected by a
 * rename or symlink swap after the directory was opened.
 *
 * Synchronous only, like `Deno.chdir`. A path needs `--allow-read`; a
 * descriptor needs `--allow-ffi`. Raises the audit event `os.chdir` with
 * `[path]` (the descriptor number for a descriptor).
 *
 * @param path The directory: a path, `file:` URL, or descriptor.
 * @throws {TypeError} On a malformed path or descriptor.
 * @throws {Deno.errors.NotSupported} For a descriptor without `--allow-ffi`.
 * @throws {Deno.errors.NotADirectory} When the target is not a directory.
 *
 * @example Change into an open directory
 * ```ts
 * import { chdir, openDirSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const before = Deno.cwd();
 * const root = Deno.realPathSync(Deno.makeTempDirSync());
 * using dir = openDirSync(root);
 * chdir(dir);
 * assertEquals(Deno.cwd(), root);
 * chdir(before);
 * Deno.removeSync(root);
 * ```
 */
export function chdir(path: PathLike | FdLike): void {
  if (isFdLike(path)) {
    const fd = toFd(path, "chdir");
    if (!CAPS.fd) throw notSupported("chdir", "fd");
    if (hooks.length !== 0) audit("os.chdir", [fd]);
    const b = backendFor("chdir", "fd");
    const r = b.fchdir(fd);
    if (r < 0) throw systemError(b, r, b.syscall.fchdir);
    return;
  }
  const p = toPath(path, "chdir");
  if (hooks.length !== 0) audit("os.chdir", [path]);
  Deno.chdir(p);
}

const CAPS = declareCapabilities([chdir], {
  fd: (b) => b !== null,
});
