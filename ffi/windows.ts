// Copyright 2026 the dirfd authors. MIT license.
/**
 * Windows x86_64 backend through `kernel32.dll` (and `ntdll.dll`): symbols,
 * constants and thin wrappers. Descriptors are `HANDLE` values as numbers;
 * primitives return a negative Windows error code (`-GetLastError()`, read
 * right after the failing call) and never throw. The decisions (paths,
 * symlink type and flags, struct decoding, error names) are pure functions
 * in `_windows_logic.ts`.
 *
 * `dirFd` opens go through `NtCreateFile` with `RootDirectory` set to the
 * directory's `HANDLE` (a relative name; `..` is refused, see
 * `ntRelativeName`); `truncate` is `SetFileInformationByHandle`
 * (`FileEndOfFileInfo`).
 *
 * Sources: `fileapi.h`, `winbase.h`, `winnt.h`, `winioctl.h`
 * (`FSCTL_GET_REPARSE_POINT`), `errhandlingapi.h`, `winternl.h`
 * (`NtCreateFile`, `OBJECT_ATTRIBUTES`), `ntifs.h`.
 *
 * @module
 */
import { attachWindowsFile } from "./_file_windows.ts";
import type { AsyncBackend, Backend } from "./_types.ts";
import { CallPool, type PoolLibrary, type Reply, strBytes } from "./_pool.ts";
import {
  READLINK_OUT,
  STAT_OUT,
  WINDOWS_TASKS,
  winOpenDirAt,
  winReadLink,
  winSetLength,
  winStatAt,
  winStatHandle,
  winTruncate,
} from "./_windows_tasks.ts";
import {
  addVerbatimPrefix,
  createSymlinkWithRetry,
  createSymlinkWithRetryAsync,
  decodeReparseTarget,
  decodeWindowsStat,
  ERROR,
  formatOsError,
  isDirFdRelative,
  linkTargetProbePath,
  needsLongPath,
  ntRelativeName,
  stripVerbatim,
  symlinkTypeFlag,
  WINDOWS_ERROR_NAMES,
  type WindowsStatResult,
} from "./_windows_logic.ts";

/** kernel32 symbols. `HANDLE`s travel as `isize` (INVALID_HANDLE_VALUE is -1). */
export const KERNEL32_SYMBOLS = {
  CreateFileW: {
    parameters: ["buffer", "u32", "u32", "pointer", "u32", "u32", "isize"],
    result: "isize",
  },
  CloseHandle: { parameters: ["isize"], result: "i32" },
  GetFileInformationByHandle: {
    parameters: ["isize", "buffer"],
    result: "i32",
  },
  GetFileInformationByHandleEx: {
    parameters: ["isize", "i32", "buffer", "u32"],
    result: "i32",
  },
  GetFinalPathNameByHandleW: {
    parameters: ["isize", "buffer", "u32", "u32"],
    result: "u32",
  },
  SetCurrentDirectoryW: { parameters: ["buffer"], result: "i32" },
  // BOOLEAN (a byte) on every Windows version.
  CreateSymbolicLinkW: {
    parameters: ["buffer", "buffer", "u32"],
    result: "u8",
  },
  DeviceIoControl: {
    parameters: [
      "isize",
      "u32",
      "pointer",
      "u32",
      "buffer",
      "u32",
      "buffer",
      "pointer",
    ],
    result: "i32",
  },
  GetLastError: { parameters: [], result: "u32" },
  FormatMessageW: {
    parameters: ["u32", "pointer", "u32", "u32", "buffer", "u32", "pointer"],
    result: "u32",
  },
  GetFileAttributesW: { parameters: ["buffer"], result: "u32" },
  GetFullPathNameW: {
    parameters: ["buffer", "u32", "buffer", "pointer"],
    result: "u32",
  },
  SetFileInformationByHandle: {
    parameters: ["isize", "i32", "buffer", "u32"],
    result: "i32",
  },
} as const satisfies Deno.ForeignLibraryInterface;

/**
 * ntdll symbols; `wine_get_version` exists only under Wine. `NtCreateFile`
 * with `OBJECT_ATTRIBUTES.RootDirectory` opens a name relative to a
 * directory handle (`dirFd`); its `NTSTATUS` becomes a Windows error code
 * through `RtlNtStatusToDosError`.
 */
