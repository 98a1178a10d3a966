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
  // What CreateFileW adds: SYNCHRONIZE | FILE_READ_ATTRIBUTES access;
  // FILE_OPEN; FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT,
  // plus FILE_OPEN_REPARSE_POINT when not following.
  return s.winNtOpen(
    s,
    dirfd,
    name,
    nameBytes,
    access | 0x100000 | 0x80,
    1,
    0x20 | 0x4000 | (follow ? 0 : 0x200000),
    scratch,
  );
}

/**
 * `NtCreateFile` of `name` (UTF-16, `nameBytes` bytes) relative to the
 * directory handle `root`, or an absolute NT name (`\??\C:\…`) when `root`
 * is 0, with every file shared (`FILE_SHARE_READ | WRITE | DELETE`) and
 * `FILE_ATTRIBUTE_NORMAL` for a new file; `OBJECT_ATTRIBUTES.Attributes`
 * is `attributes` (default `OBJ_CASE_INSENSITIVE`). `scratch` (88 bytes, 8-aligned)
 * holds the handle @0, `IO_STATUS_BLOCK` @8, `UNICODE_STRING` @24 and
 * `OBJECT_ATTRIBUTES` @40.
 *
 * @returns The handle, or `-error` (`RtlNtStatusToDosError`).
 */
