// Copyright 2026 the dirfd authors. MIT license.
// deno-lint-ignore-file no-explicit-any
/**
 * The Windows file primitives written once as pool tasks
 * ({@linkcode PoolTask}), as `_windows_tasks.ts` does for the directory
 * family: the sync `File` runs them on the calling thread, the async twins
 * ship their source to a pool worker, where the same calls run with the
 * error code (`GetLastError`, which is per thread) read on the thread that
 * made the call, before any clean-up call.
 *
 * A task refers to nothing but its parameters and globals: Windows
 * constants are literals, each named in a comment
 * (`tests/file_windows_tasks_test.ts` checks them against `WIN` of
 * `_file_windows.ts`); other tasks (`winNtOpen`, `winSetLength`,
 * `winFchmod` of `_windows_tasks.ts`) are reached through `s`. Names are
 * NUL-terminated UTF-16; handles travel as numbers; a negative result is
 * `-error`.
 *
 * @module
 */
import type { PoolTask } from "./_pool.ts";

/**
 * Byte layout of {@linkcode winFileOpen}'s scratch: `winNtOpen`'s 88 bytes
 * (handle, `IO_STATUS_BLOCK`, `UNICODE_STRING`, `OBJECT_ATTRIBUTES`), then
 * `BY_HANDLE_FILE_INFORMATION` (52 bytes, for the no-follow check; also
 * `winFchmod`'s `FILE_BASIC_INFO` at 88), then an 8-byte zero length (the
 * truncation after an `NtCreateFile` open).
 */
export const FILE_OPEN_SCRATCH = {
  info: 88,
  zero: 144,
  size: 152,
} as const;

/** Byte layout of {@linkcode winFileIo}'s scratch: `OVERLAPPED`, then the count. */
export const FILE_IO_SCRATCH = { overlapped: 0, count: 32, size: 40 } as const;

/**
 * Byte layout of {@linkcode winFileReadSmall}'s output: the open's scratch,
 * the handle left open as a float64 (-1 when the file was read to its end
 * and closed), a byte set to 1 when that handle may wait (not a disk file:
 * handed back unread), then the data.
 */
export const FILE_READ_SMALL_OUT = {
  scratch: 0,
  handle: FILE_OPEN_SCRATCH.size,
  waits: FILE_OPEN_SCRATCH.size + 8,
  data: FILE_OPEN_SCRATCH.size + 16,
} as const;

/**
 * Bits of a `how` argument besides the disposition (bits 0–3, the
 * `CreateFileW` one for a Win32 name, the `NtCreateFile` one for a name
 * relative to a handle).
 */
export const FILE_HOW = {
  /** Refuse a reparse point (`O_NOFOLLOW`). */
  nofollow: 0x10,
  /** Set the length to 0 after an `NtCreateFile` open (`O_TRUNC`). */
  truncate: 0x20,
  /** {@linkcode winFileWriteSmall}: `winFchmod` before closing. */
  chmod: 0x40,
  /** With `chmod`: the owner may write (`mode & 0o200`), else read-only. */
  writable: 0x80,
} as const;

/** Bits of {@linkcode winFileIo}'s `bits`. */
export const FILE_IO = { write: 1, positional: 2 } as const;

/**
 * Opens a file (`name` NUL-terminated UTF-16): with `CreateFileW` when
 * `dirfd` is -100 (`AT_FDCWD`: a Win32 name), else with `NtCreateFile`
 * relative to the directory handle `dirfd` (`winNtOpen`), then truncated
 * when asked. `how` is the disposition plus {@linkcode FILE_HOW} bits;
 * `scratch` has the layout of {@linkcode FILE_OPEN_SCRATCH}.
 *
 * @returns The handle, or `-error` (ERROR_CANT_RESOLVE_FILENAME for a
 * reparse point not followed, POSIX's ELOOP).
 */
