// Copyright 2026 the dirfd authors. MIT license.
// The Windows family's NT tasks (ffi/_windows_tasks.ts: mkdir, unlink/rmdir,
// rename/replace, link, chmod, utime, access, dupDir, readDirChunk), rebuilt
// from their source text as a pool worker rebuilds them, run against
// stand-in kernel32/ntdll symbols that record every call. Wine grants every
// access right and ignores FILE_OPEN_REPARSE_POINT, so the access masks,
// create options, dispositions and information classes each task passes are
// asserted here, against the named constants; and every fallback branch
// runs. Runs on every OS.
// deno-lint-ignore-file no-explicit-any
import { assert, assertEquals } from "@std/assert";
import type { PoolTask } from "../ffi/_pool.ts";
import { NT_SCRATCH, WINDOWS_TASKS } from "../ffi/_windows_tasks.ts";
import {
  accessAllowed,
  chmodAttributes,
  DIR_CHUNK_BYTES,
  DIR_INFO_CLASS,
  ERROR,
  FILE_ATTRIBUTE,
  FILE_INFO_CLASS,
  fileNameInformation,
  IO_REPARSE_TAG,
  NT_FILE,
  NT_FLAG,
  NT_INFO_CLASS,
  NT_STATUS,
  unlinkRefuses,
  utimeTicks,
} from "../ffi/_windows_logic.ts";
import { KERNEL32_SYMBOLS, NTDLL_SYMBOLS } from "../ffi/windows.ts";

const T: Record<string, PoolTask> = Object.fromEntries(
  Object.entries(WINDOWS_TASKS).map((
    [name, task],
  ) => [name, new Function("return (" + task.toString() + ");")()]),
);

const ROOT = 0x44;
const HANDLE = 0x1_0000_0088n;
const {
  FILE_LIST_DIRECTORY,
  FILE_TRAVERSE,
  FILE_READ_ATTRIBUTES,
  FILE_WRITE_ATTRIBUTES,
  DELETE,
  SYNCHRONIZE,
  FILE_OPEN,
  FILE_CREATE,
  FILE_DIRECTORY_FILE,
  FILE_SYNCHRONOUS_IO_NONALERT: SYNC_IO,
  FILE_OPEN_FOR_BACKUP_INTENT: BACKUP,
  FILE_OPEN_REPARSE_POINT: REPARSE_POINT,
  FILE_SHARE_ALL,
  FILE_ATTRIBUTE_NORMAL,
} = NT_FILE;
const status = (name: string) => NT_STATUS[name][0];
const dos = new Map(Object.values(NT_STATUS).map(([s, e]) => [s, e]));

interface Script {
  /** NtCreateFile's status (0: success). */
  open?: number;
  /** NtSetInformationFile's status, by class (default 0). */
  set?: Record<number, number>;
  /** FileAttributes (and the reparse tag) the queries report. */
  attrs?: number;
  tag?: number;
  /** GetFileInformationByHandleEx fails with this error, by class. */
  getError?: Record<number, number>;
  /** SetFileInformationByHandle fails with this error. */
  setError?: number;
  /** Listing chunks by class, handed out in turn (then ERROR_NO_MORE_FILES). */
  chunks?: number;
  /** Whether GetSystemTimePreciseAsFileTime exists. */
  preciseTime?: boolean;
}

interface Rec {
  fn: string;
  [k: string]: any;
}

/** Parameter counts of the declared symbols (the calls must match them). */
const ARITY: Record<string, number> = {};
for (
  const [k, d] of Object.entries({ ...KERNEL32_SYMBOLS, ...NTDLL_SYMBOLS })
) {
  ARITY[k] = d.parameters.length;
}

