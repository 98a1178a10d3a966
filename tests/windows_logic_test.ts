// Copyright 2026 the dirfd authors. MIT license.
// The Windows backend's pure decisions, table-driven; runs on every OS.
import { assertEquals } from "@std/assert";
import {
  addVerbatimPrefix,
  createSymlinkWithRetry,
  decodeReparseTarget,
  decodeWindowsStat,
  encodeSymlinkReparse,
  ERROR,
  FILE_ATTRIBUTE,
  filetimeToUnix,
  formatOsError,
  INVALID_FILE_ATTRIBUTES,
  IO_REPARSE_TAG,
  isAbsoluteWindows,
  isDirFdRelative,
  linkTargetProbePath,
  needsLongPath,
  ntRelativeName,
  stripVerbatim,
  SYMBOLIC_LINK_FLAG,
  symlinkTypeFlag,
  WINDOWS_ERROR_NAMES,
  windowsDirname,
  WindowsStatResult,
} from "../ffi/_windows_logic.ts";
import { windowsErrorClassFor } from "../ffi/_error_classes.ts";

const DIR = SYMBOLIC_LINK_FLAG.DIRECTORY;
const UNPRIV = SYMBOLIC_LINK_FLAG.ALLOW_UNPRIVILEGED_CREATE;

Deno.test("link type: an existing target decides, else targetIsDirectory", () => {
  const cases: [number, boolean, number][] = [
    [FILE_ATTRIBUTE.DIRECTORY, false, DIR],
    [FILE_ATTRIBUTE.DIRECTORY, true, DIR],
    [FILE_ATTRIBUTE.DIRECTORY | FILE_ATTRIBUTE.READONLY, false, DIR],
    [0x20, /* ARCHIVE */ true, 0], // a file stays a file link
    [0x80, /* NORMAL */ false, 0],
    [INVALID_FILE_ATTRIBUTES, false, 0], // missing: default file link
    [INVALID_FILE_ATTRIBUTES, true, DIR],
  ];
  for (const [attrs, isDir, want] of cases) {
    assertEquals(symlinkTypeFlag(attrs, isDir), want, `${attrs} ${isDir}`);
  }
});

Deno.test("link type probe: relative targets resolve against the link's directory", () => {
  const cases: [string, string, string][] = [
    ["f.txt", "C:\\a\\b\\link", "C:\\a\\b\\f.txt"],
    ["..\\x", "C:\\a\\b\\link", "C:\\a\\b\\..\\x"],
    ["sub/x", "C:/a/link", "C:\\a\\sub\\x"],
    ["f", "link", "f"], // the link's directory is the cwd
    ["f", "rel\\dir\\link", "rel\\dir\\f"],
    ["D:\\abs", "C:\\a\\link", "D:\\abs"],
    ["\\\\srv\\share\\x", "C:\\a\\link", "\\\\srv\\share\\x"],
    ["\\rooted", "C:\\a\\link", "C:\\rooted"],
    ["\\rooted", "\\\\srv\\share\\d\\link", "\\\\srv\\share\\rooted"],
    ["x", "C:\\link", "C:\\x"],
    ["x", "\\\\srv\\share\\link", "\\\\srv\\share\\x"],
    ["E:rel", "C:\\a\\link", "E:rel"],
  ];
  for (const [target, link, want] of cases) {
    assertEquals(
      linkTargetProbePath(target, link),
      want,
      `${target} @ ${link}`,
    );
  }
});

Deno.test("dirname follows PathCchRemoveFileSpec", () => {
  const cases: [string, string][] = [
    ["C:\\a\\b", "C:\\a"],
    ["C:\\a", "C:\\"],
    ["C:\\", "C:\\"],
    ["a\\b", "a"],
    ["a", ""],
    ["\\\\srv\\share\\a", "\\\\srv\\share"],
    ["/x/y", "\\x"],
  ];
  for (const [p, want] of cases) assertEquals(windowsDirname(p), want, p);
});

