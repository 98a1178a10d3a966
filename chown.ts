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
  toId,
  toOptions,
  toPath,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend, backendWith, hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFd, withFd } from "./_dispatch.ts";

/** Options for {@linkcode chown} and {@linkcode chownSync}. */
export interface ChownOptions {
  /**
   * Resolve a relative `path` against this open directory instead of the
   * current directory. Ignored for absolute paths.
   */
  dirFd?: FdLike;
  /**
   * When `false`, change the owner of a symlink at `path` itself rather than
   * of its target (like `lchown`). Defaults to `true`.
   */
  followSymlinks?: boolean;
}

/**
 * Changes the owner and group of a file, like Python's `os.chown`
 * (`fchownat`; `fchown` for a descriptor). `-1` leaves an id unchanged.
 *
 * Requires `--allow-ffi` for descriptors, `dirFd` and `followSymlinks: false`;
 * without it, `Deno.chownSync` is used (with `--allow-write`). With
 * `--allow-ffi` the call bypasses Deno's write permission checks. Raises the
 * audit event `os.chown` with `[path, uid, gid, dirFd]`; like Python, the ids
 * are reported as unsigned `uid_t`/`gid_t` values (so `-1` appears as
 * `4294967295`), and `dirFd` as `-1` when not given.
 *
 * @param path The path, URL or open descriptor.
 * @param uid The new owner, or `-1` to keep it.
 * @param gid The new group, or `-1` to keep it.
 * @param options `dirFd` and `followSymlinks`.
 * @throws {TypeError} On a malformed argument, or when combining a descriptor
 * with `dirFd` or `followSymlinks: false`.
 * @throws {Deno.errors.NotSupported} When an option is unavailable here.
 * @throws {Deno.errors.PermissionDenied} When the process may not change the
 * owner (`EPERM`).
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` for the OS error.
 *
 * @example Keep the owner, set the group to the current one
 * ```ts
 * import { chownSync, openDirSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/f`, "");
 * const { uid, gid } = Deno.statSync(`${root}/f`);
 * using dir = openDirSync(root);
 * chownSync("f", -1, gid!, { dirFd: dir });
 * assertEquals(Deno.statSync(`${root}/f`).uid, uid);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function chownSync(
  path: PathLike | FdLike,
  uid: number,
  gid: number,
  options?: ChownOptions,
): void {
  const c = check(path, uid, gid, options);
  if (c.p === undefined) {
    const b = backendWith("fchown", "chown", "fd");
    const r = b.fchown(c.fd, c.u, c.g);
    if (r < 0) throw systemError(b, r, b.syscall.fchown);
    return;
  }
  const { p, u, g, dirFd, follow } = c;
  const b = backend();
  if (!hasPrimitive(b, "chownAt")) {
    return Deno.chownSync(p, u === -1 ? null : u, g === -1 ? null : g);
  }
  const r = b.chownAt(dirFd ?? b.AT_FDCWD, p, u, g, follow);
  if (r < 0) throw systemError(b, r, b.syscall.chownAt, p);
}

/** What {@linkcode check} returns: a descriptor, or a path and its options. */
type Checked =
  | { p: undefined; fd: number; u: number; g: number }
  | {
    p: string;
    u: number;
    g: number;
    dirFd: number | undefined;
    given: unknown;
    follow: boolean;
  };

/** Argument and capability checks, then the audit event. */
function check(
  path: PathLike | FdLike,
  uid: number,
  gid: number,
  options: ChownOptions | undefined,
): Checked {
  const o = toOptions(options, "chown");
  if (isFdLike(path)) {
    if (o.dirFd !== undefined && o.dirFd !== null) throw dirFdAndFd("chown");
    if (o.followSymlinks === false) throw fdAndFollow("chown");
    const fd = toFd(path, "chown");
    const u = toId(uid, "chown", "uid");
    const g = toId(gid, "chown", "gid");
    if (!CAPS.fd) throw notSupported("chown", "fd");
    if (hooks.length !== 0) audit("os.chown", [fd, u >>> 0, g >>> 0, -1]);
    return { p: undefined, fd, u, g };
  }
  const p = toPath(path, "chown");
  const u = toId(uid, "chown", "uid");
  const g = toId(gid, "chown", "gid");
  const dirFd = toDirFd(o.dirFd, "chown");
  const follow = toFollow(o.followSymlinks, "chown");
  if (dirFd !== undefined && !CAPS.dirFd) throw notSupported("chown", "dirFd");
  if (!follow && !CAPS.followSymlinks) {
    throw notSupported("chown", "followSymlinks");
  }
  if (hooks.length !== 0) {
    audit("os.chown", [path, u >>> 0, g >>> 0, dirFd ?? -1]);
  }
  return { p, u, g, dirFd, given: o.dirFd, follow };
}

/**
 * Changes the owner and group of a file; the async twin of
 * {@linkcode chownSync}, with the same arguments, audit event and errors.
 *
 * Requires `--allow-ffi` for descriptors and the options; without it,
 * `Deno.chown` is used.
 *
 * @param path The path, URL or open descriptor.
 * @param uid The new owner, or `-1` to keep it.
 * @param gid The new group, or `-1` to keep it.
 * @param options `dirFd` and `followSymlinks`.
 * @returns A promise that resolves once the owner is changed.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` (as rejections).
 *
 * @example Change nothing, through an open descriptor
 * ```ts
 * import { chown, openDirSync } from "@dirfd/dirfd";
 *
 * const root = Deno.makeTempDirSync();
 * using dir = openDirSync(root);
 * await chown(dir, -1, -1);
 * Deno.removeSync(root);
 * ```
 */
export async function chown(
  path: PathLike | FdLike,
  uid: number,
  gid: number,
  options?: ChownOptions,
): Promise<void> {
  const c = check(path, uid, gid, options);
  if (c.p === undefined) {
    const b = backendWith("fchown", "chown", "fd");
    const { u, g } = c;
    const r = await withFd(
      path,
      "chown",
      "fd",
      (fd) => b.async.fchown(fd, u, g),
    );
    if (r < 0) throw systemError(b, r, b.syscall.fchown);
    return;
  }
  const { p, u, g, given, follow } = c;
  const b = backend();
  if (!hasPrimitive(b, "chownAt")) {
    return await Deno.chown(p, u === -1 ? null : u, g === -1 ? null : g);
  }
  const r = await withDirFd(
    given,
    "chown",
    b.AT_FDCWD,
    (d) => b.async.chownAt(d, p, u, g, follow),
  );
  if (r < 0) throw systemError(b, r, b.syscall.chownAt, p);
}

const CAPS = declareCapabilities([chown, chownSync], {
  fd: (b) => hasPrimitive(b, "fchown"),
  dirFd: (b) => hasPrimitive(b, "chownAt"),
  followSymlinks: (b) => hasPrimitive(b, "chownAt"),
});
