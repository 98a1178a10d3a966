// Copyright 2026 the dirfd authors. MIT license.
// The pure parts of the Windows family primitives (mkdir, unlink/rmdir,
// rename/replace, link, chmod, utime, access, readDir), table-driven; runs
// on every OS. The tasks that use them: windows_nt_tasks_test.ts.
import { assertEquals, assertThrows } from "@std/assert";
import {
  accessAllowed,
  chmodAttributes,
  decodeDirChunk,
  DIR_INFO_CLASS,
  entryKind,
  ERROR,
  exFallsBack,
  FILE_ATTRIBUTE,
  FILE_NAME_INFO_HEADER,
  fileNameInformation,
  filetimeToUnix,
  IO_REPARSE_TAG,
  MAX_NT_NAME,
  NT_STATUS,
  ntAbsoluteName,
  unixToFiletime,
  unlinkRefuses,
  utimeTicks,
  WINDOWS_ERROR_NAMES,
} from "../ffi/_windows_logic.ts";
import { ntRoute } from "../ffi/windows.ts";
import { windowsErrorClassFor } from "../ffi/_error_classes.ts";
import { KIND } from "../ffi/_types.ts";

const RO = FILE_ATTRIBUTE.READONLY;
const DIRA = FILE_ATTRIBUTE.DIRECTORY;
const REPARSE = FILE_ATTRIBUTE.REPARSE_POINT;
const ARCHIVE = 0x20;
const NORMAL = 0x80;
const SYMLINK = IO_REPARSE_TAG.SYMLINK;
const JUNCTION = IO_REPARSE_TAG.MOUNT_POINT;

Deno.test("nt names: absolute Win32 paths become \\??\\ names", () => {
  const cases: [string, string | number][] = [
    ["C:\\Users\\x", "\\??\\C:\\Users\\x"],
    ["c:/a/b", "\\??\\c:\\a\\b"],
    ["C:\\", "\\??\\C:\\"],
    ["\\\\srv\\share\\f", "\\??\\UNC\\srv\\share\\f"],
    ["\\\\?\\C:\\long", "\\??\\C:\\long"],
    ["\\\\?\\UNC\\srv\\share", "\\??\\UNC\\srv\\share"],
    ["\\\\.\\PhysicalDrive0", "\\??\\PhysicalDrive0"],
    ["\\??\\C:\\kept", "\\??\\C:\\kept"],
    ["relative", -ERROR.INVALID_NAME],
    ["\\rooted", -ERROR.INVALID_NAME],
    ["C:drive-relative", -ERROR.INVALID_NAME],
    ["", -ERROR.INVALID_NAME],
    ["C:\\" + "x".repeat(MAX_NT_NAME), -ERROR.FILENAME_EXCED_RANGE],
  ];
  for (const [full, want] of cases) {
    assertEquals(ntAbsoluteName(full), want, full.slice(0, 40));
  }
});

Deno.test("nt route: relative to the handle, else the full path's \\??\\ name", () => {
  const AT_FDCWD = -100;
  const full = (p: string) =>
    p === "bad"
      ? -ERROR.INVALID_NAME
      : /^(?:[A-Za-z]:|\\\\)/.test(p)
      ? p
      : `C:\\cwd\\${p.replaceAll("/", "\\")}`;
  const cases: [number, string, boolean, [number, string] | number][] = [
    [0x44, "a/b", false, [0x44, "a\\b"]],
    [0x44, "./a//b/", false, [0x44, "a\\b\\"]],
    [0x44, ".", true, [0x44, ""]], // chmod/utime/access of the dir itself
    [0x44, ".", false, -ERROR.INVALID_PARAMETER], // unlink/rename/link
    [0x44, "./", false, -ERROR.INVALID_PARAMETER],
    [0x44, "", true, -ERROR.FILE_NOT_FOUND],
    [0x44, "../x", true, -ERROR.CALL_NOT_IMPLEMENTED],
    [0x44, "C:\\abs", false, [0, "\\??\\C:\\abs"]], // dirFd ignored
    [0x44, "\\\\srv\\s\\f", false, [0, "\\??\\UNC\\srv\\s\\f"]],
    [AT_FDCWD, "a/b", false, [0, "\\??\\C:\\cwd\\a\\b"]],
    [AT_FDCWD, ".", false, [0, "\\??\\C:\\cwd\\."]],
    [AT_FDCWD, "", false, -ERROR.FILE_NOT_FOUND],
    [AT_FDCWD, "bad", false, -ERROR.INVALID_NAME],
  ];
  for (const [dirfd, p, self, want] of cases) {
    assertEquals(
      ntRoute(dirfd, p, self, AT_FDCWD, full),
      want,
      `${dirfd} ${p} ${self}`,
    );
  }
});

