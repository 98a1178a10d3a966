// Copyright 2026 the dirfd authors. MIT license.
// The Windows family's real calls, recorded (windows.ts `trace`): Wine
// grants every access right and ignores FILE_OPEN_REPARSE_POINT, so a
// missing DELETE or FILE_WRITE_ATTRIBUTES right would pass under Wine and
// fail on Windows; these tests assert the rights, options and information
// classes each public call really passes, and run every fallback through
// the switch that forces it (`setFallback`). Windows only (Wine in CI);
// the same tasks against stand-ins run everywhere in
// windows_nt_tasks_test.ts.
import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  accessSync,
  chmodSync,
  linkSync,
  mkdirSync,
  openDirSync,
  readDir,
  readDirSync,
  rename,
  renameSync,
  replace,
  replaceSync,
  rmdir,
  rmdirSync,
  unlink,
  unlinkSync,
  utimeSync,
  W_OK,
  walk,
  walkSync,
} from "../mod.ts";
import { backend } from "../_backend.ts";
import type { TracedCall, WindowsBackend } from "../ffi/windows.ts";
import { NT_FILE, NT_FLAG, NT_INFO_CLASS } from "../ffi/_windows_logic.ts";
import { withTempDir } from "./_helpers.ts";

const b = () => backend() as WindowsBackend;
const ready = () =>
  Deno.build.os === "windows" && backend()?.name === "windows" &&
  b().trace !== undefined;

function test(name: string, fn: () => Promise<void>): void {
  Deno.test({ name: `windows nt: ${name}`, ignore: !ready(), fn });
}

const {
  FILE_LIST_DIRECTORY,
  FILE_TRAVERSE,
  FILE_READ_ATTRIBUTES: READ_ATTRS,
  FILE_WRITE_ATTRIBUTES: WRITE_ATTRS,
  DELETE,
  SYNCHRONIZE,
  FILE_CREATE,
  FILE_OPEN,
  FILE_DIRECTORY_FILE: DIR_FILE,
  FILE_SYNCHRONOUS_IO_NONALERT: SYNC_IO,
  FILE_OPEN_FOR_BACKUP_INTENT: BACKUP,
  FILE_OPEN_REPARSE_POINT: REPARSE,
} = NT_FILE;

/** Runs `fn` with the calls traced; returns them. */
function traced(fn: () => void): TracedCall[] {
  const log = b().trace!(true);
  try {
    fn();
  } finally {
    b().trace!(false);
  }
  return log;
}

type Open = Extract<TracedCall, { fn: "NtCreateFile" }>;
type Set = Extract<TracedCall, { fn: "NtSetInformationFile" }>;
const opens = (log: TracedCall[]) =>
  log.filter((c): c is Open => c.fn === "NtCreateFile");
const sets = (log: TracedCall[]) =>
  log.filter((c): c is Set => c.fn === "NtSetInformationFile");
const shape = (o: Open) => [o.name, o.access, o.disposition, o.options];