function standIns(script: Script = {}) {
  const log: Rec[] = [];
  let lastError = 0;
  let chunks = script.chunks ?? 0;
  const rec = (fn: string, args: unknown[], r: Rec) => {
    assertEquals(args.length, ARITY[fn], `${fn} arity`);
    log.push(r);
  };
  const s: Record<string, unknown> = {
    NtCreateFile(...a: any[]) {
      const oa = new DataView(a[2].buffer, a[2].byteOffset, 48);
      const us = Deno.UnsafePointer.create(oa.getBigUint64(16, true))!;
      const usv = new Deno.UnsafePointerView(us);
      const bytes = usv.getUint16(0);
      const buf = usv.getBigUint64(8);
      const name = bytes === 0 ? "" : String.fromCharCode(
        ...new Uint16Array(
          new Deno.UnsafePointerView(Deno.UnsafePointer.create(buf)!)
            .getArrayBuffer(bytes),
        ),
      );
      rec("NtCreateFile", a, {
        fn: "NtCreateFile",
        access: a[1],
        root: Number(oa.getBigInt64(8, true)),
        name,
        attributes: a[5],
        share: a[6],
        disposition: a[7],
        options: a[8],
        objAttrs: oa.getUint32(24, true),
      });
      const st = script.open ?? 0;
      if (st >= 0) {
        new DataView(a[0].buffer, a[0].byteOffset, 8).setBigInt64(
          0,
          HANDLE,
          true,
        );
      }
      return st;
    },
    RtlNtStatusToDosError(...a: any[]) {
      rec("RtlNtStatusToDosError", a, { fn: "RtlNtStatusToDosError" });
      return dos.get(a[0]) ?? 317;
    },
    NtSetInformationFile(...a: any[]) {
      const info = a[2] as Uint8Array;
      const v = new DataView(info.buffer, info.byteOffset);
      const r: Rec = {
        fn: "NtSetInformationFile",
        h: a[0],
        cls: a[4],
        length: a[3],
        flags: a[3] >= 4 ? v.getUint32(0, true) : v.getUint8(0),
      };
      if (a[3] >= 24) {
        r.root = Number(v.getBigInt64(8, true));
        r.nameBytes = v.getUint32(16, true);
      }
      rec("NtSetInformationFile", a, r);
      return script.set?.[a[4]] ?? 0;
    },
    GetFileInformationByHandleEx(...a: any[]) {
      const [h, cls, buf, size] = a;
      rec("GetFileInformationByHandleEx", a, {
        fn: "GetFileInformationByHandleEx",
        h,
        cls,
        size,
      });
      const e = script.getError?.[cls];
      if (e !== undefined) {
        lastError = e;
        return 0;
      }
      const v = new DataView(buf.buffer, buf.byteOffset);
      if (cls === FILE_INFO_CLASS.FileBasicInfo) {
        for (let i = 0; i < 32; i += 8) {
          v.setBigInt64(i, 1234567n + BigInt(i), true);
        }
        v.setUint32(32, script.attrs ?? 0x20, true);
      } else if (cls === FILE_INFO_CLASS.FileAttributeTagInfo) {
        v.setUint32(0, script.attrs ?? 0x20, true);
        v.setUint32(4, script.tag ?? 0, true);
      } else if (cls === 10 || cls === 14) {
        if (chunks === 0) {
          lastError = 18; // ERROR_NO_MORE_FILES
          return 0;
        }
        chunks--;
      } else throw new Error(`class ${cls}`);
      return 1;
    },
    SetFileInformationByHandle(...a: any[]) {
      const [h, cls, buf, size] = a;
      const v = new DataView(buf.buffer, buf.byteOffset);
      rec("SetFileInformationByHandle", a, {
        fn: "SetFileInformationByHandle",
        h,
        cls,
        size,
        times: [0, 8, 16, 24].map((o) => v.getBigInt64(o, true)),
        attrs: v.getUint32(32, true),
      });
      if (script.setError !== undefined) {
        lastError = script.setError;
        return 0;
      }
      return 1;
    },
    GetSystemTimePreciseAsFileTime: script.preciseTime === false
      ? null
      : (...a: any[]) => {
        rec("GetSystemTimePreciseAsFileTime", a, {
          fn: "GetSystemTimePreciseAsFileTime",
        });
        new DataView(a[0].buffer, a[0].byteOffset).setBigInt64(
          0,
          133_000_000_000_000_000n,
          true,
        );
      },
    GetLastError(...a: any[]) {
      rec("GetLastError", a, { fn: "GetLastError" });
      return lastError;
    },
    CloseHandle(...a: any[]) {
      rec("CloseHandle", a, { fn: "CloseHandle", h: a[0] });
      lastError = 6; // a clean-up call must not change the result
      return 1;
    },
  };
  for (const [name, task] of Object.entries(T)) {
    s[name] = (env: unknown, ...args: any[]) => task(env, ...args);
  }
  const only = (fn: string) => log.filter((r) => r.fn === fn);
  return { s, log, only };
}