Deno.test("flag retry: unprivileged flag first, dropped only on ERROR_INVALID_PARAMETER", () => {
  const cases: [number, number[], number[], number][] = [
    // type, results of successive calls, expected attempts, final error
    [0, [0], [UNPRIV], 0],
    [DIR, [0], [DIR | UNPRIV], 0],
    [0, [ERROR.INVALID_PARAMETER, 0], [UNPRIV, 0], 0],
    [DIR, [ERROR.INVALID_PARAMETER, 1314], [DIR | UNPRIV, DIR], 1314],
    [0, [1314], [UNPRIV], 1314], // no retry for other errors
    [0, [183], [UNPRIV], 183],
  ];
  for (const [type, results, attempts, error] of cases) {
    const seen: number[] = [];
    const r = createSymlinkWithRetry(type, (f) => {
      seen.push(f);
      return results[seen.length - 1];
    });
    assertEquals(r.attempts, attempts);
    assertEquals(seen, attempts);
    assertEquals(r.error, error);
  }
});

Deno.test("paths: absolute, long, verbatim", () => {
  for (
    const [p, abs] of [
      ["C:\\x", true],
      ["c:/x", true],
      ["\\\\srv\\s", true],
      ["//srv/s", true],
      ["\\\\?\\C:\\x", true],
      ["C:x", false],
      ["\\x", false],
      ["x\\y", false],
    ] as const
  ) {
    assertEquals(isAbsoluteWindows(p), abs, p);
  }
  assertEquals(needsLongPath("C:\\" + "x".repeat(240)), false);
  assertEquals(needsLongPath("C:\\" + "x".repeat(245)), true);
  assertEquals(needsLongPath("\\\\?\\C:\\" + "x".repeat(300)), false);
  assertEquals(needsLongPath("x".repeat(300)), true);
  const verbatim: [string, string][] = [
    ["C:\\a\\b", "\\\\?\\C:\\a\\b"],
    ["\\\\srv\\share\\a", "\\\\?\\UNC\\srv\\share\\a"],
    ["\\\\.\\pipe\\x", "\\\\?\\pipe\\x"],
    ["\\\\?\\C:\\a", "\\\\?\\C:\\a"],
    ["\\??\\C:\\a", "\\??\\C:\\a"],
  ];
  for (const [p, want] of verbatim) assertEquals(addVerbatimPrefix(p), want);
  const strip: [string, string][] = [
    ["\\\\?\\C:\\a\\b", "C:\\a\\b"],
    ["\\\\?\\UNC\\srv\\share\\a", "\\\\srv\\share\\a"],
    ["\\\\?\\C:\\a\\b.", "\\\\?\\C:\\a\\b."], // trailing dot needs verbatim
    ["\\\\?\\C:\\" + "x".repeat(300), "\\\\?\\C:\\" + "x".repeat(300)],
    ["C:\\plain", "C:\\plain"],
  ];
  for (const [p, want] of strip) assertEquals(stripVerbatim(p), want);
});

Deno.test("FILETIME converts exactly, before and after 1970", () => {
  const cases: [bigint, number, number][] = [
    [116444736000000000n, 0, 0],
    [116444736000000001n, 0, 100],
    [116444735999999999n, -1, 999999900],
    [0n, -11644473600, 0],
    [133000000001234567n, 1655526400, 123456700],
    [0x7fffffffffffffffn, 910692730085, 477580700],
  ];
  for (const [ticks, s, ns] of cases) {
    const lo = Number(ticks & 0xffffffffn), hi = Number(ticks >> 32n);
    assertEquals(filetimeToUnix(lo, hi), [s, ns], String(ticks));
  }
});

function words(bytes: number, fill: (v: DataView) => void): Uint32Array {
  const buf = new ArrayBuffer(bytes);
  fill(new DataView(buf));
  return new Uint32Array(buf);
}

