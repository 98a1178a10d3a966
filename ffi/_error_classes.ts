// Copyright 2026 the dirfd authors. MIT license.
/**
 * Which `Deno.errors` class Deno itself throws for an OS error: by symbolic
 * code on POSIX, by the Windows error code itself on Windows. Each backend
 * answers `errorClass` from one of these.
 *
 * @module
 */
import type { ErrorClass } from "./_types.ts";

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