function wname(text: string): Uint16Array {
  const b = new Uint16Array(text.length + 1);
  for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
  return b;
}

const scratch = () => new Uint8Array(NT_SCRATCH.size).fill(0xee);

/** Runs a task on `name` under `root` with the given trailing arguments. */
function runOn(
  s: Record<string, unknown>,
  task: string,
  name: string,
  ...rest: unknown[]
): number {
  return T[task](s, ROOT, wname(name), name.length * 2, ...rest);
}

/** The one NtCreateFile call, checked for what every NT task shares. */
function opened(log: Rec[], name: string) {
  const opens = log.filter((r) => r.fn === "NtCreateFile");
  assertEquals(opens.length, 1, "one open");
  const o = opens[0];
  assertEquals(o.root, ROOT);
  assertEquals(o.name, name);
  assertEquals(o.share, FILE_SHARE_ALL);
  assertEquals(o.objAttrs, 0x40, "OBJ_CASE_INSENSITIVE");
  return o;
}

/** Every handle opened is closed once, after every other call on it. */
function closedOnce(log: Rec[]) {
  const closes = log.filter((r) => r.fn === "CloseHandle");
  assertEquals(closes.map((c) => c.h), [HANDLE]);
  assertEquals(log[log.length - 1].fn, "CloseHandle");
}

Deno.test("nt tasks: mkdir is FILE_CREATE of a directory, then closed", () => {
  const { s, log } = standIns();
  assertEquals(runOn(s, "winMkdirAt", "a\\new", scratch()), 0);
  const o = opened(log, "a\\new");
  assertEquals(o.access, FILE_LIST_DIRECTORY | SYNCHRONIZE);
  assertEquals(o.disposition, FILE_CREATE);
  assertEquals(o.options, FILE_DIRECTORY_FILE | SYNC_IO | BACKUP);
  assertEquals(o.attributes, FILE_ATTRIBUTE_NORMAL);
  closedOnce(log);
  // Exists: STATUS_OBJECT_NAME_COLLISION, nothing to close.
  const e = standIns({ open: status("OBJECT_NAME_COLLISION") });
  assertEquals(runOn(e.s, "winMkdirAt", "x", scratch()), -ERROR.ALREADY_EXISTS);
  assertEquals(e.only("CloseHandle").length, 0);
});

Deno.test("nt tasks: unlink/rmdir open for DELETE, the link itself, then DispositionEx POSIX", () => {
  for (const dir of [0, 1]) {
    const { s, log, only } = standIns();
    assertEquals(runOn(s, "winUnlinkAt", "f", dir, 0, scratch()), 0);
    const o = opened(log, "f");
    assertEquals(o.access, DELETE | FILE_READ_ATTRIBUTES | SYNCHRONIZE);
    assertEquals(o.disposition, FILE_OPEN);
    assertEquals(
      o.options,
      REPARSE_POINT | BACKUP | SYNC_IO | (dir ? FILE_DIRECTORY_FILE : 0),
    );
    // unlink reads the attributes and tag first (a directory is refused).
    assertEquals(
      only("GetFileInformationByHandleEx").map((r) => r.cls),
      dir ? [] : [FILE_INFO_CLASS.FileAttributeTagInfo],
    );
    const sets = only("NtSetInformationFile");
    assertEquals(sets.map((r) => [r.cls, r.length, r.flags, r.h]), [[
      NT_INFO_CLASS.FileDispositionInformationEx,
      4,
      NT_FLAG.DISPOSITION_DELETE | NT_FLAG.DISPOSITION_POSIX_SEMANTICS,
      HANDLE,
    ]]);
    closedOnce(log);
  }
});

