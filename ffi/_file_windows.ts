// Copyright 2026 the dirfd authors. MIT license.
/**
 * The Windows file primitives behind `open()` and `File` (sync only: the
 * async methods run them on the calling thread). Opens without `dirFd` go
 * through `CreateFileW` with Rust std's (and so Deno's) access and
 * disposition mapping; opens relative to a directory handle through
 * `NtCreateFile` with `OBJECT_ATTRIBUTES.RootDirectory` (Go's `Openat`
 * mapping: `FILE_CREATE`, `FILE_OPEN_IF`, `FILE_OPEN`, truncation as a
 * set-length after opening). Then `ReadFile`/`WriteFile` (positional with an
 * `OVERLAPPED` offset), `SetFilePointerEx`, `FlushFileBuffers`,
 * `LockFileEx`/`UnlockFileEx`, `GetConsoleMode`. Nothing here throws:
 * results are values or `-error` (a Windows error code).
 *
 * The hook in `windows.ts` is one call: {@linkcode attachWindowsFile}.
 *
 * @module
 */
import type { BackendParts, FilePrimitives } from "./_types.ts";
import type { FileConstants } from "./_file_posix.ts";
import {
  addVerbatimPrefix,
  isDirFdRelative,
  needsLongPath,
  ntRelativeName,
} from "./_windows_logic.ts";

/** kernel32 symbols of the file primitives (`HANDLE`s as `isize`). */
export const WINDOWS_FILE_SYMBOLS = {
  CreateFileW: {
    parameters: ["buffer", "u32", "u32", "pointer", "u32", "u32", "isize"],
    result: "isize",
  },
  ReadFile: {
    parameters: ["isize", "buffer", "u32", "buffer", "buffer"],
    result: "i32",
  },
  WriteFile: {
    parameters: ["isize", "buffer", "u32", "buffer", "buffer"],
    result: "i32",
  },
  SetFilePointerEx: {
    parameters: ["isize", "i64", "buffer", "u32"],
    result: "i32",
  },
  FlushFileBuffers: { parameters: ["isize"], result: "i32" },
  LockFileEx: {
    parameters: ["isize", "u32", "u32", "u32", "u32", "buffer"],
    result: "i32",
  },
  UnlockFileEx: {
    parameters: ["isize", "u32", "u32", "u32", "buffer"],
    result: "i32",
  },
  GetConsoleMode: { parameters: ["isize", "buffer"], result: "i32" },
  GetFileInformationByHandle: {
    parameters: ["isize", "buffer"],
    result: "i32",
  },
  GetFullPathNameW: {
    parameters: ["buffer", "u32", "buffer", "pointer"],
    result: "u32",
  },
  CloseHandle: { parameters: ["isize"], result: "i32" },
  GetLastError: { parameters: [], result: "u32" },
} as const satisfies Deno.ForeignLibraryInterface;

/** `NtCreateFile` and the status conversion, from ntdll. */
export const WINDOWS_FILE_NT_SYMBOLS = {
  NtCreateFile: {
    parameters: [
      "buffer",
      "u32",
      "buffer",
      "buffer",
      "pointer",
      "u32",
      "u32",
      "u32",
      "u32",
      "pointer",
      "u32",
    ],
    result: "i32",
  },
  RtlNtStatusToDosError: { parameters: ["i32"], result: "u32" },
} as const satisfies Deno.ForeignLibraryInterface;

/**
 * The flag bits `open()` computes on Windows: the CRT's `_O_*` values for
 * what `Deno.OpenOptions` says, and dirfd's own bits for `O_NOFOLLOW` and
 * `O_DIRECTORY` (not exported: `flags` is a POSIX option).
 */
