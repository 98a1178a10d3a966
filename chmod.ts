// Copyright 2026 the dirfd authors. MIT license.
import {
  dirFdAndFd,
  fdAndFollow,
  type FdLike,
  isFdLike,
  type PathLike,
  toDirFd,
  toFd,
  toFollow,
  toMode,
  toOptions,
  toPath,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend, backendWith, hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFd, withFd } from "./_dispatch.ts";

/** Options for {@linkcode chmod} and {@linkcode chmodSync}. */
export interface ChmodOptions {
  /**
   * Resolve a relative `path` against this open directory instead of the
   * current directory. Ignored for absolute paths.
   */
  dirFd?: FdLike;
  /**
   * When `false`, change a symlink at `path` itself rather than its target.
   * Only where the kernel can (Linux: `fchmodat2`, Linux 6.6); elsewhere it
   * throws `NotSupported` (see {@linkcode supportsFollowSymlinks}). Linux
   * file systems keep no mode on symlinks and answer `EOPNOTSUPP` for one,
   * leaving its target untouched. Defaults to `true`; on Windows to `false`,
   * as in Python 3.13 there (only the read-only attribute changes).
   */
  followSymlinks?: boolean;
}

/**
 * Changes the permission bits of a file, like Python's `os.chmod`
 * (`fchmodat`; `fchmod` for a descriptor; `fchmodat2` for
 * `followSymlinks: false`).
 *
 * Requires `--allow-ffi` for descriptors, `dirFd` and `followSymlinks: false`;
 * without it, `Deno.chmodSync` is used (with `--allow-write`). With
 * `--allow-ffi` the call bypasses Deno's write permission checks. Raises the
 * audit event `os.chmod` with `[path, mode, dirFd]` (`-1` without `dirFd`;
 * the descriptor number in place of `path`).
 *
 * @param path The path, URL or open descriptor.
 * @param mode The new permission bits, from `0` to `0o7777`.
 * @param options `dirFd` and `followSymlinks`.
 * @throws {TypeError} On a malformed argument, or when combining a descriptor
 * with `dirFd` or `followSymlinks: false`.
 * @throws {Deno.errors.NotSupported} When a descriptor, `dirFd` or
 * `followSymlinks: false` is unavailable here.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` for the OS error;
 * `code` `"EOPNOTSUPP"` for a symlink's own mode on Linux.
 *
 * @example Make a file private through an open directory
 * ```ts
 * import { chmodSync, openDirSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/secret`, "s");
 * using dir = openDirSync(root);
 * chmodSync("secret", 0o600, { dirFd: dir });
 * assertEquals(Deno.statSync(`${root}/secret`).mode! & 0o777, 0o600);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function chmodSync(
  path: PathLike | FdLike,
  mode: number,
  options?: ChmodOptions,
): void {
  const c = check(path, mode, options);
  if (c.p === undefined) {
    const b = backendWith("fchmod", "chmod", "fd");
    const r = b.fchmod(c.fd, c.m);
    if (r < 0) throw systemError(b, r, b.syscall.fchmod);
    return;
  }
  const { p, m, dirFd, follow } = c;
  if (!follow) {
    const l = backendWith("lchmodAt", "chmod", "followSymlinks");
    const r = l.lchmodAt(dirFd ?? l.AT_FDCWD, p, m);
    if (r < 0) throw systemError(l, r, l.syscall.lchmodAt, p);
    return;
  }
  const b = backend();
  if (!hasPrimitive(b, "chmodAt")) return Deno.chmodSync(p, m);
  const r = b.chmodAt(dirFd ?? b.AT_FDCWD, p, m);
  if (r < 0) throw systemError(b, r, b.syscall.chmodAt, p);
}

/** What {@linkcode check} returns: a descriptor, or a path and its options. */
type Checked =
  | { p: undefined; fd: number; m: number }
  | {
    p: string;
    m: number;
    dirFd: number | undefined;
    given: unknown;
    follow: boolean;
  };

