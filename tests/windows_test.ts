// Copyright 2026 the dirfd authors. MIT license.
// The Windows backend against Deno's own Windows calls. These tests run only
// where Deno.build.os is "windows" (real Windows, or Windows Deno under Wine
// in CI: `deno task test:windows`); the decision logic they rely on is
// tested on every OS in windows_logic_test.ts.
import assert from "node:assert/strict";
import {
  chdir,
  lstat,
  lstatSync,
  openDirSync,
  readLinkSync,
  statSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
  symlink,
  symlinkSync,
  type SystemError,
} from "../mod.ts";
import * as dirfd from "../mod.ts";
import { backend } from "../_backend.ts";
import type { WindowsBackend } from "../ffi/windows.ts";
import { SYMBOLIC_LINK_FLAG } from "../ffi/_windows_logic.ts";
import { assertSameInfo, thrown, withTempDir } from "./_helpers.ts";

const windows = Deno.build.os === "windows";
const b = () => backend() as WindowsBackend;
/**
 * Wine 10's CreateSymbolicLinkW is a stub (returns TRUE, creates nothing):
 * under Wine only the assertions that need the link on disk are skipped.
 */
const linksExist = () => b().wine === null;
const DIR = SYMBOLIC_LINK_FLAG.DIRECTORY;
const UNPRIV = SYMBOLIC_LINK_FLAG.ALLOW_UNPRIVILEGED_CREATE;

function test(name: string, fn: () => void | Promise<void>): void {
  Deno.test({ name: `windows: ${name}`, ignore: !windows, fn });
}

test("the kernel32 backend is in use and knows whether it runs under Wine", () => {
  assert.equal(b().name, "windows");
  assert.equal(b().has.wine, b().wine !== null);
  if (b().wine !== null) assert.match(b().wine!, /^\d+\.\d+/);
});

test("lstat/stat match Deno.lstatSync/statSync on every field", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}\\file`, "hello");
    Deno.writeTextFileSync(`${root}\\ro`, "x");
    Deno.chmodSync(`${root}\\ro`, 0o444);
    Deno.mkdirSync(`${root}\\dir`);
    const paths = [
      `${root}\\file`,
      `${root}\\ro`,
      `${root}\\dir`,
      root,
      `${root}/dir`, // forward slashes are accepted
      Deno.execPath(),
    ];
    for (const p of paths) {
      assertSameInfo(lstatSync(p), Deno.lstatSync(p), `lstat ${p}`);
      assertSameInfo(statSync(p), Deno.statSync(p), `stat ${p}`);
      assertSameInfo(
        statSync(p, { followSymlinks: false }),
        Deno.lstatSync(p),
        `stat nofollow ${p}`,
      );
      const i = lstatSync(p);
      assert.equal(BigInt(i.mtime!.getTime()), i.mtimeNs! / 1_000_000n);
      assert.equal(BigInt(i.ctime!.getTime()), i.ctimeNs! / 1_000_000n);
      assert.equal(BigInt(i.birthtime!.getTime()), i.birthtimeNs! / 1_000_000n);
    }
    assert.equal(lstatSync(`${root}\\ro`).mode, 0o100444);
    Deno.chmodSync(`${root}\\ro`, 0o666);
  });
});

test("paths longer than MAX_PATH get the \\\\?\\ prefix", async () => {
  await withTempDir(async (root) => {
    let p = root;
    for (let i = 0; i < 5; i++) p += `\\${String(i).repeat(60)}`;
    Deno.mkdirSync(p, { recursive: true });
    Deno.writeTextFileSync(`${p}\\f`, "long");
    assert.ok(p.length > 300);
    assertSameInfo(lstatSync(`${p}\\f`), Deno.lstatSync(`${p}\\f`), "long");
    assertSameInfo(await lstat(`${p}/f`), Deno.lstatSync(`${p}\\f`), "long /", [
      "atime",
    ]);
    using d = openDirSync(p);
    assertSameInfo(statSync(d), Deno.statSync(p), "long dir");
  });
});

test("openDir returns a HANDLE; stat(dir) and chdir(dir) use it", async () => {
  await withTempDir((root) => {
    const before = Deno.cwd();
    using dir = openDirSync(root, { followSymlinks: false });
    assert.ok(Number.isInteger(dir.fd) && dir.fd > 0);
    assertSameInfo(statSync(dir), Deno.statSync(root), "fstat");
    assertSameInfo(statSync(dir.fd), Deno.statSync(root), "fstat number");
    try {
      chdir(dir);
      assert.equal(Deno.cwd(), root);
    } finally {
      chdir(before);
    }
    Deno.writeTextFileSync(`${root}\\f`, "");
    const e = thrown(() => openDirSync(`${root}\\f`));
    assert.ok(e instanceof Deno.errors.NotADirectory, String(e));
    assert.equal((e as SystemError).errno, 267);
  });
});

test("errors carry Deno's class, name, code and description", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}\\file`, "");
    const cases: [() => unknown, () => unknown, number][] = [
      [
        () => lstatSync(`${root}\\missing`),
        () => Deno.lstatSync(`${root}\\missing`),
        2,
      ],
      [
        () => lstatSync(`${root}\\no\\x`),
        () => Deno.lstatSync(`${root}\\no\\x`),
        3,
      ],
      [
        () => statSync(`${root}\\file\\x`),
        () => Deno.statSync(`${root}\\file\\x`),
        3,
      ],
      [
        () => openDirSync(`${root}\\file`),
        () => Deno.chdir(`${root}\\file`),
        267,
      ],
      [
        () => readLinkSync(`${root}\\file`),
        () => Deno.readLinkSync(`${root}\\file`),
        4390,
      ],
    ];
    for (const [mine, deno, errno] of cases) {
      const e = thrown(mine) as SystemError, d = thrown(deno) as SystemError;
      assert.equal(e.constructor, d.constructor, `class ${errno}`);
      assert.equal(e.name, d.name);
      // Deno leaves `code` undefined for codes without a POSIX name.
      assert.equal(e.code, d.code ?? "UNKNOWN");
      assert.equal(e.errno, errno);
      assert.equal(e.message.split("): ")[0], d.message.split("): ")[0]);
    }
  });
});

