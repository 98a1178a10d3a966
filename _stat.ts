// Copyright 2026 the dirfd authors. MIT license.
/**
 * The path form of `stat` and `lstat`, shared by both operations: the
 * capability check, the no-FFI fallback, the call and its error.
 *
 * @module
 */
import { backend } from "./_backend.ts";
import type { Capabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { type FileInfo, fromDenoFileInfo } from "./_file_info.ts";
import { withDirFd } from "./_dispatch.ts";

/** Shared by `stat` and `lstat`: a checked path, optional dirFd, follow flag. */
export function statPath(
  fn: string,
  p: string,
  dirFd: number | undefined,
  follow: boolean,
  caps: Capabilities,
): FileInfo {
  if (dirFd !== undefined && !caps.dirFd) throw notSupported(fn, "dirFd");
  const b = backend();
  if (b === null) {
    return fromDenoFileInfo(follow ? Deno.statSync(p) : Deno.lstatSync(p));
  }
  const r = b.statAt(dirFd === undefined ? b.AT_FDCWD : dirFd, p, follow);
  if (typeof r === "number") throw systemError(b, r, b.syscall.statAt, p);
  return r;
}

/** The async twin of {@linkcode statPath}; `dirFd` is already type-checked. */
export function statPathAsync(
  fn: string,
  p: string,
  dirFd: unknown,
  follow: boolean,
  caps: Capabilities,
): Promise<FileInfo> {
  const given = dirFd !== undefined && dirFd !== null;
  if (given && !caps.dirFd) throw notSupported(fn, "dirFd");
  const b = backend();
  if (b === null) {
    return (follow ? Deno.stat(p) : Deno.lstat(p)).then(fromDenoFileInfo);
  }
  return withDirFd(
    dirFd,
    fn,
    b.AT_FDCWD,
    (d) => b.async.statAt(d, p, follow),
  ).then((r) => {
    if (typeof r === "number") throw systemError(b, r, b.syscall.statAt, p);
    return r;
  });
}
