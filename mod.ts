// Copyright 2026 the dirfd authors. MIT license.
/**
 * Descriptor-relative file operations for Deno, after Python's `os` module:
 * open a directory once ({@linkcode openDir}) and resolve paths against it
 * (`dirFd`), operate on open descriptors in place of paths, choose whether
 * symlinks are followed (`followSymlinks`), and ask which of these work here
 * ({@linkcode supportsDirFd}, {@linkcode supportsFd},
 * {@linkcode supportsFollowSymlinks}).
 *
 * The module reaches the OS through `Deno.dlopen` and so needs `--allow-ffi`
 * for everything descriptor-based; FFI bypasses Deno's read and write
 * permission checks. Without `--allow-ffi` it still imports, path-only calls
 * fall back to `Deno.*`, and the capability sets shrink accordingly.
 *
 * @example Stat files relative to a directory that cannot be swapped away
 * ```ts
 * import { openDirSync, statSync, supportsDirFd } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/data.txt`, "42");
 * if (supportsDirFd.has(statSync)) {
 *   using dir = openDirSync(root, { followSymlinks: false });
 *   assertEquals(statSync("data.txt", { dirFd: dir }).size, 2);
 * }
 * Deno.removeSync(root, { recursive: true });
 * ```
 *
 * @module
 */

export type { FdLike, PathLike } from "./_args.ts";
export type { FileInfo, StatvfsResult } from "./_file_info.ts";
export type { SystemError } from "./_errors.ts";
export { Dir } from "./dir.ts";
export { openDir, type OpenDirOptions, openDirSync } from "./open_dir.ts";
export {
  create,
  type CreateOptions,
  createSync,
  O_APPEND,
  O_CLOEXEC,
  O_CREAT,
  O_DIRECT,
  O_DIRECTORY,
  O_DSYNC,
  O_EXCL,
  O_EXLOCK,
  O_NOATIME,
  O_NOCTTY,
  O_NOFOLLOW,
  O_NOFOLLOW_ANY,
  O_NONBLOCK,
  O_PATH,
  O_RDONLY,
  O_RDWR,
  O_SHLOCK,
  O_SYMLINK,
  O_SYNC,
  O_TMPFILE,
  O_TRUNC,
  O_WRONLY,
  open,
  type OpenOptions,
  openSync,
} from "./open.ts";
export { File, type FromFdOptions } from "./file.ts";
export {
  readFile,
  type ReadFileOptions,
  readFileSync,
  readTextFile,
  readTextFileSync,
} from "./read_file.ts";
export {
  writeFile,
  type WriteFileOptions,
  writeFileSync,
  writeTextFile,
  writeTextFileSync,
} from "./write_file.ts";
export { stat, type StatOptions, statSync } from "./stat.ts";
export { lstat, type LstatOptions, lstatSync } from "./lstat.ts";
export { symlink, type SymlinkOptions, symlinkSync } from "./symlink.ts";
export { readLink, type ReadLinkOptions, readLinkSync } from "./read_link.ts";
export { chdir } from "./chdir.ts";
export { mkdir, type MkdirOptions, mkdirSync } from "./mkdir.ts";
export { unlink, type UnlinkOptions, unlinkSync } from "./unlink.ts";
export { rmdir, type RmdirOptions, rmdirSync } from "./rmdir.ts";
export { rename, type RenameOptions, renameSync } from "./rename.ts";
export { replace, type ReplaceOptions, replaceSync } from "./replace.ts";
export { link, type LinkOptions, linkSync } from "./link.ts";
export { chmod, type ChmodOptions, chmodSync } from "./chmod.ts";
export { chown, type ChownOptions, chownSync } from "./chown.ts";
export { type TimeLike, utime, type UtimeOptions, utimeSync } from "./utime.ts";
export {
  access,
  type AccessOptions,
  accessSync,
  F_OK,
  R_OK,
  W_OK,
  X_OK,
} from "./access.ts";
export { truncate, truncateSync } from "./truncate.ts";
export { mkfifo, type MkfifoOptions, mkfifoSync } from "./mkfifo.ts";
export { mknod, type MknodOptions, mknodSync } from "./mknod.ts";
export { statvfs, statvfsSync } from "./statvfs.ts";
export {
  type DirEntry,
  type DirEntryWithInfo,
  readDir,
  type ReadDirOptions,
  readDirSync,
} from "./read_dir.ts";
export {
  walk,
  type WalkEntry,
  type WalkEntryWithInfo,
  type WalkOptions,
  walkSync,
} from "./walk.ts";
export {
  openInRoot,
  openInRootSync,
  openRoot,
  type OpenRootOptions,
  openRootSync,
  PathEscapesError,
  Root,
  type RootFollowOptions,
  type RootMkdirOptions,
  type RootOpenOptions,
  type RootRemoveOptions,
  type RootSymlinkOptions,
  type RootWalkOptions,
  type RootWriteFileOptions,
  type SymlinkPolicy,
} from "./root.ts";
export { addAuditHook, type AuditHook } from "./audit.ts";
export { supportsDirFd, supportsFd, supportsFollowSymlinks } from "./_caps.ts";