export function winFileOpen(
  s: any,
  dirfd: number,
  name: Uint8Array | Uint16Array,
  access: number,
  how: number,
  scratch: Uint8Array,
): number {
  const disposition = how & 0xf;
  const nofollow = (how & 0x10) !== 0;
  let h;
  if (dirfd === -100) {
    // FILE_FLAG_BACKUP_SEMANTICS, plus FILE_FLAG_OPEN_REPARSE_POINT when not
    // following; FILE_SHARE_READ | WRITE | DELETE.
    const flags = 0x02000000 | (nofollow ? 0x00200000 : 0);
    h = Number(s.CreateFileW(name, access, 7, null, disposition, flags, 0n));
    if (h === -1) return -s.GetLastError();
  } else {
    // The name's length in bytes, up to its NUL.
    const w = new Uint16Array(
      name.buffer,
      name.byteOffset,
      name.byteLength >> 1,
    );
    let n = 0;
    while (n < w.length && w[n] !== 0) n++;
    // What CreateFileW adds: SYNCHRONIZE | FILE_READ_ATTRIBUTES access;
    // FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT, plus
    // FILE_OPEN_REPARSE_POINT when not following.
    h = s.winNtOpen(
      s,
      dirfd,
      name,
      n * 2,
      (access | 0x100000 | 0x80) >>> 0,
      disposition,
      0x20 | 0x4000 | (nofollow ? 0x200000 : 0),
      scratch,
    );
    if (h < 0) return h;
    if ((how & 0x20) !== 0) {
      const zero = scratch.subarray(144, 152);
      zero.fill(0);
      const e = s.winSetLength(s, h, zero);
      if (e < 0) {
        s.CloseHandle(BigInt(h));
        return e;
      }
    }
  }
  if (nofollow) {
    const info = scratch.subarray(88, 140);
    if (s.GetFileInformationByHandle(BigInt(h), info) === 0) {
      const e = s.GetLastError();
      s.CloseHandle(BigInt(h));
      return -e;
    }
    // dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT
    if ((info[1] & 0x4) !== 0) {
      s.CloseHandle(BigInt(h));
      return -1921; // ERROR_CANT_RESOLVE_FILENAME
    }
  }
  return h;
}

/**
 * `ReadFile` or `WriteFile` (bit 1 of `bits`) of `n` bytes of `buf` on
 * handle `h`, at the offset `posHi * 2^32 + posLo` when bit 2 is set (an
 * `OVERLAPPED` offset; on a synchronous handle the file position moves
 * too). End of file (`ERROR_HANDLE_EOF`, and `ERROR_BROKEN_PIPE` for a
 * pipe) reads as 0. `scratch` has the layout of {@linkcode FILE_IO_SCRATCH}.
 *
 * @returns The bytes moved, or `-error`.
 */
export function winFileIo(
  s: any,
  h: number,
  buf: Uint8Array,
  n: number,
  posLo: number,
  posHi: number,
  bits: number,
  scratch: Uint8Array,
): number {
  const H = BigInt(h);
  const write = (bits & 1) !== 0;
  let ov = null;
  if ((bits & 2) !== 0) {
    ov = scratch.subarray(0, 32);
    ov.fill(0);
    // OVERLAPPED.Offset at 16, OffsetHigh at 20 (little-endian).
    for (let i = 0; i < 4; i++) {
      ov[16 + i] = (posLo >>> (8 * i)) & 0xff;
      ov[20 + i] = (posHi >>> (8 * i)) & 0xff;
    }
  }
  const count = scratch.subarray(32, 36);
  count.fill(0);
  const ok = write
    ? s.WriteFile(H, buf, n, count, ov)
    : s.ReadFile(H, buf, n, count, ov);
  if (ok !== 0) {
    return (count[0] | (count[1] << 8) | (count[2] << 16) |
      (count[3] << 24)) >>>
      0;
  }
  const e = s.GetLastError();
  // ERROR_HANDLE_EOF; ERROR_BROKEN_PIPE (a pipe's writer closed).
  if (!write && (e === 38 || (e === 109 && ov === null))) return 0;
  return -e;
}

/**
 * `FlushFileBuffers` (data and metadata; Windows has no data-only flush).
 *
 * @returns 0, or `-error`.
 */
export function winFileFlush(s: any, h: number): number {
  return s.FlushFileBuffers(BigInt(h)) !== 0 ? 0 : -s.GetLastError();
}

/**
 * `LockFileEx` of the whole file (offset 0, length 2^64 - 1) with `flags`
 * (`LOCKFILE_EXCLUSIVE_LOCK` 2, `LOCKFILE_FAIL_IMMEDIATELY` 1); without
 * `FAIL_IMMEDIATELY` it waits for the holder. `scratch`: 32 bytes for the
 * `OVERLAPPED` (offset 0).
 *
 * @returns 0, or `-error` (ERROR_LOCK_VIOLATION when held).
 */