export function winNtOpen(
  s: any,
  root: number,
  name: Uint8Array | Uint16Array,
  nameBytes: number,
  access: number,
  disposition: number,
  options: number,
  scratch: Uint8Array,
  attributes = 0x40,
): number {
  if (s.NtCreateFile == null) return -50; // ERROR_NOT_SUPPORTED
  const v = new DataView(scratch.buffer, scratch.byteOffset, 88);
  const P = Deno.UnsafePointer;
  // UNICODE_STRING at 24: Length, MaximumLength, Buffer.
  v.setUint16(24, nameBytes, true);
  v.setUint16(26, nameBytes, true);
  v.setUint32(28, 0, true);
  v.setBigUint64(32, BigInt(P.value(P.of(name))), true);
  // OBJECT_ATTRIBUTES at 40: Length, RootDirectory, ObjectName, Attributes,
  // SecurityDescriptor, SecurityQualityOfService.
  v.setUint32(40, 48, true);
  v.setUint32(44, 0, true);
  v.setBigInt64(48, BigInt(root), true);
  v.setBigUint64(56, BigInt(P.value(P.of(scratch.subarray(24)))), true);
  v.setBigUint64(64, BigInt(attributes), true);
  v.setBigUint64(72, 0n, true);
  v.setBigUint64(80, 0n, true);
  const status = s.NtCreateFile(
    scratch.subarray(0, 8),
    access,
    scratch.subarray(40, 88),
    scratch.subarray(8, 24),
    null,
    // FILE_ATTRIBUTE_NORMAL when creating (FILE_CREATE).
    disposition === 2 ? 0x80 : 0,
    7,
    disposition,
    options,
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

/**
 * Scratch bytes of the NT tasks below: {@linkcode winNtOpen}'s 88, then 40
 * for `FILE_BASIC_INFO` or the disposition flags, then 8 for
 * `FILE_ATTRIBUTE_TAG_INFO`.
 */
export const NT_SCRATCH = { open: 0, info: 88, tag: 128, size: 136 } as const;

/**
 * Sets information class `cls` of handle `h` (`NtSetInformationFile`, its
 * `IO_STATUS_BLOCK` in `scratch` @8).
 *
 * @returns The `NTSTATUS`.
 */
export function winSetInfo(
  s: any,
  h: number,
  info: Uint8Array,
  length: number,
  cls: number,
  scratch: Uint8Array,
): number {
  if (s.NtSetInformationFile == null) return 0xc0000002 | 0; // NOT_IMPLEMENTED
  return s.NtSetInformationFile(
    BigInt(h),
    scratch.subarray(8, 24),
    info,
    length,
    cls,
  );
}

/**
 * Creates the directory `name` (see {@linkcode winNtOpen}): `FILE_CREATE`
 * with `FILE_DIRECTORY_FILE`, then closes it.
 *
 * @returns 0, or `-error` (ERROR_ALREADY_EXISTS when it exists).
 */
export function winMkdirAt(
  s: any,
  root: number,
  name: Uint8Array | Uint16Array,
  nameBytes: number,
  scratch: Uint8Array,
): number {
  // FILE_LIST_DIRECTORY | SYNCHRONIZE; FILE_CREATE; FILE_DIRECTORY_FILE |
  // FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT.
  const h = s.winNtOpen(
    s,
    root,
    name,
    nameBytes,
    0x1 | 0x100000,
    2,
    0x1 | 0x20 | 0x4000,
    scratch,
  );
  if (h < 0) return h;
  s.CloseHandle(BigInt(h));
  return 0;
}

/**
 * Removes `name` (see {@linkcode winNtOpen}), the link itself when it is
 * one: a file (`dir` 0; a directory that is not a symlink or junction gives
 * ERROR_ACCESS_DENIED, as `DeleteFileW` does) or a directory (`dir` 1,
 * through `FILE_DIRECTORY_FILE`). `FileDispositionInformationEx` with
 * `DELETE | POSIX_SEMANTICS`, or, when that class or flag is unknown (or
 * bit 1 of `fallback` forces it), `FileDispositionInformation`.
 *
 * @returns 0, or `-error`.
 */
export function winUnlinkAt(
  s: any,
  root: number,
  name: Uint8Array | Uint16Array,
  nameBytes: number,
  dir: number,
  fallback: number,
  scratch: Uint8Array,
): number {
  // DELETE | FILE_READ_ATTRIBUTES | SYNCHRONIZE; FILE_OPEN;
  // FILE_OPEN_REPARSE_POINT | FILE_OPEN_FOR_BACKUP_INTENT |
  // FILE_SYNCHRONOUS_IO_NONALERT, plus FILE_DIRECTORY_FILE for a directory.
  const h = s.winNtOpen(
    s,
    root,
    name,
    nameBytes,
    0x10000 | 0x80 | 0x100000,
    1,
    0x200000 | 0x4000 | 0x20 | (dir ? 0x1 : 0),
    scratch,
  );
  if (h < 0) return h;
  const H = BigInt(h);
  const v = new DataView(scratch.buffer, scratch.byteOffset, 136);
  let r = 0;
  if (!dir) {
    // FileAttributeTagInfo (9): FileAttributes, ReparseTag.
    if (
      s.GetFileInformationByHandleEx(H, 9, scratch.subarray(128, 136), 8) === 0
    ) {
      r = -s.GetLastError();
    } else {
      const attrs = v.getUint32(128, true);
      const tag = v.getUint32(132, true);
      // FILE_ATTRIBUTE_DIRECTORY, unless a reparse point (0x400) tagged
      // IO_REPARSE_TAG_SYMLINK or IO_REPARSE_TAG_MOUNT_POINT:
      // ERROR_ACCESS_DENIED.
      if (
        (attrs & 0x10) !== 0 &&
        !((attrs & 0x400) !== 0 && (tag === 0xa000000c || tag === 0xa0000003))
      ) r = -5;
    }
  }
  if (r === 0) {
    const info = scratch.subarray(88, 92);
    let status = 0;
    let plain = (fallback & 1) !== 0;
    if (!plain) {
      // FileDispositionInformationEx (64): FILE_DISPOSITION_DELETE |
      // FILE_DISPOSITION_POSIX_SEMANTICS.
      v.setUint32(88, 0x1 | 0x2, true);
      status = s.winSetInfo(s, h, info, 4, 64, scratch);
      // STATUS_INVALID_INFO_CLASS, STATUS_INVALID_PARAMETER,
      // STATUS_NOT_SUPPORTED: an older Windows or file system.
      plain = status === (0xc0000003 | 0) || status === (0xc000000d | 0) ||
        status === (0xc00000bb | 0);
    }
    if (plain) {
      // FileDispositionInformation (13): DeleteFile = TRUE.
      v.setUint32(88, 1, true);
      status = s.winSetInfo(s, h, info, 1, 13, scratch);
    }
    if (status < 0) r = -s.RtlNtStatusToDosError(status);
  }
  s.CloseHandle(H);
  return r;
}

/**
 * Renames `src` (see {@linkcode winNtOpen}, the link itself when it is one)
 * to the target `info` names (a `FILE_RENAME_INFORMATION` buffer of
 * `24 + FileNameLength` bytes: RootDirectory @8, FileNameLength @16, name
 * @20; its first 4 bytes are written here). `FileRenameInformationEx` with
 * `POSIX_SEMANTICS` (and `REPLACE_IF_EXISTS` when bit 1 of `mode`); when
 * that class is unknown (or bit 2 of `mode` forces it),
 * `FileRenameInformation` with `ReplaceIfExists` from bit 1.
 *
 * @returns 0, or `-error` (ERROR_ALREADY_EXISTS for an existing target
 * without replace).
 */
export function winRenameAt(
  s: any,
  root: number,
  src: Uint8Array | Uint16Array,
  srcBytes: number,
  info: Uint8Array,
  mode: number,
  scratch: Uint8Array,
): number {
  // DELETE | FILE_READ_ATTRIBUTES | SYNCHRONIZE; FILE_OPEN;
  // FILE_OPEN_REPARSE_POINT | FILE_OPEN_FOR_BACKUP_INTENT |
  // FILE_SYNCHRONOUS_IO_NONALERT.
  const h = s.winNtOpen(
    s,
    root,
    src,
    srcBytes,
    0x10000 | 0x80 | 0x100000,
    1,
    0x200000 | 0x4000 | 0x20,
    scratch,
  );
  if (h < 0) return h;
  const iv = new DataView(info.buffer, info.byteOffset, 24);
  const length = 24 + iv.getUint32(16, true);
  const replace = mode & 1;
  let status = 0;
  let plain = (mode & 2) !== 0;
  if (!plain) {
    // FileRenameInformationEx (65): FILE_RENAME_POSIX_SEMANTICS, plus
    // FILE_RENAME_REPLACE_IF_EXISTS.
    iv.setUint32(0, 0x2 | replace, true);
    status = s.winSetInfo(s, h, info, length, 65, scratch);
    // STATUS_INVALID_INFO_CLASS, STATUS_INVALID_PARAMETER,
    // STATUS_NOT_SUPPORTED.
    plain = status === (0xc0000003 | 0) || status === (0xc000000d | 0) ||
      status === (0xc00000bb | 0);
  }
  if (plain) {
    // FileRenameInformation (10): ReplaceIfExists (a BOOLEAN, then padding).
    iv.setUint32(0, replace, true);
    status = s.winSetInfo(s, h, info, length, 10, scratch);
  }
  const r = status < 0 ? -s.RtlNtStatusToDosError(status) : 0;
  s.CloseHandle(BigInt(h));
  return r;
}

/**
 * Makes the hard link `info` names (a `FILE_LINK_INFORMATION` buffer, laid
 * out as {@linkcode winRenameAt}'s) to `src` (see {@linkcode winNtOpen};
 * its target when `follow`): `FileLinkInformation` with
 * `ReplaceIfExists` FALSE.
 *
 * @returns 0, or `-error`.
 */
export function winLinkAt(
  s: any,
  root: number,
  src: Uint8Array | Uint16Array,
  srcBytes: number,
  follow: number,
  info: Uint8Array,
  scratch: Uint8Array,
): number {
  // FILE_WRITE_ATTRIBUTES | SYNCHRONIZE; FILE_OPEN;
  // FILE_OPEN_FOR_BACKUP_INTENT | FILE_SYNCHRONOUS_IO_NONALERT, plus
  // FILE_OPEN_REPARSE_POINT when not following.
  const h = s.winNtOpen(
    s,
    root,
    src,
    srcBytes,
    0x100 | 0x100000,
    1,
    0x4000 | 0x20 | (follow ? 0 : 0x200000),
    scratch,
  );
  if (h < 0) return h;
  const iv = new DataView(info.buffer, info.byteOffset, 24);
  iv.setUint32(0, 0, true);
  // FileLinkInformation (11).
  const status = s.winSetInfo(
    s,
    h,
    info,
    24 + iv.getUint32(16, true),
    11,
    scratch,
  );
  const r = status < 0 ? -s.RtlNtStatusToDosError(status) : 0;
  s.CloseHandle(BigInt(h));
  return r;
}

/**
 * Python's `win32_hchmod` on handle `h`: reads `FILE_BASIC_INFO`, sets or
 * clears `FILE_ATTRIBUTE_READONLY` from the owner's write bit of `mode`
 * (`0o200`) and, if that changes anything, writes the attributes back with
 * every time 0 ("unchanged"); 0 attributes become `FILE_ATTRIBUTE_NORMAL`.
 *
 * @returns 0, or `-error`.
 */
export function winFchmod(
  s: any,
  h: number,
  mode: number,
  scratch: Uint8Array,
): number {
  const H = BigInt(h);
  const basic = scratch.subarray(88, 128);
  // FileBasicInfo (0).
  if (s.GetFileInformationByHandleEx(H, 0, basic, 40) === 0) {
    return -s.GetLastError();
  }
  const v = new DataView(basic.buffer, basic.byteOffset, 40);
  const attrs = v.getUint32(32, true);
  // FILE_ATTRIBUTE_READONLY (0x1) from the write bit (0o200).
  let next = ((mode & 0x80) !== 0 ? attrs & ~0x1 : attrs | 0x1) >>> 0;
  if (next === attrs) return 0;
  if (next === 0) next = 0x80; // FILE_ATTRIBUTE_NORMAL
  for (let i = 0; i < 32; i += 8) v.setBigInt64(i, 0n, true);
  v.setUint32(32, next, true);
  v.setUint32(36, 0, true);
  return s.SetFileInformationByHandle(H, 0, basic, 40) !== 0
    ? 0
    : -s.GetLastError();
}

/**
 * Opens `name` (see {@linkcode winNtOpen}; the link itself unless `follow`)
 * to read and write its attributes, runs `use` on the handle, and closes it:
 * what chmod and utime by name share. Called by other tasks (`use` is a
 * function of theirs), never as a request of its own.
 *
 * @returns What `use` returns, or `-error` from the open.
 */
export function winWithAttributes(
  s: any,
  root: number,
  name: Uint8Array | Uint16Array,
  nameBytes: number,
  follow: number,
  scratch: Uint8Array,
  use: (h: number) => number,
): number {
  // FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES | SYNCHRONIZE; FILE_OPEN;
  // FILE_OPEN_FOR_BACKUP_INTENT | FILE_SYNCHRONOUS_IO_NONALERT, plus
  // FILE_OPEN_REPARSE_POINT when not following.
  const h = s.winNtOpen(
    s,
    root,
    name,
    nameBytes,
    0x80 | 0x100 | 0x100000,
    1,
    0x4000 | 0x20 | (follow ? 0 : 0x200000),
    scratch,
  );
  if (h < 0) return h;
  const r = use(h);
  s.CloseHandle(BigInt(h));
  return r;
}

/**
 * chmod of `name` (see {@linkcode winNtOpen}; the link itself unless
 * `follow`) through {@linkcode winFchmod}.
 *
 * @returns 0, or `-error`.
 */
export function winChmodAt(
  s: any,
  root: number,
  name: Uint8Array | Uint16Array,
  nameBytes: number,
  follow: number,
  mode: number,
  scratch: Uint8Array,
): number {
  return s.winWithAttributes(
    s,
    root,
    name,
    nameBytes,
    follow,
    scratch,
    (h: number) => s.winFchmod(s, h, mode, scratch),
  );
}

/**
 * Sets the access and write times of handle `h` from `times` (two
 * `FILETIME` tick counts, both 0 for now: `GetSystemTimePreciseAsFileTime`)
 * through `FILE_BASIC_INFO`, creation and change times 0 ("unchanged") and
 * the attributes read back from the same handle (Wine takes 0 as
 * "writable" and would clear read-only).
 *
 * @returns 0, or `-error`.
 */
export function winFutimes(
  s: any,
  h: number,
  times: Uint8Array,
  scratch: Uint8Array,
): number {
  const H = BigInt(h);
  const basic = scratch.subarray(88, 128);
  // FileBasicInfo (0).
  if (s.GetFileInformationByHandleEx(H, 0, basic, 40) === 0) {
    return -s.GetLastError();
  }
  const t = new DataView(times.buffer, times.byteOffset, 16);
  let a = t.getBigInt64(0, true);
  let m = t.getBigInt64(8, true);
  if (a === 0n && m === 0n) {
    if (s.GetSystemTimePreciseAsFileTime == null) return -120;
    s.GetSystemTimePreciseAsFileTime(times.subarray(0, 8));
    a = m = t.getBigInt64(0, true);
  }
  const v = new DataView(basic.buffer, basic.byteOffset, 40);
  v.setBigInt64(0, 0n, true);
  v.setBigInt64(8, a, true);
  v.setBigInt64(16, m, true);
  v.setBigInt64(24, 0n, true);
  return s.SetFileInformationByHandle(H, 0, basic, 40) !== 0
    ? 0
    : -s.GetLastError();
}

/**
 * utime of `name` (see {@linkcode winNtOpen}; the link itself unless
 * `follow`) through {@linkcode winFutimes}.
 *
 * @returns 0, or `-error`.
 */
export function winUtimeAt(
  s: any,
  root: number,
  name: Uint8Array | Uint16Array,
  nameBytes: number,
  follow: number,
  times: Uint8Array,
  scratch: Uint8Array,
): number {
  return s.winWithAttributes(
    s,
    root,
    name,
    nameBytes,
    follow,
    scratch,
    (h: number) => s.winFutimes(s, h, times, scratch),
  );
}

/**
 * Python's `os.access` on Windows for `name` (see {@linkcode winNtOpen}):
 * it exists, and `W_OK` (2 in `mode`) is refused only for a read-only file
 * that is not a directory.
 *
 * @returns 0 when allowed, else `-error` (ERROR_ACCESS_DENIED for `W_OK`).
 */
export function winAccessAt(
  s: any,
  root: number,
  name: Uint8Array | Uint16Array,
  nameBytes: number,
  follow: number,
  mode: number,
  scratch: Uint8Array,
): number {
  // FILE_READ_ATTRIBUTES | SYNCHRONIZE; FILE_OPEN;
  // FILE_OPEN_FOR_BACKUP_INTENT | FILE_SYNCHRONOUS_IO_NONALERT, plus
  // FILE_OPEN_REPARSE_POINT when not following.
  const h = s.winNtOpen(
    s,
    root,
    name,
    nameBytes,
    0x80 | 0x100000,
    1,
    0x4000 | 0x20 | (follow ? 0 : 0x200000),
    scratch,
  );
  if (h < 0) return h;
  const H = BigInt(h);
  const basic = scratch.subarray(88, 128);
  let r = 0;
  // FileBasicInfo (0).
  if (s.GetFileInformationByHandleEx(H, 0, basic, 40) === 0) {
    r = -s.GetLastError();
  } else {
    const attrs = new DataView(basic.buffer, basic.byteOffset, 40)
      .getUint32(32, true);
    // W_OK on FILE_ATTRIBUTE_READONLY without FILE_ATTRIBUTE_DIRECTORY.
    if ((mode & 2) !== 0 && (attrs & 0x1) !== 0 && (attrs & 0x10) === 0) {
      r = -5;
    }
  }
  s.CloseHandle(H);
  return r;
}

/**
 * Opens the directory handle `fd` once more, with a listing position of its
 * own: `NtCreateFile` relative to it with an empty name.
 *
 * @returns The new handle, or `-error` (ERROR_DIRECTORY for a file).
 */
export function winDupDir(s: any, fd: number, scratch: Uint8Array): number {
  // FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES |
  // SYNCHRONIZE; FILE_OPEN; FILE_DIRECTORY_FILE |
  // FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT.
  scratch.fill(0, 128, 136);
  return s.winNtOpen(
    s,
    fd,
    scratch.subarray(128, 136),
    0,
    0x1 | 0x20 | 0x80 | 0x100000,
    1,
    0x1 | 0x20 | 0x4000,
    scratch,
  );
}

/**
 * Reads the next entries of the directory handle `h` into `buf` (64 KiB):
 * `GetFileInformationByHandleEx` with `FileIdBothDirectoryInfo` (10), or
 * `FileFullDirectoryInfo` (14) where the file system has no file ids
 * (ERROR_INVALID_PARAMETER) or bit 4 of `fallback` forces it.
 *
 * @returns The class read (10 or 14; the entries are in `buf`), 0 at the
 * end (ERROR_NO_MORE_FILES, or ERROR_FILE_NOT_FOUND for an empty volume
 * root), or `-error`.
 */
export function winReadDirChunk(
  s: any,
  h: number,
  fallback: number,
  buf: Uint8Array,
): number {
  const H = BigInt(h);
  let cls = (fallback & 4) !== 0 ? 14 : 10;
  for (;;) {
    if (s.GetFileInformationByHandleEx(H, cls, buf, 65536) !== 0) return cls;
    const e = s.GetLastError();
    if (e === 18 || e === 2) return 0;
    if (e !== 87 || cls === 14) return -e;
    cls = 14;
  }
}

/** Every task, by name: what the Windows pool ships to its workers. */
export const WINDOWS_TASKS: Record<string, PoolTask> = {
  winOpen,
  winNtOpen,
  winSetInfo,
  winStatHandle,
  winStatAt,
  winOpenDirAt,
  winReadLink,
  winSetLength,
  winTruncate,
  winMkdirAt,
  winUnlinkAt,
  winRenameAt,
  winLinkAt,
  winFchmod,
  winWithAttributes,
  winChmodAt,
  winFutimes,
  winUtimeAt,
  winAccessAt,
  winDupDir,
  winReadDirChunk,
};
