// Copyright 2026 the dirfd authors. MIT license.
// The Windows pool tasks (ffi/_windows_tasks.ts), rebuilt from their source
// text exactly as a pool worker rebuilds them, run against stand-in symbols
// that record their arguments and return scripted values. This checks that
// each task refers to nothing from its module, that its literal constants
// match the named ones of windows.ts and _windows_logic.ts, and that its
// calls follow KERNEL32_SYMBOLS / NTDLL_SYMBOLS. Runs on every OS.
import {
  assert,
  assertEquals,
  assertNotMatch,
  assertNotStrictEquals,
  assertStrictEquals,
  fail,
} from "@std/assert";
import type { PoolTask } from "../ffi/_pool.ts";
import {
  READLINK_OUT,
  STAT_OUT,
  WINDOWS_TASKS,
} from "../ffi/_windows_tasks.ts";
import {
  CREATE,
  FSCTL_GET_REPARSE_POINT,
  KERNEL32_SYMBOLS,
  NT,
  NTDLL_SYMBOLS,
} from "../ffi/windows.ts";
import {
  decodeReparseTarget,
  decodeWindowsStat,
  encodeSymlinkReparse,
  ERROR,
  FILE_ATTRIBUTE,
  FILE_INFO_CLASS,
  IO_REPARSE_TAG,
  SIZEOF,
  type WindowsStatResult,
} from "../ffi/_windows_logic.ts";

const AT_FDCWD = -100;
const DIR_HANDLE = 0x44;
/** The NT tasks, run in windows_nt_tasks_test.ts. */
const NT_TASK_NAMES = [
  "winNtOpen",
  "winSetInfo",
  "winMkdirAt",
  "winUnlinkAt",
  "winRenameAt",
  "winLinkAt",
  "winFchmod",
  "winWithAttributes",
  "winChmodAt",
  "winFutimes",
  "winUtimeAt",
  "winAccessAt",
  "winDupDir",
  "winReadDirChunk",
];
const TASK_NAMES = [
  "winOpen",
  "winStatHandle",
  "winStatAt",
  "winOpenDirAt",
  "winReadLink",
  "winSetLength",
  "winTruncate",
];

/** A task rebuilt from its source, as the pool worker does (_pool.ts). */
function rebuild(task: PoolTask): PoolTask {
  return new Function("return (" + task.toString() + ");")();
}

const TASKS: Record<string, PoolTask> = Object.fromEntries(
  Object.entries(WINDOWS_TASKS).map(([name, task]) => [name, rebuild(task)]),
);

/** Parameter types of every symbol a task may call. */
const SIGNATURES: Record<string, readonly string[]> = {};
for (const [name, def] of Object.entries(KERNEL32_SYMBOLS)) {
  SIGNATURES[name] = def.parameters;
}
for (const [name, def] of Object.entries(NTDLL_SYMBOLS)) {
  SIGNATURES[name] = def.parameters;
}

/** Checks a stand-in call against its symbol's declared parameters. */
function checkArgs(name: string, args: unknown[]): void {
  const params = SIGNATURES[name];
  assert(params !== undefined, `${name} is not a declared symbol`);
  assertEquals(args.length, params.length, `${name}: argument count`);
  params.forEach((type, i) => {
    const a = args[i];
    const where = `${name} argument ${i} (${type}): ${String(a)}`;
    switch (type) {
      case "buffer":
        assert(ArrayBuffer.isView(a), where);
        break;
      case "pointer":
        assertEquals(a, null, where);
        break;
      case "isize":
        assert(
          typeof a === "bigint" ||
            (typeof a === "number" && Number.isSafeInteger(a)),
          where,
        );
        break;
      case "u32":
        assert(
          typeof a === "number" && Number.isInteger(a) && a >= 0 &&
            a <= 0xffffffff,
          where,
        );
        break;
      case "i32":
        assert(
          typeof a === "number" && Number.isInteger(a) && a >= -0x80000000 &&
            a <= 0x7fffffff,
          where,
        );
        break;
      default:
        fail(`${where}: unexpected parameter type`);
    }
  });
}

/** The structs one stat reads, as bytes. */
interface StatFixture {
  basic: Uint8Array;
  standard: Uint8Array;
  byHandle: Uint8Array;
  tagInfo: Uint8Array;
}

function filetime(ticks: bigint): [number, number] {
  return [Number(ticks & 0xffffffffn), Number(ticks >> 32n)];
}

function statFixture(attrs: number, tag = 0): StatFixture {
  const basic = new Uint8Array(SIZEOF.FILE_BASIC_INFO);
  const b = new Uint32Array(basic.buffer);
  b.set([
    ...filetime(133_000_000_001_234_567n), // CreationTime
    ...filetime(133_100_000_002_345_678n), // LastAccessTime
    ...filetime(133_200_000_003_456_789n), // LastWriteTime
    ...filetime(133_300_000_004_567_890n), // ChangeTime
    attrs,
  ]);
  const standard = new Uint8Array(SIZEOF.FILE_STANDARD_INFO);
  // AllocationSize 8192 + 2^32, EndOfFile 5000 + 2 * 2^32, 3 links.
  new Uint32Array(standard.buffer).set([8192, 1, 5000, 2, 3, 0]);
  const byHandle = new Uint8Array(SIZEOF.BY_HANDLE_FILE_INFORMATION);
  const h = new Uint32Array(byHandle.buffer);
  h[0] = attrs;
  h[7] = 0xcafe1234; // dwVolumeSerialNumber
  h[10] = 3; // nNumberOfLinks
  h[11] = 0x12; // nFileIndexHigh
  h[12] = 0x3456; // nFileIndexLow
  const tagInfo = new Uint8Array(SIZEOF.FILE_ATTRIBUTE_TAG_INFO);
  new Uint32Array(tagInfo.buffer).set([attrs, tag]);
  return { basic, standard, byHandle, tagInfo };
}

