// Copyright 2026 the dirfd authors. MIT license.
/**
 * What `unlink` and `rmdir` share: both are `unlinkat`, with `AT_REMOVEDIR`
 * for a directory. The public files keep their docs and options; this holds
 * the checks, the audit event, the fallback and the call, once.
 *
 * @module
 */
import {
  type FdLike,
  type PathLike,
  toDirFd,
  toOptions,
  toPath,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend, hasPrimitive } from "./_backend.ts";
import type { Capabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFd } from "./_dispatch.ts";

/** Which removal: `unlink` (`os.remove`) or `rmdir` (`os.rmdir`). */
export interface RemoveKind {
  readonly fn: "unlink" | "rmdir";
  readonly event: "os.remove" | "os.rmdir";
  /** Whether the target must be a directory (`AT_REMOVEDIR`). */
  readonly dir: boolean;
}

/** Argument and capability checks, then the audit event. */
function check(
  k: RemoveKind,
  caps: Capabilities,
  path: PathLike,
  options: { dirFd?: FdLike } | undefined,
) {
  const o = toOptions(options, k.fn);
  const p = toPath(path, k.fn);
  const dirFd = toDirFd(o.dirFd, k.fn);
  if (dirFd !== undefined && !caps.dirFd) throw notSupported(k.fn, "dirFd");
  if (hooks.length !== 0) audit(k.event, [path, dirFd ?? -1]);
  return { p, dirFd, given: o.dirFd };
}

/**
 * The fallback's refusal of the wrong kind of file, as the syscall would
 * answer: `unlink(2)` says EISDIR for a directory, `rmdir(2)` ENOTDIR for
 * anything else.
 */
function wrongKind(k: RemoveKind, p: string): Error {
  const e = k.dir
    ? new Deno.errors.NotADirectory(`Not a directory: ${k.fn} '${p}'`)
    : new Deno.errors.IsADirectory(`Is a directory: ${k.fn} '${p}'`);
  return Object.assign(e, {
    code: k.dir ? "ENOTDIR" : "EISDIR",
    syscall: k.fn,
    path: p,
  });
}

/** `unlinkSync`/`rmdirSync`. */
export function removeSync(
  k: RemoveKind,
  caps: Capabilities,
  path: PathLike,
  options: { dirFd?: FdLike } | undefined,
): void {
  const { p, dirFd } = check(k, caps, path, options);
  const b = backend();
  if (!hasPrimitive(b, "unlinkAt")) {
    if (Deno.lstatSync(p).isDirectory !== k.dir) throw wrongKind(k, p);
    return Deno.removeSync(p);
  }
  const r = b.unlinkAt(dirFd ?? b.AT_FDCWD, p, k.dir);
  if (r < 0) throw systemError(b, r, b.syscall.unlinkAt, p);
}

/** `unlink`/`rmdir`: the same, with the syscall off the main thread. */
export async function remove(
  k: RemoveKind,
  caps: Capabilities,
  path: PathLike,
  options: { dirFd?: FdLike } | undefined,
): Promise<void> {
  const { p, given } = check(k, caps, path, options);
  const b = backend();
  if (!hasPrimitive(b, "unlinkAt")) {
    if ((await Deno.lstat(p)).isDirectory !== k.dir) throw wrongKind(k, p);
    return await Deno.remove(p);
  }
  const r = await withDirFd(
    given,
    k.fn,
    b.AT_FDCWD,
    (d) => b.async.unlinkAt(d, p, k.dir),
  );
  if (r < 0) throw systemError(b, r, b.syscall.unlinkAt, p);
}
