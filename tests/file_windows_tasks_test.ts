// Copyright 2026 the dirfd authors. MIT license.
// The Windows file tasks (ffi/_file_windows_tasks.ts), rebuilt from their
// source text exactly as a pool worker rebuilds them, run against stand-in
// symbols that record their arguments and return scripted values: each task
// refers to nothing from its module, its literal constants are the named
// ones of `WIN`, its calls follow WINDOWS_FILE_SYMBOLS, and the error code is
// read before any clean-up call. Runs on every OS (the real calls run under
// Wine in file_windows_test.ts).
import {
  assert,
  assertEquals,
  assertNotMatch,
  assertNotStrictEquals,
  assertStrictEquals,
} from "@std/assert";
import type { PoolTask } from "../ffi/_pool.ts";
import {
  FILE_HOW,
  FILE_IO,
  FILE_IO_SCRATCH,
  FILE_OPEN_SCRATCH,
  FILE_READ_SMALL_OUT,
  WINDOWS_FILE_TASKS,
} from "../ffi/_file_windows_tasks.ts";
import {
  WIN,
  WINDOWS_FILE_CONSTANTS as C,
  WINDOWS_FILE_SYMBOLS,
  windowsOpenRequest,
} from "../ffi/_file_windows.ts";
import { KERNEL32_SYMBOLS, NTDLL_SYMBOLS } from "../ffi/windows.ts";
import { WINDOWS_TASKS } from "../ffi/_windows_tasks.ts";

const AT_FDCWD = -100;
const DIR = 0x44;

/** A task rebuilt from its source, as the pool worker does (_pool.ts). */
function rebuild(task: PoolTask): PoolTask {
  return new Function("return (" + task.toString() + ");")();
}

const TASKS: Record<string, PoolTask> = Object.fromEntries(
  Object.entries({ ...WINDOWS_TASKS, ...WINDOWS_FILE_TASKS }).map((
    [name, task],
  ) => [name, rebuild(task)]),
);

const SIGNATURES: Record<string, readonly string[]> = {};
for (
  const lib of [
    KERNEL32_SYMBOLS,
    NTDLL_SYMBOLS,
    WINDOWS_FILE_SYMBOLS,
  ] as Record<
    string,
    Deno.ForeignFunction
  >[]
) {
  for (const [name, def] of Object.entries(lib)) {
    SIGNATURES[name] = def.parameters as readonly string[];
  }
}

interface Call {
  name: string;
  args: any[];
}

interface Script {
  lastError?: number;
  errorAfterClose?: number;
  createFile?: bigint;
  ntStatus?: number;
  dosError?: number;
  /** dwFileAttributes GetFileInformationByHandle reports. */
  attrs?: number;
  /** GetFileType's result (FILE_TYPE_DISK unless given). */
  fileType?: number;
  /** Results of ReadFile/WriteFile in turn: bytes moved, or false to fail. */
  io?: (number | false)[];
  fail?: "lock" | "unlock" | "flush" | "setInfo" | "info" | "close";
}

