// Copyright 2026 the dirfd authors. MIT license.
/**
 * The Windows file primitives behind `open()` and `File`, and their pool
 * twins. Opens without `dirFd` go through `CreateFileW` with Rust std's
 * (and so Deno's) access and disposition mapping; opens relative to a
 * directory handle through `NtCreateFile` with
 * `OBJECT_ATTRIBUTES.RootDirectory` (Go's `Openat` mapping: `FILE_CREATE`,
 * `FILE_OPEN_IF`, `FILE_OPEN`, truncation as a set-length after opening).
 * Then `ReadFile`/`WriteFile` (positional with an `OVERLAPPED` offset),
 * `SetFilePointerEx`, `FlushFileBuffers`, `LockFileEx`/`UnlockFileEx`,
 * `GetConsoleMode`. Each primitive of more than one call, or whose error
 * code matters off the main thread, is a task of `_file_windows_tasks.ts`,
 * run here by the sync primitives and on a pool worker by the async ones
 * ({@linkcode windowsFileAsync}). Nothing here throws: results are values
 * or `-error` (a Windows error code).
 *
 * The hooks in `windows.ts`: {@linkcode windowsFileLibrary} (the symbols
 * and tasks the pool gets) and {@linkcode attachWindowsFile}.
 *
 * @module
 */
import {
  type AsyncFilePrimitives,
  type BackendParts,
  FILE_IO_MAX,
  type FilePrimitives,
} from "./_types.ts";
import type { FileConstants } from "./_file_posix.ts";
import { type CallPool, type PoolTask, type Reply, strBytes } from "./_pool.ts";
import {
  FILE_HOW,
  FILE_IO,
  FILE_IO_SCRATCH,
  FILE_OPEN_SCRATCH,
  FILE_READ_SMALL_OUT,
  WINDOWS_FILE_TASKS,
  winFileFlush,
  winFileIo,
  winFileLock,
  winFileOpen,
  winFileUnlock,
} from "./_file_windows_tasks.ts";
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
  GetFileType: { parameters: ["isize"], result: "u32" },
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
  /** `GetFileType`: a file or directory (pipes, sockets, consoles are not). */
  FILE_TYPE_DISK: 1,
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

type Fn = (...a: any[]) => any;

/** `AT_FDCWD` as the tasks take it: the name is a Win32 path. */
const WIN32_NAME = -100;

/**
 * Where an open goes: `[WIN32_NAME, win32 name]` for `CreateFileW` (no
 * `dirFd`, or a path that ignores it), `[dirfd, relative NT name]` for
 * `NtCreateFile`, or `-error`. `win32Name` adds `\\?\` to a long path.
 */
function fileRoute(
  atFdCwd: number,
  dirfd: number,
  p: string,
  win32Name: (p: string) => string,
): [number, string] | number {
  if (dirfd === atFdCwd || !isDirFdRelative(p)) {
    return [WIN32_NAME, win32Name(p)];
  }
  const name = ntRelativeName(p);
  return typeof name === "number" ? name : [dirfd, name];
}

/**
 * The access and the `how` of {@linkcode winFileOpen} for `flags`: the
 * `CreateFileW` disposition for a Win32 name, else the `NtCreateFile` one
 * and the truncation done apart. Pure.
 */
export function windowsOpenRequest(
  flags: number,
  win32: boolean,
): { access: number; how: number } {
  const plan = windowsOpenPlan(flags);
  const how = (win32 ? plan.disposition : plan.ntDisposition) |
    (plan.nofollow ? FILE_HOW.nofollow : 0) |
    (!win32 && plan.truncate ? FILE_HOW.truncate : 0);
  return { access: plan.access, how };
}

/** Splits a position into the 32-bit halves {@linkcode winFileIo} takes. */
function halves(p: number | bigint): [number, number] {
  if (typeof p === "bigint") {
    return [Number(p & 0xffffffffn), Number((p >> 32n) & 0xffffffffn)];
  }
  return [p % 0x100000000, Math.floor(p / 0x100000000)];
}