const DIRECTORY = statFixture(FILE_ATTRIBUTE.DIRECTORY);
const FILE = statFixture(0x20); // FILE_ATTRIBUTE_ARCHIVE
const SYMLINK = statFixture(
  FILE_ATTRIBUTE.REPARSE_POINT,
  IO_REPARSE_TAG.SYMLINK,
);
const DIR_SYMLINK = statFixture(
  FILE_ATTRIBUTE.REPARSE_POINT | FILE_ATTRIBUTE.DIRECTORY,
  IO_REPARSE_TAG.SYMLINK,
);
const JUNCTION = statFixture(
  FILE_ATTRIBUTE.REPARSE_POINT | FILE_ATTRIBUTE.DIRECTORY,
  IO_REPARSE_TAG.MOUNT_POINT,
);

/** What the stand-ins return. */
interface Script {
  /** GetLastError's value (until CloseHandle changes it). */
  lastError?: number;
  /** GetLastError's value after any CloseHandle. */
  errorAfterClose?: number;
  /** CreateFileW's result (a HANDLE as isize; -1n is INVALID_HANDLE_VALUE). */
  createFile?: bigint;
  /** Whether ntdll has NtCreateFile (and RtlNtStatusToDosError). */
  nt?: boolean;
  /** NtCreateFile's NTSTATUS. */
  ntStatus?: number;
  /** The handle NtCreateFile writes. */
  ntHandle?: bigint;
  /** RtlNtStatusToDosError's result. */
  dosError?: number;
  /** What the stat queries read. */
  stat?: StatFixture;
  /** The call that fails (returns 0). */
  fail?: "basic" | "standard" | "byHandle" | "tag" | "ioctl" | "setInfo";
  /** What DeviceIoControl writes. */
  reparse?: Uint8Array;
}

interface Call {
  name: string;
  /** The arguments; for a task, those after `s`. */
  args: any[];
}

/** Stand-in symbols plus the rebuilt tasks, recording every call. */
function standIns(script: Script = {}) {
  const calls: Call[] = [];
  let lastError = script.lastError ?? 0;
  const stat = script.stat ?? FILE;
  const sym = (name: string, impl: (...args: any[]) => unknown) =>
  (
    ...args: any[]
  ) => {
    checkArgs(name, args);
    calls.push({ name, args });
    return impl(...args);
  };
  const fill = (buf: Uint8Array, src: Uint8Array) => {
    buf.set(src.subarray(0, Math.min(buf.byteLength, src.byteLength)));
  };
  const s: Record<string, unknown> = {
    CreateFileW: sym("CreateFileW", () => script.createFile ?? 0x1cn),
    CloseHandle: sym("CloseHandle", () => {
      if (script.errorAfterClose !== undefined) {
        lastError = script.errorAfterClose;
      }
      return 1;
    }),
    GetLastError: sym("GetLastError", () => lastError),
    GetFileInformationByHandleEx: sym(
      "GetFileInformationByHandleEx",
      (_h: bigint, cls: number, buf: Uint8Array) => {
        if (cls === FILE_INFO_CLASS.FileBasicInfo) {
          if (script.fail === "basic") return 0;
          fill(buf, stat.basic);
        } else if (cls === FILE_INFO_CLASS.FileStandardInfo) {
          if (script.fail === "standard") return 0;
          fill(buf, stat.standard);
        } else if (cls === FILE_INFO_CLASS.FileAttributeTagInfo) {
          if (script.fail === "tag") return 0;
          fill(buf, stat.tagInfo);
        } else {
          fail(`unexpected FILE_INFO_BY_HANDLE_CLASS ${cls}`);
        }
        return 1;
      },
    ),
    GetFileInformationByHandle: sym(
      "GetFileInformationByHandle",
      (_h: bigint, buf: Uint8Array) => {
        if (script.fail === "byHandle") return 0;
        fill(buf, stat.byHandle);
        return 1;
      },
    ),
    DeviceIoControl: sym(
      "DeviceIoControl",
      (
        _h: bigint,
        _code: number,
        _in: null,
        _inSize: number,
        out: Uint8Array,
        _outSize: number,
        returned: Uint8Array,
      ) => {
        if (script.fail === "ioctl") return 0;
        const data = script.reparse ?? new Uint8Array(0);
        out.set(data);
        new DataView(returned.buffer, returned.byteOffset, 4)
          .setUint32(0, data.byteLength, true);
        return 1;
      },
    ),
    SetFileInformationByHandle: sym(
      "SetFileInformationByHandle",
      () => script.fail === "setInfo" ? 0 : 1,
    ),
    NtCreateFile: script.nt === false ? null : sym(
      "NtCreateFile",
      (handle: Uint8Array) => {
        const status = script.ntStatus ?? 0;
        if (status >= 0) {
          new DataView(handle.buffer, handle.byteOffset, 8)
            .setBigInt64(0, script.ntHandle ?? 0x88n, true);
        }
        return status;
      },
    ),
    RtlNtStatusToDosError: script.nt === false
      ? null
      : sym("RtlNtStatusToDosError", () => script.dosError ?? 0),
  };
  for (const [name, task] of Object.entries(TASKS)) {
    s[name] = (env: unknown, ...args: any[]) => {
      assertStrictEquals(env, s, `${name} gets the same s`);
      calls.push({ name, args });
      return task(env, ...args);
    };
  }
  const named = (name: string) => calls.filter((c) => c.name === name);
  const one = (name: string) => {
    const found = named(name);
    assertEquals(found.length, 1, `one ${name} call`);
    return found[0];
  };
  const names = () => calls.map((c) => c.name);
  return { s, calls, named, one, names };
}