test("each call opens with the rights and options Windows needs", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}/f`, "x");
    using dir = openDirSync(root);
    const fd = dir.fd;
    const cases: [string, () => void, (string | number)[][]][] = [
      ["mkdir", () => mkdirSync("d", { dirFd: dir }), [[
        "d",
        FILE_LIST_DIRECTORY | SYNCHRONIZE,
        FILE_CREATE,
        DIR_FILE | SYNC_IO | BACKUP,
      ]]],
      ["link", () => linkSync("f", "g", { srcDirFd: dir, dstDirFd: dir }), [[
        "f",
        WRITE_ATTRS | SYNCHRONIZE,
        FILE_OPEN,
        BACKUP | SYNC_IO,
      ]]],
      ["link nofollow", () =>
        linkSync("f", "g2", {
          srcDirFd: dir,
          dstDirFd: dir,
          followSymlinks: false,
        }), [[
        "f",
        WRITE_ATTRS | SYNCHRONIZE,
        FILE_OPEN,
        BACKUP | SYNC_IO | REPARSE,
      ]]],
      ["rename", () => renameSync("g", "h", { srcDirFd: dir, dstDirFd: dir }), [
        [
          "g",
          DELETE | READ_ATTRS | SYNCHRONIZE,
          FILE_OPEN,
          REPARSE | BACKUP | SYNC_IO,
        ],
      ]],
      // Python 3.13 on Windows: chmod does not follow by default.
      ["chmod", () => chmodSync("h", 0o444, { dirFd: dir }), [[
        "h",
        READ_ATTRS | WRITE_ATTRS | SYNCHRONIZE,
        FILE_OPEN,
        BACKUP | SYNC_IO | REPARSE,
      ]]],
      [
        "chmod follow",
        () => chmodSync("h", 0o444, { dirFd: dir, followSymlinks: true }),
        [[
          "h",
          READ_ATTRS | WRITE_ATTRS | SYNCHRONIZE,
          FILE_OPEN,
          BACKUP | SYNC_IO,
        ]],
      ],
      [
        "lchmod",
        () => chmodSync("h", 0o666, { dirFd: dir, followSymlinks: false }),
        [[
          "h",
          READ_ATTRS | WRITE_ATTRS | SYNCHRONIZE,
          FILE_OPEN,
          BACKUP | SYNC_IO | REPARSE,
        ]],
      ],
      ["utime", () => utimeSync("h", 1, 2, { dirFd: dir }), [[
        "h",
        READ_ATTRS | WRITE_ATTRS | SYNCHRONIZE,
        FILE_OPEN,
        BACKUP | SYNC_IO,
      ]]],
      ["access", () => void accessSync("h", W_OK, { dirFd: dir }), [[
        "h",
        READ_ATTRS | SYNCHRONIZE,
        FILE_OPEN,
        BACKUP | SYNC_IO,
      ]]],
      ["unlink", () => unlinkSync("h", { dirFd: dir }), [[
        "h",
        DELETE | READ_ATTRS | SYNCHRONIZE,
        FILE_OPEN,
        REPARSE | BACKUP | SYNC_IO,
      ]]],
      ["rmdir", () => rmdirSync("d", { dirFd: dir }), [[
        "d",
        DELETE | READ_ATTRS | SYNCHRONIZE,
        FILE_OPEN,
        REPARSE | BACKUP | SYNC_IO | DIR_FILE,
      ]]],
      ["readDir", () => void [...readDirSync(dir)], [[
        "",
        FILE_LIST_DIRECTORY | FILE_TRAVERSE | READ_ATTRS | SYNCHRONIZE,
        FILE_OPEN,
        DIR_FILE | SYNC_IO | BACKUP,
      ]]],
    ];
    for (const [what, fn, want] of cases) {
      const log = traced(fn);
      const o = opens(log);
      assertEquals(o.map(shape), want, what);
      for (const c of o) {
        assertEquals(c.root, fd, `${what}: relative to the Dir's handle`);
        assertEquals(c.share, 7, `${what}: FILE_SHARE_READ|WRITE|DELETE`);
        assertEquals(c.status, 0, what);
      }
    }
  });
});

