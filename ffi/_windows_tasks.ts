// Copyright 2026 the dirfd authors. MIT license.
// deno-lint-ignore-file no-explicit-any
/**
 * The Windows primitives that take more than one call (open a handle, query
 * or change it, close it), written once as pool tasks
 * ({@linkcode PoolTask}): the sync backend runs them on the calling thread,
 * the async twins ship their source to a pool worker, where the same calls
 * run with the error code read before any clean-up call.
 *
 * A task travels as source text, so each is a plain function that refers to
 * nothing but its parameters and globals: the Windows constants are written
 * as literals, each named in a comment (tests/windows_tasks_test.ts checks
 * them against the named constants of `windows.ts`). Other tasks are
 * reached through `s`, like symbols. Handles travel as numbers; a negative
 * result is `-error`.
 *
 * @module
 */
import type { PoolTask } from "./_pool.ts";

/**
 * Byte layout of a stat task's output: `FILE_BASIC_INFO` (40 bytes),
 * `FILE_STANDARD_INFO` (24), `BY_HANDLE_FILE_INFORMATION` (52), then
 * `FILE_ATTRIBUTE_TAG_INFO` (8; its tag is 0 unless the entry is a reparse
 * point), followed by the open's scratch space.
 */
export const STAT_OUT = {
  basic: 0,
  standard: 40,
  byHandle: 64,
  tag: 120,
  scratch: 128,
  /** With the scratch space of {@linkcode winOpen}. */
  size: 128 + 88,
} as const;

/** Bytes of `REPARSE_DATA_BUFFER`, its returned length, and open scratch. */
export const READLINK_OUT = {
  reparse: 0,
  returned: 16384,
  scratch: 16392,
  size: 16392 + 88,
} as const;

/**
 * Opens `name` (UTF-16, NUL-terminated): with `CreateFileW` when `dirfd` is
 * -100 (`AT_FDCWD`: `name` is a Win32 path), else with `NtCreateFile`
 * relative to the directory handle `dirfd` (`name` is a relative NT name of
 * `nameBytes` bytes). `scratch` (88 bytes, 8-aligned) holds the handle,
 * `IO_STATUS_BLOCK`, `UNICODE_STRING` and `OBJECT_ATTRIBUTES`.
 *
 * @returns The handle, or `-error`.
 */
export function winOpen(
  s: any,
  dirfd: number,
  name: Uint8Array | Uint16Array,
  nameBytes: number,
  follow: number,
  access: number,
  scratch: Uint8Array,
): number {
  if (dirfd === -100) {
    // FILE_FLAG_BACKUP_SEMANTICS, plus FILE_FLAG_OPEN_REPARSE_POINT when not
    // following; FILE_SHARE_READ | WRITE | DELETE; OPEN_EXISTING.
    const flags = 0x02000000 | (follow ? 0 : 0x00200000);
    const h = Number(s.CreateFileW(name, access, 7, null, 3, flags, 0n));
    return h === -1 ? -s.GetLastError() : h;
  }
  if (s.NtCreateFile == null) return -50; // ERROR_NOT_SUPPORTED
  const v = new DataView(scratch.buffer, scratch.byteOffset, 88);
  const P = Deno.UnsafePointer;
  // UNICODE_STRING at 24: Length, MaximumLength, Buffer.
  v.setUint16(24, nameBytes, true);
  v.setUint16(26, nameBytes, true);
  v.setUint32(28, 0, true);
  v.setBigUint64(32, BigInt(P.value(P.of(name))), true);
  // OBJECT_ATTRIBUTES at 40: Length, RootDirectory, ObjectName, Attributes
  // (OBJ_CASE_INSENSITIVE), SecurityDescriptor, SecurityQualityOfService.
  v.setUint32(40, 48, true);
  v.setUint32(44, 0, true);
  v.setBigInt64(48, BigInt(dirfd), true);
  v.setBigUint64(56, BigInt(P.value(P.of(scratch.subarray(24)))), true);
  v.setBigUint64(64, 0x40n, true);
  v.setBigUint64(72, 0n, true);
  v.setBigUint64(80, 0n, true);
  // What CreateFileW adds: SYNCHRONIZE | FILE_READ_ATTRIBUTES access;
  // FILE_OPEN; FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT,
  // plus FILE_OPEN_REPARSE_POINT when not following.
  const status = s.NtCreateFile(
    scratch.subarray(0, 8),
    access | 0x100000 | 0x80,
    scratch.subarray(40, 88),
    scratch.subarray(8, 24),
    null,
    0,
    7,
    1,
    0x20 | 0x4000 | (follow ? 0 : 0x200000),
    null,
    0,
  );
  if (status < 0) return -s.RtlNtStatusToDosError(status);
  return Number(v.getBigInt64(0, true));
}

/**
 * Reads what a stat needs of handle `h` into `out` (see
 * {@linkcode STAT_OUT}).
 *
 * @returns 0, or `-error`.
 */