/** A NUL-terminated UTF-16 name. */
function wname(text: string): Uint16Array {
  const b = new Uint16Array(text.length + 1);
  for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
  return b;
}

function address(view: ArrayBufferView): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(view)));
}

/** A stat task's output, filled with garbage the task must overwrite. */
function statOut(): Uint8Array {
  return new Uint8Array(STAT_OUT.size).fill(0xee);
}

/** Where a view starts inside `base`'s buffer, relative to `base`. */
function offsetIn(base: Uint8Array, view: ArrayBufferView): number {
  assertStrictEquals(view.buffer, base.buffer, "a view of the same buffer");
  return view.byteOffset - base.byteOffset;
}

/** The arguments a task receives, after `s`. */
function run(s: Record<string, unknown>, name: string, ...args: unknown[]) {
  return (s[name] as PoolTask)(s, ...args);
}

/** Decodes a stat task's output the way windows.ts does. */
function decodeOut(out: Uint8Array): WindowsStatResult {
  const w = new Uint32Array(out.buffer, out.byteOffset, out.byteLength / 4);
  return decodeWindowsStat(
    w.subarray(STAT_OUT.basic / 4),
    w.subarray(STAT_OUT.standard / 4),
    w.subarray(STAT_OUT.byHandle / 4),
    w[STAT_OUT.tag / 4 + 1],
  );
}

function decodeFixture(f: StatFixture, reparse: boolean): WindowsStatResult {
  return decodeWindowsStat(
    new Uint32Array(f.basic.buffer),
    new Uint32Array(f.standard.buffer),
    new Uint32Array(f.byHandle.buffer),
    reparse ? new Uint32Array(f.tagInfo.buffer)[1] : 0,
  );
}

function plain(r: WindowsStatResult): Record<string, unknown> {
  return {
    isFile: r.isFile,
    isDirectory: r.isDirectory,
    isSymlink: r.isSymlink,
    size: r.size,
    dev: r.dev,
    ino: r.ino,
    mode: r.mode,
    nlink: r.nlink,
    blocks: r.blocks,
    atime: r.atime?.getTime(),
    mtime: r.mtime?.getTime(),
    ctime: r.ctime?.getTime(),
    birthtime: r.birthtime?.getTime(),
    atimeNs: r.atimeNs,
    mtimeNs: r.mtimeNs,
    ctimeNs: r.ctimeNs,
    birthtimeNs: r.birthtimeNs,
  };
}

Deno.test("windows tasks: every task is rebuilt from its source text alone", () => {
  assertEquals(
    Object.keys(WINDOWS_TASKS).sort(),
    [...TASK_NAMES, ...NT_TASK_NAMES].sort(),
  );
  for (const name of [...TASK_NAMES, ...NT_TASK_NAMES]) {
    const task = TASKS[name];
    assertEquals(typeof task, "function", name);
    assertNotStrictEquals(
      task,
      WINDOWS_TASKS[name],
      `${name} is a new function`,
    );
    assertEquals(task.name, name);
    assertEquals(task.length, WINDOWS_TASKS[name].length, `${name} arity`);
    // No named constant of the modules appears in the code (comments aside).
    const code = WINDOWS_TASKS[name].toString()
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\/\/[^\n]*/g, "");
    for (
      const id of [
        "CREATE",
        "NT",
        "FSCTL_GET_REPARSE_POINT",
        "ERROR",
        "SIZEOF",
        "FILE_INFO_CLASS",
        "FILE_ATTRIBUTE",
        "IO_REPARSE_TAG",
        "STAT_OUT",
        "READLINK_OUT",
        "NT_SCRATCH",
        "NT_FILE",
        "NT_INFO_CLASS",
        "NT_FLAG",
        "AT_FDCWD",
      ]
    ) {
      assertNotMatch(code, new RegExp(`\\b${id}\\b`), `${name}: ${id}`);
    }
  }
});

