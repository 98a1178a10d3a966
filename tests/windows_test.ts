// Copyright 2026 the dirfd authors. MIT license.
// The Windows backend against Deno's own Windows calls. These tests run only
// where Deno.build.os is "windows" (real Windows, or Windows Deno under Wine
// in CI: `deno task test:windows`); the decision logic they rely on is
// tested on every OS in windows_logic_test.ts.
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import {
  chdir,
  lstat,
  lstatSync,
  openDir,
  openDirSync,
  readLinkSync,
  stat,
  statSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
  symlink,
  symlinkSync,
  type SystemError,
  truncate,
  truncateSync,
} from "../mod.ts";
import * as dirfd from "../mod.ts";
import { backend } from "../_backend.ts";
import { lastSymlinkCall } from "../_testing.ts";
import type { WindowsBackend } from "../ffi/windows.ts";
import type { CallPool } from "../ffi/_pool.ts";
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
  assertEquals(b().name, "windows");
  assertEquals(b().has.wine, b().wine !== null);
  if (b().wine !== null) assertMatch(b().wine!, /^\d+\.\d+/);
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
      assertEquals(BigInt(i.mtime!.getTime()), i.mtimeNs! / 1_000_000n);
      assertEquals(BigInt(i.ctime!.getTime()), i.ctimeNs! / 1_000_000n);
      assertEquals(BigInt(i.birthtime!.getTime()), i.birthtimeNs! / 1_000_000n);
    }
    assertEquals(lstatSync(`${root}\\ro`).mode, 0o100444);
    Deno.chmodSync(`${root}\\ro`, 0o666);
  });
});

test("paths longer than MAX_PATH get the \\\\?\\ prefix", async () => {
  await withTempDir(async (root) => {
    let p = root;
    for (let i = 0; i < 5; i++) p += `\\${String(i).repeat(60)}`;
    Deno.mkdirSync(p, { recursive: true });
    Deno.writeTextFileSync(`${p}\\f`, "long");
    assert(p.length > 300);
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
    assert(Number.isInteger(dir.fd) && dir.fd > 0);
    assertSameInfo(statSync(dir), Deno.statSync(root), "fstat");
    assertSameInfo(statSync(dir.fd), Deno.statSync(root), "fstat number");
    try {
      chdir(dir);
      assertEquals(Deno.cwd(), root);
    } finally {
      chdir(before);
    }
    Deno.writeTextFileSync(`${root}\\f`, "");
    const e = thrown(() => openDirSync(`${root}\\f`));
    assert(e instanceof Deno.errors.NotADirectory, String(e));
    assertEquals((e as SystemError).errno, 267);
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
      assertStrictEquals(e.constructor, d.constructor, `class ${errno}`);
      assertEquals(e.name, d.name);
      // Deno leaves `code` undefined for codes without a POSIX name.
      assertEquals(e.code, d.code ?? "UNKNOWN");
      assertEquals(e.errno, errno);
      assertEquals(e.message.split("): ")[0], d.message.split("): ")[0]);
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
        const call = lastSymlinkCall()!;
        assertEquals(call.target, target, link);
        assertEquals(call.error, 0);
        // Flags: unprivileged create first; no retry when it succeeds.
        assertEquals(call.attempts, [type | UNPRIV], link);
        if (linksExist()) {
          // Needs the link on disk (not under Wine, whose
          // CreateSymbolicLinkW creates nothing).
          assert(lstatSync(link).isSymlink, link);
          // Python's readlink: an absolute target comes back as \\?\C:\...
          const abs = /^[A-Za-z]:\\/.test(target);
          assertEquals(readLinkSync(link), abs ? `\\\\?\\${target}` : target);
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
      assert(e instanceof Deno.errors.PermissionDenied);
      assertEquals(e.errno, 1314);
      assertEquals(e.code, "EPERM");
      assertEquals(e.syscall, "CreateSymbolicLinkW");
      assertMatch(e.message, /Developer Mode/);
      assertMatch(e.message, /elevated/);
    } finally {
      b().symlinkAt = real;
    }
  });
});