test("symlink: an existing target decides the type, resolved from the link's directory", async () => {
  await withTempDir(async (root) => {
    Deno.mkdirSync(`${root}\\sub\\d`, { recursive: true });
    Deno.writeTextFileSync(`${root}\\sub\\f`, "");
    // Same names in the cwd with the other type: the cwd must not matter.
    Deno.writeTextFileSync(`${root}\\d`, "");
    Deno.mkdirSync(`${root}\\f`);
    const before = Deno.cwd();
    chdir(root);
    try {
      const cases: [string, string, boolean | undefined, number][] = [
        ["d", "sub\\ld", undefined, DIR], // an existing directory
        ["d", "sub\\ld2", false, DIR], // existing beats targetIsDirectory
        ["f", "sub\\lf", true, 0], // an existing file, too
        ["f", `${root}\\sub\\lf2`, undefined, 0],
        ["..\\sub\\d", "sub/ld3", undefined, DIR], // forward slashes
        ["missing", "sub\\lm", undefined, 0], // default: a file link
        ["missing", "sub\\lmd", true, DIR], // no `type` needed, unlike Deno
        [`${root}\\sub\\d`, "sub\\labs", undefined, DIR],
      ];
      for (const [target, link, isDir, type] of cases) {
        await symlink(target, link, { targetIsDirectory: isDir });
        const call = b().lastSymlinkCall!;
        assert.equal(call.target, target, link);
        assert.equal(call.error, 0);
        // Flags: unprivileged create first; no retry when it succeeds.
        assert.deepEqual(call.attempts, [type | UNPRIV], link);
        if (linksExist()) {
          // Needs the link on disk (not under Wine, whose
          // CreateSymbolicLinkW creates nothing).
          assert.ok(lstatSync(link).isSymlink, link);
          // Python's readlink: an absolute target comes back as \\?\C:\...
          const abs = /^[A-Za-z]:\\/.test(target);
          assert.equal(readLinkSync(link), abs ? `\\\\?\\${target}` : target);
        }
      }
    } finally {
      chdir(before);
    }
  });
});

test("symlink: ERROR_PRIVILEGE_NOT_HELD says how to get the privilege", async () => {
  await withTempDir((root) => {
    const real = b().symlinkAt;
    b().symlinkAt = () => -1314;
    try {
      const e = thrown(() => symlinkSync("t", `${root}\\l`)) as SystemError;
      assert.ok(e instanceof Deno.errors.PermissionDenied);
      assert.equal(e.errno, 1314);
      assert.equal(e.code, "EPERM");
      assert.equal(e.syscall, "CreateSymbolicLinkW");
      assert.match(e.message, /Developer Mode/);
      assert.match(e.message, /elevated/);
    } finally {
      b().symlinkAt = real;
    }
  });
});

test("capability sets: at least CPython's, plus chdir(fd)", () => {
  const fns = dirfd as unknown as Record<string, unknown>;
  for (const n of ["stat", "statSync", "chdir"]) {
    assert.ok(supportsFd.has(fns[n] as never), `supportsFd ${n}`);
  }
  for (const n of ["stat", "statSync", "openDir", "openDirSync"]) {
    assert.ok(supportsFollowSymlinks.has(fns[n] as never), `follow ${n}`);
  }
  // dirFd needs NtCreateFile-relative opens, not implemented yet.
  for (const n of ["stat", "lstat", "openDir", "symlink", "readLink"]) {
    assert.ok(!supportsDirFd.has(fns[`${n}Sync`] as never), `dirFd ${n}`);
  }
});

test("dirFd is NotSupported, with Python's wording", async () => {
  await withTempDir((root) => {
    using dir = openDirSync(root);
    const e = thrown(() => statSync("x", { dirFd: dir }));
    assert.ok(e instanceof Deno.errors.NotSupported);
    assert.equal(e.message, "stat: dirFd unavailable on this platform");
    assert.throws(
      () => symlinkSync("t", "l", { dirFd: dir }),
      Deno.errors.NotSupported,
    );
    assert.throws(
      () => readLinkSync("l", { dirFd: dir }),
      Deno.errors.NotSupported,
    );
  });
});