/** Stand-in symbols plus the rebuilt tasks, recording every call. */
function standIns(script: Script = {}) {
  const calls: Call[] = [];
  let lastError = script.lastError ?? 0;
  const io = [...(script.io ?? [])];
  const sym = (name: string, impl: (...a: any[]) => unknown) =>
  (
    ...args: any[]
  ) => {
    const params = SIGNATURES[name];
    assert(params !== undefined, `${name} is declared`);
    assertEquals(args.length, params.length, `${name}: argument count`);
    params.forEach((t, i) => {
      const a = args[i];
      const where = `${name} argument ${i} (${t}): ${String(a)}`;
      if (t === "buffer") assert(a === null || ArrayBuffer.isView(a), where);
      else if (t === "pointer") assertEquals(a, null, where);
      else if (t === "isize") assertEquals(typeof a, "bigint", where);
      else {
        assert(typeof a === "number" && Number.isInteger(a), where);
        if (t === "u32") assert(a >= 0 && a <= 0xffffffff, where);
      }
    });
    calls.push({ name, args });
    return impl(...args);
  };
  const transfer = (count: Uint8Array) => {
    const r = io.shift() ?? 0;
    if (r === false) return 0;
    new DataView(count.buffer, count.byteOffset, 4).setUint32(0, r, true);
    return 1;
  };
  const s: Record<string, unknown> = {
    CreateFileW: sym("CreateFileW", () => script.createFile ?? 0x1cn),
    CloseHandle: sym("CloseHandle", () => {
      if (script.errorAfterClose !== undefined) {
        lastError = script.errorAfterClose;
      }
      return script.fail === "close" ? 0 : 1;
    }),
    GetLastError: sym("GetLastError", () => lastError),
    GetFileInformationByHandle: sym(
      "GetFileInformationByHandle",
      (_h: bigint, buf: Uint8Array) => {
        if (script.fail === "info") return 0;
        new DataView(buf.buffer, buf.byteOffset, 4)
          .setUint32(0, script.attrs ?? 0x20, true);
        return 1;
      },
    ),
    GetFileInformationByHandleEx: sym("GetFileInformationByHandleEx", () => 1),
    SetFileInformationByHandle: sym(
      "SetFileInformationByHandle",
      () => script.fail === "setInfo" ? 0 : 1,
    ),
    NtCreateFile: sym("NtCreateFile", (handle: Uint8Array) => {
      const status = script.ntStatus ?? 0;
      if (status >= 0) {
        new DataView(handle.buffer, handle.byteOffset, 8)
          .setBigInt64(0, 0x88n, true);
      }
      return status;
    }),
    RtlNtStatusToDosError: sym(
      "RtlNtStatusToDosError",
      () => script.dosError ?? 0,
    ),
    ReadFile: sym(
      "ReadFile",
      (_h: bigint, _b: Uint8Array, _n: number, count: Uint8Array) =>
        transfer(count),
    ),
    WriteFile: sym(
      "WriteFile",
      (_h: bigint, _b: Uint8Array, _n: number, count: Uint8Array) =>
        transfer(count),
    ),
    GetFileType: sym(
      "GetFileType",
      () => script.fileType ?? WIN.FILE_TYPE_DISK,
    ),
    FlushFileBuffers: sym(
      "FlushFileBuffers",
      () => script.fail === "flush" ? 0 : 1,
    ),
    LockFileEx: sym("LockFileEx", () => script.fail === "lock" ? 0 : 1),
    UnlockFileEx: sym("UnlockFileEx", () => script.fail === "unlock" ? 0 : 1),
  };
  for (const [name, task] of Object.entries(TASKS)) {
    s[name] = (env: unknown, ...args: any[]) => {
      assertStrictEquals(env, s, `${name} gets the same s`);
      calls.push({ name, args });
      return task(env, ...args);
    };
  }
  const named = (name: string) => calls.filter((c) => c.name === name);
  const names = () => calls.map((c) => c.name);
  return { s, calls, named, names };
}

/**
 * A NUL-terminated UTF-16 name as a pool worker sees it: a byte view of a
 * larger buffer, 8 bytes in, running to the buffer's end.
 */
function arenaName(text: string): Uint8Array {
  const buf = new ArrayBuffer(8 + 2 * text.length + 64);
  const w = new Uint16Array(buf, 8, text.length + 1);
  for (let i = 0; i < text.length; i++) w[i] = text.charCodeAt(i);
  return new Uint8Array(buf, 8);
}

function run(s: Record<string, unknown>, name: string, ...args: unknown[]) {
  return (s[name] as PoolTask)(s, ...args);
}

Deno.test("windows file tasks: each is rebuilt from its source text alone", () => {
  for (const [name, task] of Object.entries(WINDOWS_FILE_TASKS)) {
    const copy = TASKS[name];
    assertNotStrictEquals(copy, task, name);
    assertEquals(copy.name, name);
    assertEquals(copy.length, task.length, `${name} arity`);
    // At most 7 arguments after `s` (a pool request's limit).
    assert(task.length <= 8, `${name}: ${task.length - 1} arguments`);
    const code = task.toString()
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\/\/[^\n]*/g, "");
    for (
      const id of [
        "WIN",
        "FILE_HOW",
        "FILE_IO",
        "FILE_IO_SCRATCH",
        "FILE_OPEN_SCRATCH",
        "FILE_READ_SMALL_OUT",
        "WINDOWS_FILE_CONSTANTS",
        "AT_FDCWD",
      ]
    ) {
      assertNotMatch(code, new RegExp(`\\b${id}\\b`), `${name}: ${id}`);
    }
  }
  // No name clash with the directory family's tasks.
  for (const name of Object.keys(WINDOWS_FILE_TASKS)) {
    assert(!(name in WINDOWS_TASKS), name);
  }
});