Deno.test("windows tasks: every rebuilt task runs its success and failure paths", () => {
  const len = new Uint8Array(8);
  const name = wname("a\\b");
  const cases: [string, Script, () => unknown[], number][] = [
    ["winOpen", {}, () => [AT_FDCWD, name, 6, 1, 0x80, statOut()], 0x1c],
    ["winOpen", { createFile: -1n, lastError: 2 }, () => [
      AT_FDCWD,
      name,
      6,
      0,
      0x80,
      statOut(),
    ], -2],
    ["winOpen", {}, () => [DIR_HANDLE, name, 6, 0, 0x80, statOut()], 0x88],
    ["winOpen", { ntStatus: -0x3fffffcc, dosError: 2 }, () => [
      DIR_HANDLE,
      name,
      6,
      1,
      0x80,
      statOut(),
    ], -2],
    ["winOpen", { nt: false }, () => [
      DIR_HANDLE,
      name,
      6,
      1,
      0x80,
      statOut(),
    ], -ERROR.NOT_SUPPORTED],
    ["winStatHandle", {}, () => [0x1c, statOut()], 0],
    ["winStatHandle", { stat: SYMLINK }, () => [0x1c, statOut()], 0],
    ["winStatHandle", { fail: "basic", lastError: 6 }, () => [
      0x1c,
      statOut(),
    ], -6],
    ["winStatHandle", { stat: SYMLINK, fail: "tag", lastError: 6 }, () => [
      0x1c,
      statOut(),
    ], -6],
    ["winStatAt", {}, () => [AT_FDCWD, name, 6, 1, statOut()], 0],
    ["winStatAt", {}, () => [DIR_HANDLE, name, 6, 0, statOut()], 0],
    ["winStatAt", { createFile: -1n, lastError: 3 }, () => [
      AT_FDCWD,
      name,
      6,
      1,
      statOut(),
    ], -3],
    ["winStatAt", { fail: "standard", lastError: 5 }, () => [
      AT_FDCWD,
      name,
      6,
      1,
      statOut(),
    ], -5],
    ["winOpenDirAt", { stat: DIRECTORY }, () => [
      AT_FDCWD,
      name,
      6,
      1,
      statOut(),
    ], 0x1c],
    ["winOpenDirAt", { stat: FILE }, () => [
      DIR_HANDLE,
      name,
      6,
      1,
      statOut(),
    ], -ERROR.DIRECTORY],
    ["winOpenDirAt", { stat: SYMLINK }, () => [
      AT_FDCWD,
      name,
      6,
      0,
      statOut(),
    ], -ERROR.CANT_RESOLVE_FILENAME],
    ["winOpenDirAt", { createFile: -1n, lastError: 2 }, () => [
      AT_FDCWD,
      name,
      6,
      1,
      statOut(),
    ], -2],
    ["winOpenDirAt", { fail: "byHandle", lastError: 1 }, () => [
      AT_FDCWD,
      name,
      6,
      1,
      statOut(),
    ], -1],
    ["winReadLink", { reparse: encodeSymlinkReparse("x", "x", true) }, () => [
      name,
      new Uint8Array(READLINK_OUT.size),
    ], 24],
    ["winReadLink", { fail: "ioctl", lastError: 4390 }, () => [
      name,
      new Uint8Array(READLINK_OUT.size),
    ], -4390],
    ["winReadLink", { createFile: -1n, lastError: 2 }, () => [
      name,
      new Uint8Array(READLINK_OUT.size),
    ], -2],
    ["winSetLength", {}, () => [0x1c, len], 0],
    ["winSetLength", { fail: "setInfo", lastError: 112 }, () => [
      0x1c,
      len,
    ], -112],
    ["winTruncate", {}, () => [name, len], 0],
    ["winTruncate", { createFile: -1n, lastError: 5 }, () => [name, len], -5],
    ["winTruncate", { fail: "setInfo", lastError: 112 }, () => [
      name,
      len,
    ], -112],
  ];
  const covered = new Set<string>();
  for (const [task, script, args, want] of cases) {
    const { s } = standIns(script);
    const what = `${task} ${
      JSON.stringify(script, (_k, v) =>
        typeof v === "bigint"
          ? `${v}n`
          : v instanceof Uint8Array
          ? `[${v.byteLength} bytes]`
          : v)
    }`;
    let got: number;
    try {
      got = TASKS[task](s, ...args());
    } catch (e) {
      fail(`${what} threw ${e}`);
    }
    assertEquals(got, want, what);
    covered.add(`${task} ${want < 0 ? "failure" : "success"}`);
  }
  for (const task of TASK_NAMES) {
    assert(covered.has(`${task} success`), `${task} success ran`);
    assert(covered.has(`${task} failure`), `${task} failure ran`);
  }
});

Deno.test("windows tasks: output layouts fit the structs and winOpen's scratch", () => {
  // The structs one after another, the tag word 8-aligned, then the scratch:
  // handle (8), IO_STATUS_BLOCK (16), UNICODE_STRING, OBJECT_ATTRIBUTES.
  const scratch = 8 + 16 + NT.SIZEOF_UNICODE_STRING +
    NT.SIZEOF_OBJECT_ATTRIBUTES;
  assertEquals(STAT_OUT.basic, 0);
  assertEquals(STAT_OUT.standard, STAT_OUT.basic + SIZEOF.FILE_BASIC_INFO);
  assertEquals(
    STAT_OUT.byHandle,
    STAT_OUT.standard + SIZEOF.FILE_STANDARD_INFO,
  );
  assert(
    STAT_OUT.byHandle + SIZEOF.BY_HANDLE_FILE_INFORMATION <= STAT_OUT.tag,
  );
  assertEquals(STAT_OUT.scratch, STAT_OUT.tag + SIZEOF.FILE_ATTRIBUTE_TAG_INFO);
  assertEquals(STAT_OUT.scratch % 8, 0);
  assertEquals(STAT_OUT.size - STAT_OUT.scratch, scratch);
  assertEquals(READLINK_OUT.reparse, 0);
  assertEquals(READLINK_OUT.returned, SIZEOF.MAXIMUM_REPARSE_DATA_BUFFER);
  assertEquals(READLINK_OUT.scratch, READLINK_OUT.returned + 8);
  assertEquals(READLINK_OUT.scratch % 8, 0);
  assertEquals(READLINK_OUT.size - READLINK_OUT.scratch, scratch);
});

Deno.test("windows tasks: winOpen with AT_FDCWD calls CreateFileW with the named constants", () => {
  for (const follow of [1, 0]) {
    const { s, one, names } = standIns({ createFile: 0x2an });
    const name = wname("C:\\dir\\x");
    const h = run(s, "winOpen", AT_FDCWD, name, 16, follow, 0x1234, statOut());
    assertEquals(h, 0x2a);
    assertEquals(names(), ["winOpen", "CreateFileW"]);
    const [n, access, share, security, disposition, flags, template] =
      one("CreateFileW").args;
    assertStrictEquals(n, name);
    assertEquals(access, 0x1234);
    assertEquals(share, CREATE.FILE_SHARE_ALL);
    assertEquals(security, null);
    assertEquals(disposition, CREATE.OPEN_EXISTING);
    assertEquals(
      flags,
      CREATE.FILE_FLAG_BACKUP_SEMANTICS |
        (follow ? 0 : CREATE.FILE_FLAG_OPEN_REPARSE_POINT),
      `flags, follow ${follow}`,
    );
    assertEquals(template, 0n);
  }
});