/** A reusable NUL-terminated UTF-16 buffer (`/` written as `\`). */
function wideEncoder(): (s: string) => Uint16Array {
  let buf = new Uint16Array(512);
  return (s) => {
    const n = s.length;
    if (n + 1 > buf.length) buf = new Uint16Array(Math.max(n + 1, 2 * n));
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      buf[i] = c === 0x2f ? 0x5c : c;
    }
    buf[n] = 0;
    return buf;
  };
}

/** `GetFullPathNameW` and the `\\?\` prefix for a long path. */
function win32Namer(k: Record<string, Fn>): (p: string) => string {
  const encode = wideEncoder();
  return (p) => {
    if (!needsLongPath(p)) return p;
    const src = encode(p);
    const buf = new Uint16Array(p.length + 300);
    const n = k.GetFullPathNameW(src, buf.length, buf, null);
    if (n === 0 || n >= buf.length) return p;
    return addVerbatimPrefix(String.fromCharCode(...buf.subarray(0, n)));
  };
}

/**
 * Builds the Windows file primitives over `env`: the bound kernel32
 * symbols of {@linkcode WINDOWS_FILE_SYMBOLS}, `NtCreateFile` and
 * `RtlNtStatusToDosError` (or `null`), `SetFileInformationByHandle` and
 * `GetFileInformationByHandleEx`, and the tasks of `_windows_tasks.ts` and
 * `_file_windows_tasks.ts`, by name: the same tasks the pool runs. `b`
 * supplies `AT_FDCWD` and `fstat`.
 */
export function windowsFileSync(
  env: Record<string, any>,
  b: Pick<BackendParts, "AT_FDCWD" | "fstat">,
): FilePrimitives {
  const k = env as Record<string, Fn>;
  const err = () => -k.GetLastError();
  const pos = new BigInt64Array(1);
  const posBytes = new Uint8Array(pos.buffer);
  const mode = new Uint8Array(4);
  const io = new Uint8Array(FILE_IO_SCRATCH.size);
  const openScratch = new Uint8Array(FILE_OPEN_SCRATCH.size);
  const encode = wideEncoder();
  const win32Name = win32Namer(k);
  const rw = (
    fd: number,
    buf: Uint8Array,
    p: number | bigint,
    bits: number,
  ) => {
    const [lo, hi] = (bits & FILE_IO.positional) !== 0 ? halves(p) : [0, 0];
    const n = Math.min(buf.length, 0xffffffff);
    return winFileIo(env, fd, buf, n, lo, hi, bits, io);
  };
  return {
    constants: WINDOWS_FILE_CONSTANTS,
    rawFlags: false,
    dirSync: false,
    openAt(dirfd, p, flags, _mode) {
      const r = fileRoute(b.AT_FDCWD, dirfd, p, win32Name);
      if (typeof r === "number") return r;
      const { access, how } = windowsOpenRequest(flags, r[0] === WIN32_NAME);
      return winFileOpen(env, r[0], encode(r[1]), access, how, openScratch);
    },
    read: (fd, buf) => rw(fd, buf, 0, 0),
    write: (fd, buf) => rw(fd, buf, 0, FILE_IO.write),
    pread: (fd, buf, p) => rw(fd, buf, p, FILE_IO.positional),
    pwrite: (fd, buf, p) => rw(fd, buf, p, FILE_IO.positional | FILE_IO.write),
    seek(fd, offset, whence) {
      return k.SetFilePointerEx(fd, offset, posBytes, whence) !== 0
        ? pos[0]
        : err();
    },
    sync: (fd) => winFileFlush(env, fd),
    syncData: (fd) => winFileFlush(env, fd),
    lock(fd, exclusive, wait) {
      const fl = (exclusive ? WIN.LOCKFILE_EXCLUSIVE_LOCK : 0) |
        (wait ? 0 : WIN.LOCKFILE_FAIL_IMMEDIATELY);
      return winFileLock(env, fd, fl, io);
    },
    unlock: (fd) => winFileUnlock(env, fd, io),
    isTerminal: (fd) => k.GetConsoleMode(fd, mode) !== 0,
    fstat: (fd) => b.fstat(fd),
  };
}

/** Bytes one pool read or write moves at most (partial, as sync ones may be). */
const POOL_IO_MAX = FILE_IO_MAX;