test("capability sets: at least CPython's, plus chdir(fd)", () => {
  const fns = dirfd as unknown as Record<string, unknown>;
  for (const n of ["stat", "statSync", "chdir", "truncate", "truncateSync"]) {
    assert(supportsFd.has(fns[n] as never), `supportsFd ${n}`);
  }
  for (const n of ["stat", "statSync", "openDir", "openDirSync"]) {
    assert(supportsFollowSymlinks.has(fns[n] as never), `follow ${n}`);
  }
  // dirFd: NtCreateFile relative to the directory handle, beyond CPython
  // (whose Windows supports_dir_fd is empty); not for symlink/readLink.
  for (const n of ["stat", "lstat", "openDir"]) {
    for (const f of [n, `${n}Sync`]) {
      assert(supportsDirFd.has(fns[f] as never), `dirFd ${f}`);
    }
  }
  for (const n of ["symlink", "readLink", "truncate"]) {
    assert(!supportsDirFd.has(fns[`${n}Sync`] as never), `dirFd ${n}`);
  }
});

test("symlink/readLink dirFd is NotSupported, with Python's wording", async () => {
  await withTempDir((root) => {
    using dir = openDirSync(root);
    const e = thrown(() => symlinkSync("t", "l", { dirFd: dir }));
    assert(e instanceof Deno.errors.NotSupported);
    assertEquals(e.message, "symlink: dirFd unavailable on this platform");
    assertThrows(
      () => symlinkSync("t", "l", { dirFd: dir }),
      Deno.errors.NotSupported,
    );
    assertThrows(
      () => readLinkSync("l", { dirFd: dir }),
      Deno.errors.NotSupported,
    );
  });
});

/**
 * Tests only: a file `HANDLE` from `CreateFileW` (dirfd has no file-open
 * API; Deno's FsFile does not expose its handle). `write` asks for
 * GENERIC_READ | GENERIC_WRITE, else GENERIC_READ only.
 */
function openFileHandle(path: string, write: boolean): number & Disposable {
  const k = Deno.dlopen("kernel32.dll", {
    CreateFileW: {
      parameters: ["buffer", "u32", "u32", "pointer", "u32", "u32", "isize"],
      result: "isize",
    },
    CloseHandle: { parameters: ["isize"], result: "i32" },
  });
  const name = new Uint16Array(path.length + 1);
  for (let i = 0; i < path.length; i++) name[i] = path.charCodeAt(i);
  const access = 0x80000000 + (write ? 0x40000000 : 0);
  // FILE_SHARE_READ | WRITE | DELETE, OPEN_EXISTING.
  const h = Number(k.symbols.CreateFileW(name, access, 7, null, 3, 0, 0n));
  assertNotEquals(h, -1, `CreateFileW ${path}`);
  return Object.assign(Object(h), {
    [Symbol.dispose]() {
      k.symbols.CloseHandle(BigInt(h));
      k.close();
    },
  }) as number & Disposable;
}

test("truncate: paths and URLs, like Deno.truncateSync", async () => {
  await withTempDir(async (root) => {
    const mine = `${root}\\mine`, deno = `${root}\\deno`;
    for (const p of [mine, deno]) Deno.writeTextFileSync(p, "hello world");
    const steps: (number | bigint)[] = [5, 4096, 3n, 2];
    for (const n of steps) {
      truncateSync(mine, n);
      Deno.truncateSync(deno, Number(n));
      assertEquals(
        Deno.readFileSync(mine),
        Deno.readFileSync(deno),
        `${n}`,
      );
      assertEquals(Deno.statSync(mine).size, Number(n));
      assertEquals(statSync(mine).size, Number(n));
    }
    await truncate(new URL(`file:///${root.replaceAll("\\", "/")}/mine`), 7n);
    assertEquals(
      Deno.readFileSync(mine),
      new Uint8Array([104, 101, 0, 0, 0, 0, 0]),
    );
    // Forward slashes, and a path longer than MAX_PATH (\\?\ prefix).
    await truncate(`${root}/mine`, 1);
    assertEquals(Deno.statSync(mine).size, 1);
    let long = root;
    for (let i = 0; i < 5; i++) long += `\\${String(i).repeat(60)}`;
    Deno.mkdirSync(long, { recursive: true });
    Deno.writeTextFileSync(`${long}\\f`, "long");
    truncateSync(`${long}\\f`, 2n);
    assertEquals(Deno.readTextFileSync(`${long}\\f`), "lo");
    // Beyond 4 GiB: the length is a 64-bit LARGE_INTEGER.
    truncateSync(mine, 2n ** 32n + 3n);
    assertEquals(Deno.statSync(mine).size, 2 ** 32 + 3);
    truncateSync(mine, 0);
    assertEquals(Deno.statSync(mine).size, 0);
  });
});