Deno.test("FILE_RENAME/LINK_INFORMATION: 24 + name bytes, root @8, length @16, name @20", () => {
  for (
    const [root, name] of [
      [0x1234, "b"],
      [0, "\\??\\C:\\dir\\new name"],
      [0x7fff_0000_0000, "ünï\u{1F600}"],
    ] as const
  ) {
    const buf = fileNameInformation(root, name);
    const v = new DataView(buf.buffer);
    assertEquals(FILE_NAME_INFO_HEADER, 24);
    assertEquals(buf.byteLength, 24 + name.length * 2 + 2, "with a NUL");
    assertEquals(v.getUint32(0, true), 0, "flags: the task's");
    assertEquals(v.getUint32(4, true), 0, "padding");
    assertEquals(v.getBigInt64(8, true), BigInt(root), "RootDirectory");
    assertEquals(v.getUint32(16, true), name.length * 2, "FileNameLength");
    let got = "";
    for (let i = 0; i < name.length; i++) {
      got += String.fromCharCode(v.getUint16(20 + 2 * i, true));
    }
    assertEquals(got, name);
    assertEquals(v.getUint16(20 + name.length * 2, true), 0, "NUL");
  }
});

Deno.test("FILETIME: Unix (s, ns) to 100 ns ticks since 1601, and back", () => {
  const cases: [bigint, number, bigint | number][] = [
    [0n, 0, 116444736000000000n],
    [1n, 234567800, 116444736012345678n],
    [1n, 234567899, 116444736012345678n], // truncated to 100 ns
    [1_700_000_000n, 999_999_999, 133444736009999999n],
    [-11644473600n, 100, 1n], // the first tick after 1601
    [-11644473600n, 0, -ERROR.INVALID_PARAMETER], // 0: "unchanged"
    [-11644473601n, 999_999_900, -ERROR.INVALID_PARAMETER], // -1: "freeze"
    [-20000000000n, 0, -ERROR.INVALID_PARAMETER], // before 1601
    [1n << 62n, 0, -ERROR.INVALID_PARAMETER], // past FILETIME's range
  ];
  for (const [s, ns, want] of cases) {
    const got = unixToFiletime(s, ns);
    assertEquals(got, want, `${s} s ${ns} ns`);
    if (typeof got === "bigint") {
      const [sec, nsec] = filetimeToUnix(
        Number(got & 0xffffffffn),
        Number(got >> 32n),
      );
      assertEquals([sec, nsec], [Number(s), ns - (ns % 100)], "round trip");
    }
  }
});

Deno.test("utime ticks: two FILETIMEs, zeros for now, an error for a bad time", () => {
  assertEquals(utimeTicks(null), new Uint8Array(16));
  const t = utimeTicks({
    atimeSec: 1n,
    atimeNsec: 234567800,
    mtimeSec: 0n,
    mtimeNsec: 100,
  });
  if (typeof t === "number") throw new Error("a time");
  const v = new DataView(t.buffer);
  assertEquals(v.getBigInt64(0, true), 116444736012345678n);
  assertEquals(v.getBigInt64(8, true), 116444736000000001n);
  const bad = { atimeSec: 0n, atimeNsec: 0, mtimeSec: 0n, mtimeNsec: 0 };
  assertEquals(
    utimeTicks({ ...bad, atimeSec: -11644473600n }),
    -ERROR.INVALID_PARAMETER,
  );
  assertEquals(
    utimeTicks({ ...bad, mtimeSec: -11644473601n, mtimeNsec: 999_999_900 }),
    -ERROR.INVALID_PARAMETER,
  );
});

Deno.test("chmod attributes: read-only from the owner's write bit, NORMAL for 0, -1 when unchanged", () => {
  const cases: [number, number, number][] = [
    [ARCHIVE, 0o444, ARCHIVE | RO],
    [ARCHIVE | RO, 0o666, ARCHIVE],
    [ARCHIVE | RO, 0o444, -1],
    [ARCHIVE, 0o200, -1],
    [ARCHIVE, 0o600, -1],
    [ARCHIVE, 0o577, ARCHIVE | RO], // group/other write bits do not count
    [RO, 0o200, NORMAL], // 0 would mean "unchanged"
    [NORMAL, 0o400, NORMAL | RO],
    [DIRA, 0o555, DIRA | RO],
    [DIRA | RO, 0o755, DIRA],
    [0x80000000 | ARCHIVE, 0o444, (0x80000000 | ARCHIVE | RO) >>> 0],
  ];
  for (const [attrs, mode, want] of cases) {
    assertEquals(
      chmodAttributes(attrs, mode),
      want,
      `${attrs.toString(16)} ${mode.toString(8)}`,
    );
  }
});