Deno.test("nt tasks: unlink falls back to FileDispositionInformation only when …Ex is unknown, or forced", () => {
  const cases: [string, Script, number, number[], number][] = [
    ["Ex ok", {}, 0, [64], 0],
    ["forced", {}, 1, [13], 0],
    [
      "INVALID_INFO_CLASS",
      { set: { 64: status("INVALID_INFO_CLASS") } },
      0,
      [64, 13],
      0,
    ],
    ["INVALID_PARAMETER", { set: { 64: status("INVALID_PARAMETER") } }, 0, [
      64,
      13,
    ], 0],
    ["NOT_SUPPORTED", { set: { 64: status("NOT_SUPPORTED") } }, 0, [64, 13], 0],
    // A real refusal stands: read-only (Python: PermissionError).
    ["CANNOT_DELETE", { set: { 64: status("CANNOT_DELETE") } }, 0, [64], -5],
    [
      "DIRECTORY_NOT_EMPTY",
      {
        set: { 64: status("DIRECTORY_NOT_EMPTY") },
      },
      0,
      [64],
      -145,
    ],
    [
      "fallback fails",
      {
        set: {
          64: status("INVALID_INFO_CLASS"),
          13: status("CANNOT_DELETE"),
        },
      },
      0,
      [64, 13],
      -5,
    ],
  ];
  for (const [what, script, fallback, classes, want] of cases) {
    for (const dir of [0, 1]) {
      const { s, log, only } = standIns(script);
      assertEquals(
        runOn(s, "winUnlinkAt", "f", dir, fallback, scratch()),
        want,
        what,
      );
      const sets = only("NtSetInformationFile");
      assertEquals(sets.map((r) => r.cls), classes, what);
      const plain = sets.find((r) => r.cls === 13);
      if (plain) {
        assertEquals([plain.length, plain.flags], [1, 1], "DeleteFile");
      }
      closedOnce(log);
    }
  }
});

Deno.test("nt tasks: unlink refuses a directory that is not a link, as DeleteFileW does", () => {
  const { DIRECTORY, REPARSE_POINT: RP } = FILE_ATTRIBUTE;
  const cases: [number, number][] = [
    [0x20, 0],
    [DIRECTORY, 0],
    [DIRECTORY | RP, IO_REPARSE_TAG.SYMLINK],
    [DIRECTORY | RP, IO_REPARSE_TAG.MOUNT_POINT],
    [RP, IO_REPARSE_TAG.SYMLINK],
  ];
  for (const [attrs, tag] of cases) {
    const { s, log, only } = standIns({ attrs, tag });
    const refused = unlinkRefuses(attrs, tag);
    assertEquals(
      runOn(s, "winUnlinkAt", "d", 0, 0, scratch()),
      refused ? -ERROR.ACCESS_DENIED : 0,
      `${attrs} ${tag}`,
    );
    assertEquals(only("NtSetInformationFile").length, refused ? 0 : 1);
    closedOnce(log);
  }
  // A failing query: its error, read before the handle is closed.
  const q = standIns({ getError: { 9: 1 } });
  assertEquals(runOn(q.s, "winUnlinkAt", "f", 0, 0, scratch()), -1);
  closedOnce(q.log);
  // A failing open: nothing to close.
  const n = standIns({ open: status("OBJECT_NAME_NOT_FOUND") });
  assertEquals(runOn(n.s, "winUnlinkAt", "f", 0, 0, scratch()), -2);
  assertEquals(n.only("CloseHandle").length, 0);
});

