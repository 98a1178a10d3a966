// Copyright 2026 the dirfd authors. MIT license.
import { type FdLike, isFdLike, type PathLike, toFd, toPath } from "./_args.ts";
import { backend, backendWith, hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withFd } from "./_dispatch.ts";
import type { StatvfsResult } from "./_file_info.ts";

/**
 * Returns statistics of the file system that holds `path`, like Python's
 * `os.statvfs` (`statvfs`; `fstatvfs` for a descriptor): block and inode
 * counts, sizes, mount flags, as a {@linkcode StatvfsResult}. Deno has no
 * equivalent. Symlinks are followed.
 *
 * Requires `--allow-ffi` (the call bypasses Deno's read permission checks);
 * only on Linux. Python raises no audit event for `os.statvfs`, nor does
 * this.
 *
 * @param path The path, URL or open descriptor (a number or a `Dir`).
 * @returns The file system's statistics.
 * @throws {TypeError} On a malformed path or descriptor.
 * @throws {Deno.errors.NotSupported} Where `statvfs` is unavailable.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` for the OS error.
 *
 * @example Free space under a directory
 * ```ts
 * import { statvfsSync, supportsFd } from "@dirfd/dirfd";
 * import { assert } from "@std/assert";
 *
 * if (supportsFd.has(statvfsSync)) {
 *   const s = statvfsSync(Deno.cwd());
 *   const freeBytes = s.bavail * s.frsize;
 *   assert(freeBytes >= 0 && s.bavail <= s.blocks);
 * }
 * ```
 */
export function statvfsSync(path: PathLike | FdLike): StatvfsResult {
  const c = check(path);
  if (c.p === undefined) {
    const b = backendWith("fstatvfs", "statvfs", "fd");
    const r = b.fstatvfs(c.fd);
    if (typeof r === "number") throw systemError(b, r, b.syscall.fstatvfs);
    return r;
  }
  const b = backendWith("statvfs", "statvfs", "statvfs");
  const r = b.statvfs(c.p);
  if (typeof r === "number") throw systemError(b, r, b.syscall.statvfs, c.p);
  return r;
}

/** Argument and capability checks (there is no audit event). */
function check(
  path: PathLike | FdLike,
): { p: undefined; fd: number } | { p: string } {
  if (isFdLike(path)) {
    const fd = toFd(path, "statvfs");
    if (!CAPS.fd) throw notSupported("statvfs", "fd");
    return { p: undefined, fd };
  }
  const p = toPath(path, "statvfs");
  if (!hasPrimitive(backend(), "statvfs")) {
    throw notSupported("statvfs", "statvfs");
  }
  return { p };
}

/**
 * Returns statistics of a file system; the async twin of
 * {@linkcode statvfsSync}, with the same arguments and errors.
 *
 * Requires `--allow-ffi`; only on Linux.
 *
 * @param path The path, URL or open descriptor.
 * @returns A promise of the file system's statistics.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` (as rejections).
 *
 * @example Statistics through an open directory
 * ```ts
 * import { openDirSync, statvfs, statvfsSync, supportsFd } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * if (supportsFd.has(statvfs)) {
 *   using dir = openDirSync(Deno.cwd());
 *   const s = await statvfs(dir);
 *   assertEquals(s.fsid, statvfsSync(Deno.cwd()).fsid);
 * }
 * ```
 */
export async function statvfs(path: PathLike | FdLike): Promise<StatvfsResult> {
  const c = check(path);
  if (c.p === undefined) {
    const b = backendWith("fstatvfs", "statvfs", "fd");
    const r = await withFd(
      path,
      "statvfs",
      "fd",
      (fd) => b.async.fstatvfs(fd),
    );
    if (typeof r === "number") throw systemError(b, r, b.syscall.fstatvfs);
    return r;
  }
  const { p } = c;
  const b = backendWith("statvfs", "statvfs", "statvfs");
  const r = await b.async.statvfs(p);
  if (typeof r === "number") throw systemError(b, r, b.syscall.statvfs, p);
  return r;
}

const CAPS = declareCapabilities([statvfs, statvfsSync], {
  fd: (b) => hasPrimitive(b, "fstatvfs"),
});