Deno.test("windows tasks: winOpen with AT_FDCWD returns -GetLastError() for INVALID_HANDLE_VALUE", () => {
  const { s, names } = standIns({ createFile: -1n, lastError: 32 });
  const h = run(s, "winOpen", AT_FDCWD, wname("x"), 2, 1, 0x80, statOut());
  assertEquals(h, -32);
  assertEquals(names(), ["winOpen", "CreateFileW", "GetLastError"]);
});

Deno.test("windows tasks: winOpen relative to a directory handle fills OBJECT_ATTRIBUTES for NtCreateFile", () => {
  for (const follow of [1, 0]) {
    const { s, one, names } = standIns({ ntHandle: 0x1_0000_0abcn });
    const out = statOut();
    const scratch = out.subarray(STAT_OUT.scratch);
    const name = wname("sub\\file.txt");
    const nameBytes = 24;
    const access = 0x1;
    const h = run(
      s,
      "winOpen",
      DIR_HANDLE,
      name,
      nameBytes,
      follow,
      access,
      scratch,
    );
    assertEquals(names(), ["winOpen", "winNtOpen", "NtCreateFile"]);
    const [
      handle,
      desired,
      oa,
      iosb,
      allocation,
      attributes,
      share,
      disposition,
      options,
      ea,
      eaLength,
    ] = one("NtCreateFile").args;
    // The handle NtCreateFile wrote (8 bytes, little-endian) is returned.
    assertEquals(h, 0x1_0000_0abc);
    assertEquals(offsetIn(scratch, handle), 0);
    assertEquals(handle.byteLength, 8);
    assertEquals(offsetIn(scratch, iosb), 8);
    assertEquals(iosb.byteLength, 16);
    assertEquals(
      desired,
      access | CREATE.SYNCHRONIZE | CREATE.FILE_READ_ATTRIBUTES,
    );
    assertEquals(allocation, null);
    assertEquals(attributes, 0);
    assertEquals(share, CREATE.FILE_SHARE_ALL);
    assertEquals(disposition, NT.FILE_OPEN);
    assertEquals(
      options,
      NT.FILE_SYNCHRONOUS_IO_NONALERT | NT.FILE_OPEN_FOR_BACKUP_INTENT |
        (follow ? 0 : NT.FILE_OPEN_REPARSE_POINT),
      `options, follow ${follow}`,
    );
    assertEquals(ea, null);
    assertEquals(eaLength, 0);
    // OBJECT_ATTRIBUTES (the garbage in the scratch is all overwritten).
    const unicode = scratch.subarray(24);
    assertEquals(oa.byteLength, NT.SIZEOF_OBJECT_ATTRIBUTES);
    const o = new DataView(oa.buffer, oa.byteOffset, oa.byteLength);
    assertEquals(o.getUint32(0, true), NT.SIZEOF_OBJECT_ATTRIBUTES, "Length");
    assertEquals(o.getUint32(4, true), 0, "padding");
    assertEquals(o.getBigInt64(8, true), BigInt(DIR_HANDLE), "RootDirectory");
    assertEquals(o.getBigUint64(16, true), address(unicode), "ObjectName");
    assertEquals(o.getUint32(24, true), NT.OBJ_CASE_INSENSITIVE, "Attributes");
    assertEquals(o.getUint32(28, true), 0, "padding");
    assertEquals(o.getBigUint64(32, true), 0n, "SecurityDescriptor");
    assertEquals(o.getBigUint64(40, true), 0n, "SecurityQualityOfService");
    // The UNICODE_STRING it points at.
    const u = new DataView(
      unicode.buffer,
      unicode.byteOffset,
      NT.SIZEOF_UNICODE_STRING,
    );
    assertEquals(u.getUint16(0, true), nameBytes, "Length");
    assertEquals(u.getUint16(2, true), nameBytes, "MaximumLength");
    assertEquals(u.getUint32(4, true), 0, "padding");
    assertEquals(u.getBigUint64(8, true), address(name), "Buffer");
    // The UNICODE_STRING and OBJECT_ATTRIBUTES do not overlap.
    assert(offsetIn(scratch, oa) >= 24 + NT.SIZEOF_UNICODE_STRING);
    assert(offsetIn(scratch, oa) + oa.byteLength <= 88);
  }
});

Deno.test("windows tasks: winOpen relative maps a failing NTSTATUS through RtlNtStatusToDosError", () => {
  const STATUS_OBJECT_NAME_NOT_FOUND = 0xc0000034 | 0;
  const { s, one, names } = standIns({
    ntStatus: STATUS_OBJECT_NAME_NOT_FOUND,
    dosError: ERROR.FILE_NOT_FOUND,
    lastError: 999,
  });
  const h = run(
    s,
    "winOpen",
    DIR_HANDLE,
    wname("gone"),
    8,
    1,
    0x80,
    statOut().subarray(STAT_OUT.scratch),
  );
  assertEquals(h, -ERROR.FILE_NOT_FOUND);
  assertEquals(names(), [
    "winOpen",
    "winNtOpen",
    "NtCreateFile",
    "RtlNtStatusToDosError",
  ]);
  assertEquals(one("RtlNtStatusToDosError").args, [
    STATUS_OBJECT_NAME_NOT_FOUND,
  ]);
});

Deno.test("windows tasks: winOpen relative without NtCreateFile is ERROR_NOT_SUPPORTED", () => {
  const { s, names } = standIns({ nt: false });
  const h = run(
    s,
    "winOpen",
    DIR_HANDLE,
    wname("x"),
    2,
    1,
    0x80,
    statOut().subarray(STAT_OUT.scratch),
  );
  assertEquals(h, -ERROR.NOT_SUPPORTED);
  assertEquals(names(), ["winOpen", "winNtOpen"]);
});