Deno.test("access: Python's rule on Windows (only W_OK on a read-only non-directory fails)", () => {
  const cases: [number, number, boolean][] = [
    [ARCHIVE, 0, true],
    [ARCHIVE, 2, true],
    [ARCHIVE | RO, 0, true],
    [ARCHIVE | RO, 4, true],
    [ARCHIVE | RO, 1, true],
    [ARCHIVE | RO, 2, false],
    [ARCHIVE | RO, 7, false],
    [DIRA | RO, 2, true],
    [DIRA, 7, true],
  ];
  for (const [attrs, mode, want] of cases) {
    assertEquals(accessAllowed(attrs, mode), want, `${attrs} ${mode}`);
  }
});

Deno.test("unlink: a directory is refused unless it is a symlink or junction", () => {
  const cases: [number, number, boolean][] = [
    [ARCHIVE, 0, false],
    [ARCHIVE | RO, 0, false],
    [REPARSE, SYMLINK, false], // a file symlink
    [DIRA, 0, true],
    [DIRA | REPARSE, SYMLINK, false], // a directory symlink: removed
    [DIRA | REPARSE, JUNCTION, false], // a junction: removed
    [DIRA | REPARSE, 0x80000023, true], // other tags (e.g. a mounted volume's)
  ];
  for (const [attrs, tag, want] of cases) {
    assertEquals(unlinkRefuses(attrs, tag), want, `${attrs} ${tag}`);
  }
});

Deno.test("entry kinds from attributes and reparse tags (Python's DirEntry rules)", () => {
  const cases: [number, number, number][] = [
    [ARCHIVE, 0, KIND.FILE],
    [NORMAL, 0, KIND.FILE],
    [DIRA, 0, KIND.DIR],
    [REPARSE, SYMLINK, KIND.SYMLINK],
    [DIRA | REPARSE, SYMLINK, KIND.SYMLINK],
    [DIRA | REPARSE, JUNCTION, KIND.DIR], // is_dir(), like Python
    [REPARSE, 0x80000017, KIND.FILE], // another tag (e.g. WOF)
    [ARCHIVE, SYMLINK, KIND.FILE], // EaSize without the attribute
  ];
  for (const [attrs, tag, want] of cases) {
    assertEquals(entryKind(attrs, tag), want, `${attrs} ${tag}`);
  }
});

/** One listing entry, laid out as class `cls` lays it out. */
interface Entry {
  name: string;
  attrs: number;
  tag?: number;
}

/** Encodes entries as GetFileInformationByHandleEx returns them. */
export function encodeDirChunk(cls: number, entries: Entry[]): Uint8Array {
  const nameAt = cls === DIR_INFO_CLASS.FileIdBothDirectoryInfo ? 104 : 68;
  const sizes = entries.map((e) => (nameAt + e.name.length * 2 + 7) & ~7);
  const out = new Uint8Array(sizes.reduce((a, b) => a + b, 0) + 16);
  const v = new DataView(out.buffer);
  let o = 0;
  entries.forEach((e, i) => {
    v.setUint32(o, i === entries.length - 1 ? 0 : sizes[i], true);
    v.setUint32(o + 56, e.attrs, true);
    v.setUint32(o + 60, e.name.length * 2, true);
    v.setUint32(o + 64, e.tag ?? 0, true);
    for (let k = 0; k < e.name.length; k++) {
      v.setUint16(o + nameAt + 2 * k, e.name.charCodeAt(k), true);
    }
    o += sizes[i];
  });
  return out;
}