Deno.test("struct decoding gives Deno's Windows FileInfo", () => {
  const t = (ms: number) => BigInt(ms) * 10_000n + 116444736000000000n;
  const mk = (attrs: number, tag: number, eof: bigint, alloc: bigint) =>
    decodeWindowsStat(
      words(40, (v) => {
        v.setBigInt64(0, t(1000) + 5n, true); // creation
        v.setBigInt64(8, t(2000), true); // access
        v.setBigInt64(16, t(3000) + 9999n, true); // write
        v.setBigInt64(24, t(4000) + 7n, true); // change
        v.setUint32(32, attrs, true);
      }),
      words(24, (v) => {
        v.setBigInt64(0, alloc, true);
        v.setBigInt64(8, eof, true);
        v.setUint32(16, 3, true);
      }),
      words(52, (v) => {
        v.setUint32(28, 0xdeadbeef, true);
        v.setUint32(44, 0x12, true);
        v.setUint32(48, 0x345678, true);
      }),
      tag,
    );
  const file = mk(0x20, 0, 5n, 4096n);
  assertEquals(file.isFile, true);
  assertEquals(file.isDirectory, false);
  assertEquals(file.isSymlink, false);
  assertEquals(file.mode, 0o100666);
  assertEquals(file.size, 5);
  assertEquals(file.blocks, 8);
  assertEquals(file.nlink, 3);
  assertEquals(file.dev, 0xdeadbeef);
  assertEquals(file.ino, 0x12 * 2 ** 32 + 0x345678);
  for (
    const k of [
      "uid",
      "gid",
      "rdev",
      "blksize",
      "isBlockDevice",
      "isCharDevice",
      "isFifo",
      "isSocket",
    ] as const
  ) {
    assertEquals(file[k], null, k);
  }
  assertEquals(file.birthtime!.getTime(), 1000);
  assertEquals(file.atime!.getTime(), 2000);
  assertEquals(file.mtime!.getTime(), 3000);
  assertEquals(file.mtimeNs, 3_000_999_900n);
  assertEquals(file.ctime!.getTime(), 4000); // milliseconds, like Deno here
  assertEquals(file.ctimeNs, 4_000_000_700n);
  assertEquals(file.birthtimeNs, 1_000_000_500n);

  const ro = mk(FILE_ATTRIBUTE.READONLY, 0, 0n, 0n);
  assertEquals(ro.mode, 0o100444);
  const dir = mk(FILE_ATTRIBUTE.DIRECTORY, 0, 4096n, 4096n);
  assertEquals(dir.isDirectory, true);
  assertEquals(dir.size, 0);
  assertEquals(dir.mode, 0o040666);
  // A directory symlink: a link, neither file nor directory, mode S_IFDIR.
  const rp = FILE_ATTRIBUTE.REPARSE_POINT;
  const dl = mk(FILE_ATTRIBUTE.DIRECTORY | rp, IO_REPARSE_TAG.SYMLINK, 0n, 0n);
  assertEquals([dl.isSymlink, dl.isFile, dl.isDirectory], [
    true,
    false,
    false,
  ]);
  assertEquals(dl.mode, 0o040666);
  const fl = mk(rp, IO_REPARSE_TAG.SYMLINK, 0n, 0n);
  assertEquals([fl.isSymlink, fl.isFile], [true, false]);
  // A junction is not a symlink (Python's rule): it is a directory.
  const j = mk(
    FILE_ATTRIBUTE.DIRECTORY | rp,
    IO_REPARSE_TAG.MOUNT_POINT,
    0n,
    0n,
  );
  assertEquals([j.isSymlink, j.isDirectory], [false, true]);
  assertEquals(JSON.parse(JSON.stringify(file)).ctimeNs, "4000000700");
});

Deno.test("reparse buffers: substitute name, \\??\\ becomes \\\\?\\ like Python", () => {
  const cases: [Uint8Array, string | number][] = [
    [encodeSymlinkReparse("..\\x", "..\\x", true), "..\\x"],
    [encodeSymlinkReparse("\\??\\C:\\t", "C:\\t", false), "\\\\?\\C:\\t"],
    [encodeSymlinkReparse("a/b é😀", "a/b é😀", true), "a/b é😀"],
    [encodeSymlinkReparse("", "", true), ""],
  ];
  for (const [buf, want] of cases) {
    assertEquals(decodeReparseTarget(buf, buf.length), want);
  }
  // A mount point (junction): PathBuffer at 16, no Flags.
  const name = "\\??\\D:\\j";
  const mp = new Uint8Array(16 + name.length * 2 + 2);
  const v = new DataView(mp.buffer);
  v.setUint32(0, IO_REPARSE_TAG.MOUNT_POINT, true);
  v.setUint16(10, name.length * 2, true);
  for (let i = 0; i < name.length; i++) {
    v.setUint16(16 + 2 * i, name.charCodeAt(i), true);
  }
  assertEquals(decodeReparseTarget(mp, mp.length), "\\\\?\\D:\\j");
  // Another tag, and truncated data.
  const other = new Uint8Array(24);
  new DataView(other.buffer).setUint32(0, 0x80000017, true);
  assertEquals(decodeReparseTarget(other, 24), -ERROR.NOT_A_REPARSE_POINT);
  const sl = encodeSymlinkReparse("abc", "abc", true);
  assertEquals(decodeReparseTarget(sl, sl.length - 8), -4392);
  assertEquals(decodeReparseTarget(sl, 4), -4392);
});