Deno.test("windows tasks: winStatHandle queries basic, standard and by-handle info, the tag only for a reparse point", () => {
  for (
    const [stat, reparse] of [
      [FILE, false],
      [DIRECTORY, false],
      [SYMLINK, true],
      [JUNCTION, true],
    ] as const
  ) {
    const { s, calls } = standIns({ stat });
    const out = statOut();
    assertEquals(run(s, "winStatHandle", 0x1c, out), 0);
    const queries = calls.filter((c) =>
      c.name.startsWith("GetFileInformation")
    );
    const want: [string, number | null, number][] = [
      [
        "GetFileInformationByHandleEx",
        FILE_INFO_CLASS.FileBasicInfo,
        SIZEOF.FILE_BASIC_INFO,
      ],
      [
        "GetFileInformationByHandleEx",
        FILE_INFO_CLASS.FileStandardInfo,
        SIZEOF.FILE_STANDARD_INFO,
      ],
      ["GetFileInformationByHandle", null, SIZEOF.BY_HANDLE_FILE_INFORMATION],
    ];
    if (reparse) {
      want.push([
        "GetFileInformationByHandleEx",
        FILE_INFO_CLASS.FileAttributeTagInfo,
        SIZEOF.FILE_ATTRIBUTE_TAG_INFO,
      ]);
    }
    assertEquals(queries.length, want.length, `queries, reparse ${reparse}`);
    queries.forEach((c, i) => {
      const [fn, cls, size] = want[i];
      assertEquals(c.name, fn);
      assertEquals(c.args[0], 0x1cn, "the handle");
      if (cls === null) {
        assertEquals(c.args[1].byteLength, size);
        assertEquals(offsetIn(out, c.args[1]), STAT_OUT.byHandle);
      } else {
        assertEquals(c.args[1], cls);
        assertEquals(c.args[2].byteLength, size);
        assertEquals(c.args[3], size);
        const at = {
          [FILE_INFO_CLASS.FileBasicInfo]: STAT_OUT.basic,
          [FILE_INFO_CLASS.FileStandardInfo]: STAT_OUT.standard,
          [FILE_INFO_CLASS.FileAttributeTagInfo]: STAT_OUT.tag,
        }[cls];
        assertEquals(offsetIn(out, c.args[2]), at);
      }
    });
    // The tag slot is cleared when there is no tag to read.
    const tag = new DataView(out.buffer).getUint32(STAT_OUT.tag + 4, true);
    assertEquals(tag, reparse ? new Uint32Array(stat.tagInfo.buffer)[1] : 0);
  }
});

Deno.test("windows tasks: winStatHandle returns -GetLastError() when any query fails", () => {
  for (
    const [fail, stat, calls] of [
      ["basic", FILE, 1],
      ["standard", FILE, 2],
      ["byHandle", FILE, 3],
      ["tag", SYMLINK, 4],
    ] as const
  ) {
    const { s, names } = standIns({ stat, fail, lastError: 1000 + calls });
    assertEquals(
      run(s, "winStatHandle", 0x1c, statOut()),
      -(1000 + calls),
      fail,
    );
    const n = names();
    assertEquals(
      n.filter((x) => x.startsWith("GetFileInformation")).length,
      calls,
      fail,
    );
    assertEquals(
      n[n.length - 1],
      "GetLastError",
      `${fail}: the error is read last`,
    );
  }
});

Deno.test("windows tasks: winStatHandle output decodes like the structs themselves", () => {
  for (
    const [stat, reparse] of [
      [FILE, false],
      [DIRECTORY, false],
      [SYMLINK, true],
      [DIR_SYMLINK, true],
      [JUNCTION, true],
    ] as const
  ) {
    const { s } = standIns({ stat });
    const out = statOut();
    assertEquals(run(s, "winStatHandle", 0x1c, out), 0);
    const got = decodeOut(out);
    assertEquals(plain(got), plain(decodeFixture(stat, reparse)));
    const tag = new Uint32Array(stat.tagInfo.buffer)[1];
    assertEquals(got.isSymlink, tag === IO_REPARSE_TAG.SYMLINK);
    assertEquals(got.dev, 0xcafe1234);
    assertEquals(got.ino, 0x12 * 2 ** 32 + 0x3456);
    assertEquals(got.nlink, 3);
  }
});

Deno.test("windows tasks: winStatAt opens for FILE_READ_ATTRIBUTES and always closes", () => {
  // Success, through CreateFileW.
  {
    const { s, one, names } = standIns({ createFile: 0x30n, stat: FILE });
    const out = statOut();
    const name = wname("C:\\f");
    assertEquals(run(s, "winStatAt", AT_FDCWD, name, 8, 0, out), 0);
    const open = one("winOpen").args;
    assertEquals(open.slice(0, 5), [
      AT_FDCWD,
      name,
      8,
      0,
      CREATE.FILE_READ_ATTRIBUTES,
    ]);
    assertEquals(offsetIn(out, open[5]), STAT_OUT.scratch);
    assertEquals(one("CreateFileW").args[1], CREATE.FILE_READ_ATTRIBUTES);
    assertEquals(one("CloseHandle").args, [0x30n]);
    assertEquals(names()[names().length - 1], "CloseHandle");
    assertEquals(plain(decodeOut(out)), plain(decodeFixture(FILE, false)));
  }
  // Success, relative to a directory handle.
  {
    const { s, one } = standIns({ ntHandle: 0x31n, stat: DIRECTORY });
    const out = statOut();
    assertEquals(run(s, "winStatAt", DIR_HANDLE, wname("d"), 2, 1, out), 0);
    assertEquals(
      one("NtCreateFile").args[1],
      CREATE.FILE_READ_ATTRIBUTES | CREATE.SYNCHRONIZE,
    );
    assertEquals(one("CloseHandle").args, [0x31n]);
  }
  // A failing query: its error (read before CloseHandle), and closed.
  {
    const { s, one, names } = standIns({
      createFile: 0x32n,
      fail: "byHandle",
      lastError: 87,
      errorAfterClose: 6,
    });
    assertEquals(
      run(s, "winStatAt", AT_FDCWD, wname("f"), 2, 1, statOut()),
      -87,
    );
    assertEquals(one("CloseHandle").args, [0x32n]);
    const n = names();
    assert(n.indexOf("GetLastError") < n.indexOf("CloseHandle"));
  }
  // A failing open: nothing to close.
  {
    const { s, named } = standIns({ createFile: -1n, lastError: 2 });
    assertEquals(
      run(s, "winStatAt", AT_FDCWD, wname("f"), 2, 1, statOut()),
      -2,
    );
    assertEquals(named("CloseHandle").length, 0);
    assertEquals(named("winStatHandle").length, 0);
  }
});