test("truncate: a file HANDLE (SetFileInformationByHandle)", async () => {
  await withTempDir(async (root) => {
    const p = `${root}\\f`;
    Deno.writeTextFileSync(p, "abcdef");
    {
      using h = openFileHandle(p, true);
      truncateSync(+h, 2);
      assertEquals(statSync(+h).size, 2);
      assertEquals(Deno.statSync(p).size, 2);
      await truncate(+h, 5n);
      assertEquals(statSync(+h).size, 5);
    }
    assertEquals(Deno.readFileSync(p), new Uint8Array([97, 98, 0, 0, 0]));
    // A handle without write access fails as Deno's FsFile.truncateSync
    // does for a file opened for reading only.
    {
      using h = openFileHandle(p, false);
      using f = Deno.openSync(p, { read: true });
      const e = thrown(() => truncateSync(+h, 0)) as SystemError;
      const d = thrown(() => f.truncateSync(0));
      assertStrictEquals(e.constructor, d.constructor, e.message);
      assertEquals(e.name, d.name);
      // Windows says ERROR_ACCESS_DENIED (5); Wine ERROR_INVALID_PARAMETER.
      assertEquals(
        `(os error ${e.errno})`,
        /\(os error \d+\)/.exec(d.message)?.[0],
      );
      assert(e.message.startsWith(d.message.split(" (os error")[0]));
      assertEquals(e.syscall, "ftruncate");
    }
    assertEquals(Deno.statSync(p).size, 5);
    // A directory handle is not open for writing; a closed one is invalid.
    using dir = openDirSync(root);
    const e = thrown(() => truncateSync(dir, 0)) as SystemError;
    assert(e.errno === 5 || e.errno === 87, e.message);
    const closed = openDirSync(root);
    const fd = closed.fd;
    closed.close();
    const c = thrown(() => truncateSync(fd, 0)) as SystemError;
    assertEquals(c.errno, 6, c.message);
    assertEquals(c.code, "EBADF");
  });
});

/** What `fn` threw, or null when it returned. */
function outcome(fn: () => unknown): SystemError | null {
  try {
    fn();
  } catch (e) {
    return e as SystemError;
  }
  return null;
}