Deno.test("listing chunks decode in both classes, without . and ..", () => {
  const entries: Entry[] = [
    { name: ".", attrs: DIRA },
    { name: "..", attrs: DIRA },
    { name: "file.txt", attrs: ARCHIVE },
    { name: "sub", attrs: DIRA },
    { name: "link", attrs: REPARSE, tag: SYMLINK },
    { name: "junction", attrs: DIRA | REPARSE, tag: JUNCTION },
    { name: "ünïcødé \u{1F600}", attrs: ARCHIVE | RO },
    { name: "bad\uD800x", attrs: ARCHIVE },
    { name: "x".repeat(255), attrs: ARCHIVE },
  ];
  for (
    const cls of [
      DIR_INFO_CLASS.FileIdBothDirectoryInfo,
      DIR_INFO_CLASS.FileFullDirectoryInfo,
    ]
  ) {
    const buf = encodeDirChunk(cls, entries);
    const out = { count: 99, names: [] as string[], kinds: [] as number[] };
    const used = decodeDirChunk(buf, cls, out);
    assertEquals(used > 0 && used <= buf.byteLength, true, `used ${used}`);
    assertEquals(out.count, 7);
    assertEquals(out.names.slice(0, 7), [
      "file.txt",
      "sub",
      "link",
      "junction",
      "ünïcødé \u{1F600}",
      "bad\uFFFDx",
      "x".repeat(255),
    ]);
    assertEquals(out.kinds.slice(0, 7), [
      KIND.FILE,
      KIND.DIR,
      KIND.SYMLINK,
      KIND.DIR,
      KIND.FILE,
      KIND.BAD_NAME,
      KIND.FILE,
    ]);
    // Only . and ..: no entries, but not the end.
    const dots = encodeDirChunk(cls, entries.slice(0, 2));
    assertEquals(decodeDirChunk(dots, cls, out) > 0, true);
    assertEquals(out.count, 0);
  }
  // A malformed buffer is an error, never a read past its end.
  const out = { count: 0, names: [] as string[], kinds: [] as number[] };
  const one = encodeDirChunk(10, [{ name: "abc", attrs: ARCHIVE }]);
  new DataView(one.buffer).setUint32(60, 1 << 20, true);
  assertEquals(decodeDirChunk(one, 10, out), -ERROR.INVALID_PARAMETER);
  const next = encodeDirChunk(10, [{ name: "abc", attrs: ARCHIVE }]);
  new DataView(next.buffer).setUint32(0, 1 << 20, true);
  assertEquals(decodeDirChunk(next, 10, out), -ERROR.INVALID_PARAMETER);
  assertEquals(decodeDirChunk(one, 37, out), -ERROR.INVALID_PARAMETER);
});

Deno.test("…InformationEx falls back only when the class or its flags are unknown", () => {
  const falls = ["INVALID_INFO_CLASS", "INVALID_PARAMETER", "NOT_SUPPORTED"];
  for (const [name, [status]] of Object.entries(NT_STATUS)) {
    assertEquals(exFallsBack(status), falls.includes(name), name);
  }
  assertEquals(exFallsBack(0), false);
});

Deno.test("NTSTATUS → Windows error → Deno class and code, for what these calls return", () => {
  // name: [Deno class, err.code]; Python's class in the comment.
  const want: Record<string, [string, string | undefined]> = {
    NOT_IMPLEMENTED: ["Error", "EISDIR"], // OSError (1, ERROR_INVALID_FUNCTION)
    INVALID_INFO_CLASS: ["TypeError", "EINVAL"], // OSError
    INVALID_PARAMETER: ["TypeError", "EINVAL"], // OSError
    ACCESS_DENIED: ["PermissionDenied", "EPERM"], // PermissionError
    OBJECT_NAME_INVALID: ["Error", "ENOENT"], // OSError (123)
    OBJECT_NAME_NOT_FOUND: ["NotFound", "ENOENT"], // FileNotFoundError
    OBJECT_NAME_COLLISION: ["AlreadyExists", "EEXIST"], // FileExistsError
    OBJECT_PATH_NOT_FOUND: ["NotFound", "ENOENT"], // FileNotFoundError
    SHARING_VIOLATION: ["Error", "EBUSY"], // PermissionError (32)
    DELETE_PENDING: ["PermissionDenied", "EPERM"], // PermissionError
    FILE_IS_A_DIRECTORY: ["PermissionDenied", "EPERM"], // PermissionError
    NOT_SUPPORTED: ["Error", "ENOTSUP"], // OSError (50)
    NOT_SAME_DEVICE: ["Error", "EXDEV"], // OSError (17)
    DIRECTORY_NOT_EMPTY: ["Error", "ENOTEMPTY"], // OSError (145)
    NOT_A_DIRECTORY: ["NotADirectory", "ENOENT"], // NotADirectoryError
    CANNOT_DELETE: ["PermissionDenied", "EPERM"], // PermissionError
    NO_MORE_FILES: ["Error", undefined], // the end of a listing, not an error
  };
  assertEquals(Object.keys(want).sort(), Object.keys(NT_STATUS).sort());
  for (const [name, [status, error]] of Object.entries(NT_STATUS)) {
    assertEquals(status < 0, true, `${name}: negative as an i32`);
    const [cls, code] = want[name];
    assertEquals(windowsErrorClassFor(error).name, cls, name);
    assertEquals(WINDOWS_ERROR_NAMES[error], code, name);
  }
  assertThrows(() => {
    throw new (windowsErrorClassFor(183))("x");
  }, Deno.errors.AlreadyExists);
});