Deno.test("windows tasks: winOpenDirAt keeps a directory open and closes anything else", () => {
  const access = CREATE.FILE_LIST_DIRECTORY | CREATE.FILE_TRAVERSE |
    CREATE.FILE_READ_ATTRIBUTES | CREATE.SYNCHRONIZE;
  const cases: [StatFixture, number, number][] = [
    [DIRECTORY, 0, 0x40],
    [DIRECTORY, 1, 0x40],
    [FILE, 1, -ERROR.DIRECTORY],
    [FILE, 0, -ERROR.DIRECTORY],
    [SYMLINK, 0, -ERROR.CANT_RESOLVE_FILENAME],
    [DIR_SYMLINK, 0, -ERROR.CANT_RESOLVE_FILENAME],
    [JUNCTION, 0, 0x40], // a mount point not followed is a directory
  ];
  for (const [stat, follow, want] of cases) {
    const what = `attrs ${
      new Uint32Array(stat.basic.buffer)[8]
    }, follow ${follow}`;
    const { s, one, named } = standIns({ createFile: 0x40n, stat });
    const out = statOut();
    const name = wname("C:\\d");
    assertEquals(
      run(s, "winOpenDirAt", AT_FDCWD, name, 8, follow, out),
      want,
      what,
    );
    const open = one("winOpen").args;
    assertEquals(
      open.slice(0, 5),
      [AT_FDCWD, name, 8, follow, access],
      what,
    );
    assertEquals(offsetIn(out, open[5]), STAT_OUT.scratch);
    assertEquals(one("CreateFileW").args[1], access, what);
    assertEquals(one("winStatHandle").args[0], 0x40);
    assertStrictEquals(one("winStatHandle").args[1], out);
    const closes = named("CloseHandle");
    if (want > 0) assertEquals(closes.length, 0, `${what}: kept open`);
    else {assertEquals(
        closes.map((c) => c.args),
        [[0x40n]],
        `${what}: closed`,
      );}
  }
  // Through NtCreateFile, with the same access.
  {
    const { s, one, named } = standIns({ ntHandle: 0x41n, stat: DIRECTORY });
    assertEquals(
      run(s, "winOpenDirAt", DIR_HANDLE, wname("d"), 2, 0, statOut()),
      0x41,
    );
    assertEquals(
      one("NtCreateFile").args[1],
      access | CREATE.SYNCHRONIZE | CREATE.FILE_READ_ATTRIBUTES,
    );
    assertEquals(named("CloseHandle").length, 0);
  }
  // A failing stat: its error, read before CloseHandle; closed.
  {
    const { s, one } = standIns({
      createFile: 0x42n,
      fail: "basic",
      lastError: 5,
      errorAfterClose: 6,
    });
    assertEquals(
      run(s, "winOpenDirAt", AT_FDCWD, wname("d"), 2, 1, statOut()),
      -5,
    );
    assertEquals(one("CloseHandle").args, [0x42n]);
  }
  // A failing open: nothing to close.
  {
    const { s, named } = standIns({ createFile: -1n, lastError: 3 });
    assertEquals(
      run(s, "winOpenDirAt", AT_FDCWD, wname("d"), 2, 1, statOut()),
      -3,
    );
    assertEquals(named("CloseHandle").length, 0);
  }
});

Deno.test("windows tasks: winReadLink opens the link itself and reads FSCTL_GET_REPARSE_POINT", () => {
  const reparse = encodeSymlinkReparse("\\??\\C:\\target", "C:\\target", false);
  const { s, one, names } = standIns({
    createFile: 0x50n,
    reparse,
    lastError: 0,
  });
  const out = new Uint8Array(READLINK_OUT.size);
  const name = wname("C:\\link");
  const n = run(s, "winReadLink", name, out);
  assertEquals(n, reparse.byteLength);
  assertEquals(decodeReparseTarget(out, n), "\\\\?\\C:\\target");
  const open = one("winOpen").args;
  assertEquals(open.slice(0, 5), [AT_FDCWD, name, 0, 0, 0]);
  assertEquals(offsetIn(out, open[5]), READLINK_OUT.scratch);
  const [, access, , , , flags] = one("CreateFileW").args;
  assertEquals(access, 0);
  assertEquals(
    flags,
    CREATE.FILE_FLAG_BACKUP_SEMANTICS | CREATE.FILE_FLAG_OPEN_REPARSE_POINT,
  );
  const [h, code, inBuf, inSize, outBuf, outSize, returned, overlapped] =
    one("DeviceIoControl").args;
  assertEquals(h, 0x50n);
  assertEquals(code, FSCTL_GET_REPARSE_POINT);
  assertEquals(inBuf, null);
  assertEquals(inSize, 0);
  assertEquals(offsetIn(out, outBuf), READLINK_OUT.reparse);
  assertEquals(outBuf.byteLength, SIZEOF.MAXIMUM_REPARSE_DATA_BUFFER);
  assertEquals(outSize, SIZEOF.MAXIMUM_REPARSE_DATA_BUFFER);
  assertEquals(offsetIn(out, returned), READLINK_OUT.returned);
  assert(returned.byteLength >= 4);
  assertEquals(overlapped, null);
  assertEquals(one("CloseHandle").args, [0x50n]);
  assertEquals(names(), [
    "winReadLink",
    "winOpen",
    "CreateFileW",
    "DeviceIoControl",
    "CloseHandle",
  ]);
});

