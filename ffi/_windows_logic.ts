// Copyright 2026 the dirfd authors. MIT license.
/**
 * The Windows backend's decisions, as pure functions with no `Deno.dlopen`:
 * path conversion, the symlink type and flag-retry rules (Python's
 * `os.symlink`), struct decoding (`FILE_BASIC_INFO`, `FILE_STANDARD_INFO`,
 * `BY_HANDLE_FILE_INFORMATION`, `REPARSE_DATA_BUFFER`), and the table of
 * the codes Deno puts in `err.code` for Windows errors. Everything here runs
 * and is tested on every OS (`tests/windows_logic_test.ts`).
 *
 * Sources: `winerror.h` (error codes), `winnt.h` (attributes, reparse tags),
 * `winbase.h` (flags), `ntifs.h` (`REPARSE_DATA_BUFFER`), `minwinbase.h`
 * (`FILE_INFO_BY_HANDLE_CLASS`), `fileapi.h` (`BY_HANDLE_FILE_INFORMATION`).
 *
 * @module
 */
import { StatResult, toMs } from "../_file_info.ts";

/** Windows error codes used by the backend (`winerror.h`). */
export const ERROR = {
  INVALID_FUNCTION: 1,
  FILE_NOT_FOUND: 2,
  PATH_NOT_FOUND: 3,
  ACCESS_DENIED: 5,
  INVALID_HANDLE: 6,
  NOT_SUPPORTED: 50,
  INVALID_PARAMETER: 87,
  CALL_NOT_IMPLEMENTED: 120,
  INSUFFICIENT_BUFFER: 122,
  INVALID_NAME: 123,
  ALREADY_EXISTS: 183,
  FILENAME_EXCED_RANGE: 206,
  DIRECTORY: 267,
  MORE_DATA: 234,
  PRIVILEGE_NOT_HELD: 1314,
  CANT_RESOLVE_FILENAME: 1921,
  NOT_A_REPARSE_POINT: 4390,
} as const;

/** `winnt.h` file attributes. */
export const FILE_ATTRIBUTE = {
  READONLY: 0x1,
  DIRECTORY: 0x10,
  REPARSE_POINT: 0x400,
} as const;
/** `GetFileAttributesW`'s failure value. */
export const INVALID_FILE_ATTRIBUTES = 0xffffffff;

/** `winnt.h` reparse tags. */
export const IO_REPARSE_TAG = {
  MOUNT_POINT: 0xa0000003,
  SYMLINK: 0xa000000c,
} as const;
/** `SYMLINK_FLAG_RELATIVE` in a symlink reparse buffer (`ntifs.h`). */
export const SYMLINK_FLAG_RELATIVE = 1;

/** `CreateSymbolicLinkW` flags (`winbase.h`). */
export const SYMBOLIC_LINK_FLAG = {
  DIRECTORY: 0x1,
  ALLOW_UNPRIVILEGED_CREATE: 0x2,
} as const;

/** The UTF-16 length from which paths get the `\\?\` prefix (Rust's rule). */
export const LEGACY_MAX_PATH = 248;

/** Whether a Windows path is absolute (drive-absolute, UNC or device). */
export function isAbsoluteWindows(p: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(p) || /^[\\/][\\/]/.test(p);
}

/** Forward slashes become backslashes (Windows accepts both; NT paths do not). */
export function toBackslashes(p: string): string {
  return p.includes("/") ? p.replaceAll("/", "\\") : p;
}

/**
 * Whether `p` is opened relative to a `dirFd` (POSIX `*at`: absolute paths
 * ignore it). Besides drive-absolute and UNC paths, root-relative (`\x`)
 * and drive-relative (`C:x`) paths do not name a place under a directory,
 * so they ignore `dirFd` too.
 */
export function isDirFdRelative(p: string): boolean {
  return !/^(?:[\\/]|[A-Za-z]:)/.test(p);
}

/** The longest `UNICODE_STRING` (its byte length is a `USHORT`). */
export const MAX_NT_NAME = 32767;

/**
 * The `ObjectName` of an `NtCreateFile` call relative to a directory
 * handle (`OBJECT_ATTRIBUTES.RootDirectory`), for a path for which
 * {@linkcode isDirFdRelative} holds: `\` separators, repeated separators
 * collapsed and `.` components dropped (the Win32 layer does both; NT does
 * not), a trailing separator kept (`dir\` must be a directory). `.` alone
 * (or `./`) is `""`, which reopens the directory itself.
 *
 * NT does not resolve `..` in a relative name, and resolving it lexically
 * would ignore symlinks (and escape the directory), so a `..` component
 * gives `-ERROR_CALL_NOT_IMPLEMENTED` (Deno's `NotSupported`). An empty
 * path is `-ERROR_FILE_NOT_FOUND` (POSIX: `ENOENT`); a name longer than
 * {@linkcode MAX_NT_NAME} `-ERROR_FILENAME_EXCED_RANGE`.
 */
