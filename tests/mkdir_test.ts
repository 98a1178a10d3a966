// Copyright 2026 the dirfd authors. MIT license.
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  type Dir,
  mkdir,
  mkdirSync,
  openDirSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
} from "../mod.ts";
import {
  assertCode,
  assertFailsLikeDeno,
  basicTree,
  closedFd,
  CREATE_FAILS,
  thrown,
  withTempDir,
} from "./_at_util.ts";
import { needsSymlinks, posixOnly } from "./_helpers.ts";

Deno.test("mkdir: capabilities as in CPython on Linux", () => {
  assert(supportsDirFd.has(mkdir) && supportsDirFd.has(mkdirSync));
  assert(!supportsFd.has(mkdir) && !supportsFollowSymlinks.has(mkdir));
});

// POSIX only: POSIX modes (0o700) and file:///tmp-style URLs; Windows: windowsFamily below.
Deno.test(
  "mkdir: dirFd resolves relative paths, absolute paths ignore it",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/sub`);
      using sub = openDirSync(`${root}/sub`);
      mkdirSync("a", { dirFd: sub });
      await mkdir("b", { dirFd: sub.fd, mode: 0o700 });
      mkdirSync(`${root}/abs`, { dirFd: sub });
      mkdirSync(new URL(`file://${root}/url`));
      assert(Deno.statSync(`${root}/sub/a`).isDirectory);
      assertEquals(Deno.statSync(`${root}/sub/b`).mode! & 0o777, 0o700);
      assert(Deno.statSync(`${root}/abs`).isDirectory);
      assert(Deno.statSync(`${root}/url`).isDirectory);
    });
  },
);

Deno.test("mkdir: default and explicit modes match Deno.mkdir (umask applies)", async () => {
  await withTempDir((root) => {
    mkdirSync(`${root}/ours`);
    Deno.mkdirSync(`${root}/deno`);
    assertEquals(
      Deno.statSync(`${root}/ours`).mode,
      Deno.statSync(`${root}/deno`).mode,
    );
    mkdirSync(`${root}/ours2`, { mode: 0o750 });
    Deno.mkdirSync(`${root}/deno2`, { mode: 0o750 });
    assertEquals(
      Deno.statSync(`${root}/ours2`).mode,
      Deno.statSync(`${root}/deno2`).mode,
    );
  });
});

// Skipped where it cannot run: symlink fixtures (dangling, loop).
Deno.test(
  "mkdir: errors are Deno's (EEXIST, ENOENT, ENOTDIR, ELOOP, EBADF)",
  needsSymlinks,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      using dir = openDirSync(root);
      await assertFailsLikeDeno(
        root,
        dir,
        CREATE_FAILS,
        (abs) => Deno.mkdirSync(abs),
        "mkdirat",
        (p, dirFd) => mkdirSync(p, { dirFd: dirFd as Dir }),
        (p, dirFd) => mkdir(p, { dirFd: dirFd as Dir }),
      );
      assertCode(
        thrown(() => mkdirSync("x", { dirFd: closedFd() })),
        "EBADF",
        "mkdirat",
      );
    });
  },
);

Deno.test("mkdir: bad input is refused before any syscall", async () => {
  await withTempDir(async (root) => {
    const dir = openDirSync(root);
    dir.close();
    assertThrows(() => mkdirSync(`${root}/a\0b`), TypeError);
    assertThrows(() => mkdirSync(`${root}/\ud800`), TypeError);
    assertThrows(() => mkdirSync("x", { dirFd: -1 }), TypeError);
    assertThrows(() => mkdirSync("x", { dirFd: 1.5 }), TypeError);
    assertThrows(() => mkdirSync("x", { mode: -1 }), TypeError);
    assertThrows(() => mkdirSync("x", { mode: 0o10000 }), TypeError);
    assertThrows(() => mkdirSync(new URL("https://x/y")), TypeError);
    assertThrows(() => mkdirSync(1 as unknown as string), TypeError);
    assertThrows(
      () => mkdirSync("x", { dirFd: dir }),
      Deno.errors.BadResource,
    );
    await assertRejects(
      () => mkdir("x", { dirFd: dir }),
      Deno.errors.BadResource,
    );
    assertEquals([...Deno.readDirSync(root)], []);
  });
});
