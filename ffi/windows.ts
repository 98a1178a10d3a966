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
import type { Backend } from "./_types.ts";
import {
  addVerbatimPrefix,
  createSymlinkWithRetry,
  decodeReparseTarget,
  decodeWindowsStat,
  ERROR,
  FILE_ATTRIBUTE,
  FILE_INFO_CLASS,
  formatOsError,
  isDirFdRelative,
  linkTargetProbePath,
  needsLongPath,
  ntRelativeName,
  SIZEOF,
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
  const basic = new Uint32Array(SIZEOF.FILE_BASIC_INFO / 4);
  const standard = new Uint32Array(SIZEOF.FILE_STANDARD_INFO / 4);
  const byHandle = new Uint32Array(
    Math.ceil(SIZEOF.BY_HANDLE_FILE_INFORMATION / 4),
  );
  const tagInfo = new Uint32Array(2);
  const reparse = new Uint8Array(SIZEOF.MAXIMUM_REPARSE_DATA_BUFFER);
  const returned = new Uint32Array(1);
  const endOfFile = new BigInt64Array(1); // FILE_END_OF_FILE_INFO
  const msg = new Uint16Array(2048);
  const descriptions = new Map<number, string>();
  const err = () => -s.GetLastError();
  const AT_FDCWD = -100;

  /** Converts a path for a Win32 call: `\` separators, `\\?\` when long. */
  const wide = (p: string, into: WString = path): Uint16Array => {
    if (!needsLongPath(p)) return into.encode(p);
    const src = into.encode(p);
    let cap = p.length + 300;
    for (;;) {
      if (full.buf.length < cap) full.buf = new Uint16Array(cap);
      const n = s.GetFullPathNameW(src, full.buf.length, full.buf, null);
      if (n === 0) return src;
      if (n < full.buf.length) {
        return into.encode(addVerbatimPrefix(readWide(full.buf, n)));
      }
      cap = n + 1;
    }
  };

  // NtCreateFile's arguments, reused: the handle out, OBJECT_ATTRIBUTES,
  // its UNICODE_STRING (whose Buffer points into `ntName.buf`), and the
  // IO_STATUS_BLOCK.
  const ntName = new WString();
  const handleOut = new BigInt64Array(1);
  const iosb = new BigUint64Array(2);
  const ustrBytes = new Uint8Array(NT.SIZEOF_UNICODE_STRING);
  const oaBytes = new Uint8Array(NT.SIZEOF_OBJECT_ATTRIBUTES);
  const ustr = new DataView(ustrBytes.buffer);
  const oa = new DataView(oaBytes.buffer);
  oa.setUint32(0, NT.SIZEOF_OBJECT_ATTRIBUTES, true);
  oa.setBigUint64(
    16,
    BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(ustrBytes))),
    true,
  );
  oa.setUint32(24, NT.OBJ_CASE_INSENSITIVE, true);
  let ntNameBuf: Uint16Array | null = null;

  /** `NtCreateFile` of `name` relative to the directory handle `dirfd`. */
  const ntOpen = (
    dirfd: number,
    name: string,
    follow: boolean,
    access: number,
  ): number => {
    const buf = ntName.encode(name, false);
    if (buf !== ntNameBuf) {
      ntNameBuf = buf;
      ustr.setBigUint64(
        8,
        BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf))),
        true,
      );
    }
    ustr.setUint16(0, name.length * 2, true);
    ustr.setUint16(2, name.length * 2, true);
    oa.setBigInt64(8, BigInt(dirfd), true);
    // What CreateFileW adds: SYNCHRONIZE | FILE_READ_ATTRIBUTES access and
    // synchronous I/O; FILE_FLAG_BACKUP_SEMANTICS is backup intent.
    const status = nt!.create(
      handleOut,
      access | CREATE.SYNCHRONIZE | CREATE.FILE_READ_ATTRIBUTES,
      oaBytes,
      iosb,
      null,
      0,
      CREATE.FILE_SHARE_ALL,
      NT.FILE_OPEN,
      NT.FILE_SYNCHRONOUS_IO_NONALERT | NT.FILE_OPEN_FOR_BACKUP_INTENT |
        (follow ? 0 : NT.FILE_OPEN_REPARSE_POINT),
      null,
      0,
    );
    if (status < 0) return -nt!.toDos(status);
    return Number(handleOut[0]);
  };

  /**
   * Opens `p` (relative to `dirfd` unless it is `AT_FDCWD` or `p` is not
   * relative): the handle or `-error`.
   */
  const openAt = (
    dirfd: number,
    p: string,
    follow: boolean,
    access: number,
  ): number => {
    if (dirfd === AT_FDCWD || !isDirFdRelative(p)) {
      return open(p, follow, access);
    }
    if (nt === null) return -ERROR.NOT_SUPPORTED;
    const name = ntRelativeName(p);
    if (typeof name === "number") return name;
    return ntOpen(dirfd, name, follow, access);
  };

  const open = (p: string, follow: boolean, access: number): number => {
    const flags = CREATE.FILE_FLAG_BACKUP_SEMANTICS |
      (follow ? 0 : CREATE.FILE_FLAG_OPEN_REPARSE_POINT);
    const h = Number(
      s.CreateFileW(
        wide(p),
        access,
        CREATE.FILE_SHARE_ALL,
        null,
        CREATE.OPEN_EXISTING,
        flags,
        0n,
      ),
    );
    return h === -1 ? err() : h;
  };

  const statHandle = (fd: number): WindowsStatResult | number => {
    const h = BigInt(fd);
    if (
      s.GetFileInformationByHandleEx(
          h,
          FILE_INFO_CLASS.FileBasicInfo,
          basic,
          SIZEOF.FILE_BASIC_INFO,
        ) === 0 ||
      s.GetFileInformationByHandleEx(
          h,
          FILE_INFO_CLASS.FileStandardInfo,
          standard,
          SIZEOF.FILE_STANDARD_INFO,
        ) === 0 ||
      s.GetFileInformationByHandle(h, byHandle) === 0
    ) {
      return err();
    }
    let tag = 0;
    if ((basic[8] & FILE_ATTRIBUTE.REPARSE_POINT) !== 0) {
      if (
        s.GetFileInformationByHandleEx(
          h,
          FILE_INFO_CLASS.FileAttributeTagInfo,
          tagInfo,
          SIZEOF.FILE_ATTRIBUTE_TAG_INFO,
        ) === 0
      ) {
        return err();
      }
      tag = tagInfo[1];
    }
    return decodeWindowsStat(basic, standard, byHandle, tag);
  };

  const statPath = (dirfd: number, p: string, follow: boolean) => {
    const h = openAt(dirfd, p, follow, CREATE.FILE_READ_ATTRIBUTES);
    if (h < 0) return h;
    const r = statHandle(h);
    s.CloseHandle(BigInt(h));
    return r;
  };

  const openDir = (dirfd: number, p: string, follow: boolean): number => {
    const h = openAt(
      dirfd,
      p,
      follow,
      CREATE.FILE_LIST_DIRECTORY | CREATE.FILE_TRAVERSE |
        CREATE.FILE_READ_ATTRIBUTES | CREATE.SYNCHRONIZE,
    );
    if (h < 0) return h;
    const r = statHandle(h);
    let e = 0;
    if (typeof r === "number") e = r;
    // O_NOFOLLOW on a link: ELOOP, as POSIX systems other than Linux say.
    else if (r.isSymlink) e = -ERROR.CANT_RESOLVE_FILENAME;
    else if (!r.isDirectory) e = -ERROR.DIRECTORY;
    if (e !== 0) {
      s.CloseHandle(BigInt(h));
      return e;
    }
    return h;
  };

  /** `SetFileInformationByHandle(FileEndOfFileInfo)`: 0 or the error. */
  const setLength = (h: number, length: bigint): number => {
    endOfFile[0] = length;
    return s.SetFileInformationByHandle(
        BigInt(h),
        FILE_INFO_CLASS.FileEndOfFileInfo,
        endOfFile,
        SIZEOF.FILE_END_OF_FILE_INFO,
      ) !== 0
      ? 0
      : err();
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
    openDirAt: (dirfd, p, follow) => openDir(dirfd, p, follow),
    truncate(p, length) {
      // Python's `_wopen(path, O_WRONLY)`: follows links; a directory is
      // ERROR_ACCESS_DENIED (no FILE_FLAG_BACKUP_SEMANTICS).
      const h = Number(
        s.CreateFileW(
          wide(p),
          CREATE.GENERIC_WRITE,
          CREATE.FILE_SHARE_ALL,
          null,
          CREATE.OPEN_EXISTING,
          0,
          0n,
        ),
      );
      if (h === -1) return err();
      const r = setLength(h, length);
      s.CloseHandle(BigInt(h));
      return r;
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
      const h = open(p, false, 0);
      if (h < 0) return h;
      const ok = s.DeviceIoControl(
        BigInt(h),
        FSCTL_GET_REPARSE_POINT,
        null,
        0,
        reparse,
        reparse.length,
        returned,
        null,
      );
      const e = ok === 0 ? err() : 0;
      s.CloseHandle(BigInt(h));
      return e !== 0 ? e : decodeReparseTarget(reparse, returned[0]);
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
  return backend;
}