/** `nonblocking` bindings: calls that may wait without bound, off the pool. */
export const WINDOWS_FILE_BLOCKING_SYMBOLS = {
  LockFileEx: { ...WINDOWS_FILE_SYMBOLS.LockFileEx, nonblocking: true },
  ReadFile: { ...WINDOWS_FILE_SYMBOLS.ReadFile, nonblocking: true },
  WriteFile: { ...WINDOWS_FILE_SYMBOLS.WriteFile, nonblocking: true },
  GetFileType: { ...WINDOWS_FILE_SYMBOLS.GetFileType, nonblocking: true },
} as const satisfies Deno.ForeignLibraryInterface;

/** The `nonblocking` functions {@linkcode windowsFileAsync} may use. */
export interface WindowsBlocking {
  LockFileEx?: (...a: any[]) => Promise<number>;
  ReadFile?: (...a: any[]) => Promise<number>;
  WriteFile?: (...a: any[]) => Promise<number>;
  GetFileType?: (...a: any[]) => Promise<number>;
}

/**
 * The pool twins of {@linkcode windowsFileSync}: the same tasks on a pool
 * worker, each with the `GetLastError` of the thread that made its calls.
 * Reads land in the arena and are copied once into the caller's buffer;
 * writes copy the caller's bytes into the arena when called. A waiting
 * `lock` runs `LockFileEx` through a `nonblocking` binding on Deno's
 * blocking threads, so it never holds a pool worker; its error code is lost
 * there, so a failure is probed again on the pool (`FAIL_IMMEDIATELY`): held
 * means wait again, anything else is the error. `readDirect` (the readable
 * stream's own chunks) reads straight into the caller's buffer the same
 * way, a failure repeated on the pool for its code. A handle that may wait
 * without end (`waits`: a pipe, socket or console, by `GetFileType`) reads
 * and writes through `readWait`/`writeWait` there too, with buffers of their
 * own, so a wait never holds a worker. Only the path decision
 * (`GetFullPathNameW`, which reads no file) is made on the calling thread.
 */