Deno.test("dirFd names: relative opens under a HANDLE, `..` refused", () => {
  const relative: [string, boolean][] = [
    ["a", true],
    ["a\\b", true],
    ["./a", true],
    ["..", true],
    ["C:\\a", false],
    ["C:/a", false],
    ["C:a", false], // drive-relative: not under the directory
    ["\\a", false], // root-relative
    ["/a", false],
    ["\\\\srv\\share\\a", false],
    ["\\\\?\\C:\\a", false],
  ];
  for (const [p, want] of relative) assertEquals(isDirFdRelative(p), want, p);
  const names: [string, string | number][] = [
    ["a", "a"],
    ["a/b", "a\\b"],
    ["a\\\\b//c", "a\\b\\c"], // repeated separators collapse
    ["./a/./b", "a\\b"], // `.` components drop
    [".", ""], // the directory itself
    ["./", ""],
    ["d/", "d\\"], // a trailing separator stays: a directory
    ["d/.", "d"],
    ["", -ERROR.FILE_NOT_FOUND],
    ["..", -ERROR.CALL_NOT_IMPLEMENTED],
    ["a/../b", -ERROR.CALL_NOT_IMPLEMENTED],
    ["a\\..", -ERROR.CALL_NOT_IMPLEMENTED],
    ["..a/b..", "..a\\b.."], // only whole `..` components
    ["x".repeat(32767), "x".repeat(32767)],
    ["x".repeat(32768), -ERROR.FILENAME_EXCED_RANGE],
  ];
  for (const [p, want] of names) {
    assertEquals(ntRelativeName(p), want, p.slice(0, 20));
  }
});

Deno.test("error names and classes are Deno's for each Windows code", () => {
  const cases: [number, string | undefined, string][] = [
    [2, "ENOENT", "NotFound"],
    [3, "ENOENT", "NotFound"],
    [5, "EPERM", "PermissionDenied"],
    [87, "EINVAL", "TypeError"],
    [120, undefined, "NotSupported"], // Rust's ErrorKind::Unsupported
    [123, "ENOENT", "Error"], // InvalidFilename has no class of its own
    [145, "ENOTEMPTY", "Error"],
    [183, "EEXIST", "AlreadyExists"],
    [267, "ENOENT", "NotADirectory"], // code and class disagree, as in Deno
    [1314, "EPERM", "Error"],
    [1921, "ELOOP", "FilesystemLoop"],
    [4390, undefined, "Error"],
  ];
  for (const [code, name, cls] of cases) {
    assertEquals(WINDOWS_ERROR_NAMES[code], name, `name ${code}`);
    assertEquals(windowsErrorClassFor(code).name, cls, `class ${code}`);
  }
  assertEquals(formatOsError(2, "File not found.\r\n", 0), "File not found.");
  assertEquals(
    formatOsError(4390, null, 317),
    "OS Error 4390 (FormatMessageW() returned error 317)",
  );
});

Deno.test("WindowsStatResult: ctime is the exact millisecond, a tick before the next", () => {
  // 100 ns before a millisecond boundary: one float `sec * 1000 + ns / 1e6`
  // rounds it up to ...892; Deno (and the exact time) says ...891.
  const times = [0, 0, 0, 0, 1796056981, 891_999_900, 0, 0];
  const r = new WindowsStatResult(
    0o100666,
    1,
    0,
    0,
    1,
    0,
    true,
    false,
    false,
    times,
  );
  assertEquals(r.ctime?.getTime(), 1796056981891);
  // Before 1970, truncated toward zero as Deno's times are.
  const old = new WindowsStatResult(
    0o100666,
    1,
    0,
    0,
    1,
    0,
    true,
    false,
    false,
    [0, 0, 0, 0, -2, 500_000_000, 0, 0],
  );
  assertEquals(old.ctime?.getTime(), -1500);
});