Deno.test("windows file tasks: layouts and the request bits", () => {
  assertEquals(FILE_OPEN_SCRATCH.info, 88, "after winNtOpen's 88 bytes");
  assert(FILE_OPEN_SCRATCH.info + 52 <= FILE_OPEN_SCRATCH.zero);
  assertEquals(FILE_OPEN_SCRATCH.size, FILE_OPEN_SCRATCH.zero + 8);
  // winFchmod's FILE_BASIC_INFO at 88..128 fits the scratch.
  assert(128 <= FILE_OPEN_SCRATCH.size);
  assertEquals(FILE_IO_SCRATCH.count, 32, "after a 32-byte OVERLAPPED");
  assertEquals(FILE_READ_SMALL_OUT.handle % 8, 0);
  assertEquals(FILE_READ_SMALL_OUT.waits, FILE_READ_SMALL_OUT.handle + 8);
  assertEquals(FILE_READ_SMALL_OUT.data, FILE_READ_SMALL_OUT.waits + 8);
  // Disposition in bits 0-3, flags above.
  for (const d of [WIN.CREATE_NEW, WIN.TRUNCATE_EXISTING, WIN.FILE_OPEN_IF]) {
    assertEquals(d & ~0xf, 0);
  }
  const cn = C.O_WRONLY | C.O_CREAT | C.O_EXCL;
  assertEquals(windowsOpenRequest(cn, true).how, WIN.CREATE_NEW);
  assertEquals(windowsOpenRequest(cn, false).how, WIN.FILE_CREATE);
  const tr = C.O_RDWR | C.O_CREAT | C.O_TRUNC | C.O_NOFOLLOW;
  assertEquals(
    windowsOpenRequest(tr, true).how,
    WIN.CREATE_ALWAYS | FILE_HOW.nofollow,
    "CreateFileW truncates by its disposition",
  );
  assertEquals(
    windowsOpenRequest(tr, false).how,
    WIN.FILE_OPEN_IF | FILE_HOW.nofollow | FILE_HOW.truncate,
  );
  assertEquals(
    windowsOpenRequest(C.O_RDONLY, false).access,
    WIN.GENERIC_READ,
  );
});

Deno.test("windows file tasks: winFileOpen through CreateFileW", () => {
  const { s, named } = standIns();
  const name = arenaName("C:\\t\\a");
  const scratch = new Uint8Array(FILE_OPEN_SCRATCH.size);
  assertEquals(
    run(
      s,
      "winFileOpen",
      AT_FDCWD,
      name,
      WIN.GENERIC_READ,
      WIN.OPEN_ALWAYS,
      scratch,
    ),
    0x1c,
  );
  const [c] = named("CreateFileW");
  assertStrictEquals(c.args[0], name);
  assertEquals(c.args.slice(1), [
    WIN.GENERIC_READ,
    7, // FILE_SHARE_READ | WRITE | DELETE
    null,
    WIN.OPEN_ALWAYS,
    WIN.FILE_FLAG_BACKUP_SEMANTICS,
    0n,
  ]);
  assertEquals(named("GetFileInformationByHandle").length, 0);
  // Not following: the flag, and a reparse point is refused (and closed).
  const r = standIns({ attrs: WIN.FILE_ATTRIBUTE_REPARSE_POINT });
  assertEquals(
    run(
      r.s,
      "winFileOpen",
      AT_FDCWD,
      name,
      0,
      WIN.OPEN_EXISTING | FILE_HOW.nofollow,
      scratch,
    ),
    -WIN.ERROR_CANT_RESOLVE_FILENAME,
  );
  assertEquals(
    r.named("CreateFileW")[0].args[5],
    WIN.FILE_FLAG_BACKUP_SEMANTICS | WIN.FILE_FLAG_OPEN_REPARSE_POINT,
  );
  assertEquals(r.named("CloseHandle")[0].args, [0x1cn]);
  // A plain file not followed stays open.
  const f = standIns({ attrs: 0x20 });
  assertEquals(
    run(f.s, "winFileOpen", AT_FDCWD, name, 0, 3 | FILE_HOW.nofollow, scratch),
    0x1c,
  );
  assertEquals(f.named("CloseHandle").length, 0);
  // INVALID_HANDLE_VALUE: GetLastError.
  const e = standIns({ createFile: -1n, lastError: 2 });
  assertEquals(run(e.s, "winFileOpen", AT_FDCWD, name, 0, 3, scratch), -2);
  // The attribute query failing: its error, read before CloseHandle.
  const q = standIns({ fail: "info", lastError: 6, errorAfterClose: 0 });
  assertEquals(
    run(q.s, "winFileOpen", AT_FDCWD, name, 0, 3 | FILE_HOW.nofollow, scratch),
    -6,
  );
  assertEquals(q.names().slice(-2), ["GetLastError", "CloseHandle"]);
});

