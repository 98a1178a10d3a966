// Copyright 2026 the dirfd authors. MIT license.
/**
 * Turns a backend's error code into the error Deno itself throws for it: the
 * same `Deno.errors` class, `name`, `code` and message shape
 * (`No such file or directory (os error 2): statx 'a/b'`), plus `errno`,
 * `syscall`, `path` and, for two-path calls, `dest`.
 *
 * @module
 */
import type { Backend } from "./ffi/_types.ts";

/** The fields dirfd adds to every error that comes from the OS. */
export interface SystemError extends Error {
  /** The symbolic error code, as Deno sets it (`"ENOENT"`). */
  code: string;
  /** The numeric error code (`errno`, or the Windows error code). */
  errno: number;
  /** The system call that failed. */
  syscall: string;
  /** The path argument, when there was one. */
  path?: string;
  /** The second path of two-path calls such as `rename`. */
  dest?: string;
}

/**
 * Builds the error for a failed call. `err` is the backend's negative code.
 */
export function systemError(
  b: Backend,
  err: number,
  syscall: string,
  path?: string,
  dest?: string,
): SystemError {
  const errno = -err;
  const code = b.errnoName(errno) ?? `UNKNOWN`;
  let message = `${b.describe(errno)} (os error ${errno}): ${syscall}`;
  if (path !== undefined) message += ` '${path}'`;
  if (dest !== undefined) message += ` -> '${dest}'`;
  const hint = b.hint(errno, syscall);
  if (hint !== undefined) message += `: ${hint}`;
  const Cls = b.errorClass(errno, syscall);
  const e = new Cls(message) as SystemError;
  e.code = code;
  e.errno = errno;
  e.syscall = syscall;
  if (path !== undefined) e.path = path;
  if (dest !== undefined) e.dest = dest;
  return e;
}

/** `fn: what unavailable on this platform`, Python's wording, as `NotSupported`. */
export function notSupported(fn: string, what: string): Error {
  return new Deno.errors.NotSupported(
    `${fn}: ${what} unavailable on this platform`,
  );
}

/** The error for using a closed {@linkcode Dir}. */
export function closedDir(fn: string): Error {
  return new Deno.errors.BadResource(`${fn}: the Dir is closed`);
}

/** The error for using a closed `File`: Deno's own `Bad resource ID`. */
export function closedFile(): Error {
  return new Deno.errors.BadResource("Bad resource ID");
}