Deno.test("windows tasks: winReadLink reads GetLastError before CloseHandle", () => {
  const { s, one, names } = standIns({
    createFile: 0x51n,
    fail: "ioctl",
    lastError: ERROR.NOT_A_REPARSE_POINT,
    errorAfterClose: ERROR.INVALID_HANDLE,
  });
  const n = run(
    s,
    "winReadLink",
    wname("C:\\file"),
    new Uint8Array(READLINK_OUT.size),
  );
  assertEquals(n, -ERROR.NOT_A_REPARSE_POINT);
  assertEquals(one("CloseHandle").args, [0x51n]);
  const order = names();
  assert(order.indexOf("GetLastError") < order.indexOf("CloseHandle"));
  // A failing open: its error, nothing to close.
  const failed = standIns({ createFile: -1n, lastError: ERROR.FILE_NOT_FOUND });
  assertEquals(
    run(
      failed.s,
      "winReadLink",
      wname("C:\\gone"),
      new Uint8Array(READLINK_OUT.size),
    ),
    -ERROR.FILE_NOT_FOUND,
  );
  assertEquals(failed.named("CloseHandle").length, 0);
  assertEquals(failed.named("DeviceIoControl").length, 0);
});

Deno.test("windows tasks: winSetLength sets FileEndOfFileInfo to the 8-byte length", () => {
  const length = new Uint8Array(16).fill(0xaa);
  new DataView(length.buffer).setBigInt64(0, 0x1_2345_6789n, true);
  const { s, one, named } = standIns();
  assertEquals(run(s, "winSetLength", 0x60, length), 0);
  const [h, cls, info, size] = one("SetFileInformationByHandle").args;
  assertEquals(h, 0x60n);
  assertEquals(cls, FILE_INFO_CLASS.FileEndOfFileInfo);
  assertEquals(size, SIZEOF.FILE_END_OF_FILE_INFO);
  assertEquals(info.byteLength, SIZEOF.FILE_END_OF_FILE_INFO);
  assertEquals(offsetIn(length, info), 0);
  assertEquals(
    new DataView(info.buffer, info.byteOffset).getBigInt64(0, true),
    0x1_2345_6789n,
  );
  assertEquals(
    named("CloseHandle").length,
    0,
    "the caller's handle stays open",
  );
  const failed = standIns({ fail: "setInfo", lastError: 112 });
  assertEquals(run(failed.s, "winSetLength", 0x60, length), -112);
  assertEquals(failed.named("GetLastError").length, 1);
});

Deno.test("windows tasks: winTruncate opens for GENERIC_WRITE, sets the length and closes", () => {
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigInt64(0, 4096n, true);
  const name = wname("C:\\f.txt");
  {
    const { s, one, names } = standIns({ createFile: 0x70n });
    assertEquals(run(s, "winTruncate", name, length), 0);
    const [n, access, share, security, disposition, flags, template] =
      one("CreateFileW").args;
    assertStrictEquals(n, name);
    assertEquals(access, CREATE.GENERIC_WRITE);
    assertEquals(share, CREATE.FILE_SHARE_ALL);
    assertEquals(security, null);
    assertEquals(disposition, CREATE.OPEN_EXISTING);
    assertEquals(flags, 0, "follows links; a directory fails");
    assertEquals(template, 0n);
    assertEquals(one("winSetLength").args, [0x70, length]);
    const [h, cls, info, size] = one("SetFileInformationByHandle").args;
    assertEquals(h, 0x70n);
    assertEquals(cls, FILE_INFO_CLASS.FileEndOfFileInfo);
    assertEquals(size, 8);
    assertEquals(
      new DataView(info.buffer, info.byteOffset).getBigInt64(0, true),
      4096n,
    );
    assertEquals(one("CloseHandle").args, [0x70n]);
    assertEquals(names()[names().length - 1], "CloseHandle");
  }
  // A failing open: -GetLastError(), nothing to close.
  {
    const { s, named } = standIns({
      createFile: -1n,
      lastError: ERROR.ACCESS_DENIED,
    });
    assertEquals(run(s, "winTruncate", name, length), -ERROR.ACCESS_DENIED);
    assertEquals(named("CloseHandle").length, 0);
    assertEquals(named("SetFileInformationByHandle").length, 0);
  }
  // A failing SetFileInformationByHandle: its error, read before CloseHandle.
  {
    const { s, one, names } = standIns({
      createFile: 0x71n,
      fail: "setInfo",
      lastError: 112,
      errorAfterClose: ERROR.INVALID_HANDLE,
    });
    assertEquals(run(s, "winTruncate", name, length), -112);
    assertEquals(one("CloseHandle").args, [0x71n]);
    const order = names();
    assert(order.indexOf("GetLastError") < order.indexOf("CloseHandle"));
  }
});