export function ntRelativeName(p: string): string | number {
  if (p === "") return -ERROR.FILE_NOT_FOUND;
  const parts = p.split(/[\\/]+/);
  const trailing = parts.length > 1 && parts[parts.length - 1] === "";
  const kept: string[] = [];
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") return -ERROR.CALL_NOT_IMPLEMENTED;
    kept.push(part);
  }
  let name = kept.join("\\");
  if (trailing && name !== "") name += "\\";
  return name.length > MAX_NT_NAME ? -ERROR.FILENAME_EXCED_RANGE : name;
}

/** Whether `p` must go through `GetFullPathNameW` and a `\\?\` prefix. */
export function needsLongPath(p: string): boolean {
  return p.length >= LEGACY_MAX_PATH && !/^[\\/][\\/?][?.][\\/]/.test(p);
}

/**
 * Adds the verbatim prefix to an absolute, normalized path (what
 * `GetFullPathNameW` returns): `C:\x` → `\\?\C:\x`, `\\srv\share` →
 * `\\?\UNC\srv\share`, `\\.\dev` → `\\?\dev`; verbatim paths are kept.
 */
export function addVerbatimPrefix(abs: string): string {
  if (/^[A-Za-z]:\\/.test(abs)) return `\\\\?\\${abs}`;
  if (abs.startsWith("\\\\?\\") || abs.startsWith("\\??\\")) return abs;
  if (abs.startsWith("\\\\.\\")) return `\\\\?\\${abs.slice(4)}`;
  if (abs.startsWith("\\\\")) return `\\\\?\\UNC\\${abs.slice(2)}`;
  return abs;
}

/**
 * Removes a verbatim prefix where the plain form means the same
 * (`\\?\C:\x` → `C:\x`, `\\?\UNC\s\x` → `\\s\x`), as Deno's `cwd` shows it.
 * Paths that need the prefix (too long, or with a component the Win32 layer
 * would alter) keep it.
 */
export function stripVerbatim(p: string): string {
  let plain: string;
  if (/^\\\\\?\\[A-Za-z]:\\/.test(p)) plain = p.slice(4);
  else if (/^\\\\\?\\UNC\\/i.test(p)) plain = `\\\\${p.slice(8)}`;
  else return p;
  if (plain.length >= 260) return p;
  for (const part of plain.split("\\").slice(1)) {
    if (part === "." || part === ".." || /[. ]$/.test(part)) return p;
  }
  return plain;
}

/** `dirname` of a Windows path (`PathCchRemoveFileSpec`); `""` when none. */
export function windowsDirname(p: string): string {
  const s = toBackslashes(p);
  const root = /^(?:[A-Za-z]:\\?|\\\\[^\\]+\\[^\\]+|\\)/.exec(s)?.[0] ?? "";
  const i = s.lastIndexOf("\\");
  if (i < root.length) return root;
  return s.slice(0, i);
}

/**
 * The path whose type decides a new link's type (Python's `_check_dirW`):
 * the target resolved against the link's own directory, not the cwd. An
 * absolute target stands alone; a root-relative target (`\x`) takes the
 * link's drive.
 */
export function linkTargetProbePath(target: string, link: string): string {
  const t = toBackslashes(target);
  if (isAbsoluteWindows(t) || /^[A-Za-z]:/.test(t)) return t;
  const parent = windowsDirname(link);
  if (t.startsWith("\\")) {
    const drive = /^(?:[A-Za-z]:|\\\\[^\\]+\\[^\\]+)/.exec(parent)?.[0] ?? "";
    return drive + t;
  }
  if (parent === "") return t;
  return parent.endsWith("\\") ? parent + t : `${parent}\\${t}`;
}

/**
 * The link type flag for `CreateSymbolicLinkW`: an existing target decides
 * (its attributes, as `GetFileAttributesW` gives them, or
 * {@linkcode INVALID_FILE_ATTRIBUTES} when it does not exist); otherwise
 * `targetIsDirectory` does.
 */