export const NTDLL_SYMBOLS = {
  wine_get_version: { parameters: [], result: "pointer", optional: true },
  NtCreateFile: {
    parameters: [
      "buffer", // PHANDLE FileHandle
      "u32", // ACCESS_MASK DesiredAccess
      "buffer", // POBJECT_ATTRIBUTES
      "buffer", // PIO_STATUS_BLOCK
      "pointer", // PLARGE_INTEGER AllocationSize
      "u32", // FileAttributes
      "u32", // ShareAccess
      "u32", // CreateDisposition
      "u32", // CreateOptions
      "pointer", // EaBuffer
      "u32", // EaLength
    ],
    result: "i32",
    optional: true,
  },
  RtlNtStatusToDosError: { parameters: ["i32"], result: "u32", optional: true },
} as const satisfies Deno.ForeignLibraryInterface;

/** `NtCreateFile` constants (`winternl.h`, `ntifs.h`, `ntdef.h`). */
export const NT = {
  FILE_OPEN: 1,
  FILE_SYNCHRONOUS_IO_NONALERT: 0x20,
  FILE_OPEN_FOR_BACKUP_INTENT: 0x4000,
  FILE_OPEN_REPARSE_POINT: 0x200000,
  OBJ_CASE_INSENSITIVE: 0x40,
  SIZEOF_OBJECT_ATTRIBUTES: 48,
  SIZEOF_UNICODE_STRING: 16,
} as const;

/** `CreateFileW` constants (`winnt.h`, `fileapi.h`, `winbase.h`). */
export const CREATE = {
  FILE_READ_ATTRIBUTES: 0x80,
  GENERIC_WRITE: 0x40000000,
  FILE_LIST_DIRECTORY: 0x1,
  FILE_TRAVERSE: 0x20,
  SYNCHRONIZE: 0x100000,
  FILE_SHARE_ALL: 0x7, // READ | WRITE | DELETE
  OPEN_EXISTING: 3,
  FILE_FLAG_BACKUP_SEMANTICS: 0x02000000,
  FILE_FLAG_OPEN_REPARSE_POINT: 0x00200000,
} as const;

/** `FSCTL_GET_REPARSE_POINT` (`winioctl.h`). */
export const FSCTL_GET_REPARSE_POINT = 0x000900a8;
/** `FormatMessageW` flags: `FROM_SYSTEM | IGNORE_INSERTS`. */
const FORMAT_MESSAGE = 0x1000 | 0x200;

/** The arguments of the last `CreateSymbolicLinkW` calls of one `symlink`. */
export interface SymlinkCall {
  /** The link path as passed (after path conversion). */
  link: string;
  /** The target as passed (exactly as given). */
  target: string;
  /** The path whose type decided the link type. */
  probe: string;
  /** The flags of every attempt, in order. */
  attempts: number[];
  /** The final Windows error code; 0 on success. */
  error: number;
}

/** The Windows backend, with what tests may inspect. */
export interface WindowsBackend extends Backend {
  /** Wine's version (`wine_get_version`), or null on real Windows. */
  readonly wine: string | null;
  /** Tests only: the `CreateSymbolicLinkW` calls of the last `symlinkAt`. */
  lastSymlinkCall: SymlinkCall | null;
}

/** A reusable NUL-terminated UTF-16 buffer. */
class WString {
  buf = new Uint16Array(512);
  /** Encodes `s` (exactly, or with `/` → `\` when `slashes`). */
  encode(s: string, slashes = true): Uint16Array {
    const n = s.length;
    if (n + 1 > this.buf.length) {
      this.buf = new Uint16Array(Math.max(n + 1, this.buf.length * 2));
    }
    const b = this.buf;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      b[i] = slashes && c === 0x2f ? 0x5c : c;
    }
    b[n] = 0;
    return b;
  }
}

function readWide(buf: Uint16Array, n: number): string {
  let s = "";
  for (let i = 0; i < n; i += 4096) {
    s += String.fromCharCode(...buf.subarray(i, Math.min(n, i + 4096)));
  }
  return s;
}

