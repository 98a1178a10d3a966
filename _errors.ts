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

type ErrorClass = new (message: string) => Error;

// Deno maps an OS error through Rust's io::ErrorKind to a class name; this is
// that mapping, keyed by the symbolic code. Codes not listed become `Error`.
const CLASS_BY_CODE: Readonly<Record<string, string>> = {
  ENOENT: "NotFound",
  EACCES: "PermissionDenied",
  EPERM: "PermissionDenied",
  EEXIST: "AlreadyExists",
  ENOTDIR: "NotADirectory",
  EISDIR: "IsADirectory",
  ELOOP: "FilesystemLoop",
  EINVAL: "TypeError",
  EINTR: "Interrupted",
  EAGAIN: "WouldBlock",
  EWOULDBLOCK: "WouldBlock",
  ETIMEDOUT: "TimedOut",
  ECONNREFUSED: "ConnectionRefused",
  ECONNRESET: "ConnectionReset",
  ECONNABORTED: "ConnectionAborted",
  ENOTCONN: "NotConnected",
  EADDRINUSE: "AddrInUse",
  EADDRNOTAVAIL: "AddrNotAvailable",
  EPIPE: "BrokenPipe",
  ENETUNREACH: "NetworkUnreachable",
};

/** The class Deno uses for a symbolic error code. */
export function errorClassFor(code: string | undefined): ErrorClass {
  const name = code === undefined ? undefined : CLASS_BY_CODE[code];
  if (name === "TypeError") return TypeError;
  const cls = name === undefined
    ? undefined
    : (Deno.errors as unknown as Record<string, ErrorClass>)[name];
  return cls ?? Error;
}

// On Windows the class comes from the Windows error code itself, through
// Rust's `decode_error_kind` and Deno's kind-to-class mapping; the symbolic
// code (libuv's table) is no guide: ERROR_DIRECTORY is "ENOENT" but
// NotADirectory. Codes not listed become `Error`.
const WINDOWS_CLASS_BY_ERROR: Readonly<Record<number, string>> = {
  2: "NotFound", // FILE_NOT_FOUND
  3: "NotFound", // PATH_NOT_FOUND
  5: "PermissionDenied", // ACCESS_DENIED
  15: "NotFound", // INVALID_DRIVE
  53: "NotFound", // BAD_NETPATH
  67: "NotFound", // BAD_NET_NAME
  80: "AlreadyExists", // FILE_EXISTS
  87: "TypeError", // INVALID_PARAMETER (InvalidInput)
  109: "BrokenPipe", // BROKEN_PIPE
  120: "NotSupported", // CALL_NOT_IMPLEMENTED (Unsupported)
  121: "TimedOut", // SEM_TIMEOUT
  183: "AlreadyExists", // ALREADY_EXISTS
  232: "BrokenPipe", // NO_DATA
  258: "TimedOut", // WAIT_TIMEOUT
  267: "NotADirectory", // DIRECTORY
  336: "IsADirectory", // DIRECTORY_NOT_SUPPORTED
  995: "TimedOut", // OPERATION_ABORTED
  1231: "NetworkUnreachable", // NETWORK_UNREACHABLE
  1460: "TimedOut", // TIMEOUT
  1921: "FilesystemLoop", // CANT_RESOLVE_FILENAME
  10013: "PermissionDenied", // WSAEACCES
  10035: "WouldBlock", // WSAEWOULDBLOCK
  10048: "AddrInUse",
  10049: "AddrNotAvailable",
  10053: "ConnectionAborted",
  10054: "ConnectionReset",
  10057: "NotConnected",
  10060: "TimedOut",
  10061: "ConnectionRefused",
};

/** The class Deno uses for a Windows error code. */
export function windowsErrorClassFor(error: number): ErrorClass {
  const name = WINDOWS_CLASS_BY_ERROR[error];
  if (name === "TypeError") return TypeError;
  const cls = name === undefined
    ? undefined
    : (Deno.errors as unknown as Record<string, ErrorClass>)[name];
  return cls ?? Error;
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
  const Cls = b.name === "windows"
    ? windowsErrorClassFor(errno)
    : errorClassFor(code);
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