Deno.test("windows file tasks: winFileOpen relative to a handle (NtCreateFile)", () => {
  const { s, named } = standIns();
  const name = arenaName("sub\\a.txt");
  const scratch = new Uint8Array(FILE_OPEN_SCRATCH.size).fill(0xee);
  const access = (WIN.GENERIC_READ | WIN.GENERIC_WRITE) >>> 0;
  assertEquals(
    run(
      s,
      "winFileOpen",
      DIR,
      name,
      access,
      WIN.FILE_OPEN_IF | FILE_HOW.truncate,
      scratch,
    ),
    0x88,
  );
  const [open] = named("winNtOpen");
  assertEquals(open.args[0], DIR);
  assertEquals(open.args[2], 2 * "sub\\a.txt".length, "bytes up to the NUL");
  assertEquals(
    open.args[3],
    (access | WIN.SYNCHRONIZE | WIN.FILE_READ_ATTRIBUTES) >>> 0,
  );
  assertEquals(open.args[4], WIN.FILE_OPEN_IF);
  assertEquals(
    open.args[5],
    WIN.FILE_SYNCHRONOUS_IO_NONALERT | WIN.FILE_OPEN_FOR_BACKUP_INTENT,
  );
  // Truncation: FileEndOfFileInfo set to an 8-byte zero.
  const [set] = named("winSetLength");
  assertEquals(set.args[0], 0x88);
  assertEquals([...set.args[1]], [0, 0, 0, 0, 0, 0, 0, 0]);
  // Not following: FILE_OPEN_REPARSE_POINT.
  const nf = standIns();
  run(
    nf.s,
    "winFileOpen",
    DIR,
    name,
    0,
    WIN.FILE_OPEN | FILE_HOW.nofollow,
    scratch,
  );
  assertEquals(
    nf.named("winNtOpen")[0].args[5],
    WIN.FILE_SYNCHRONOUS_IO_NONALERT | WIN.FILE_OPEN_FOR_BACKUP_INTENT |
      WIN.FILE_OPEN_REPARSE_POINT,
  );
  // A failing NTSTATUS: its DOS error.
  const e = standIns({ ntStatus: -0x3fffffcc, dosError: 2 });
  assertEquals(
    run(e.s, "winFileOpen", DIR, name, 0, WIN.FILE_OPEN, scratch),
    -2,
  );
  // A failing truncation: its error, read before the handle is closed.
  const t = standIns({ fail: "setInfo", lastError: 5, errorAfterClose: 0 });
  assertEquals(
    run(
      t.s,
      "winFileOpen",
      DIR,
      name,
      0,
      WIN.FILE_OPEN | FILE_HOW.truncate,
      scratch,
    ),
    -5,
  );
  assertEquals(t.named("CloseHandle")[0].args, [0x88n]);
});