Deno.test("nt tasks: rename/replace open the source for DELETE and set FileRenameInformation(Ex)", () => {
  const info = () => fileNameInformation(0x99, "dst\\new");
  // mode: bit 1 replace, bit 2 forced fallback.
  const cases: [string, number, Script, [number, number][], number][] = [
    ["rename", 0, {}, [[65, NT_FLAG.RENAME_POSIX_SEMANTICS]], 0],
    ["replace", 1, {}, [[
      65,
      NT_FLAG.RENAME_POSIX_SEMANTICS | NT_FLAG.RENAME_REPLACE_IF_EXISTS,
    ]], 0],
    ["rename forced", 2, {}, [[10, 0]], 0],
    ["replace forced", 3, {}, [[10, 1]], 0],
    ["rename Ex unknown", 0, { set: { 65: status("INVALID_INFO_CLASS") } }, [
      [65, 2],
      [10, 0],
    ], 0],
    [
      "replace Ex refused flags",
      1,
      {
        set: { 65: status("INVALID_PARAMETER") },
      },
      [[65, 3], [10, 1]],
      0,
    ],
    [
      "rename onto an existing file",
      0,
      {
        set: { 65: status("OBJECT_NAME_COLLISION") },
      },
      [[65, 2]],
      -ERROR.ALREADY_EXISTS,
    ],
    ["replace across volumes", 1, { set: { 65: status("NOT_SAME_DEVICE") } }, [
      [65, 3],
    ], -17],
    [
      "rename, plain collision",
      2,
      {
        set: { 10: status("OBJECT_NAME_COLLISION") },
      },
      [[10, 0]],
      -ERROR.ALREADY_EXISTS,
    ],
  ];
  for (const [what, mode, script, sets, want] of cases) {
    const { s, log, only } = standIns(script);
    const i = info();
    assertEquals(
      runOn(s, "winRenameAt", "src", i, mode, scratch()),
      want,
      what,
    );
    const o = opened(log, "src");
    assertEquals(o.access, DELETE | FILE_READ_ATTRIBUTES | SYNCHRONIZE, what);
    assertEquals(o.disposition, FILE_OPEN);
    assertEquals(o.options, REPARSE_POINT | BACKUP | SYNC_IO, what);
    const got = only("NtSetInformationFile");
    assertEquals(got.map((r) => [r.cls, r.flags]), sets, what);
    for (const r of got) {
      assertEquals(r.length, 24 + "dst\\new".length * 2, `${what}: 24 + n`);
      assertEquals([r.root, r.nameBytes], [0x99, 14], what);
      assertEquals(r.h, HANDLE);
    }
    closedOnce(log);
  }
});

Deno.test("nt tasks: link opens the source for FILE_WRITE_ATTRIBUTES and sets FileLinkInformation", () => {
  for (const follow of [1, 0]) {
    const { s, log, only } = standIns();
    const info = fileNameInformation(0, "\\??\\C:\\d\\hard");
    info[0] = 0xff; // ReplaceIfExists must be written as FALSE
    assertEquals(runOn(s, "winLinkAt", "f", follow, info, scratch()), 0);
    const o = opened(log, "f");
    assertEquals(o.access, FILE_WRITE_ATTRIBUTES | SYNCHRONIZE);
    assertEquals(
      o.options,
      BACKUP | SYNC_IO | (follow ? 0 : REPARSE_POINT),
      `follow ${follow}`,
    );
    const [set] = only("NtSetInformationFile");
    assertEquals(
      [set.cls, set.flags, set.length, set.root],
      [
        NT_INFO_CLASS.FileLinkInformation,
        0,
        24 + "\\??\\C:\\d\\hard".length * 2,
        0,
      ],
    );
    closedOnce(log);
  }
  const e = standIns({ set: { 11: status("OBJECT_NAME_COLLISION") } });
  assertEquals(
    runOn(e.s, "winLinkAt", "f", 1, fileNameInformation(ROOT, "g"), scratch()),
    -ERROR.ALREADY_EXISTS,
  );
  closedOnce(e.log);
});