test("each call sets the information class Windows needs, with its flags", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}/f`, "x");
    Deno.mkdirSync(`${root}/d`);
    using dir = openDirSync(root);
    const o = { srcDirFd: dir, dstDirFd: dir };
    const cls = (fn: () => void) =>
      sets(traced(fn)).map((s) => [s.cls, s.flags, s.name ?? null]);
    const { DISPOSITION_DELETE: DEL, DISPOSITION_POSIX_SEMANTICS: PDEL } =
      NT_FLAG;
    const { RENAME_POSIX_SEMANTICS: PREN, RENAME_REPLACE_IF_EXISTS: REP } =
      NT_FLAG;
    assertEquals(cls(() => linkSync("f", "g", o)), [[
      NT_INFO_CLASS.FileLinkInformation,
      0,
      "g",
    ]]);
    assertEquals(cls(() => renameSync("g", "h", o)), [[
      NT_INFO_CLASS.FileRenameInformationEx,
      PREN,
      "h",
    ]]);
    assertEquals(cls(() => replaceSync("h", "f", o)), [[
      NT_INFO_CLASS.FileRenameInformationEx,
      PREN | REP,
      "f",
    ]]);
    assertEquals(cls(() => unlinkSync("f", { dirFd: dir })), [[
      NT_INFO_CLASS.FileDispositionInformationEx,
      DEL | PDEL,
      null,
    ]]);
    assertEquals(cls(() => rmdirSync("d", { dirFd: dir })), [[
      NT_INFO_CLASS.FileDispositionInformationEx,
      DEL | PDEL,
      null,
    ]]);
    // Path-only calls: an absolute \??\ name, no root handle.
    Deno.writeTextFileSync(`${root}/p`, "");
    const abs = opens(traced(() => unlinkSync(`${root}/p`)));
    assertEquals(abs.length, 1);
    assertEquals(abs[0].root, 0);
    assert(abs[0].name.startsWith("\\??\\") && abs[0].name.endsWith("\\p"));
  });
});

test("forced FileDispositionInformation: unlink and rmdir, sync and async", async () => {
  await withTempDir(async (root) => {
    Deno.writeTextFileSync(`${root}/f`, "x");
    Deno.writeTextFileSync(`${root}/g`, "x");
    Deno.mkdirSync(`${root}/d`);
    Deno.mkdirSync(`${root}/e/full`, { recursive: true });
    using dir = openDirSync(root);
    assert(b().setFallback!("FileDispositionInformation", true));
    try {
      const log = traced(() => {
        unlinkSync("f", { dirFd: dir });
        rmdirSync("d", { dirFd: dir });
        assertThrows(() => rmdirSync("e", { dirFd: dir }));
      });
      assertEquals(
        sets(log).map((s) => [s.cls, s.length, s.flags]),
        Array(3).fill([NT_INFO_CLASS.FileDispositionInformation, 1, 1]),
      );
      await unlink("g", { dirFd: dir });
      await rmdir("e/full", { dirFd: dir });
      await rmdir("e", { dirFd: dir });
      assertEquals([...Deno.readDirSync(root)], []);
    } finally {
      b().setFallback!("FileDispositionInformation", false);
    }
  });
});

test("forced FileRenameInformation: rename refuses, replace replaces, sync and async", async () => {
  await withTempDir(async (root) => {
    for (const n of ["a", "b", "c", "taken"]) {
      Deno.writeTextFileSync(`${root}/${n}`, n);
    }
    using dir = openDirSync(root);
    const o = { srcDirFd: dir, dstDirFd: dir };
    assert(b().setFallback!("FileRenameInformation", true));
    try {
      const log = traced(() => {
        assertThrows(
          () => renameSync("a", "taken", o),
          Deno.errors.AlreadyExists,
        );
        renameSync("a", "a2", o);
        replaceSync("b", "taken", o);
      });
      assertEquals(
        sets(log).map((s) => [s.cls, s.flags, s.name]),
        [
          [NT_INFO_CLASS.FileRenameInformation, 0, "taken"],
          [NT_INFO_CLASS.FileRenameInformation, 0, "a2"],
          [NT_INFO_CLASS.FileRenameInformation, 1, "taken"],
        ],
      );
      assertEquals(Deno.readTextFileSync(`${root}/taken`), "b");
      await rename("a2", "a3", o);
      await replace("c", "taken", o);
      assertEquals(Deno.readTextFileSync(`${root}/taken`), "c");
      assertEquals(
        [...Deno.readDirSync(root)].map((e) => e.name).sort(),
        ["a3", "taken"],
      );
    } finally {
      b().setFallback!("FileRenameInformation", false);
    }
  });
});

test("forced FileFullDirectoryInfo: readDir and walk list the same", async () => {
  await withTempDir(async (root) => {
    Deno.mkdirSync(`${root}/sub/deeper`, { recursive: true });
    for (let i = 0; i < 300; i++) {
      Deno.writeTextFileSync(`${root}/${"n".repeat(100)}${i}`, "");
    }
    Deno.writeTextFileSync(`${root}/sub/ünï 文件`, "");
    const want = [...readDirSync(root)].map((e) => e.name).sort();
    const wantWalk = [...walkSync(root)].map((e) => e.path).sort();
    assert(b().setFallback!("FileFullDirectoryInfo", true));
    try {
      const log = traced(() => {
        assertEquals([...readDirSync(root)].map((e) => e.name).sort(), want);
      });
      // The listing's queries (the open's stat queries classes 0 and 1).
      const classes = log.filter((c) => c.fn === "GetFileInformationByHandleEx")
        .map((c) => (c as { cls: number }).cls)
        .filter((c) => c === 10 || c === 14);
      assert(classes.length >= 2, "more than one chunk");
      assert(classes.every((c) => c === 14), `${classes}`);
      assertEquals([...walkSync(root)].map((e) => e.path).sort(), wantWalk);
      const got: string[] = [];
      for await (const e of readDir(root)) got.push(e.name);
      assertEquals(got.sort(), want);
      const walked: string[] = [];
      for await (const e of walk(root)) walked.push(e.path);
      assertEquals(walked.sort(), wantWalk);
    } finally {
      b().setFallback!("FileFullDirectoryInfo", false);
    }
    // Unforced: FileIdBothDirectoryInfo.
    const log = traced(() => void [...readDirSync(root)]);
    assert(
      log.some((c) => c.fn === "GetFileInformationByHandleEx" && c.cls === 10),
    );
  });
});

test("unknown fallback names are refused", async () => {
  assertEquals(b().setFallback!("FileNoSuchInformation", true), false);
  await Promise.resolve();
});