/** Opens kernel32 and builds the Windows backend, or returns null. */
export function openWindows(): WindowsBackend | null {
  if (Deno.build.arch !== "x86_64") return null;
  let k: Deno.DynamicLibrary<typeof KERNEL32_SYMBOLS>;
  try {
    k = Deno.dlopen("kernel32.dll", KERNEL32_SYMBOLS);
  } catch {
    return null;
  }
  let wine: string | null = null;
  type NtSymbols = Deno.DynamicLibrary<typeof NTDLL_SYMBOLS>["symbols"];
  let nt: {
    create: NonNullable<NtSymbols["NtCreateFile"]>;
    toDos: NonNullable<NtSymbols["RtlNtStatusToDosError"]>;
  } | null = null;
  try {
    const lib = Deno.dlopen("ntdll.dll", NTDLL_SYMBOLS);
    const p = lib.symbols.wine_get_version?.() ?? null;
    if (p !== null) wine = Deno.UnsafePointerView.getCString(p);
    const create = lib.symbols.NtCreateFile;
    const toDos = lib.symbols.RtlNtStatusToDosError;
    if (create !== null && toDos !== null) {
      nt = { create, toDos }; // the library stays open for relative opens
    } else {
      lib.close();
    }
  } catch {
    // No ntdll: not Wine, and no relative opens (dirFd).
  }
  const s = k.symbols;
  const path = new WString();
  const path2 = new WString();
  const full = new WString();
  // What the tasks (_windows_tasks.ts) see when run on this thread: the
  // symbols of both libraries and the tasks, by name.
  const env: Record<string, unknown> = {
    ...s,
    NtCreateFile: nt?.create ?? null,
    RtlNtStatusToDosError: nt?.toDos ?? null,
    ...WINDOWS_TASKS,
  };
  const statBuf = new Uint8Array(STAT_OUT.size);
  const statWords = new Uint32Array(statBuf.buffer);
  const reparse = new Uint8Array(READLINK_OUT.size);
  const endOfFile = new BigInt64Array(1); // FILE_END_OF_FILE_INFO
  const endOfFileBytes = new Uint8Array(endOfFile.buffer);
  const msg = new Uint16Array(2048);
  const descriptions = new Map<number, string>();
  const AT_FDCWD = -100;
  const err = () => -s.GetLastError();

  /** The name a Win32 call gets for `p`: `\\?\` and absolute when long. */
  const win32Name = (p: string): string => {
    if (!needsLongPath(p)) return p;
    const src = path2.encode(p);
    let cap = p.length + 300;
    for (;;) {
      if (full.buf.length < cap) full.buf = new Uint16Array(cap);
      const n = s.GetFullPathNameW(src, full.buf.length, full.buf, null);
      if (n === 0) return p;
      if (n < full.buf.length) return addVerbatimPrefix(readWide(full.buf, n));
      cap = n + 1;
    }
  };
  /** Encodes a path for a Win32 call (`/` becomes `\`). */
  const wide = (p: string, into: WString = path): Uint16Array =>
    into.encode(win32Name(p));

  /**
   * Where `p` opens: `[dirfd, name]` as {@linkcode winOpen} takes them (a
   * Win32 path with `AT_FDCWD`, else an NT name relative to `dirfd`), or
   * `-error`.
   */
  const route = (dirfd: number, p: string): [number, string] | number => {
    if (dirfd === AT_FDCWD || !isDirFdRelative(p)) {
      return [AT_FDCWD, win32Name(p)];
    }
    if (nt === null) return -ERROR.NOT_SUPPORTED;
    const name = ntRelativeName(p);
    return typeof name === "number" ? name : [dirfd, name];
  };

  /** Decodes a stat task's output (see `STAT_OUT`) at word `o`. */
  const decodeStat = (w: Uint32Array, o: number): WindowsStatResult =>
    decodeWindowsStat(
      w.subarray(o + STAT_OUT.basic / 4),
      w.subarray(o + STAT_OUT.standard / 4),
      w.subarray(o + STAT_OUT.byHandle / 4),
      w[o + STAT_OUT.tag / 4 + 1],
    );

  /** Runs a by-path task here on `p` (its stat left in `statBuf`). */
  const byPath = (
    task: typeof winStatAt,
    dirfd: number,
    p: string,
    follow: boolean,
  ): number => {
    const r = route(dirfd, p);
    if (typeof r === "number") return r;
    const name = path.encode(r[1]);
    return task(env, r[0], name, r[1].length * 2, follow ? 1 : 0, statBuf);
  };

  const statPath = (dirfd: number, p: string, follow: boolean) => {
    const e = byPath(winStatAt, dirfd, p, follow);
    return e < 0 ? e : decodeStat(statWords, 0);
  };

  const statHandle = (fd: number): WindowsStatResult | number => {
    const e = winStatHandle(env, fd, statBuf);
    return e < 0 ? e : decodeStat(statWords, 0);
  };

  /** `SetFileInformationByHandle(FileEndOfFileInfo)`: 0 or the error. */
  const setLength = (h: number, length: bigint): number => {
    endOfFile[0] = length;
    return winSetLength(env, h, endOfFileBytes);
  };

  const backend: WindowsBackend = {
    name: "windows",
    AT_FDCWD,
    has: {
      wine: wine !== null,
      statAtDirFd: nt !== null,
      openDirAtDirFd: nt !== null,
      symlinkAtDirFd: false,
      readLinkAtDirFd: false,
    },
    statVia: "CreateFileW",
    wine,
    lastSymlinkCall: null,
    statAt: (dirfd, p, follow) => statPath(dirfd, p, follow),
    fstat: (fd) => statHandle(fd),
    openDirFlags: (follow) =>
      CREATE.FILE_FLAG_BACKUP_SEMANTICS |
      (follow ? 0 : CREATE.FILE_FLAG_OPEN_REPARSE_POINT),
    openDirAt: (dirfd, p, follow) => byPath(winOpenDirAt, dirfd, p, follow),
    truncate(p, length) {
      // Python's `_wopen(path, O_WRONLY)`: follows links; a directory is
      // ERROR_ACCESS_DENIED (no FILE_FLAG_BACKUP_SEMANTICS).
      endOfFile[0] = length;
      return winTruncate(env, wide(p), endOfFileBytes);
    },
    ftruncate: (fd, length) => setLength(fd, length),
    close(fd) {
      return s.CloseHandle(BigInt(fd)) !== 0 ? 0 : err();
    },
    symlinkAt(target, dirfd, p, targetIsDirectory) {
      if (dirfd !== AT_FDCWD) return -ERROR.NOT_SUPPORTED;
      const probe = linkTargetProbePath(target, p);
      const type = symlinkTypeFlag(
        s.GetFileAttributesW(wide(probe, path2)),
        targetIsDirectory,
      );
      const link = wide(p);
      const t = path2.encode(target, false);
      const r = createSymlinkWithRetry(
        type,
        (flags) =>
          s.CreateSymbolicLinkW(link, t, flags) !== 0 ? 0 : s.GetLastError(),
      );
      backend.lastSymlinkCall = {
        link: readWide(link, link.indexOf(0)),
        target,
        probe,
        attempts: r.attempts,
        error: r.error,
      };
      return -r.error;
    },
    readLinkAt(dirfd, p) {
      if (dirfd !== AT_FDCWD) return -ERROR.NOT_SUPPORTED;
      const n = winReadLink(env, wide(p), reparse);
      return n < 0 ? n : decodeReparseTarget(reparse, n);
    },
    fchdir(fd) {
      const h = BigInt(fd);
      let n = s.GetFinalPathNameByHandleW(h, full.buf, full.buf.length, 0);
      if (n >= full.buf.length) {
        full.buf = new Uint16Array(n + 1);
        n = s.GetFinalPathNameByHandleW(h, full.buf, full.buf.length, 0);
      }
      if (n === 0) return err();
      const dir = stripVerbatim(readWide(full.buf, n));
      return s.SetCurrentDirectoryW(path.encode(dir)) !== 0 ? 0 : err();
    },
    describe(code) {
      let d = descriptions.get(code);
      if (d === undefined) {
        const n = s.FormatMessageW(
          FORMAT_MESSAGE,
          null,
          code,
          0,
          msg,
          msg.length,
          null,
        );
        d = formatOsError(
          code,
          n === 0 ? null : readWide(msg, n),
          n === 0 ? s.GetLastError() : 0,
        );
        descriptions.set(code, d);
      }
      return d;
    },
    errnoName: (code) => WINDOWS_ERROR_NAMES[code],
  };
  const async = windowsAsync(backend, env, {
    path: "kernel32.dll",
    symbols: KERNEL32_SYMBOLS,
    errno: { kind: "call", sym: "GetLastError" },
    tasks: WINDOWS_TASKS,
    more: nt !== null ? [{ path: "ntdll.dll", symbols: NTDLL_SYMBOLS }] : [],
  }, { route, win32Name, decodeStat });
  Object.assign(backend, { async });
  // File primitives hook: open/read/write/… (ffi/_file_windows.ts).
  attachWindowsFile(backend);
  return backend;
}