export function symlinkTypeFlag(
  targetAttributes: number,
  targetIsDirectory: boolean,
): number {
  if (targetAttributes !== INVALID_FILE_ATTRIBUTES) {
    return (targetAttributes & FILE_ATTRIBUTE.DIRECTORY) !== 0
      ? SYMBOLIC_LINK_FLAG.DIRECTORY
      : 0;
  }
  return targetIsDirectory ? SYMBOLIC_LINK_FLAG.DIRECTORY : 0;
}

/**
 * The flags of each `CreateSymbolicLinkW` attempt, sans I/O: first with
 * `SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE`, and again without it when
 * the first attempt fails with `ERROR_INVALID_PARAMETER` (Windows before
 * 10 1703). Each `next(error)` passes the last attempt's error code (0 on
 * success) and gets the next flags, if any.
 */
export function* symlinkAttempts(
  typeFlag: number,
): Generator<number, void, number> {
  const error = yield typeFlag | SYMBOLIC_LINK_FLAG.ALLOW_UNPRIVILEGED_CREATE;
  if (error === ERROR.INVALID_PARAMETER) yield typeFlag;
}

/**
 * Runs {@linkcode symlinkAttempts} with `create(flags)` (which returns 0 or a
 * Windows error code). Returns the final error code (0 on success) and the
 * flags of every attempt.
 */
export function createSymlinkWithRetry(
  typeFlag: number,
  create: (flags: number) => number,
): { error: number; attempts: number[] } {
  const attempts: number[] = [];
  const g = symlinkAttempts(typeFlag);
  let error = 0;
  for (let n = g.next(); !n.done; n = g.next(error)) {
    attempts.push(n.value);
    error = create(n.value);
  }
  return { error, attempts };
}

/** {@linkcode createSymlinkWithRetry} with an async `create`. */
export async function createSymlinkWithRetryAsync(
  typeFlag: number,
  create: (flags: number) => Promise<number>,
): Promise<{ error: number; attempts: number[] }> {
  const attempts: number[] = [];
  const g = symlinkAttempts(typeFlag);
  let error = 0;
  for (let n = g.next(); !n.done; n = g.next(error)) {
    attempts.push(n.value);
    error = await create(n.value);
  }
  return { error, attempts };
}

/** The message for `ERROR_PRIVILEGE_NOT_HELD` from `symlink`. */
export const SYMLINK_PRIVILEGE_HINT =
  "creating symbolic links needs the SeCreateSymbolicLinkPrivilege: enable " +
  "Developer Mode (Settings > System > For developers) or run the process " +
  "elevated (as Administrator)";

/**
 * Deno's `err.code` for a Windows error (`get_os_error_code` in deno_core's
 * `error_codes.rs`, after libuv); codes not listed have none.
 */
export const WINDOWS_ERROR_NAMES: Readonly<Record<number, string>> = {
  1: "EISDIR",
  2: "ENOENT",
  3: "ENOENT",
  4: "EMFILE",
  5: "EPERM",
  6: "EBADF",
  8: "ENOMEM",
  13: "EINVAL",
  14: "ENOMEM",
  15: "ENOENT",
  17: "EXDEV",
  19: "EROFS",
  23: "EIO",
  31: "EIO",
  32: "EBUSY",
  33: "EBUSY",
  39: "ENOSPC",
  50: "ENOTSUP",
  64: "ECONNRESET",
  80: "EEXIST",
  82: "ENOSPC",
  87: "EINVAL",
  110: "EIO",
  111: "EFAULT",
  112: "ENOSPC",
  121: "ETIMEDOUT",
  122: "EINVAL",
  123: "ENOENT",
  126: "ENOENT",
  145: "ENOTEMPTY",
  156: "EIO",
  161: "ENOENT",
  183: "EEXIST",
  203: "ENOENT",
  205: "EIO",
  206: "ENAMETOOLONG",
  208: "E2BIG",
  230: "EPIPE",
  231: "EBUSY",
  232: "EPIPE",
  233: "EPIPE",
  267: "ENOENT",
  277: "ENOSPC",
  995: "ECANCELED",
  998: "EACCES",
  1004: "EBADF",
  1100: "ENOSPC",
  1101: "EIO",
  1102: "EIO",
  1103: "EIO",
  1104: "EIO",
  1106: "EIO",
  1111: "EIO",
  1117: "EIO",
  1129: "EIO",
  1165: "EIO",
  1166: "EIO",
  1225: "ECONNREFUSED",
  1227: "EADDRINUSE",
  1231: "ENETUNREACH",
  1232: "EHOSTUNREACH",
  1236: "ECONNABORTED",
  1314: "EPERM",
  1393: "EIO",
  1464: "EINVAL",
  1920: "EACCES",
  1921: "ELOOP",
  2250: "ENOTCONN",
  4392: "ENOENT",
};