export function windowsFileAsync(
  getPool: () => CallPool,
  k: Record<string, Fn>,
  b: Pick<BackendParts, "AT_FDCWD"> & { fchmod?: unknown },
  blocking: WindowsBlocking,
): AsyncFilePrimitives {
  const win32Name = win32Namer(k);
  const valueReply = (r: Reply) => r.ret < 0 ? -r.errno : r.ret;
  const zeroReply = (r: Reply) => r.ret === 0 ? 0 : -r.errno;
  /** Starts `task` on a routed name: dirfd, name, access, how. */
  const opening = (
    task: string,
    dirfd: number,
    p: string,
    flags: number,
    extra: number,
    how = 0,
  ): CallPool | number => {
    const r = fileRoute(b.AT_FDCWD, dirfd, p, win32Name);
    if (typeof r === "number") return r;
    const req = windowsOpenRequest(flags, r[0] === WIN32_NAME);
    const pool = getPool();
    pool.begin(task, strBytes(r[1]) + extra);
    pool.int(r[0]);
    pool.wstr(r[1], true);
    pool.int(req.access);
    pool.int(req.how | how);
    return pool;
  };
  const readInto = (fd: number, buf: Uint8Array, p: number, bits: number) => {
    const n = Math.min(buf.length, POOL_IO_MAX);
    const [lo, hi] = halves(p);
    const pool = getPool();
    pool.begin("winFileIo", n + FILE_IO_SCRATCH.size);
    pool.int(fd);
    const at = pool.out(n);
    pool.int(n);
    pool.int(lo);
    pool.int(hi);
    pool.int(bits);
    pool.out(FILE_IO_SCRATCH.size);
    return pool.end((r) => {
      if (r.ret < 0) return -r.errno;
      buf.set(r.u8.subarray(at, at + r.ret));
      return r.ret;
    });
  };
  const writeFrom = (fd: number, buf: Uint8Array, p: number, bits: number) => {
    const n = Math.min(buf.length, POOL_IO_MAX);
    const [lo, hi] = halves(p);
    const pool = getPool();
    pool.begin("winFileIo", n + FILE_IO_SCRATCH.size);
    pool.int(fd);
    pool.bytes(buf.subarray(0, n));
    pool.int(n);
    pool.int(lo);
    pool.int(hi);
    pool.int(bits | FILE_IO.write);
    pool.out(FILE_IO_SCRATCH.size);
    return pool.end(valueReply);
  };
  const flush = (fd: number) => {
    const pool = getPool();
    pool.begin("winFileFlush");
    pool.int(fd);
    return pool.end(zeroReply);
  };
  const poolLock = (fd: number, flags: number) => {
    const pool = getPool();
    pool.begin("winFileLock", 32);
    pool.int(fd);
    pool.int(flags);
    pool.out(32);
    return pool.end(zeroReply);
  };
  const a: AsyncFilePrimitives = {
    openAt(dirfd, p, flags, _mode) {
      const pool = opening(
        "winFileOpen",
        dirfd,
        p,
        flags,
        FILE_OPEN_SCRATCH.size,
      );
      if (typeof pool === "number") return Promise.resolve(pool);
      pool.out(FILE_OPEN_SCRATCH.size);
      return pool.end(valueReply);
    },
    read: (fd, buf) => readInto(fd, buf, 0, 0),
    readDirect(fd, buf) {
      const nb = blocking.ReadFile;
      if (nb === undefined || buf.length === 0) return a.read(fd, buf);
      // Its own count, alive (as `buf` is, by the caller) until it settles.
      const count = new Uint32Array(1);
      const n = Math.min(buf.length, 0xffffffff);
      return nb(fd, buf, n, count, null).then((ok) =>
        // A failed read consumed nothing: repeat it where the code is kept.
        ok !== 0 ? count[0] : a.read(fd, buf)
      );
    },
    waits(fd) {
      const nb = blocking.GetFileType;
      // Without the binding, the pool's read and write serve every kind.
      if (nb === undefined) return Promise.resolve(false);
      // A pipe, socket or console may wait without end (the handle is
      // pinned by the caller, so an invalid handle cannot be the cause).
      return nb(fd).then((t) => t !== WIN.FILE_TYPE_DISK);
    },
    readWait(fd, buf) {
      const nb = blocking.ReadFile;
      if (nb === undefined) return a.read(fd, buf);
      const own = new Uint8Array(Math.min(buf.length, POOL_IO_MAX));
      const count = new Uint32Array(1);
      return nb(fd, own, own.length, count, null).then((ok) => {
        // A failed read consumed nothing: repeat it where the code is kept
        // (what fails on a pipe fails again at once: a closed writer is
        // ERROR_BROKEN_PIPE, the end).
        if (ok === 0) return a.read(fd, buf);
        buf.set(own.subarray(0, count[0]));
        return count[0];
      });
    },
    writeWait(fd, buf) {
      const nb = blocking.WriteFile;
      if (nb === undefined) return a.write(fd, buf);
      // The bytes are taken now, as the pool's write takes them.
      const own = buf.slice(0, Math.min(buf.length, POOL_IO_MAX));
      const count = new Uint32Array(1);
      return nb(fd, own, own.length, count, null).then((ok) =>
        ok !== 0 ? count[0] : a.write(fd, own)
      );
    },
    pread: (fd, buf, p) => readInto(fd, buf, p, FILE_IO.positional),
    write: (fd, buf) => writeFrom(fd, buf, 0, 0),
    pwrite: (fd, buf, p) => writeFrom(fd, buf, p, FILE_IO.positional),
    sync: flush,
    syncData: flush,
    async lock(fd, exclusive, wait) {
      const fl = exclusive ? WIN.LOCKFILE_EXCLUSIVE_LOCK : 0;
      const nb = blocking.LockFileEx;
      // Without a nonblocking binding a waiting lock holds a pool worker
      // (still off the event loop).
      if (!wait || nb === undefined) {
        return poolLock(fd, fl | (wait ? 0 : WIN.LOCKFILE_FAIL_IMMEDIATELY));
      }
      for (;;) {
        // Its own OVERLAPPED, alive until the call settles.
        const ov = new Uint8Array(32);
        const ok = await nb(fd, fl, 0, 0xffffffff, 0xffffffff, ov);
        if (ok !== 0 && ov.length === 32) return 0;
        // The code was lost on Deno's thread: ask again without waiting.
        // Held: wait again; anything else is what the wait met too.
        const r = await poolLock(fd, fl | WIN.LOCKFILE_FAIL_IMMEDIATELY);
        if (r !== -WINDOWS_FILE_CONSTANTS.EWOULDBLOCK) return r;
      }
    },
    unlock(fd) {
      const pool = getPool();
      pool.begin("winFileUnlock", 32);
      pool.int(fd);
      pool.out(32);
      return pool.end(zeroReply);
    },
    readSmall(dirfd, p, flags, cap) {
      const O = FILE_READ_SMALL_OUT;
      const pool = opening("winFileReadSmall", dirfd, p, flags, O.data + cap);
      if (typeof pool === "number") return Promise.resolve(pool);
      const at = pool.out(O.data + cap);
      pool.int(cap);
      return pool.end((r) => {
        if (r.ret < 0) return -r.errno;
        const v = new DataView(r.u8.buffer, r.u8.byteOffset);
        const fd = v.getFloat64(at + O.handle, true);
        return {
          fd,
          data: r.u8.slice(at + O.data, at + O.data + r.ret),
          waits: fd >= 0 && r.u8[at + O.waits] === 1,
        };
      });
    },
    writeSmall(dirfd, p, flags, mode, data, chmod) {
      const how = chmod && b.fchmod !== undefined
        ? FILE_HOW.chmod | ((mode & 0o200) !== 0 ? FILE_HOW.writable : 0)
        : 0;
      const pool = opening(
        "winFileWriteSmall",
        dirfd,
        p,
        flags,
        data.length + FILE_OPEN_SCRATCH.size,
        how,
      );
      if (typeof pool === "number") return Promise.resolve(pool);
      pool.bytes(data);
      pool.int(data.length);
      pool.out(FILE_OPEN_SCRATCH.size);
      return pool.end(zeroReply);
    },
  };
  return a;
}