/** Argument and capability checks, then the audit event. */
function check(
  path: PathLike | FdLike,
  mode: number,
  options: ChmodOptions | undefined,
): Checked {
  const o = toOptions(options, "chmod");
  if (isFdLike(path)) {
    if (o.dirFd !== undefined && o.dirFd !== null) throw dirFdAndFd("chmod");
    if (o.followSymlinks === false) throw fdAndFollow("chmod");
    const fd = toFd(path, "chmod");
    const m = toMode(mode, "chmod");
    if (!CAPS.fd) throw notSupported("chmod", "fd");
    if (hooks.length !== 0) audit("os.chmod", [fd, m, -1]);
    return { p: undefined, fd, m };
  }
  const p = toPath(path, "chmod");
  const m = toMode(mode, "chmod");
  const dirFd = toDirFd(o.dirFd, "chmod");
  // Python 3.13 on Windows: followSymlinks defaults to false there.
  const follow = o.followSymlinks === undefined && backend()?.name === "windows"
    ? !CAPS.followSymlinks
    : toFollow(o.followSymlinks, "chmod");
  if (dirFd !== undefined && !CAPS.dirFd) throw notSupported("chmod", "dirFd");
  if (!follow && !CAPS.followSymlinks) {
    throw notSupported("chmod", "followSymlinks");
  }
  if (hooks.length !== 0) audit("os.chmod", [path, m, dirFd ?? -1]);
  return { p, m, dirFd, given: o.dirFd, follow };
}

/**
 * Changes the permission bits of a file; the async twin of
 * {@linkcode chmodSync}, with the same arguments, audit event and errors.
 *
 * Requires `--allow-ffi` for descriptors and the options; without it,
 * `Deno.chmod` is used.
 *
 * @param path The path, URL or open descriptor.
 * @param mode The new permission bits.
 * @param options `dirFd` and `followSymlinks`.
 * @returns A promise that resolves once the mode is changed.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` (as rejections).
 *
 * @example Change the mode of an open directory
 * ```ts
 * import { chmod, openDirSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * using dir = openDirSync(root);
 * await chmod(dir, 0o750);
 * assertEquals(Deno.statSync(root).mode! & 0o777, 0o750);
 * Deno.removeSync(root);
 * ```
 */
export async function chmod(
  path: PathLike | FdLike,
  mode: number,
  options?: ChmodOptions,
): Promise<void> {
  const c = check(path, mode, options);
  if (c.p === undefined) {
    const b = backendWith("fchmod", "chmod", "fd");
    const { m } = c;
    const r = await withFd(
      path,
      "chmod",
      "fd",
      (fd) => b.async.fchmod(fd, m),
    );
    if (r < 0) throw systemError(b, r, b.syscall.fchmod);
    return;
  }
  const { p, m, given, follow } = c;
  if (!follow) {
    const l = backendWith("lchmodAt", "chmod", "followSymlinks");
    const r = await withDirFd(
      given,
      "chmod",
      l.AT_FDCWD,
      (d) => l.async.lchmodAt(d, p, m),
    );
    if (r < 0) throw systemError(l, r, l.syscall.lchmodAt, p);
    return;
  }
  const b = backend();
  if (!hasPrimitive(b, "chmodAt")) return await Deno.chmod(p, m);
  const r = await withDirFd(
    given,
    "chmod",
    b.AT_FDCWD,
    (d) => b.async.chmodAt(d, p, m),
  );
  if (r < 0) throw systemError(b, r, b.syscall.chmodAt, p);
}

const CAPS = declareCapabilities([chmod, chmodSync], {
  fd: (b) => hasPrimitive(b, "fchmod"),
  dirFd: (b) => hasPrimitive(b, "chmodAt"),
  followSymlinks: (b) => hasPrimitive(b, "lchmodAt"),
});
