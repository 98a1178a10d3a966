// Copyright 2026 the dirfd authors. MIT license.
/**
 * What `rename` and `replace` share: two paths, each with its optional
 * directory, the audit event `os.rename`, the fallback and the call — once.
 * They differ in the primitive (`renameAt`, `replaceAt`: on Windows only the
 * latter replaces an existing destination; on POSIX both are `renameat`).
 *
 * @module
 */
import {
  type FdLike,
  fdOfArg,
  type PathLike,
  stillOpen,
  toDirFdArg,
  toOptions,
  toPath,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend, hasPrimitive } from "./_backend.ts";
import type { Capabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFds } from "./_dispatch.ts";

/** Options of `rename` and `replace`. */
export interface TwoDirOptions {
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

/** Which call: `rename` (`renameAt`) or `replace` (`replaceAt`). */
export interface RenameKind {
  readonly fn: "rename" | "replace";
  readonly primitive: "renameAt" | "replaceAt";
}

/** Every argument read once; the checks and the audit event. */
function check(
  k: RenameKind,
  caps: Capabilities,
  src: PathLike,
  dst: PathLike,
  options: TwoDirOptions | undefined,
) {
  const { srcDirFd: srcOpt, dstDirFd: dstOpt } = toOptions(options, k.fn);
  const s = toPath(src, k.fn, "src");
  const d = toPath(dst, k.fn, "dst");
  const srcGiven = toDirFdArg(srcOpt, k.fn, "srcDirFd");
  const dstGiven = toDirFdArg(dstOpt, k.fn, "dstDirFd");
  const srcDirFd = fdOfArg(srcGiven, k.fn);
  const dstDirFd = fdOfArg(dstGiven, k.fn);
  if ((srcDirFd !== undefined || dstDirFd !== undefined) && !caps.dirFd) {
    throw notSupported(k.fn, srcDirFd !== undefined ? "srcDirFd" : "dstDirFd");
  }
  if (hooks.length !== 0) {
    audit("os.rename", [src, dst, srcDirFd ?? -1, dstDirFd ?? -1]);
    stillOpen(k.fn, srcGiven, dstGiven);
  }
  return { s, d, srcDirFd, dstDirFd, srcGiven, dstGiven };
}

/** `renameSync`/`replaceSync`. */
export function renameSync(
  k: RenameKind,
  caps: Capabilities,
  src: PathLike,
  dst: PathLike,
  options: TwoDirOptions | undefined,
): void {
  const { s, d, srcDirFd, dstDirFd } = check(k, caps, src, dst, options);
  const b = backend();
  if (!hasPrimitive(b, k.primitive)) return Deno.renameSync(s, d);
  const r = b[k.primitive](
    srcDirFd ?? b.AT_FDCWD,
    s,
    dstDirFd ?? b.AT_FDCWD,
    d,
  );
  if (r < 0) throw systemError(b, r, b.syscall[k.primitive], s, d);
}

/** `rename`/`replace`: the same, with the syscall off the main thread. */
export async function rename(
  k: RenameKind,
  caps: Capabilities,
  src: PathLike,
  dst: PathLike,
  options: TwoDirOptions | undefined,
): Promise<void> {
  const { s, d, srcGiven, dstGiven } = check(k, caps, src, dst, options);
  const b = backend();
  if (!hasPrimitive(b, k.primitive)) return await Deno.rename(s, d);
  const r = await withDirFds(
    srcGiven,
    dstGiven,
    k.fn,
    b.AT_FDCWD,
    (sd, dd) => b.async[k.primitive](sd, s, dd, d),
  );
  if (r < 0) throw systemError(b, r, b.syscall[k.primitive], s, d);
}