/**
 * Deno's description of a Windows error, from what `FormatMessageW` gave:
 * the text with trailing white space (its CRLF) removed, or Rust's fallback
 * `OS Error N (FormatMessageW() returned error M)` when it failed.
 */
export function formatOsError(
  code: number,
  text: string | null,
  formatError: number,
): string {
  if (text === null) {
    return `OS Error ${code} (FormatMessageW() returned error ${formatError})`;
  }
  return text.trimEnd();
}

/** Seconds between 1601-01-01 and 1970-01-01. */
const EPOCH_DIFF_S = 11644473600;

/**
 * A `FILETIME`/`LARGE_INTEGER` time (100 ns ticks since 1601, given as its
 * low and high 32-bit words) as Unix (seconds, nanoseconds), 0 ≤ ns < 1e9.
 */
export function filetimeToUnix(lo: number, hi: number): [number, number] {
  // hi * 2^32 = hi * 429 * 1e7 + hi * 4967296; exact in doubles while
  // hi * 4967296 + lo < 2^53 (until about year 20000).
  if (hi < 0x60000000) {
    const rest = hi * 4967296 + lo;
    const q = Math.floor(rest / 1e7);
    return [hi * 429 + q - EPOCH_DIFF_S, (rest - q * 1e7) * 100];
  }
  let ticks = (BigInt(hi | 0) << 32n) + BigInt(lo);
  ticks -= BigInt(EPOCH_DIFF_S) * 10_000_000n;
  let s = ticks / 10_000_000n;
  let r = ticks - s * 10_000_000n;
  if (r < 0n) {
    r += 10_000_000n;
    s -= 1n;
  }
  return [Number(s), Number(r) * 100];
}

/** Byte sizes of the structs the backend reads. */
export const SIZEOF = {
  BY_HANDLE_FILE_INFORMATION: 52,
  FILE_BASIC_INFO: 40,
  FILE_STANDARD_INFO: 24,
  FILE_ATTRIBUTE_TAG_INFO: 8,
  FILE_END_OF_FILE_INFO: 8,
  MAXIMUM_REPARSE_DATA_BUFFER: 16384,
} as const;

/** `FILE_INFO_BY_HANDLE_CLASS` values (`minwinbase.h`). */
export const FILE_INFO_CLASS = {
  FileBasicInfo: 0,
  FileStandardInfo: 1,
  FileEndOfFileInfo: 6,
  FileAttributeTagInfo: 9,
} as const;

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/**
 * A {@linkcode StatResult} with Deno's Windows semantics: `uid`, `gid`,
 * `rdev`, `blksize` and the four device/FIFO/socket flags are `null`, and
 * `ctime` keeps milliseconds (Deno reads it from `ChangeTime`).
 */