Deno.test("nt tasks: chmod reads FILE_BASIC_INFO and writes only the attributes, only on a change", () => {
  const { READONLY } = FILE_ATTRIBUTE;
  for (const attrs of [0x20, 0x20 | READONLY, READONLY, 0x10]) {
    for (const mode of [0o444, 0o666, 0o200, 0o400]) {
      for (const follow of [1, 0]) {
        const { s, log, only } = standIns({ attrs });
        assertEquals(runOn(s, "winChmodAt", "f", follow, mode, scratch()), 0);
        const o = opened(log, "f");
        assertEquals(
          o.access,
          FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES | SYNCHRONIZE,
        );
        assertEquals(
          o.options,
          BACKUP | SYNC_IO | (follow ? 0 : REPARSE_POINT),
        );
        assertEquals(
          only("GetFileInformationByHandleEx").map((r) => [r.cls, r.size]),
          [[FILE_INFO_CLASS.FileBasicInfo, 40]],
        );
        const want = chmodAttributes(attrs, mode);
        const sets = only("SetFileInformationByHandle");
        if (want === -1) assertEquals(sets.length, 0, "unchanged: no write");
        else {
          assertEquals(sets.length, 1);
          assertEquals(sets[0].cls, FILE_INFO_CLASS.FileBasicInfo);
          assertEquals(sets[0].size, 40);
          assertEquals(sets[0].times, [0n, 0n, 0n, 0n], "times unchanged");
          assertEquals(sets[0].attrs, want);
        }
        closedOnce(log);
      }
    }
  }
  // fchmod: the same on the caller's handle, which stays open.
  const f = standIns({ attrs: 0x20 });
  assertEquals(T.winFchmod(f.s, 0x77, 0o444, scratch()), 0);
  assertEquals(f.only("SetFileInformationByHandle")[0].h, 0x77n);
  assertEquals(f.only("CloseHandle").length, 0);
  assertEquals(f.only("NtCreateFile").length, 0);
  // Failures: the query's or the write's error, read before any close.
  const q = standIns({ getError: { 0: 5 } });
  assertEquals(runOn(q.s, "winChmodAt", "f", 1, 0o444, scratch()), -5);
  closedOnce(q.log);
  const w = standIns({ setError: 19 });
  assertEquals(runOn(w.s, "winChmodAt", "f", 1, 0o444, scratch()), -19);
  closedOnce(w.log);
});

Deno.test("nt tasks: utime sets access and write times, keeps the attributes read from the same handle", () => {
  const times = {
    atimeSec: 1n,
    atimeNsec: 234567800,
    mtimeSec: 1_000_000_000n,
    mtimeNsec: 100,
  };
  for (const follow of [1, 0]) {
    for (const attrs of [0x20, 0x21, 0x10]) {
      const { s, log, only } = standIns({ attrs });
      const t = utimeTicks(times) as Uint8Array;
      assertEquals(runOn(s, "winUtimeAt", "f", follow, t, scratch()), 0);
      const o = opened(log, "f");
      assertEquals(
        o.access,
        FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES | SYNCHRONIZE,
      );
      assertEquals(o.options, BACKUP | SYNC_IO | (follow ? 0 : REPARSE_POINT));
      const [set] = only("SetFileInformationByHandle");
      assertEquals(set.cls, FILE_INFO_CLASS.FileBasicInfo);
      assertEquals(set.times, [
        0n,
        116444736012345678n,
        126444736000000001n,
        0n,
      ]);
      assertEquals(set.attrs, attrs, "read back, never 0");
      assertEquals(only("GetSystemTimePreciseAsFileTime").length, 0);
      closedOnce(log);
    }
  }
  // Now: GetSystemTimePreciseAsFileTime, both times the same.
  const now = standIns();
  assertEquals(
    runOn(now.s, "winUtimeAt", "f", 1, utimeTicks(null), scratch()),
    0,
  );
  assertEquals(now.only("GetSystemTimePreciseAsFileTime").length, 1);
  const [set] = now.only("SetFileInformationByHandle");
  assertEquals(set.times, [
    0n,
    133_000_000_000_000_000n,
    133_000_000_000_000_000n,
    0n,
  ]);
  // Without it (before Windows 8): ERROR_CALL_NOT_IMPLEMENTED, closed.
  const old = standIns({ preciseTime: false });
  assertEquals(
    runOn(old.s, "winUtimeAt", "f", 1, utimeTicks(null), scratch()),
    -ERROR.CALL_NOT_IMPLEMENTED,
  );
  closedOnce(old.log);
  // futimes: the caller's handle, not closed.
  const f = standIns();
  assertEquals(
    T.winFutimes(f.s, 0x78, utimeTicks(times) as Uint8Array, scratch()),
    0,
  );
  assertEquals(f.only("SetFileInformationByHandle")[0].h, 0x78n);
  assertEquals(f.only("CloseHandle").length, 0);
});