export const WINDOWS_FILE_CONSTANTS: FileConstants = {
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_APPEND: 0x8,
  O_CREAT: 0x100,
  O_TRUNC: 0x200,
  O_EXCL: 0x400,
  O_CLOEXEC: 0x80, // _O_NOINHERIT: handles are never inherited here
  O_NOFOLLOW: 0x100000,
  O_DIRECTORY: 0x200000,
  O_NONBLOCK: 0,
  O_NOCTTY: 0,
  O_SYNC: 0,
  O_DSYNC: 0,
  EWOULDBLOCK: 33, // ERROR_LOCK_VIOLATION
  EINTR: -1,
};

/** Access rights and dispositions (`winnt.h`, `fileapi.h`, `ntifs.h`). */
export const WIN = {
  GENERIC_READ: 0x80000000,
  GENERIC_WRITE: 0x40000000,
  /** `FILE_GENERIC_WRITE & ~FILE_WRITE_DATA`: Rust std's append access. */
  APPEND: 0x120114,
  SYNCHRONIZE: 0x100000,
  FILE_READ_ATTRIBUTES: 0x80,
  CREATE_NEW: 1,
  CREATE_ALWAYS: 2,
  OPEN_EXISTING: 3,
  OPEN_ALWAYS: 4,
  TRUNCATE_EXISTING: 5,
  FILE_FLAG_BACKUP_SEMANTICS: 0x02000000,
  FILE_FLAG_OPEN_REPARSE_POINT: 0x00200000,
  FILE_ATTRIBUTE_REPARSE_POINT: 0x400,
  FILE_SUPERSEDE: 0,
  FILE_OPEN: 1,
  FILE_CREATE: 2,
  FILE_OPEN_IF: 3,
  FILE_SYNCHRONOUS_IO_NONALERT: 0x20,
  FILE_OPEN_FOR_BACKUP_INTENT: 0x4000,
  FILE_OPEN_REPARSE_POINT: 0x200000,
  ERROR_HANDLE_EOF: 38,
  ERROR_BROKEN_PIPE: 109,
  ERROR_CANT_RESOLVE_FILENAME: 1921,
  LOCKFILE_FAIL_IMMEDIATELY: 1,
  LOCKFILE_EXCLUSIVE_LOCK: 2,
} as const;

/** What one open asks of Windows, from the POSIX-style flags. Pure. */
export function windowsOpenPlan(flags: number): {
  access: number;
  /** `CreateFileW` disposition. */
  disposition: number;
  /** `NtCreateFile` disposition (truncation done apart). */
  ntDisposition: number;
  /** Truncate after an `NtCreateFile` open. */
  truncate: boolean;
  nofollow: boolean;
} {
  const c = WINDOWS_FILE_CONSTANTS;
  const acc = flags & 3;
  const append = (flags & c.O_APPEND) !== 0;
  const read = acc === c.O_RDONLY || acc === c.O_RDWR;
  const write = acc === c.O_WRONLY || acc === c.O_RDWR;
  let access = read ? WIN.GENERIC_READ : 0;
  if (append) access |= WIN.APPEND;
  else if (write) access |= WIN.GENERIC_WRITE;
  const create = (flags & c.O_CREAT) !== 0;
  const excl = (flags & c.O_EXCL) !== 0;
  const trunc = (flags & c.O_TRUNC) !== 0;
  // Rust std's get_creation_mode.
  const disposition = create && excl
    ? WIN.CREATE_NEW
    : create && trunc
    ? WIN.CREATE_ALWAYS
    : create
    ? WIN.OPEN_ALWAYS
    : trunc
    ? WIN.TRUNCATE_EXISTING
    : WIN.OPEN_EXISTING;
  // Go's Openat: FILE_CREATE, FILE_OPEN_IF, else FILE_OPEN.
  const ntDisposition = create && excl
    ? WIN.FILE_CREATE
    : create
    ? WIN.FILE_OPEN_IF
    : WIN.FILE_OPEN;
  return {
    access: access >>> 0,
    disposition,
    ntDisposition,
    truncate: trunc && !excl,
    nofollow: (flags & c.O_NOFOLLOW) !== 0,
  };
}

function wide(s: string): Uint16Array {
  const out = new Uint16Array(s.length + 1);
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    out[i] = ch === 0x2f ? 0x5c : ch;
  }
  return out;
}