export class WindowsStatResult extends StatResult {
  #ctimeMs: number;
  constructor(
    mode: number,
    size: number,
    dev: number,
    ino: number,
    nlink: number,
    blocks: number,
    isFile: boolean,
    isDirectory: boolean,
    isSymlink: boolean,
    times: readonly number[],
  ) {
    super(
      mode,
      size,
      dev,
      ino,
      nlink,
      0,
      0,
      0,
      0,
      blocks,
      times[0],
      times[1],
      times[2],
      times[3],
      times[4],
      times[5],
      times[6],
      times[7],
    );
    this.isFile = isFile;
    this.isDirectory = isDirectory;
    this.isSymlink = isSymlink;
    this.uid =
      this.gid =
      this.rdev =
      this.blksize =
        null;
    this.isBlockDevice =
      this.isCharDevice =
      this.isFifo =
      this.isSocket =
        null;
    // Exact (not `sec * 1000 + nsec / 1e6` in one float, which rounds a
    // time a tick before a millisecond up to it).
    this.#ctimeMs = toMs(times[4], times[5]);
  }
  /** The last status change (`ChangeTime`), in milliseconds like Deno. */
  override get ctime(): Date | null {
    return new Date(this.#ctimeMs);
  }
}

/**
 * Decodes the three structs one stat reads (as 32-bit word arrays) into a
 * {@linkcode WindowsStatResult}, the way Deno fills `FileInfo` on Windows:
 * `mode` is `S_IFDIR` or `S_IFREG` with 0o444 (read-only) or 0o666, `size`
 * is 0 for directories, `blocks` is the allocation size in 512-byte units,
 * `dev` the volume serial number and `ino` the 64-bit file index.
 *
 * `isSymlink` follows Python: a reparse point whose tag is
 * `IO_REPARSE_TAG_SYMLINK` (`reparseTag`, 0 when there is none); such an
 * entry is neither a file nor a directory.
 *
 * @param basic `FILE_BASIC_INFO`: four `LARGE_INTEGER` times and attributes.
 * @param standard `FILE_STANDARD_INFO`: allocation size, end of file, links.
 * @param byHandle `BY_HANDLE_FILE_INFORMATION`: volume serial and file index.
 */
export function decodeWindowsStat(
  basic: Uint32Array,
  standard: Uint32Array,
  byHandle: Uint32Array,
  reparseTag: number,
): WindowsStatResult {
  const attrs = basic[8];
  const dir = (attrs & FILE_ATTRIBUTE.DIRECTORY) !== 0;
  const link = (attrs & FILE_ATTRIBUTE.REPARSE_POINT) !== 0 &&
    reparseTag === IO_REPARSE_TAG.SYMLINK;
  const mode = (dir ? S_IFDIR : S_IFREG) |
    ((attrs & FILE_ATTRIBUTE.READONLY) !== 0 ? 0o444 : 0o666);
  const [cS, cN] = filetimeToUnix(basic[0], basic[1]);
  const [aS, aN] = filetimeToUnix(basic[2], basic[3]);
  const [mS, mN] = filetimeToUnix(basic[4], basic[5]);
  const [chS, chN] = filetimeToUnix(basic[6], basic[7]);
  return new WindowsStatResult(
    mode,
    dir ? 0 : standard[2] + standard[3] * 4294967296,
    byHandle[7],
    byHandle[11] * 4294967296 + byHandle[12],
    standard[4],
    Math.floor((standard[0] + standard[1] * 4294967296) / 512),
    !link && !dir,
    !link && dir,
    link,
    [aS, aN, mS, mN, chS, chN, cS, cN],
  );
}

function utf16(view: DataView, offset: number, bytes: number): string {
  let s = "";
  for (let i = 0; i < bytes; i += 2) {
    s += String.fromCharCode(view.getUint16(offset + i, true));
  }
  return s;
}

/**
 * The target of a `REPARSE_DATA_BUFFER` (`FSCTL_GET_REPARSE_POINT`'s
 * output), as Python's `os.readlink` gives it: the substitute name of a
 * symlink or mount point, with an NT `\??\` prefix turned into `\\?\`.
 * Other tags give `-ERROR_NOT_A_REPARSE_POINT`; a malformed buffer
 * `-ERROR_INVALID_REPARSE_DATA`.
 */
export function decodeReparseTarget(
  buf: Uint8Array,
  n: number,
): string | number {
  const INVALID = -4392; // ERROR_INVALID_REPARSE_DATA
  if (n < 8) return INVALID;
  const v = new DataView(buf.buffer, buf.byteOffset, n);
  const tag = v.getUint32(0, true);
  let base: number;
  if (tag === IO_REPARSE_TAG.SYMLINK) base = 20;
  else if (tag === IO_REPARSE_TAG.MOUNT_POINT) base = 16;
  else return -ERROR.NOT_A_REPARSE_POINT;
  if (n < base) return INVALID;
  const off = v.getUint16(8, true);
  const len = v.getUint16(10, true);
  if (base + off + len > n || len % 2 !== 0) return INVALID;
  const name = utf16(v, base + off, len);
  return name.startsWith("\\??\\") ? `\\\\?\\${name.slice(4)}` : name;
}

/**
 * Builds a symlink `REPARSE_DATA_BUFFER` (tests only: the inverse of
 * {@linkcode decodeReparseTarget}, laid out as `CreateSymbolicLinkW` does:
 * substitute name first, then print name).
 */
export function encodeSymlinkReparse(
  substitute: string,
  print: string,
  relative: boolean,
): Uint8Array {
  const sub = substitute.length * 2, pr = print.length * 2;
  const out = new Uint8Array(20 + sub + pr);
  const v = new DataView(out.buffer);
  v.setUint32(0, IO_REPARSE_TAG.SYMLINK, true);
  v.setUint16(4, 12 + sub + pr, true);
  v.setUint16(8, 0, true);
  v.setUint16(10, sub, true);
  v.setUint16(12, sub, true);
  v.setUint16(14, pr, true);
  v.setUint32(16, relative ? SYMLINK_FLAG_RELATIVE : 0, true);
  const all = substitute + print;
  for (let i = 0; i < all.length; i++) {
    v.setUint16(20 + i * 2, all.charCodeAt(i), true);
  }
  return out;
}

// ---------------------------------------------------------------------------
// The rest of the family (mkdir, unlink/rmdir, rename, link, chmod, utime,
// access, readDir): NT names, info buffers, times, attributes, listings.
// Sources: `winternl.h`/`ntifs.h` (FILE_*_INFORMATION, classes, options),
// `ntstatus.h`, `winbase.h` (FILE_ID_BOTH_DIR_INFO, FILE_FULL_DIR_INFO).

/** `NtCreateFile`/`NtSetInformationFile` numbers (`winternl.h`, `ntifs.h`). */
export const NT_FILE = {
  // Access rights.
  FILE_LIST_DIRECTORY: 0x1,
  FILE_TRAVERSE: 0x20,
  FILE_READ_ATTRIBUTES: 0x80,
  FILE_WRITE_ATTRIBUTES: 0x100,
  DELETE: 0x10000,
  SYNCHRONIZE: 0x100000,
  // Create dispositions.
  FILE_OPEN: 1,
  FILE_CREATE: 2,
  // Create options.
  FILE_DIRECTORY_FILE: 0x1,
  FILE_SYNCHRONOUS_IO_NONALERT: 0x20,
  FILE_OPEN_FOR_BACKUP_INTENT: 0x4000,
  FILE_OPEN_REPARSE_POINT: 0x200000,
  FILE_ATTRIBUTE_NORMAL: 0x80,
  FILE_SHARE_ALL: 0x7,
} as const;

/** `FILE_INFORMATION_CLASS` values used with `NtSetInformationFile`. */
export const NT_INFO_CLASS = {
  FileBasicInformation: 4,
  FileRenameInformation: 10,
  FileLinkInformation: 11,
  FileDispositionInformation: 13,
  FileDispositionInformationEx: 64,
  FileRenameInformationEx: 65,
} as const;

/** `FILE_INFO_BY_HANDLE_CLASS` values for listings (`minwinbase.h`). */
export const DIR_INFO_CLASS = {
  FileIdBothDirectoryInfo: 10,
  FileFullDirectoryInfo: 14,
} as const;

/** `FILE_DISPOSITION_INFORMATION_EX` and `FILE_RENAME_INFORMATION_EX` flags. */
export const NT_FLAG = {
  DISPOSITION_DELETE: 0x1,
  DISPOSITION_POSIX_SEMANTICS: 0x2,
  RENAME_REPLACE_IF_EXISTS: 0x1,
  RENAME_POSIX_SEMANTICS: 0x2,
} as const;

/**
 * `NTSTATUS` codes the backend meets (`ntstatus.h`), as the signed 32-bit
 * values `NtSetInformationFile` returns, with the Windows error
 * `RtlNtStatusToDosError` maps each to.
 */
export const NT_STATUS: Readonly<Record<string, [number, number]>> = {
  NOT_IMPLEMENTED: [0xc0000002 | 0, 1],
  INVALID_INFO_CLASS: [0xc0000003 | 0, 87],
  INVALID_PARAMETER: [0xc000000d | 0, 87],
  ACCESS_DENIED: [0xc0000022 | 0, 5],
  OBJECT_NAME_INVALID: [0xc0000033 | 0, 123],
  OBJECT_NAME_NOT_FOUND: [0xc0000034 | 0, 2],
  OBJECT_NAME_COLLISION: [0xc0000035 | 0, 183],
  OBJECT_PATH_NOT_FOUND: [0xc000003a | 0, 3],
  SHARING_VIOLATION: [0xc0000043 | 0, 32],
  DELETE_PENDING: [0xc0000056 | 0, 5],
  FILE_IS_A_DIRECTORY: [0xc00000ba | 0, 5],
  NOT_SUPPORTED: [0xc00000bb | 0, 50],
  NOT_SAME_DEVICE: [0xc00000d4 | 0, 17],
  DIRECTORY_NOT_EMPTY: [0xc0000101 | 0, 145],
  NOT_A_DIRECTORY: [0xc0000103 | 0, 267],
  CANNOT_DELETE: [0xc0000121 | 0, 5],
  NO_MORE_FILES: [0x80000006 | 0, 18],
};

/**
 * Whether a failed `…InformationEx` call (`FileDispositionInformationEx`,
 * `FileRenameInformationEx`) is retried with the older class: the file
 * system or Windows version does not know the class or its flags
 * (`STATUS_INVALID_INFO_CLASS`, `STATUS_INVALID_PARAMETER`,
 * `STATUS_NOT_SUPPORTED`). Any other failure is a real refusal and stands.
 */
export function exFallsBack(status: number): boolean {
  return status === (0xc0000003 | 0) || status === (0xc000000d | 0) ||
    status === (0xc00000bb | 0);
}

/**
 * The NT name of an absolute Win32 path (what `GetFullPathNameW` returns),
 * for `NtCreateFile` with no `RootDirectory`: `C:\x` → `\??\C:\x`,
 * `\\srv\share\x` → `\??\UNC\srv\share\x`, `\\?\X` and `\\.\X` →
 * `\??\X`; `\??\X` is kept. Anything else (not absolute) is
 * `-ERROR_INVALID_NAME`; a name longer than {@linkcode MAX_NT_NAME}
 * `-ERROR_FILENAME_EXCED_RANGE`.
 */
export function ntAbsoluteName(full: string): string | number {
  const p = toBackslashes(full);
  let name: string;
  if (/^[A-Za-z]:\\/.test(p)) name = `\\??\\${p}`;
  else if (p.startsWith("\\??\\")) name = p;
  else if (/^\\\\[?.]\\/.test(p)) name = `\\??\\${p.slice(4)}`;
  else if (/^\\\\[^\\]/.test(p)) name = `\\??\\UNC\\${p.slice(2)}`;
  else return -ERROR.INVALID_NAME;
  return name.length > MAX_NT_NAME ? -ERROR.FILENAME_EXCED_RANGE : name;
}

/** Bytes of `FILE_RENAME_INFORMATION`/`FILE_LINK_INFORMATION` before the name. */
export const FILE_NAME_INFO_HEADER = 24;

/**
 * A `FILE_RENAME_INFORMATION(_EX)` / `FILE_LINK_INFORMATION` buffer (x64):
 * flags or `ReplaceIfExists` (u32 @0, filled in by the task), the target's
 * `RootDirectory` (@8; 0 for an absolute NT name), `FileNameLength` in
 * bytes (@16), then the UTF-16 name (@20) and a NUL. Its length to pass is
 * `24 + nameBytes` (Wine refuses less than `sizeof` = 24).
 */
export function fileNameInformation(root: number, name: string): Uint8Array {
  const n = name.length * 2;
  const out = new Uint8Array(FILE_NAME_INFO_HEADER + n + 2);
  const v = new DataView(out.buffer);
  v.setBigInt64(8, BigInt(root), true);
  v.setUint32(16, n, true);
  for (let i = 0; i < name.length; i++) {
    v.setUint16(20 + 2 * i, name.charCodeAt(i), true);
  }
  return out;
}

/** `FILETIME` ticks (100 ns since 1601) of a Unix time; -87 when unusable. */
export function unixToFiletime(sec: bigint, nsec: number): bigint | number {
  const ticks = (sec + BigInt(EPOCH_DIFF_S)) * 10_000_000n +
    BigInt(Math.floor(nsec / 100));
  // 0 means "leave unchanged" and -1 "stop updating" to SetFileInformation;
  // negative times are before 1601.
  return ticks <= 0n || ticks > 0x7fffffffffffffffn
    ? -ERROR.INVALID_PARAMETER
    : ticks;
}

/**
 * The 16-byte times buffer of the utime tasks: access then write time as
 * `FILETIME` ticks, both 0 for "now"; or -87 for a time `FILETIME` cannot
 * hold.
 */
export function utimeTicks(
  t: {
    atimeSec: bigint;
    atimeNsec: number;
    mtimeSec: bigint;
    mtimeNsec: number;
  } | null,
): Uint8Array | number {
  const out = new Uint8Array(16);
  if (t === null) return out;
  const a = unixToFiletime(t.atimeSec, t.atimeNsec);
  const m = unixToFiletime(t.mtimeSec, t.mtimeNsec);
  if (typeof a === "number") return a;
  if (typeof m === "number") return m;
  const v = new DataView(out.buffer);
  v.setBigInt64(0, a, true);
  v.setBigInt64(8, m, true);
  return out;
}

/**
 * The attributes chmod writes (Python's `win32_hchmod`): the read-only
 * attribute cleared when `mode` has the owner's write bit (`0o200`), set
 * otherwise; other bits kept. `-1` when nothing changes (no write); a
 * result of 0 becomes `FILE_ATTRIBUTE_NORMAL`, since 0 means "unchanged" to
 * `SetFileInformationByHandle`.
 */
export function chmodAttributes(attrs: number, mode: number): number {
  const next =
    ((mode & 0o200) !== 0
      ? attrs & ~FILE_ATTRIBUTE.READONLY
      : attrs | FILE_ATTRIBUTE.READONLY) >>> 0;
  if (next === attrs) return -1;
  return next === 0 ? NT_FILE.FILE_ATTRIBUTE_NORMAL : next;
}

/**
 * Python's `os.access` on Windows: an existing file is accessible unless
 * `W_OK` (2) is asked of a read-only file that is not a directory.
 */
export function accessAllowed(attrs: number, mode: number): boolean {
  return (mode & 2) === 0 || (attrs & FILE_ATTRIBUTE.READONLY) === 0 ||
    (attrs & FILE_ATTRIBUTE.DIRECTORY) !== 0;
}

/**
 * Whether `unlink` refuses an entry as a directory (`DeleteFileW`'s
 * `ERROR_ACCESS_DENIED`): a directory that is not a symlink or junction
 * (those are removed as links, as Python's `os.remove` does).
 */
export function unlinkRefuses(attrs: number, tag: number): boolean {
  if ((attrs & FILE_ATTRIBUTE.DIRECTORY) === 0) return false;
  return !((attrs & FILE_ATTRIBUTE.REPARSE_POINT) !== 0 &&
    (tag === IO_REPARSE_TAG.SYMLINK || tag === IO_REPARSE_TAG.MOUNT_POINT));
}

/**
 * The kind of a directory entry from its attributes and reparse tag
 * (Python's `DirEntry` on Windows): a symlink only for
 * `IO_REPARSE_TAG_SYMLINK`; otherwise a directory (junctions included) or
 * a file. Values of `KIND` in `_types.ts`: FILE 1, DIR 2, SYMLINK 3.
 */
export function entryKind(attrs: number, tag: number): number {
  if (
    (attrs & FILE_ATTRIBUTE.REPARSE_POINT) !== 0 &&
    tag === IO_REPARSE_TAG.SYMLINK
  ) return 3;
  return (attrs & FILE_ATTRIBUTE.DIRECTORY) !== 0 ? 2 : 1;
}

/** Offsets of `FileName` in the listing structs, by class. */
const DIR_NAME_OFFSET: Readonly<Record<number, number>> = {
  10: 104, // FILE_ID_BOTH_DIR_INFO
  14: 68, // FILE_FULL_DIR_INFO
};

/** The bytes a listing chunk holds at most (Windows ≤ 8.1 refuses more). */
export const DIR_CHUNK_BYTES = 65536;

/**
 * Decodes a chunk of `FILE_ID_BOTH_DIR_INFO` (class 10) or
 * `FILE_FULL_DIR_INFO` (class 14) entries into `out`, skipping `.` and
 * `..`. Per entry: `NextEntryOffset` u32 @0 (0 on the last),
 * `FileAttributes` u32 @56, `FileNameLength` u32 @60, `EaSize` u32 @64 (the
 * reparse tag for a reparse point), the UTF-16 name at 104 or 68. A name
 * with an unpaired surrogate is `KIND.BAD_NAME` (5). Returns the bytes
 * used (> 0), or -87 for a malformed buffer.
 */
export function decodeDirChunk(
  buf: Uint8Array,
  cls: number,
  out: { count: number; names: string[]; kinds: number[] },
): number {
  const nameAt = DIR_NAME_OFFSET[cls];
  out.count = 0;
  if (nameAt === undefined) return -ERROR.INVALID_PARAMETER;
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let o = 0;
  for (;;) {
    if (o + nameAt > buf.byteLength) return -ERROR.INVALID_PARAMETER;
    const next = v.getUint32(o, true);
    const attrs = v.getUint32(o + 56, true);
    const len = v.getUint32(o + 60, true);
    const tag = v.getUint32(o + 64, true);
    if (o + nameAt + len > buf.byteLength) return -ERROR.INVALID_PARAMETER;
    let name = "";
    for (let i = 0; i < len; i += 2) {
      name += String.fromCharCode(v.getUint16(o + nameAt + i, true));
    }
    if (name !== "." && name !== "..") {
      const i = out.count++;
      out.names[i] = name.isWellFormed() ? name : name.toWellFormed();
      out.kinds[i] = name.isWellFormed() ? entryKind(attrs, tag) : 5;
    }
    if (next === 0) return o + nameAt + len;
    o += next;
  }
}