test("truncate: errors carry Deno's class, name, code and errno", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}\\file`, "x");
    Deno.writeTextFileSync(`${root}\\ro`, "x");
    Deno.chmodSync(`${root}\\ro`, 0o444);
    Deno.mkdirSync(`${root}\\dir`);
    try {
      // "ro": FILE_ATTRIBUTE_READONLY refuses GENERIC_WRITE on Windows;
      // Wine running as root ignores it. Either way we agree with Deno.
      const cases = ["missing", "no\\x", "file\\x", "dir", "ro"];
      for (const rel of cases) {
        const p = `${root}\\${rel}`;
        const e = outcome(() => truncateSync(p, 0));
        const d = outcome(() => Deno.truncateSync(p, 0));
        if (d === null) {
          assertEquals(e, null, `${rel}: Deno succeeded, we threw ${e}`);
          continue;
        }
        assert(e !== null, `${rel}: Deno threw ${d}, we did not`);
        assertStrictEquals(
          e.constructor,
          d.constructor,
          `${rel}: ${e.message}`,
        );
        assertEquals(e.name, d.name);
        assertEquals(e.code, d.code ?? "UNKNOWN", rel);
        assertEquals(
          e.message.split("): ")[0],
          d.message.split("): ")[0],
          rel,
        );
        assertEquals(e.syscall, "truncate");
        assertEquals(e.path, p);
      }
      assertEquals(
        thrown(() => truncateSync(`${root}\\dir`, 0)).name,
        "PermissionDenied",
      );
      assertEquals(
        thrown(() => truncateSync(`${root}\\missing`, 0)).name,
        "NotFound",
      );
    } finally {
      Deno.chmodSync(`${root}\\ro`, 0o666);
    }
  });
});

test("stat/lstat with dirFd: relative to the directory HANDLE (NtCreateFile)", async () => {
  await withTempDir(async (root) => {
    Deno.mkdirSync(`${root}\\sub\\deeper`, { recursive: true });
    Deno.writeTextFileSync(`${root}\\sub\\f`, "hello");
    Deno.writeTextFileSync(`${root}\\F2`, "x");
    using dir = openDirSync(`${root}\\sub`);
    const cases: [string, string][] = [
      ["f", "sub\\f"],
      ["deeper", "sub\\deeper"],
      ["deeper\\", "sub\\deeper"], // a trailing separator: a directory
      ["./f", "sub\\f"], // `.` components and `/` are accepted
      ["deeper//.\\", "sub\\deeper"],
      [".", "sub"], // the directory itself
      ["F", "sub\\f"], // case-insensitive, like CreateFileW
    ];
    for (const [rel, want] of cases) {
      const deno = Deno.statSync(`${root}\\${want}`);
      assertSameInfo(statSync(rel, { dirFd: dir }), deno, `stat ${rel}`);
      assertSameInfo(lstatSync(rel, { dirFd: dir }), deno, `lstat ${rel}`);
      assertSameInfo(
        statSync(rel, { dirFd: dir.fd, followSymlinks: false }),
        deno,
        `stat nofollow ${rel}`,
      );
      assertSameInfo(await stat(rel, { dirFd: dir }), deno, `async ${rel}`, [
        "atime",
      ]);
      assertSameInfo(await lstat(rel, { dirFd: dir }), deno, `alstat ${rel}`, [
        "atime",
      ]);
    }
    // Absolute (and root- or drive-relative) paths ignore dirFd.
    assertSameInfo(
      statSync(`${root}\\F2`, { dirFd: dir }),
      Deno.statSync(`${root}\\F2`),
      "absolute",
    );
    assertSameInfo(
      statSync(`${root}/F2`, { dirFd: dir }),
      Deno.statSync(`${root}\\F2`),
      "absolute /",
    );
    // Root-relative (\\users\\...\\F2): on the current drive.
    const before = Deno.cwd();
    chdir(root);
    try {
      assertSameInfo(
        statSync(`${root.slice(2)}\\F2`, { dirFd: dir }),
        Deno.statSync(`${root}\\F2`),
        "root-relative",
      );
    } finally {
      chdir(before);
    }
  });
});

test("dirFd: the directory is followed by HANDLE, not by path", async () => {
  await withTempDir((root) => {
    Deno.mkdirSync(`${root}\\a`);
    Deno.writeTextFileSync(`${root}\\a\\f`, "abc");
    using dir = openDirSync(`${root}\\a`);
    Deno.renameSync(`${root}\\a`, `${root}\\b`);
    Deno.mkdirSync(`${root}\\a`); // a decoy at the old path
    assertEquals(statSync("f", { dirFd: dir }).size, 3);
    using sub = openDirSync(".", { dirFd: dir });
    assertSameInfo(statSync(sub), Deno.statSync(`${root}\\b`), "reopened");
  });
});

test("openDir with dirFd: nested relative opens; errors are Deno's", async () => {
  await withTempDir(async (root) => {
    Deno.mkdirSync(`${root}\\x\\y\\z`, { recursive: true });
    Deno.writeTextFileSync(`${root}\\x\\file`, "");
    using x = openDirSync(`${root}\\x`);
    using y = openDirSync("y", { dirFd: x });
    await using z = await openDir("z", { dirFd: y, followSymlinks: false });
    assertSameInfo(statSync(y), Deno.statSync(`${root}\\x\\y`), "y");
    assertSameInfo(statSync(z), Deno.statSync(`${root}\\x\\y\\z`), "z");
    using z2 = openDirSync("y/z", { dirFd: x });
    assertEquals(statSync(z2).ino, statSync(z).ino);
    chdir(Deno.cwd()); // (chdir unaffected)
    // Errors: the same class, code and errno as Deno's for the joined path.
    const cases: [string, () => unknown, number][] = [
      ["missing", () => Deno.statSync(`${root}\\x\\missing`), 2],
      ["no\\such", () => Deno.statSync(`${root}\\x\\no\\such`), 3],
    ];
    for (const [rel, deno, errno] of cases) {
      const d = thrown(deno) as SystemError;
      for (
        const e of [
          thrown(() => statSync(rel, { dirFd: x })),
          thrown(() => lstatSync(rel, { dirFd: x })),
          thrown(() => openDirSync(rel, { dirFd: x })),
        ] as SystemError[]
      ) {
        assertStrictEquals(
          e.constructor,
          d.constructor,
          `${rel}: ${e.message}`,
        );
        assertEquals(e.code, d.code, rel);
        assertEquals(e.errno, errno, rel);
        assertEquals(e.path, rel);
      }
    }
    const nd = thrown(() => openDirSync("file", { dirFd: x })) as SystemError;
    assert(nd instanceof Deno.errors.NotADirectory, String(nd));
    assertEquals(nd.errno, 267);
    // A dirFd that is not an open handle.
    const closed = openDirSync(root);
    const fd = closed.fd;
    closed.close();
    const bad = thrown(() => statSync("x", { dirFd: fd })) as SystemError;
    assertEquals(bad.errno, 6, bad.message);
    assertEquals(bad.code, "EBADF");
  });
});

test("dirFd with a '..' component is NotSupported, never resolved lexically", async () => {
  await withTempDir(async (root) => {
    Deno.mkdirSync(`${root}\\sub`);
    Deno.writeTextFileSync(`${root}\\top`, "");
    using dir = openDirSync(`${root}\\sub`);
    for (const rel of ["..", "..\\top", "../top", "x\\..\\y", "a/.."]) {
      for (
        const e of [
          thrown(() => statSync(rel, { dirFd: dir })),
          thrown(() => lstatSync(rel, { dirFd: dir })),
          thrown(() => openDirSync(rel, { dirFd: dir })),
          await lstat(rel, { dirFd: dir }).then(() => null, (e) => e),
        ] as SystemError[]
      ) {
        assert(e instanceof Deno.errors.NotSupported, `${rel}: ${e}`);
        assertEquals(e.errno, 120);
        assertEquals(e.path, rel);
      }
    }
    // Without dirFd, `..` is the Win32 layer's business, as usual.
    assert(statSync(`${root}\\sub\\..\\top`).isFile);
  });
});

test("async calls run as tasks on a pool worker, each with its own error", async () => {
  // What a worker does is checked: nothing runs here while the pool is cold
  // (earlier tests may have run some here while it was).
  const pool0 = (b().async as unknown as { pool(): CallPool }).pool();
  pool0.coldLeft = 0;
  const ranBefore = pool0.ranHere;
  await withTempDir(async (root) => {
    Deno.writeTextFileSync(`${root}\\f`, "hello");
    Deno.mkdirSync(`${root}\\d`);
    using dir = openDirSync(root);
    // Every Windows async twin, with successes and failures mixed in one
    // batch; each must settle as its sync twin does.
    type Op = [string, () => Promise<unknown>, () => unknown];
    const ops: Op[] = [
      ["stat f", () => stat(`${root}\\f`), () => statSync(`${root}\\f`)],
      ["lstat d", () => lstat(`${root}/d`), () => lstatSync(`${root}/d`)],
      [
        "stat missing",
        () => stat(`${root}\\missing`),
        () => statSync(`${root}\\missing`),
      ],
      [
        "dirFd",
        () => stat("f", { dirFd: dir }),
        () => statSync("f", { dirFd: dir }),
      ],
      [
        "dirFd missing",
        () => lstat("nope", { dirFd: dir }),
        () => lstatSync("nope", { dirFd: dir }),
      ],
      ["fd", () => stat(dir), () => statSync(dir)],
      [
        "openDir file",
        () => openDir(`${root}\\f`),
        () => openDirSync(`${root}\\f`),
      ],
      [
        "readLink file",
        () => dirfd.readLink(`${root}\\f`),
        () => readLinkSync(`${root}\\f`),
      ],
      [
        "truncate dir",
        () => truncate(`${root}\\d`, 1),
        () => truncateSync(`${root}\\d`, 1),
      ],
    ];
    const settle = (p: Promise<unknown>) => p.then((v) => v, (e) => e);
    const many = Array.from({ length: 180 }, (_, i) => ops[i % ops.length]);
    const got = await Promise.all(many.map(([, a]) => settle(a())));
    for (let i = 0; i < many.length; i++) {
      const [name, , sync] = many[i];
      let want: unknown;
      try {
        want = sync();
      } catch (e) {
        want = e;
      }
      if (want instanceof Error) {
        const g = got[i] as SystemError;
        assert(g instanceof Error, `${name}: rejects like the sync twin`);
        assertStrictEquals(g.constructor, want.constructor, name);
        assertEquals(g.message, want.message, name);
      } else if (want instanceof dirfd.Dir) {
        (got[i] as dirfd.Dir).close();
        want.close();
      } else {
        assertSameInfo(
          got[i] as Deno.FileInfo,
          want as Deno.FileInfo,
          name,
          [],
        );
      }
    }
    // An opened directory, a truncated file, a (stub) symlink: one by one.
    await using d = await openDir("d", { dirFd: dir });
    assert((await stat(d)).isDirectory);
    await truncate(`${root}\\f`, 2);
    assertEquals(Deno.statSync(`${root}\\f`).size, 2);
    await symlink("f", `${root}\\lf`);
    const call = lastSymlinkCall()!;
    assertEquals(call.attempts, [UNPRIV]);
    assertEquals(call.link, `${root}\\lf`);
    const pool = (b().async as unknown as { pool(): CallPool }).pool();
    assert(pool.workers > 0);
    assertEquals(pool.ranHere, ranBefore, "every task ran on a worker");
  });
});