type Fn = (...a: any[]) => any;

/**
 * Builds the Windows file primitives over bound kernel32 (and, for
 * `dirFd`, ntdll) functions; `b` supplies `fstat`, `ftruncate` and `close`.
 */
export function windowsFileSync(
  k: Record<string, Fn>,
  nt: Record<string, Fn> | null,
  b: BackendParts,
): FilePrimitives {
  const P = Deno.UnsafePointer;
  const err = () => -k.GetLastError();
  const count = new Uint32Array(1);
  const countBytes = new Uint8Array(count.buffer);
  const pos = new BigInt64Array(1);
  const posBytes = new Uint8Array(pos.buffer);
  const overlapped = new Uint8Array(32);
  const ov = new DataView(overlapped.buffer);
  const info = new Uint8Array(52);
  const mode = new Uint8Array(4);
  const scratch = new Uint8Array(88);
  const sv = new DataView(scratch.buffer);
  const at = (p: bigint | number) => {
    overlapped.fill(0);
    const o = BigInt(p);
    ov.setUint32(16, Number(o & 0xffffffffn), true);
    ov.setUint32(20, Number(o >> 32n), true);
    return overlapped;
  };
  const win32Name = (p: string): string => {
    if (!needsLongPath(p)) return p;
    const src = wide(p);
    const buf = new Uint16Array(p.length + 300);
    const n = k.GetFullPathNameW(src, buf.length, buf, null);
    if (n === 0 || n >= buf.length) return p;
    return addVerbatimPrefix(String.fromCharCode(...buf.subarray(0, n)));
  };
  const ntOpen = (
    dirfd: number,
    name: string,
    access: number,
    disposition: number,
    nofollow: boolean,
  ): number => {
    if (nt === null) return -50; // ERROR_NOT_SUPPORTED
    const w = wide(name);
    const bytes = (w.length - 1) * 2;
    scratch.fill(0);
    sv.setUint16(24, bytes, true);
    sv.setUint16(26, bytes, true);
    sv.setBigUint64(32, BigInt(P.value(P.of(w))), true);
    sv.setUint32(40, 48, true);
    sv.setBigInt64(48, BigInt(dirfd), true);
    sv.setBigUint64(56, BigInt(P.value(P.of(scratch.subarray(24)))), true);
    sv.setBigUint64(64, 0x40n, true); // OBJ_CASE_INSENSITIVE
    const status = nt.NtCreateFile(
      scratch.subarray(0, 8),
      (access | WIN.SYNCHRONIZE | WIN.FILE_READ_ATTRIBUTES) >>> 0,
      scratch.subarray(40, 88),
      scratch.subarray(8, 24),
      null,
      0x80, // FILE_ATTRIBUTE_NORMAL for a new file
      7,
      disposition,
      WIN.FILE_SYNCHRONOUS_IO_NONALERT | WIN.FILE_OPEN_FOR_BACKUP_INTENT |
        (nofollow ? WIN.FILE_OPEN_REPARSE_POINT : 0),
      null,
      0,
    );
    // Keep `w` reachable until the call returned.
    if (w.length === 0) return -87;
    if (status < 0) return -nt.RtlNtStatusToDosError(status);
    return Number(sv.getBigInt64(0, true));
  };
  const isLink = (h: number): boolean =>
    k.GetFileInformationByHandle(h, info) !== 0 &&
    (new DataView(info.buffer).getUint32(0, true) &
        WIN.FILE_ATTRIBUTE_REPARSE_POINT) !== 0;
  return {
    constants: WINDOWS_FILE_CONSTANTS,
    rawFlags: false,
    dirSync: false,
    openAt(dirfd, p, flags, _mode) {
      const plan = windowsOpenPlan(flags);
      let h: number;
      if (dirfd === b.AT_FDCWD || !isDirFdRelative(p)) {
        const attrs = WIN.FILE_FLAG_BACKUP_SEMANTICS |
          (plan.nofollow ? WIN.FILE_FLAG_OPEN_REPARSE_POINT : 0);
        h = Number(
          k.CreateFileW(
            wide(win32Name(p)),
            plan.access,
            7,
            null,
            plan.disposition,
            attrs,
            0n,
          ),
        );
        if (h === -1) return err();
      } else {
        const name = ntRelativeName(p);
        if (typeof name === "number") return name;
        h = ntOpen(dirfd, name, plan.access, plan.ntDisposition, plan.nofollow);
        if (h < 0) return h;
        if (plan.truncate) {
          const r = b.ftruncate?.(h, 0n) ?? 0;
          if (r < 0) {
            k.CloseHandle(h);
            return r;
          }
        }
      }
      if (plan.nofollow && isLink(h)) {
        k.CloseHandle(h);
        return -WIN.ERROR_CANT_RESOLVE_FILENAME;
      }
      return h;
    },
    read(fd, buf) {
      count[0] = 0;
      const n = Math.min(buf.length, 0xffffffff);
      if (k.ReadFile(fd, buf, n, countBytes, null) !== 0) return count[0];
      const e = k.GetLastError();
      return e === WIN.ERROR_HANDLE_EOF || e === WIN.ERROR_BROKEN_PIPE ? 0 : -e;
    },
    write(fd, buf) {
      count[0] = 0;
      const n = Math.min(buf.length, 0xffffffff);
      return k.WriteFile(fd, buf, n, countBytes, null) !== 0 ? count[0] : err();
    },
    pread(fd, buf, p) {
      count[0] = 0;
      const n = Math.min(buf.length, 0xffffffff);
      if (k.ReadFile(fd, buf, n, countBytes, at(p)) !== 0) return count[0];
      const e = k.GetLastError();
      return e === WIN.ERROR_HANDLE_EOF ? 0 : -e;
    },
    pwrite(fd, buf, p) {
      count[0] = 0;
      const n = Math.min(buf.length, 0xffffffff);
      return k.WriteFile(fd, buf, n, countBytes, at(p)) !== 0
        ? count[0]
        : err();
    },
    seek(fd, offset, whence) {
      return k.SetFilePointerEx(fd, offset, posBytes, whence) !== 0
        ? pos[0]
        : err();
    },
    sync: (fd) => k.FlushFileBuffers(fd) !== 0 ? 0 : err(),
    syncData: (fd) => k.FlushFileBuffers(fd) !== 0 ? 0 : err(),
    lock(fd, exclusive, wait) {
      overlapped.fill(0);
      const fl = (exclusive ? WIN.LOCKFILE_EXCLUSIVE_LOCK : 0) |
        (wait ? 0 : WIN.LOCKFILE_FAIL_IMMEDIATELY);
      return k.LockFileEx(fd, fl, 0, 0xffffffff, 0xffffffff, overlapped) !== 0
        ? 0
        : err();
    },
    unlock(fd) {
      overlapped.fill(0);
      return k.UnlockFileEx(fd, 0, 0xffffffff, 0xffffffff, overlapped) !== 0
        ? 0
        : err();
    },
    isTerminal: (fd) => k.GetConsoleMode(fd, mode) !== 0,
    fstat: (fd) => b.fstat(fd),
  };
}

/**
 * The Windows file primitives hook: opens kernel32 (and ntdll) with
 * {@linkcode WINDOWS_FILE_SYMBOLS} and adds `file` to the backend. Never
 * throws; without the libraries the backend has no `file`.
 */
export function attachWindowsFile(b: BackendParts): void {
  try {
    const k = Deno.dlopen("kernel32.dll", WINDOWS_FILE_SYMBOLS).symbols;
    let nt: Record<string, Fn> | null = null;
    try {
      nt = Deno.dlopen("ntdll.dll", WINDOWS_FILE_NT_SYMBOLS).symbols;
    } catch {
      // No relative opens.
    }
    (b as { file?: FilePrimitives }).file = windowsFileSync(k, nt, b);
  } catch {
    // No file primitives.
  }
}