/**
 * The file part of the pool library: the kernel32 symbols the file tasks
 * call (opened here, or `{}` without kernel32), as a further library of the
 * pool, and the tasks. `windows.ts` merges these into the tasks' `env` and
 * its pool's library (file primitives hook, part 1).
 */
export function windowsFileLibrary(): {
  symbols: Record<string, unknown>;
  more: { path: string; symbols: Deno.ForeignLibraryInterface }[];
  tasks: Record<string, PoolTask>;
} {
  try {
    const k = Deno.dlopen("kernel32.dll", WINDOWS_FILE_SYMBOLS).symbols;
    return {
      symbols: k,
      more: [{ path: "kernel32.dll", symbols: WINDOWS_FILE_SYMBOLS }],
      tasks: WINDOWS_FILE_TASKS,
    };
  } catch {
    return { symbols: {}, more: [], tasks: WINDOWS_FILE_TASKS };
  }
}

/**
 * The Windows file primitives hook (part 2): adds `file` to the backend,
 * built over `env` (see {@linkcode windowsFileSync}), and `fileAsync` over
 * the backend's pool. Never throws; without the file symbols in `env` the
 * backend has no `file`.
 */
export function attachWindowsFile(
  b: BackendParts,
  env: Record<string, unknown>,
  getPool: (() => CallPool) | null,
): void {
  if (typeof env.ReadFile !== "function") return;
  (b as { file?: FilePrimitives }).file = windowsFileSync(env, b);
  if (getPool === null) return;
  // The nonblocking bindings open on first use, once.
  let nb: WindowsBlocking | undefined;
  const bind = (): WindowsBlocking => {
    if (nb === undefined) {
      nb = {};
      try {
        nb = Deno.dlopen("kernel32.dll", WINDOWS_FILE_BLOCKING_SYMBOLS)
          .symbols as WindowsBlocking;
      } catch {
        // No nonblocking bindings: waits run on the pool.
      }
    }
    return nb;
  };
  const blocking: WindowsBlocking = {
    get LockFileEx() {
      return bind().LockFileEx;
    },
    get ReadFile() {
      return bind().ReadFile;
    },
    get WriteFile() {
      return bind().WriteFile;
    },
    get GetFileType() {
      return bind().GetFileType;
    },
  };
  (b as { fileAsync?: AsyncFilePrimitives }).fileAsync = windowsFileAsync(
    getPool,
    env as Record<string, Fn>,
    b as Pick<BackendParts, "AT_FDCWD"> & { fchmod?: unknown },
    blocking,
  );
}
