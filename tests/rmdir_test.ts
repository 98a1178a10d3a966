// Copyright 2026 the dirfd authors. MIT license.
import {
  assert,
  assertEquals,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import {
  type Dir,
  openDirSync,
  rmdir,
  rmdirSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
} from "../mod.ts";
import {
  assertCode,
  assertFailsLikeDeno,
  basicTree,
  closedFd,
  thrown,
  withTempDir,
} from "./_at_util.ts";
import { needsSymlinks } from "./_helpers.ts";

Deno.test("rmdir: capabilities as in CPython on Linux", () => {
  assert(supportsDirFd.has(rmdir) && supportsDirFd.has(rmdirSync));
  assert(!supportsFd.has(rmdir) && !supportsFollowSymlinks.has(rmdir));
});

Deno.test("rmdir: removes empty directories relative to dirFd", async () => {
  await withTempDir(async (root) => {
    Deno.mkdirSync(`${root}/a/b/c`, { recursive: true });
    Deno.mkdirSync(`${root}/d`);
    using a = openDirSync(`${root}/a`);
    rmdirSync("b/c", { dirFd: a });
    await rmdir("b", { dirFd: a.fd });
    rmdirSync(`${root}/d`, { dirFd: a });
    assertEquals([...Deno.readDirSync(`${root}/a`)], []);
    assertEquals([...Deno.readDirSync(root)].map((e) => e.name), ["a"]);
  });
});

// Skipped where it cannot run: symlink fixtures.
Deno.test(
  "rmdir: errors are Deno's (ENOTEMPTY, ENOENT, ENOTDIR), EBADF",
  needsSymlinks,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      using dir = openDirSync(root);
      // Deno.remove on a non-directory deletes it, so compare with a call that
      // fails the same way: ENOTEMPTY and ENOENT directly, ENOTDIR via a path
      // through a file.
      await assertFailsLikeDeno(
        root,
        dir,
        ["dir", "missing", "file/x", "loop/x"],
        (abs) => Deno.removeSync(abs),
        "unlinkat",
        (p, dirFd) => rmdirSync(p, { dirFd: dirFd as Dir }),
        (p, dirFd) => rmdir(p, { dirFd: dirFd as Dir }),
      );
      const notDir = thrown(() => Deno.mkdirSync(`${root}/file/x`));
      for (const rel of ["file", "link-dir", "dangling"]) {
        const e = thrown(() => rmdirSync(rel, { dirFd: dir }));
        assertStrictEquals(e.constructor, notDir.constructor);
        assertCode(e, "ENOTDIR", "unlinkat");
      }
      assert(Deno.statSync(`${root}/dir`).isDirectory);
      assertCode(
        thrown(() => rmdirSync("x", { dirFd: closedFd() })),
        "EBADF",
        "unlinkat",
      );
    });
  },
);

Deno.test("rmdir: bad input is refused before any syscall", async () => {
  await withTempDir((root) => {
    Deno.mkdirSync(`${root}/d`);
    const dir = openDirSync(root);
    dir.close();
    assertThrows(() => rmdirSync(`${root}/d\0`), TypeError);
    assertThrows(() => rmdirSync(`${root}/\ud800d`), TypeError);
    assertThrows(() => rmdirSync("d", { dirFd: -1 }), TypeError);
    assertThrows(
      () => rmdirSync("d", { dirFd: dir }),
      Deno.errors.BadResource,
    );
    assert(Deno.statSync(`${root}/d`).isDirectory);
  });
});