/** What the async twins share with the sync backend. */
interface WindowsPaths {
  route(dirfd: number, p: string): [number, string] | number;
  win32Name(p: string): string;
  decodeStat(w: Uint32Array, o: number): WindowsStatResult;
}

/**
 * The async twins: the same tasks and calls as the sync primitives, run on
 * a pool worker ({@linkcode CallPool}), each with the error code of its own
 * calls. Only the path decisions (`route`, including `GetFullPathNameW` for
 * a long path, which reads no file) are made on the calling thread.
 */
function windowsAsync(
  backend: WindowsBackend,
  env: Record<string, unknown>,
  lib: PoolLibrary,
  { route, win32Name, decodeStat }: WindowsPaths,
): AsyncBackend & { pool(): CallPool } {
  let pool: CallPool | null = null;
  const getPool = () =>
    pool ??= new CallPool(lib, {
      symbols: env,
      errno: () => (env.GetLastError as () => number)(),
    });
  const AT_FDCWD = backend.AT_FDCWD;
  const statReply = (r: Reply) =>
    r.ret < 0 ? -r.errno : decodeStat(r.u32, r.out >> 2);
  const valueReply = (r: Reply) => r.ret < 0 ? -r.errno : r.ret;
  const length = new BigInt64Array(1);
  const lengthBytes = new Uint8Array(length.buffer);
  const byPath = (
    task: string,
    dirfd: number,
    p: string,
    follow: boolean,
  ): CallPool | number => {
    const r = route(dirfd, p);
    if (typeof r === "number") return r;
    const pool = getPool();
    pool.begin(task, strBytes(r[1]) + STAT_OUT.size);
    pool.int(r[0]);
    pool.wstr(r[1], true);
    pool.int(r[1].length * 2);
    pool.int(follow ? 1 : 0);
    pool.out(STAT_OUT.size);
    return pool;
  };
  return {
    pool: getPool,
    statAt(dirfd, p, follow) {
      const pool = byPath("winStatAt", dirfd, p, follow);
      return typeof pool === "number"
        ? Promise.resolve(pool)
        : pool.end(statReply);
    },
    fstat(fd) {
      const pool = getPool();
      pool.begin("winStatHandle", STAT_OUT.size);
      pool.int(fd);
      pool.out(STAT_OUT.size);
      return pool.end(statReply);
    },
    openDirAt(dirfd, p, follow) {
      const pool = byPath("winOpenDirAt", dirfd, p, follow);
      return typeof pool === "number"
        ? Promise.resolve(pool)
        : pool.end(valueReply);
    },
    readLinkAt(dirfd, p) {
      if (dirfd !== AT_FDCWD) return Promise.resolve(-ERROR.NOT_SUPPORTED);
      const name = win32Name(p);
      const pool = getPool();
      pool.begin("winReadLink", strBytes(name) + READLINK_OUT.size);
      pool.wstr(name, true);
      pool.out(READLINK_OUT.size);
      return pool.end((r) =>
        r.ret < 0 ? -r.errno : decodeReparseTarget(r.u8.subarray(r.out), r.ret)
      );
    },
    truncate(p, len) {
      const name = win32Name(p);
      length[0] = len;
      const pool = getPool();
      pool.begin("winTruncate", strBytes(name) + 8);
      pool.wstr(name, true);
      pool.bytes(lengthBytes);
      return pool.end(valueReply);
    },
    ftruncate(fd, len) {
      length[0] = len;
      const pool = getPool();
      pool.begin("winSetLength", 8);
      pool.int(fd);
      pool.bytes(lengthBytes);
      return pool.end(valueReply);
    },
    async symlinkAt(target, dirfd, p, targetIsDirectory) {
      if (dirfd !== AT_FDCWD) return -ERROR.NOT_SUPPORTED;
      const probe = linkTargetProbePath(target, p);
      const probeName = win32Name(probe);
      let pool = getPool();
      pool.begin("GetFileAttributesW", strBytes(probeName));
      pool.wstr(probeName, true);
      const type = symlinkTypeFlag(
        await pool.end((r) => r.ret),
        targetIsDirectory,
      );
      const link = win32Name(p);
      const r = await createSymlinkWithRetryAsync(type, (flags) => {
        pool = getPool();
        pool.begin("CreateSymbolicLinkW", strBytes(link) + strBytes(target));
        pool.wstr(link, true);
        pool.wstr(target);
        pool.int(flags);
        return pool.end((r) => r.ret !== 0 ? 0 : r.errno);
      });
      backend.lastSymlinkCall = {
        link: link.replaceAll("/", "\\"),
        target,
        probe,
        attempts: r.attempts,
        error: r.error,
      };
      return -r.error;
    },
  };
}