Deno.test("nt tasks: access opens for FILE_READ_ATTRIBUTES only and answers by Python's rule", () => {
  for (const attrs of [0x20, 0x21, 0x11, 0x10]) {
    for (const mode of [0, 2, 4, 7]) {
      const { s, log } = standIns({ attrs });
      assertEquals(
        runOn(s, "winAccessAt", "f", 1, mode, scratch()),
        accessAllowed(attrs, mode) ? 0 : -ERROR.ACCESS_DENIED,
      );
      const o = opened(log, "f");
      assertEquals(o.access, FILE_READ_ATTRIBUTES | SYNCHRONIZE);
      assertEquals(o.options, BACKUP | SYNC_IO);
      closedOnce(log);
    }
  }
  const missing = standIns({ open: status("OBJECT_NAME_NOT_FOUND") });
  assertEquals(runOn(missing.s, "winAccessAt", "f", 0, 0, scratch()), -2);
  assertEquals(
    missing.only("NtCreateFile")[0].options & REPARSE_POINT,
    REPARSE_POINT,
  );
});

Deno.test("nt tasks: dupDir reopens the handle with an empty name for listing", () => {
  const { s, log } = standIns();
  assertEquals(T.winDupDir(s, ROOT, scratch()), Number(HANDLE));
  const o = opened(log, "");
  assertEquals(
    o.access,
    FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
  );
  assertEquals(o.disposition, FILE_OPEN);
  assertEquals(o.options, FILE_DIRECTORY_FILE | SYNC_IO | BACKUP);
  const file = standIns({ open: status("NOT_A_DIRECTORY") });
  assertEquals(T.winDupDir(file.s, ROOT, scratch()), -ERROR.DIRECTORY);
});

Deno.test("nt tasks: readDirChunk reads FileIdBothDirectoryInfo, falls back to FileFullDirectoryInfo", () => {
  const buf = new Uint8Array(DIR_CHUNK_BYTES);
  const { IdBoth, Full } = {
    IdBoth: DIR_INFO_CLASS.FileIdBothDirectoryInfo,
    Full: DIR_INFO_CLASS.FileFullDirectoryInfo,
  };
  const cases: [string, Script, number, number, number[]][] = [
    ["a chunk", { chunks: 1 }, 0, IdBoth, [IdBoth]],
    ["the end", { chunks: 0 }, 0, 0, [IdBoth]],
    ["no file ids", { chunks: 1, getError: { 10: 87 } }, 0, Full, [
      IdBoth,
      Full,
    ]],
    ["forced", { chunks: 1 }, 4, Full, [Full]],
    ["empty volume root", { getError: { 10: 2 } }, 0, 0, [IdBoth]],
    ["an error", { getError: { 10: 5 } }, 0, -5, [IdBoth]],
    ["fallback error", { getError: { 10: 87, 14: 87 } }, 0, -87, [
      IdBoth,
      Full,
    ]],
  ];
  for (const [what, script, fallback, want, classes] of cases) {
    const { s, only } = standIns(script);
    assertEquals(T.winReadDirChunk(s, 0x55, fallback, buf), want, what);
    const q = only("GetFileInformationByHandleEx");
    assertEquals(q.map((r) => r.cls), classes, what);
    for (const r of q) {
      assertEquals([r.h, r.size], [0x55n, 65536], what);
    }
    assertEquals(only("CloseHandle").length, 0, "the listing's handle stays");
  }
});

Deno.test("nt tasks: winNtOpen without NtCreateFile, winSetInfo without NtSetInformationFile", () => {
  const { s } = standIns();
  s.NtCreateFile = null;
  assertEquals(runOn(s, "winMkdirAt", "x", scratch()), -ERROR.NOT_SUPPORTED);
  const t = standIns();
  t.s.NtSetInformationFile = null;
  assertEquals(
    runOn(t.s, "winUnlinkAt", "x", 1, 0, scratch()),
    -1, // STATUS_NOT_IMPLEMENTED → ERROR_INVALID_FUNCTION
  );
  closedOnce(t.log);
  assert(NT_SCRATCH.size % 8 === 0 && NT_SCRATCH.tag + 8 <= NT_SCRATCH.size);
});