Deno.test("windows file tasks: winFileIo reads and writes, at an OVERLAPPED offset", () => {
  const scratch = new Uint8Array(FILE_IO_SCRATCH.size).fill(0xee);
  const buf = new Uint8Array(16);
  const { s, named } = standIns({ io: [7, 300000] });
  assertEquals(run(s, "winFileIo", 0x1c, buf, 16, 0, 0, 0, scratch), 7);
  const [r] = named("ReadFile");
  assertEquals(r.args[0], 0x1cn);
  assertStrictEquals(r.args[1], buf);
  assertEquals(r.args[2], 16);
  assertEquals(r.args[4], null, "no OVERLAPPED: at the file position");
  // Positional: Offset and OffsetHigh at 16 and 20, the rest zero.
  const lo = 0x89abcdef, hi = 0x1234;
  assertEquals(
    run(
      s,
      "winFileIo",
      0x1c,
      buf,
      16,
      lo,
      hi,
      FILE_IO.write | FILE_IO.positional,
      scratch,
    ),
    300000,
  );
  const [w] = named("WriteFile");
  const ov = w.args[4] as Uint8Array;
  assertEquals(ov.byteLength, 32);
  const v = new DataView(ov.buffer, ov.byteOffset, 32);
  assertEquals(v.getUint32(16, true), lo);
  assertEquals(v.getUint32(20, true), hi);
  assertEquals(
    [...ov.subarray(0, 16), ...ov.subarray(24)],
    new Array(24).fill(0),
  );
  // End of file reads as 0; a pipe's closed writer too, unless positional.
  const eof = standIns({ io: [false], lastError: WIN.ERROR_HANDLE_EOF });
  assertEquals(
    run(eof.s, "winFileIo", 1, buf, 16, 0, 0, FILE_IO.positional, scratch),
    0,
  );
  const pipe = standIns({
    io: [false, false],
    lastError: WIN.ERROR_BROKEN_PIPE,
  });
  assertEquals(run(pipe.s, "winFileIo", 1, buf, 16, 0, 0, 0, scratch), 0);
  assertEquals(
    run(pipe.s, "winFileIo", 1, buf, 16, 0, 0, FILE_IO.positional, scratch),
    -WIN.ERROR_BROKEN_PIPE,
  );
  // Any other failure, reading or writing: -GetLastError().
  const denied = standIns({ io: [false, false], lastError: 5 });
  assertEquals(run(denied.s, "winFileIo", 1, buf, 16, 0, 0, 0, scratch), -5);
  assertEquals(
    run(denied.s, "winFileIo", 1, buf, 16, 0, 0, FILE_IO.write, scratch),
    -5,
  );
  const eofWrite = standIns({ io: [false], lastError: WIN.ERROR_HANDLE_EOF });
  assertEquals(
    run(eofWrite.s, "winFileIo", 1, buf, 16, 0, 0, FILE_IO.write, scratch),
    -WIN.ERROR_HANDLE_EOF,
  );
});

Deno.test("windows file tasks: flush, lock and unlock of the whole file", () => {
  const scratch = new Uint8Array(32).fill(0xee);
  const { s, named } = standIns();
  assertEquals(run(s, "winFileFlush", 0x1c), 0);
  assertEquals(named("FlushFileBuffers")[0].args, [0x1cn]);
  const fl = WIN.LOCKFILE_EXCLUSIVE_LOCK | WIN.LOCKFILE_FAIL_IMMEDIATELY;
  assertEquals(run(s, "winFileLock", 0x1c, fl, scratch), 0);
  const [l] = named("LockFileEx");
  assertEquals(l.args.slice(0, 5), [0x1cn, fl, 0, 0xffffffff, 0xffffffff]);
  assertEquals([...l.args[5]], new Array(32).fill(0), "a zeroed OVERLAPPED");
  scratch.fill(0xee);
  assertEquals(run(s, "winFileUnlock", 0x1c, scratch), 0);
  const [u] = named("UnlockFileEx");
  assertEquals(u.args.slice(0, 4), [0x1cn, 0, 0xffffffff, 0xffffffff]);
  assertEquals([...u.args[4]], new Array(32).fill(0));
  for (
    const [fail, task, args] of [
      ["flush", "winFileFlush", [1]],
      ["lock", "winFileLock", [1, 0, scratch]],
      ["unlock", "winFileUnlock", [1, scratch]],
    ] as const
  ) {
    const e = standIns({ fail, lastError: C.EWOULDBLOCK });
    assertEquals(run(e.s, task, ...args), -C.EWOULDBLOCK, task);
  }
});