export function winFileLock(
  s: any,
  h: number,
  flags: number,
  scratch: Uint8Array,
): number {
  const ov = scratch.subarray(0, 32);
  ov.fill(0);
  return s.LockFileEx(BigInt(h), flags, 0, 0xffffffff, 0xffffffff, ov) !== 0
    ? 0
    : -s.GetLastError();
}

/**
 * `UnlockFileEx` of the whole file. `scratch`: 32 bytes for the
 * `OVERLAPPED`.
 *
 * @returns 0, or `-error` (ERROR_NOT_LOCKED when not held).
 */
export function winFileUnlock(s: any, h: number, scratch: Uint8Array): number {
  const ov = scratch.subarray(0, 32);
  ov.fill(0);
  return s.UnlockFileEx(BigInt(h), 0, 0xffffffff, 0xffffffff, ov) !== 0
    ? 0
    : -s.GetLastError();
}

/**
 * Opens (see {@linkcode winFileOpen}) and reads until the end or until
 * `cap` bytes are in, in one request. `out` has the layout of
 * {@linkcode FILE_READ_SMALL_OUT}: the handle is left there (and open)
 * when `cap` was reached, else -1 (closed). A handle that is not a disk
 * file (a pipe, socket or console may wait without end) is handed back
 * unread, its `waits` byte set, so that no pool worker waits on it.
 *
 * @returns The bytes read, or `-error` (the file closed).
 */
export function winFileReadSmall(
  s: any,
  dirfd: number,
  name: Uint8Array | Uint16Array,
  access: number,
  how: number,
  out: Uint8Array,
  cap: number,
): number {
  const h = s.winFileOpen(s, dirfd, name, access, how, out.subarray(0, 152));
  if (h < 0) return h;
  const io = out.subarray(0, 40);
  const data = out.subarray(168);
  const v = new DataView(out.buffer, out.byteOffset + 152, 8);
  // GetFileType: anything but FILE_TYPE_DISK (1) may wait.
  out[160] = s.GetFileType(BigInt(h)) === 1 ? 0 : 1;
  if (out[160] === 1) {
    v.setFloat64(0, h, true);
    return 0;
  }
  let n = 0;
  for (;;) {
    const r = s.winFileIo(s, h, data.subarray(n), cap - n, 0, 0, 0, io);
    if (r < 0) {
      s.CloseHandle(BigInt(h));
      return r;
    }
    if (r === 0) {
      s.CloseHandle(BigInt(h));
      v.setFloat64(0, -1, true);
      return n;
    }
    n += r;
    if (n === cap) {
      v.setFloat64(0, h, true);
      return n;
    }
  }
}

/**
 * Opens (see {@linkcode winFileOpen}), writes all `len` bytes of `data`,
 * sets the read-only attribute from `how` when its `chmod` bit is set
 * (`winFchmod`), and closes, in one request. `scratch` has the layout of
 * {@linkcode FILE_OPEN_SCRATCH}.
 *
 * @returns 0, or `-error` of the first failing call.
 */
export function winFileWriteSmall(
  s: any,
  dirfd: number,
  name: Uint8Array | Uint16Array,
  access: number,
  how: number,
  data: Uint8Array,
  len: number,
  scratch: Uint8Array,
): number {
  const h = s.winFileOpen(s, dirfd, name, access, how, scratch);
  if (h < 0) return h;
  let e = 0;
  for (let done = 0; done < len && e === 0;) {
    const r = s.winFileIo(
      s,
      h,
      data.subarray(done),
      len - done,
      0,
      0,
      1,
      scratch,
    );
    if (r < 0) e = r;
    else done += r;
  }
  // FILE_HOW.chmod; FILE_HOW.writable is the owner's write bit (0o200).
  if (e === 0 && (how & 0x40) !== 0) {
    e = s.winFchmod(s, h, (how & 0x80) !== 0 ? 0o666 : 0o444, scratch);
  }
  if (s.CloseHandle(BigInt(h)) === 0 && e === 0) e = -s.GetLastError();
  return e;
}

/** The file tasks, by the name requests use. */
export const WINDOWS_FILE_TASKS: Record<string, PoolTask> = {
  winFileOpen,
  winFileIo,
  winFileFlush,
  winFileLock,
  winFileUnlock,
  winFileReadSmall,
  winFileWriteSmall,
};
