// Copyright 2026 the dirfd authors. MIT license.
/**
 * The contract between the public operations and a platform backend.
 *
 * Backends never throw: every primitive returns a negative errno (POSIX) or a
 * negative error code of the platform (Windows) on failure, and the public
 * operation files turn it into an error exactly once.
 *
 * @module
 */
import type { StatResult } from "../_file_info.ts";

/** Returned by {@linkcode Backend.readLinkAt} when the target is not valid UTF-8. */
export const NOT_UTF8 = -0x1_0000;

/** An open platform library with the primitives dirfd needs. */
export interface Backend {
  /** `"linux"`, `"darwin"` or `"windows"`. */
  readonly name: string;
  /** The descriptor meaning "the current directory" for `*at` calls. */
  readonly AT_FDCWD: number;
  /** Optional primitives that resolved and work here, by name. */
  readonly has: Readonly<Record<string, boolean>>;
  /** Which stat primitive is in use (`"statx"`, `"fstatat"`, …). */
  readonly statVia: string;

  /** `fstatat`/`statx` relative to `dirfd`; a result or `-errno`. */
  statAt(dirfd: number, path: string, follow: boolean): StatResult | number;
  /** `fstat` of an open descriptor; a result or `-errno`. */
  fstat(fd: number): StatResult | number;
  /** The open flags {@linkcode Backend.openDirAt} uses (for audit events). */
  openDirFlags(follow: boolean): number;
  /** Opens a directory relative to `dirfd`; the descriptor or `-errno`. */
  openDirAt(dirfd: number, path: string, follow: boolean): number;
  /** Closes a descriptor; 0 or `-errno`. */
  close(fd: number): number;
  /**
   * `symlinkat`; 0 or `-errno`. `targetIsDirectory` matters on Windows only
   * (Python's rule for a target that does not exist).
   */
  symlinkAt(
    target: string,
    dirfd: number,
    path: string,
    targetIsDirectory: boolean,
  ): number;
  /** `readlinkat`; the target, `-errno`, or {@linkcode NOT_UTF8}. */
  readLinkAt(dirfd: number, path: string): string | number;
  /** `fchdir`; 0 or `-errno`. */
  fchdir(fd: number): number;

  /** The platform's description of an error code (`strerror`). */
  describe(errno: number): string;
  /** The symbolic name of an error code (`"ENOENT"`), or `undefined`. */
  errnoName(errno: number): string | undefined;
  /** Tests only: switch the stat primitive; returns false if unavailable. */
  selectStat?(via: string): boolean;
}