Deno.test("windows file tasks: winFileReadSmall reads to the end or to its cap", () => {
  const O = FILE_READ_SMALL_OUT;
  const name = arenaName("C:\\a");
  const handle = (out: Uint8Array) =>
    new DataView(out.buffer, out.byteOffset).getFloat64(O.handle, true);
  // To the end: two reads, then 0; closed; handle -1.
  const end = standIns({ io: [3, 2, 0] });
  let out = new Uint8Array(O.data + 10);
  assertEquals(
    run(end.s, "winFileReadSmall", AT_FDCWD, name, 0, 3, out, 10),
    5,
  );
  assertEquals(handle(out), -1);
  assertEquals(end.named("CloseHandle").length, 1);
  const reads = end.named("ReadFile");
  assertEquals(reads.map((c) => c.args[2]), [10, 7, 5]);
  assertEquals(
    reads.map((c) => (c.args[1] as Uint8Array).byteOffset - out.byteOffset),
    [O.data, O.data + 3, O.data + 5],
  );
  assertEquals(out[O.waits], 0);
  assertEquals(end.named("GetFileType")[0].args, [0x1cn]);
  // A pipe (FILE_TYPE_PIPE 3) or console (FILE_TYPE_CHAR 2): handed back
  // unread and open, its waits byte set.
  for (const fileType of [2, 3]) {
    const pipe = standIns({ fileType, io: [3] });
    out = new Uint8Array(O.data + 10).fill(0xee);
    assertEquals(
      run(pipe.s, "winFileReadSmall", AT_FDCWD, name, 0, 3, out, 10),
      0,
    );
    assertEquals([handle(out), out[O.waits]], [0x1c, 1]);
    assertEquals(pipe.named("ReadFile").length, 0);
    assertEquals(pipe.named("CloseHandle").length, 0);
  }
  // At the cap: the handle stays open, for the caller to go on reading.
  const cap = standIns({ io: [4, 6] });
  out = new Uint8Array(O.data + 10);
  assertEquals(
    run(cap.s, "winFileReadSmall", AT_FDCWD, name, 0, 3, out, 10),
    10,
  );
  assertEquals(handle(out), 0x1c);
  assertEquals(cap.named("CloseHandle").length, 0);
  // A failed read: its error, then the close.
  const bad = standIns({ io: [false], lastError: 5, errorAfterClose: 0 });
  assertEquals(
    run(bad.s, "winFileReadSmall", AT_FDCWD, name, 0, 3, out, 10),
    -5,
  );
  assertEquals(bad.names().slice(-2), ["GetLastError", "CloseHandle"]);
  // A failed open: nothing else.
  const no = standIns({ createFile: -1n, lastError: 2 });
  assertEquals(
    run(no.s, "winFileReadSmall", AT_FDCWD, name, 0, 3, out, 10),
    -2,
  );
  assertEquals(no.named("ReadFile").length, 0);
});

Deno.test("windows file tasks: winFileWriteSmall writes all, chmods, closes", () => {
  const name = arenaName("C:\\a");
  const data = new Uint8Array(10);
  const scratch = new Uint8Array(FILE_OPEN_SCRATCH.size);
  // Partial writes continue; chmod read-only (no owner write bit).
  const ok = standIns({ io: [4, 6] });
  assertEquals(
    run(
      ok.s,
      "winFileWriteSmall",
      AT_FDCWD,
      name,
      0,
      2 | FILE_HOW.chmod,
      data,
      10,
      scratch,
    ),
    0,
  );
  assertEquals(ok.named("WriteFile").map((c) => c.args[2]), [10, 6]);
  assertEquals(ok.named("winFchmod")[0].args.slice(0, 2), [0x1c, 0o444]);
  assertEquals(ok.names().at(-1), "CloseHandle");
  const rw = standIns({ io: [10] });
  run(
    rw.s,
    "winFileWriteSmall",
    AT_FDCWD,
    name,
    0,
    2 | FILE_HOW.chmod | FILE_HOW.writable,
    data,
    10,
    scratch,
  );
  assertEquals(rw.named("winFchmod")[0].args[1], 0o666);
  const none = standIns({ io: [10] });
  run(none.s, "winFileWriteSmall", AT_FDCWD, name, 0, 2, data, 10, scratch);
  assertEquals(none.named("winFchmod").length, 0);
  // A failed write: its error, no chmod, closed.
  const bad = standIns({ io: [false], lastError: 112, errorAfterClose: 0 });
  assertEquals(
    run(
      bad.s,
      "winFileWriteSmall",
      AT_FDCWD,
      name,
      0,
      2 | FILE_HOW.chmod,
      data,
      10,
      scratch,
    ),
    -112,
  );
  assertEquals(bad.named("winFchmod").length, 0);
  assertEquals(bad.named("CloseHandle").length, 1);
  // A failed close is reported.
  const close = standIns({ io: [10], fail: "close", lastError: 6 });
  assertEquals(
    run(close.s, "winFileWriteSmall", AT_FDCWD, name, 0, 2, data, 10, scratch),
    -6,
  );
});
