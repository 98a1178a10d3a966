// Copyright 2026 the dirfd authors. MIT license.
import {
  type FdLike,
  type PathLike,
  toDevice,
  toDirFd,
  toMode,
  toOptions,
  toPath,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend, backendWith, hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFd } from "./_dispatch.ts";

/** Options for {@linkcode mknod} and {@linkcode mknodSync}. */
export interface MknodOptions {
  /**
   * The file type bits (`S_IFREG` 0o100000, `S_IFCHR` 0o020000, `S_IFBLK`
   * 0o060000, `S_IFIFO` 0o010000, `S_IFSOCK` 0o140000) or'ed with the
   * permission bits, before the process umask is applied. Defaults to
   * `0o600` (a regular file), like Python's `os.mknod`.
   */
  mode?: number;
  /**
   * The device number of a character or block special file (glibc's
   * `makedev`), a number or a bigint; ignored for other types. Defaults to 0.
   */
  device?: number | bigint;
  /**
   * Create the node relative to this open directory instead of the current
   * directory. Ignored for an absolute `path`.
   */
  dirFd?: FdLike;
}

/**
 * Creates a file system node (a regular file, a FIFO, a socket or a device
 * special file), like Python's `os.mknod` (`mknodat`). Deno has no
 * equivalent. Device special files need privileges (`CAP_MKNOD`).
 *
 * Requires `--allow-ffi` (the call bypasses Deno's write permission
 * checks); only on Linux. Raises the audit event `os.mknod` with
 * `[path, mode, device, dirFd]` (`-1` without `dirFd`).
 *
 * @param path The node to create.
 * @param options `mode`, `device` and `dirFd`.
 * @throws {TypeError} On a malformed path, mode, device or `dirFd`.
 * @throws {Deno.errors.NotSupported} When nodes cannot be created here.
 * @throws {Deno.errors.AlreadyExists} When `path` exists.
 * @throws {Deno.errors.NotFound} When a parent is missing; other OS errors as
 * the `Deno.errors` class Deno uses.
 *
 * @example Create a FIFO with mknod
 * ```ts
 * import { mknodSync, openDirSync, supportsDirFd } from "@dirfd/dirfd";
 * import { assert } from "@std/assert";
 *
 * const S_IFIFO = 0o010000;
 * const root = Deno.makeTempDirSync();
 * if (supportsDirFd.has(mknodSync)) {
 *   using dir = openDirSync(root);
 *   mknodSync("pipe", { dirFd: dir, mode: S_IFIFO | 0o644 });
 *   assert(Deno.statSync(`${root}/pipe`).isFifo);
 * }
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function mknodSync(path: PathLike, options?: MknodOptions): void {
  const { p, mode, device, dirFd } = check(path, options);
  const b = backendWith("mknodAt", "mknod", "mknodat");
  const r = b.mknodAt(dirFd ?? b.AT_FDCWD, p, mode, device);
  if (r < 0) throw systemError(b, r, b.syscall.mknodAt, p);
}

/** Argument and capability checks, then the audit event. */
function check(path: PathLike, options: MknodOptions | undefined) {
  const o = toOptions(options, "mknod");
  const p = toPath(path, "mknod");
  const mode = o.mode === undefined ? 0o600 : toMode(o.mode, "mknod", 0o177777);
  const device = o.device === undefined ? 0n : toDevice(o.device, "mknod");
  const dirFd = toDirFd(o.dirFd, "mknod");
  if (!hasPrimitive(backend(), "mknodAt")) {
    throw notSupported("mknod", "mknodat");
  }
  if (dirFd !== undefined && !CAPS.dirFd) throw notSupported("mknod", "dirFd");
  if (hooks.length !== 0) {
    audit("os.mknod", [path, mode, o.device ?? 0, dirFd ?? -1]);
  }
  return { p, mode, device, dirFd, given: o.dirFd };
}

/**
 * Creates a file system node; the async twin of {@linkcode mknodSync}, with
 * the same arguments, audit event and errors.
 *
 * Requires `--allow-ffi`; only on Linux.
 *
 * @param path The node to create.
 * @param options `mode`, `device` and `dirFd`.
 * @returns A promise that resolves once the node exists.
 * @throws {Deno.errors.AlreadyExists} When `path` exists (as a rejection).
 *
 * @example Create an empty regular file
 * ```ts
 * import { mknod, supportsDirFd } from "@dirfd/dirfd";
 * import { assert, assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * if (supportsDirFd.has(mknod)) {
 *   await mknod(`${root}/empty`);
 *   const info = Deno.statSync(`${root}/empty`);
 *   assert(info.isFile);
 *   assertEquals(info.size, 0);
 * }
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function mknod(
  path: PathLike,
  options?: MknodOptions,
): Promise<void> {
  const { p, mode, device, given } = check(path, options);
  const b = backendWith("mknodAt", "mknod", "mknodat");
  const r = await withDirFd(
    given,
    "mknod",
    b.AT_FDCWD,
    (d) => b.async.mknodAt(d, p, mode, device),
  );
  if (r < 0) throw systemError(b, r, b.syscall.mknodAt, p);
}

const CAPS = declareCapabilities([mknod, mknodSync], {
  dirFd: (b) => hasPrimitive(b, "mknodAt"),
});