export function winStatHandle(s: any, h: number, out: Uint8Array): number {
  const H = BigInt(h);
  // FileBasicInfo (0), FileStandardInfo (1).
  if (
    s.GetFileInformationByHandleEx(H, 0, out.subarray(0, 40), 40) === 0 ||
    s.GetFileInformationByHandleEx(H, 1, out.subarray(40, 64), 24) === 0 ||
    s.GetFileInformationByHandle(H, out.subarray(64, 116)) === 0
  ) {
    return -s.GetLastError();
  }
  out.fill(0, 120, 128);
  const attrs = new DataView(out.buffer, out.byteOffset).getUint32(32, true);
  // FILE_ATTRIBUTE_REPARSE_POINT: the tag (FileAttributeTagInfo, 9).
  if (
    (attrs & 0x400) !== 0 &&
    s.GetFileInformationByHandleEx(H, 9, out.subarray(120, 128), 8) === 0
  ) {
    return -s.GetLastError();
  }
  return 0;
}

/**
 * Stats `name` (see {@linkcode winOpen}) into `out` (see
 * {@linkcode STAT_OUT}).
 *
 * @returns 0, or `-error`.
 */
export function winStatAt(
  s: any,
  dirfd: number,
  name: Uint8Array | Uint16Array,
  nameBytes: number,
  follow: number,
  out: Uint8Array,
): number {
  // FILE_READ_ATTRIBUTES
  const h = s.winOpen(
    s,
    dirfd,
    name,
    nameBytes,
    follow,
    0x80,
    out.subarray(128),
  );
  if (h < 0) return h;
  const r = s.winStatHandle(s, h, out);
  s.CloseHandle(BigInt(h));
  return r;
}

/**
 * Opens the directory `name` (see {@linkcode winOpen}) and checks it is one,
 * its stat left in `out` (see {@linkcode STAT_OUT}).
 *
 * @returns The handle; or `-error`, with ERROR_CANT_RESOLVE_FILENAME for a
 * symlink not followed (POSIX's ELOOP) and ERROR_DIRECTORY for a file.
 */
export function winOpenDirAt(
  s: any,
  dirfd: number,
  name: Uint8Array | Uint16Array,
  nameBytes: number,
  follow: number,
  out: Uint8Array,
): number {
  // FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES | SYNCHRONIZE
  const access = 0x1 | 0x20 | 0x80 | 0x100000;
  const h = s.winOpen(
    s,
    dirfd,
    name,
    nameBytes,
    follow,
    access,
    out.subarray(128),
  );
  if (h < 0) return h;
  let e = s.winStatHandle(s, h, out);
  if (e === 0) {
    const v = new DataView(out.buffer, out.byteOffset);
    const attrs = v.getUint32(32, true);
    // A reparse point tagged IO_REPARSE_TAG_SYMLINK; FILE_ATTRIBUTE_DIRECTORY.
    if ((attrs & 0x400) !== 0 && v.getUint32(124, true) === 0xa000000c) {
      e = -1921; // ERROR_CANT_RESOLVE_FILENAME
    } else if ((attrs & 0x10) === 0) e = -267; // ERROR_DIRECTORY
  }
  if (e !== 0) {
    s.CloseHandle(BigInt(h));
    return e;
  }
  return h;
}

/**
 * Reads the reparse data of the link `name` (a Win32 path, not followed)
 * into `out` (see {@linkcode READLINK_OUT}).
 *
 * @returns The bytes returned, or `-error`.
 */
export function winReadLink(
  s: any,
  name: Uint8Array | Uint16Array,
  out: Uint8Array,
): number {
  const h = s.winOpen(s, -100, name, 0, 0, 0, out.subarray(16392));
  if (h < 0) return h;
  // FSCTL_GET_REPARSE_POINT into a MAXIMUM_REPARSE_DATA_BUFFER.
  const returned = out.subarray(16384, 16388);
  const ok = s.DeviceIoControl(
    BigInt(h),
    0x000900a8,
    null,
    0,
    out.subarray(0, 16384),
    16384,
    returned,
    null,
  );
  const r = ok === 0
    ? -s.GetLastError()
    : new DataView(returned.buffer, returned.byteOffset).getUint32(0, true);
  s.CloseHandle(BigInt(h));
  return r;
}

/**
 * Sets the length of handle `h` to the 64-bit little-endian value in
 * `length` (`SetFileInformationByHandle`, FileEndOfFileInfo = 6).
 *
 * @returns 0, or `-error`.
 */
export function winSetLength(s: any, h: number, length: Uint8Array): number {
  return s.SetFileInformationByHandle(
      BigInt(h),
      6,
      length.subarray(0, 8),
      8,
    ) !==
      0
    ? 0
    : -s.GetLastError();
}

/**
 * Python's `truncate(path)` on Windows: `_wopen(path, O_WRONLY)` (follows
 * links; a directory fails with ERROR_ACCESS_DENIED), then the length.
 *
 * @returns 0, or `-error`.
 */
export function winTruncate(
  s: any,
  name: Uint8Array | Uint16Array,
  length: Uint8Array,
): number {
  // GENERIC_WRITE; FILE_SHARE_READ | WRITE | DELETE; OPEN_EXISTING.
  const h = Number(s.CreateFileW(name, 0x40000000, 7, null, 3, 0, 0n));
  if (h === -1) return -s.GetLastError();
  const r = s.winSetLength(s, h, length);
  s.CloseHandle(BigInt(h));
  return r;
}

/** Every task, by name: what the Windows pool ships to its workers. */
export const WINDOWS_TASKS: Record<string, PoolTask> = {
  winOpen,
  winStatHandle,
  winStatAt,
  winOpenDirAt,
  winReadLink,
  winSetLength,
  winTruncate,
};
