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
import type {
  AsyncForms,
  Backend,
  BackendParts,
  ErrorClass,
  OptionalPrimitives,
} from "./_types.ts";
import { registerSeams, type SymlinkCall } from "./_seams.ts";
import { attachWindowsFile, windowsFileLibrary } from "./_file_windows.ts";
import { attachWindowsRoot, WIN_ROOT_TASKS } from "./_root_windows.ts";
import { windowsErrorClassFor } from "./_error_classes.ts";
import {
  CallPool,
  COLD_MS,
  type PoolLibrary,
  type Reply,
  strBytes,
} from "./_pool.ts";
import {
  NT_SCRATCH,
  READLINK_OUT,
  STAT_OUT,
  winAccessAt,
  winChmodAt,
  WINDOWS_TASKS,
  winDupDir,
  winFchmod,
  winFutimes,
  winLinkAt,
  winMkdirAt,
  winOpenDirAt,
  winReadDirChunk,
  winReadLink,
  winRenameAt,
  winSetLength,
  winStatAt,
  winStatHandle,
  winTruncate,
  winUnlinkAt,
  winUtimeAt,
} from "./_windows_tasks.ts";
import {
  addVerbatimPrefix,
  createSymlinkWithRetry,
  createSymlinkWithRetryAsync,
  decodeDirChunk,
  decodeReparseTarget,
  decodeWindowsStat,
  DIR_CHUNK_BYTES,
  ERROR,
  fileNameInformation,
  formatOsError,
  isDirFdRelative,
  linkTargetProbePath,
  needsLongPath,
  ntAbsoluteName,
  ntRelativeName,
  stripVerbatim,
  SYMLINK_PRIVILEGE_HINT,
  symlinkTypeFlag,
  utimeTicks,
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
  // Windows 8 and later; utime's "now".
  GetSystemTimePreciseAsFileTime: {
    parameters: ["buffer"],
    result: "void",
    optional: true,
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
  NtSetInformationFile: {
    parameters: [
      "isize", // HANDLE FileHandle
      "buffer", // PIO_STATUS_BLOCK
      "buffer", // FileInformation
      "u32", // Length
      "i32", // FILE_INFORMATION_CLASS
    ],
    result: "i32",
    optional: true,
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** `NtCreateFile` constants (`winternl.h`, `ntifs.h`, `ntdef.h`). */
export const NT = {
  FILE_OPEN: 1,
  FILE_SYNCHRONOUS_IO_NONALERT: 0x20,
  FILE_OPEN_FOR_BACKUP_INTENT: 0x4000,
  FILE_OPEN_REPARSE_POINT: 0x200000,
  OBJ_CASE_INSENSITIVE: 0x40,
  OBJ_DONT_REPARSE: 0x1000,
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

export type { SymlinkCall } from "./_seams.ts";

/**
 * One call recorded by {@linkcode WindowsBackend.trace}: what a handle gets
 * opened with and which information classes it is queried or set with,
 * which Wine does not check (it grants every access right and ignores
 * `FILE_OPEN_REPARSE_POINT`), so tests assert them instead.
 */
export type TracedCall =
  | {
    fn: "NtCreateFile";
    access: number;
    attributes: number;
    share: number;
    disposition: number;
    options: number;
    /** `OBJECT_ATTRIBUTES.RootDirectory` (0 for an absolute name). */
    root: number;
    /** `OBJECT_ATTRIBUTES.Attributes` (`OBJ_DONT_REPARSE` is 0x1000). */
    objAttributes: number;
    name: string;
    status: number;
  }
  | {
    fn: "NtSetInformationFile";
    cls: number;
    length: number;
    /** The first 4 bytes of the information (flags, or a BOOLEAN). */
    flags: number;
    /** For rename and link information: the target's RootDirectory and name. */
    root?: number;
    name?: string;
    status: number;
  }
  | {
    fn: "GetFileInformationByHandleEx" | "SetFileInformationByHandle";
    cls: number;
    length: number;
    ok: boolean;
  };

/**
 * Fallbacks a test can force (see {@linkcode WindowsBackend.setFallback}),
 * each the bit the tasks take.
 */
export const FALLBACK: Readonly<Record<string, number>> = {
  /** unlink/rmdir: `FileDispositionInformation` instead of `…Ex`. */
  FileDispositionInformation: 1,
  /** rename/replace: `FileRenameInformation` instead of `…Ex`. */
  FileRenameInformation: 2,
  /** readDir/walk: `FileFullDirectoryInfo` instead of `FileIdBothDirectoryInfo`. */
  FileFullDirectoryInfo: 4,
};

/** The Windows backend, with what tests may inspect. */
export interface WindowsBackend extends BackendParts {
  /** Wine's version (`wine_get_version`), or null on real Windows. */
  readonly wine: string | null;
  /**
   * Tests only: force (`on`) or stop forcing the fallback named in
   * {@linkcode FALLBACK}; false for an unknown name. Sync and async calls.
   */
  setFallback?(name: string, on: boolean): boolean;
  /**
   * Tests only: while `on`, records every `NtCreateFile`,
   * `NtSetInformationFile`, `GetFileInformationByHandleEx` and
   * `SetFileInformationByHandle` call the sync primitives make, into the
   * array returned (a new one each time tracing starts).
   */
  trace?(on: boolean): TracedCall[];
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
    setInfo: NtSymbols["NtSetInformationFile"];
  } | null = null;
  try {
    const lib = Deno.dlopen("ntdll.dll", NTDLL_SYMBOLS);
    const p = lib.symbols.wine_get_version?.() ?? null;
    if (p !== null) wine = Deno.UnsafePointerView.getCString(p);
    const create = lib.symbols.NtCreateFile;
    const toDos = lib.symbols.RtlNtStatusToDosError;
    if (create !== null && toDos !== null) {
      // The library stays open for relative opens.
      nt = { create, toDos, setInfo: lib.symbols.NtSetInformationFile };
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
  // File primitives hook, part 1: the file symbols and tasks join the
  // tasks' env and the pool's library (ffi/_file_windows.ts).
  const files = windowsFileLibrary();
  // What the tasks (_windows_tasks.ts) see when run on this thread: the
  // symbols of both libraries and the tasks, by name.
  const env: Record<string, unknown> = {
    ...s,
    ...files.symbols,
    NtCreateFile: nt?.create ?? null,
    RtlNtStatusToDosError: nt?.toDos ?? null,
    NtSetInformationFile: nt?.setInfo ?? null,
    ...WINDOWS_TASKS,
    ...WIN_ROOT_TASKS,
    ...files.tasks,
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
  let lastSymlinkCall: SymlinkCall | null = null;
  const setLastSymlinkCall = (c: SymlinkCall) => lastSymlinkCall = c;

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
    // Names errors report where they are not the POSIX call's (SYSCALL).
    syscall: { symlinkAt: "CreateSymbolicLinkW", openBeneath: "NtCreateFile" },
    wine,
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
      setLastSymlinkCall({
        link: readWide(link, link.indexOf(0)),
        target,
        probe,
        attempts: r.attempts,
        error: r.error,
      });
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
    errorClass: (code, syscall): ErrorClass =>
      code === ERROR.PRIVILEGE_NOT_HELD && syscall === "CreateSymbolicLinkW"
        ? Deno.errors.PermissionDenied
        : windowsErrorClassFor(code),
    // ERROR_PRIVILEGE_NOT_HELD from a symlink: how to get the privilege.
    hint: (code, syscall) =>
      code === ERROR.PRIVILEGE_NOT_HELD && syscall === "CreateSymbolicLinkW"
        ? SYMLINK_PRIVILEGE_HINT
        : undefined,
  };
  registerSeams(backend, { lastSymlinkCall: () => lastSymlinkCall });
  if (nt !== null && nt.setInfo !== null) {
    Object.assign(backend, ntPrimitives(backend, env, full, path, s));
  }
  const async = windowsAsync(backend, env, {
    path: "kernel32.dll",
    symbols: KERNEL32_SYMBOLS,
    errno: { kind: "call", sym: "GetLastError" },
    tasks: { ...WINDOWS_TASKS, ...WIN_ROOT_TASKS, ...files.tasks },
    // A walk's requests: directories opened, listed and described.
    coldSafe: [
      "winOpenDirAt",
      "winDupDir",
      "winReadDirChunk",
      "winStatAt",
      "winStatHandle",
      "winReadLink",
    ],
    more: [
      ...(nt !== null ? [{ path: "ntdll.dll", symbols: NTDLL_SYMBOLS }] : []),
      ...files.more,
    ],
  }, { route, win32Name, decodeStat, setLastSymlinkCall });
  Object.assign(backend, { async });
  // File primitives hook, part 2: open/read/write/… and their pool twins.
  attachWindowsFile(backend, env, async.pool);
  // Root hook: resolution beneath a handle, sync and in one pool task
  // (ffi/_root_windows.ts); needs the NT primitives.
  if (nt !== null && nt.setInfo !== null) {
    attachWindowsRoot(backend, {
      env,
      pool: () => async.pool(),
      decodeStat: (raw) =>
        decodeStat(new Uint32Array(raw.buffer, raw.byteOffset, 54), 0),
    });
  }
  return backend;
}

/** `GetFullPathNameW` and what it needs, shared by the sync and async sides. */
type Kernel32 = Deno.DynamicLibrary<typeof KERNEL32_SYMBOLS>["symbols"];

/** What {@linkcode ntPrimitives} adds to the backend (and its async twins). */
type NtPrimitives = Pick<
  WindowsBackend,
  | "mkdirAt"
  | "unlinkAt"
  | "renameAt"
  | "replaceAt"
  | "linkAt"
  | "chmodAt"
  | "lchmodAt"
  | "fchmod"
  | "utimeAt"
  | "futimes"
  | "accessAt"
  | "dupDir"
  | "readDirChunk"
  | "setFallback"
  | "trace"
>;

/**
 * The primitives made of `NtCreateFile` (relative to a directory handle, or
 * of an absolute `\??\` name for the current directory and absolute paths)
 * and `NtSetInformationFile` / `FILE_BASIC_INFO` / directory queries on the
 * handle: mkdir, unlink/rmdir, rename/replace, link, chmod, utime, access,
 * dupDir and readDirChunk, each with its async twin in `backend.async`
 * (added by {@linkcode windowsAsync}'s caller through `ntAsync`). Present
 * only where ntdll has `NtCreateFile` and `NtSetInformationFile`.
 */
function ntPrimitives(
  backend: WindowsBackend,
  env: Record<string, unknown>,
  full: WString,
  path: WString,
  k: Kernel32,
): NtPrimitives {
  const AT_FDCWD = backend.AT_FDCWD;
  const scratch = new Uint8Array(NT_SCRATCH.size);
  const dirBuf = new Uint8Array(DIR_CHUNK_BYTES);
  const src = new WString();
  let fallback = 0;
  const route = (
    dirfd: number,
    p: string,
    self: boolean,
  ): [number, string] | number =>
    ntRoute(dirfd, p, self, AT_FDCWD, (q) => fullPathName(k, full, src, q));
  const run = (
    r: [number, string] | number,
    call: (root: number, name: Uint16Array, bytes: number) => number,
  ): number =>
    typeof r === "number"
      ? r
      : call(r[0], path.encode(r[1], false), r[1].length * 2);
  /** rename/replace/link: the target's info buffer, or `-error`. */
  const target = (dirfd: number, p: string): Uint8Array | number => {
    const r = route(dirfd, p, false);
    return typeof r === "number" ? r : fileNameInformation(r[0], r[1]);
  };
  const rename = (
    sd: number,
    sp: string,
    dd: number,
    dp: string,
    replace: number,
  ) => {
    const info = target(dd, dp);
    if (typeof info === "number") return info;
    return run(
      route(sd, sp, false),
      (root, n, b) =>
        winRenameAt(env, root, n, b, info, replace | fallback, scratch),
    );
  };
  let traced: TracedCall[] | null = null;
  const originals: Record<string, unknown> = {};
  const prims: NtPrimitives = {
    mkdirAt: (dirfd, p) =>
      run(
        route(dirfd, p, true),
        (root, n, b) => winMkdirAt(env, root, n, b, scratch),
      ),
    unlinkAt: (dirfd, p, dir) =>
      run(
        route(dirfd, p, false),
        (root, n, b) =>
          winUnlinkAt(env, root, n, b, dir ? 1 : 0, fallback, scratch),
      ),
    renameAt: (sd, sp, dd, dp) => rename(sd, sp, dd, dp, 0),
    replaceAt: (sd, sp, dd, dp) => rename(sd, sp, dd, dp, 1),
    linkAt(sd, sp, dd, dp, follow) {
      const info = target(dd, dp);
      if (typeof info === "number") return info;
      return run(
        route(sd, sp, false),
        (root, n, b) =>
          winLinkAt(env, root, n, b, follow ? 1 : 0, info, scratch),
      );
    },
    chmodAt: (dirfd, p, mode) =>
      run(
        route(dirfd, p, true),
        (root, n, b) => winChmodAt(env, root, n, b, 1, mode, scratch),
      ),
    lchmodAt: (dirfd, p, mode) =>
      run(
        route(dirfd, p, true),
        (root, n, b) => winChmodAt(env, root, n, b, 0, mode, scratch),
      ),
    fchmod: (fd, mode) => winFchmod(env, fd, mode, scratch),
    utimeAt(dirfd, p, times, follow) {
      const t = utimeTicks(times);
      if (typeof t === "number") return t;
      return run(
        route(dirfd, p, true),
        (root, n, b) => winUtimeAt(env, root, n, b, follow ? 1 : 0, t, scratch),
      );
    },
    futimes(fd, times) {
      const t = utimeTicks(times);
      return typeof t === "number" ? t : winFutimes(env, fd, t, scratch);
    },
    accessAt: (dirfd, p, mode, follow) =>
      run(
        route(dirfd, p, true),
        (root, n, b) =>
          winAccessAt(env, root, n, b, follow ? 1 : 0, mode, scratch),
      ),
    dupDir: (fd) => winDupDir(env, fd, scratch),
    readDirChunk(fd, out) {
      const r = winReadDirChunk(env, fd, fallback, dirBuf);
      if (r <= 0) {
        out.count = 0;
        return r;
      }
      return decodeDirChunk(dirBuf, r, out);
    },
    setFallback(name, on) {
      const bit = FALLBACK[name];
      if (bit === undefined) return false;
      fallback = on ? fallback | bit : fallback & ~bit;
      return true;
    },
    trace(on) {
      if (!on) {
        Object.assign(env, originals);
        traced = null;
        return [];
      }
      if (traced === null) {
        for (
          const name of [
            "NtCreateFile",
            "NtSetInformationFile",
            "GetFileInformationByHandleEx",
            "SetFileInformationByHandle",
          ]
        ) originals[name] = env[name];
        Object.assign(env, tracers(originals, () => traced));
      }
      return traced = [];
    },
  };
  // The async twins: the same tasks on a pool worker.
  const fallbackBits = () => fallback;
  asyncExtras.set(backend, { route, fallbackBits });
  return prims;
}

/** What the async twins of the NT primitives need from the sync side. */
const asyncExtras = new WeakMap<WindowsBackend, {
  route(dirfd: number, p: string, self: boolean): [number, string] | number;
  fallbackBits(): number;
}>();

/**
 * Where an NT primitive opens `p`: `[root, name]` for `winNtOpen` — a
 * relative NT name under the directory handle `dirfd`, or, for the current
 * directory and for absolute paths, `[0, "\??\…"]` from the full path
 * `fullPath` gives — or `-error`. Unless `self`, a relative name that is
 * the directory itself (`.`) is refused with ERROR_INVALID_PARAMETER (POSIX
 * `EINVAL`): unlink, rmdir, rename and link never act on `dirfd` itself.
 */
export function ntRoute(
  dirfd: number,
  p: string,
  self: boolean,
  AT_FDCWD: number,
  fullPath: (p: string) => string | number,
): [number, string] | number {
  if (dirfd !== AT_FDCWD && isDirFdRelative(p)) {
    const name = ntRelativeName(p);
    if (typeof name === "number") return name;
    if (name === "" && !self) return -ERROR.INVALID_PARAMETER;
    return [dirfd, name];
  }
  if (p === "") return -ERROR.FILE_NOT_FOUND;
  const f = fullPath(p);
  if (typeof f === "number") return f;
  const name = ntAbsoluteName(f);
  return typeof name === "number" ? name : [0, name];
}

/** `GetFullPathNameW(p)`, or `-error`. */
function fullPathName(
  k: Kernel32,
  full: WString,
  tmp: WString,
  p: string,
): string | number {
  const src = tmp.encode(p);
  let cap = Math.max(full.buf.length, p.length + 300);
  for (;;) {
    if (full.buf.length < cap) full.buf = new Uint16Array(cap);
    const n = k.GetFullPathNameW(src, full.buf.length, full.buf, null);
    if (n === 0) return -k.GetLastError();
    if (n < full.buf.length) return readWide(full.buf, n);
    cap = n + 1;
  }
}

/** Stand-ins for the traced symbols that record each call. */
function tracers(
  originals: Record<string, unknown>,
  log: () => TracedCall[] | null,
): Record<string, unknown> {
  type Fn = (...a: any[]) => any;
  const o = originals as Record<string, Fn>;
  const view = (b: Uint8Array) =>
    new DataView(b.buffer, b.byteOffset, b.byteLength);
  const wide = (ptr: bigint, bytes: number): string => {
    if (bytes === 0 || ptr === 0n) return "";
    const p = Deno.UnsafePointer.create(ptr)!;
    const u = new Uint16Array(
      new Deno.UnsafePointerView(p).getArrayBuffer(bytes),
    );
    return readWide(u, u.length);
  };
  return {
    NtCreateFile(...a: any[]) {
      const status = o.NtCreateFile(...a);
      const attrs = view(a[2]);
      const us = attrs.getBigUint64(16, true);
      const usv = new Deno.UnsafePointerView(Deno.UnsafePointer.create(us)!);
      log()?.push({
        fn: "NtCreateFile",
        access: a[1],
        attributes: a[5],
        share: a[6],
        disposition: a[7],
        options: a[8],
        root: Number(attrs.getBigInt64(8, true)),
        objAttributes: attrs.getUint32(24, true),
        name: wide(usv.getBigUint64(8), usv.getUint16(0)),
        status,
      });
      return status;
    },
    NtSetInformationFile(...a: any[]) {
      const status = o.NtSetInformationFile(...a);
      const info = view(a[2]);
      const cls = a[4];
      const named = cls === 10 || cls === 11 || cls === 65;
      log()?.push({
        fn: "NtSetInformationFile",
        cls,
        length: a[3],
        flags: a[3] >= 4 ? info.getUint32(0, true) : info.getUint8(0),
        ...(named
          ? {
            root: Number(info.getBigInt64(8, true)),
            name: readWide(
              new Uint16Array(
                a[2].buffer,
                a[2].byteOffset + 20,
                info.getUint32(16, true) / 2,
              ),
              info.getUint32(16, true) / 2,
            ),
          }
          : {}),
        status,
      });
      return status;
    },
    GetFileInformationByHandleEx(...a: any[]) {
      const ok = o.GetFileInformationByHandleEx(...a);
      log()?.push({
        fn: "GetFileInformationByHandleEx",
        cls: a[1],
        length: a[3],
        ok: ok !== 0,
      });
      return ok;
    },
    SetFileInformationByHandle(...a: any[]) {
      const ok = o.SetFileInformationByHandle(...a);
      log()?.push({
        fn: "SetFileInformationByHandle",
        cls: a[1],
        length: a[3],
        ok: ok !== 0,
      });
      return ok;
    },
  };
}

/** What the async twins share with the sync backend. */
interface WindowsPaths {
  route(dirfd: number, p: string): [number, string] | number;
  win32Name(p: string): string;
  decodeStat(w: Uint32Array, o: number): WindowsStatResult;
  setLastSymlinkCall(c: SymlinkCall): void;
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
  { route, win32Name, decodeStat, setLastSymlinkCall }: WindowsPaths,
): NonNullable<BackendParts["async"]> & { pool(): CallPool } {
  let pool: CallPool | null = null;
  const getPool = () =>
    pool ??= new CallPool(
      lib,
      {
        symbols: env,
        errno: () => (env.GetLastError as () => number)(),
      },
      undefined,
      undefined,
      COLD_MS,
    );
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
  const extras = asyncExtras.get(backend);
  return {
    ...(extras !== undefined ? ntAsync(getPool, extras) : {}),
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
      setLastSymlinkCall({
        link: link.replaceAll("/", "\\"),
        target,
        probe,
        attempts: r.attempts,
        error: r.error,
      });
      return -r.error;
    },
  };
}

/**
 * The async twins of {@linkcode ntPrimitives}: the same tasks with the same
 * arguments, shipped to a pool worker; only the routing (`GetFullPathNameW`,
 * which reads no file) runs on the calling thread.
 */
function ntAsync(
  getPool: () => CallPool,
  { route, fallbackBits }: {
    route(dirfd: number, p: string, self: boolean): [number, string] | number;
    fallbackBits(): number;
  },
): Partial<AsyncForms<OptionalPrimitives>> & {
  replaceAt?: NtPrimitives["replaceAt"] extends
    ((...a: infer A) => infer R) | undefined ? (...a: A) => Promise<R>
    : never;
} {
  const valueReply = (r: Reply) => r.ret < 0 ? -r.errno : r.ret;
  const S = NT_SCRATCH.size;
  /** Starts `task` on `[root, name]`: root, name, its byte length. */
  const begin = (task: string, r: [number, string], extra: number) => {
    const pool = getPool();
    pool.begin(task, strBytes(r[1]) + extra + S);
    pool.int(r[0]);
    pool.wstr(r[1]);
    pool.int(r[1].length * 2);
    return pool;
  };
  const done = (pool: CallPool) => {
    pool.out(S);
    return pool.end(valueReply);
  };
  const target = (dirfd: number, p: string): Uint8Array | number => {
    const r = route(dirfd, p, false);
    return typeof r === "number" ? r : fileNameInformation(r[0], r[1]);
  };
  const rename = (
    sd: number,
    sp: string,
    dd: number,
    dp: string,
    replace: number,
  ): Promise<number> => {
    const info = target(dd, dp);
    if (typeof info === "number") return Promise.resolve(info);
    const r = route(sd, sp, false);
    if (typeof r === "number") return Promise.resolve(r);
    const pool = begin("winRenameAt", r, info.length + 8);
    pool.bytes(info);
    pool.int(replace | fallbackBits());
    return done(pool);
  };
  /** A task over one routed name with integer arguments after it. */
  const byName = (
    task: string,
    dirfd: number,
    p: string,
    self: boolean,
    ...ints: number[]
  ): Promise<number> => {
    const r = route(dirfd, p, self);
    if (typeof r === "number") return Promise.resolve(r);
    const pool = begin(task, r, 0);
    for (const v of ints) pool.int(v);
    return done(pool);
  };
  const utime = (
    task: string,
    first: (pool: CallPool) => void,
    extra: number,
    times: Parameters<NonNullable<Backend["futimes"]>>[1],
  ): Promise<number> => {
    const t = utimeTicks(times);
    if (typeof t === "number") return Promise.resolve(t);
    const pool = getPool();
    pool.begin(task, extra + 16 + S);
    first(pool);
    pool.bytes(t);
    return done(pool);
  };
  return {
    mkdirAt: (dirfd, p) => byName("winMkdirAt", dirfd, p, true),
    unlinkAt: (dirfd, p, dir) =>
      byName("winUnlinkAt", dirfd, p, false, dir ? 1 : 0, fallbackBits()),
    renameAt: (sd, sp, dd, dp) => rename(sd, sp, dd, dp, 0),
    replaceAt: (sd, sp, dd, dp) => rename(sd, sp, dd, dp, 1),
    linkAt(sd, sp, dd, dp, follow) {
      const info = target(dd, dp);
      if (typeof info === "number") return Promise.resolve(info);
      const r = route(sd, sp, false);
      if (typeof r === "number") return Promise.resolve(r);
      const pool = begin("winLinkAt", r, info.length + 8);
      pool.int(follow ? 1 : 0);
      pool.bytes(info);
      return done(pool);
    },
    chmodAt: (dirfd, p, mode) => byName("winChmodAt", dirfd, p, true, 1, mode),
    lchmodAt: (dirfd, p, mode) => byName("winChmodAt", dirfd, p, true, 0, mode),
    fchmod(fd, mode) {
      const pool = getPool();
      pool.begin("winFchmod", S);
      pool.int(fd);
      pool.int(mode);
      return done(pool);
    },
    utimeAt(dirfd, p, times, follow) {
      const r = route(dirfd, p, true);
      if (typeof r === "number") return Promise.resolve(r);
      return utime(
        "winUtimeAt",
        (pool) => {
          pool.int(r[0]);
          pool.wstr(r[1]);
          pool.int(r[1].length * 2);
          pool.int(follow ? 1 : 0);
        },
        strBytes(r[1]),
        times,
      );
    },
    futimes: (fd, times) =>
      utime("winFutimes", (pool) => pool.int(fd), 0, times),
    accessAt: (dirfd, p, mode, follow) =>
      byName("winAccessAt", dirfd, p, true, follow ? 1 : 0, mode),
    dupDir(fd) {
      const pool = getPool();
      pool.begin("winDupDir", S);
      pool.int(fd);
      return done(pool);
    },
    readDirChunk(fd, out) {
      const pool = getPool();
      pool.begin("winReadDirChunk", DIR_CHUNK_BYTES);
      pool.int(fd);
      pool.int(fallbackBits());
      pool.out(DIR_CHUNK_BYTES);
      return pool.end((r) => {
        if (r.ret <= 0) {
          out.count = 0;
          return r.ret < 0 ? -r.errno : 0;
        }
        return decodeDirChunk(
          r.u8.subarray(r.out, r.out + DIR_CHUNK_BYTES),
          r.ret,
          out,
        );
      });
    },
  };
}
