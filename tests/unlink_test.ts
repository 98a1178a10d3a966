// Copyright 2026 the dirfd authors. MIT license.
import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  type Dir,
  openDirSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
  unlink,
  unlinkSync,
} from "../mod.ts";
import {
  assertCode,
  assertFailsLikeDeno,
  basicTree,
  closedFd,
  thrown,
  withTempDir,
} from "./_at_util.ts";
import { needsSymlinks, posixOnly } from "./_helpers.ts";

Deno.test("unlink: capabilities as in CPython on Linux", () => {
  assert(supportsDirFd.has(unlink) && supportsDirFd.has(unlinkSync));
  assert(!supportsFd.has(unlink) && !supportsFollowSymlinks.has(unlink));
});

// Skipped where it cannot run: symlink fixtures.
Deno.test(
  "unlink: removes files and links themselves, relative to dirFd",
  needsSymlinks,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      using dir = openDirSync(root);
      unlinkSync("link-file", { dirFd: dir });
      await unlink("link-dir", { dirFd: dir.fd });
      unlinkSync("dangling", { dirFd: dir });
      unlinkSync("loop", { dirFd: dir });
      unlinkSync(`${root}/dir/inner`, { dirFd: dir }); // absolute: dirFd ignored
      assertEquals(Deno.readTextFileSync(`${root}/file`), "data");
      assertEquals(
        [...Deno.readDirSync(root)].map((e) => e.name).sort(),
        ["dir", "file"],
      );
      unlinkSync(new URL(`file://${root}/file`));
      assertEquals([...Deno.readDirSync(`${root}/dir`)], []);
    });
  },
);

// POSIX only: EISDIR: Windows refuses a directory with PermissionDenied, as Python's os.remove does (tested below).
Deno.test(
  "unlink: errors are Deno's (ENOENT, ENOTDIR), EISDIR, EBADF",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      using dir = openDirSync(root);
      await assertFailsLikeDeno(
        root,
        dir,
        ["missing", "file/x", "loop/x", "dangling/x"],
        (abs) => Deno.removeSync(abs),
        "unlinkat",
        (p, dirFd) => unlinkSync(p, { dirFd: dirFd as Dir }),
        (p, dirFd) => unlink(p, { dirFd: dirFd as Dir }),
      );
      // Deno.remove deletes empty directories; unlink refuses every directory
      // (Linux reports EISDIR), as Python's os.remove does.
      Deno.mkdirSync(`${root}/empty`);
      const e = thrown(() => unlinkSync("empty", { dirFd: dir }));
      assert(e instanceof Deno.errors.IsADirectory);
      assertCode(e, "EISDIR", "unlinkat");
      assertCode(
        thrown(() => unlinkSync("x", { dirFd: closedFd() })),
        "EBADF",
        "unlinkat",
      );
    });
  },
);

Deno.test("unlink: bad input is refused before any syscall", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}/f`, "");
    const dir = openDirSync(root);
    dir.close();
    assertThrows(() => unlinkSync(`${root}/f\0`), TypeError);
    assertThrows(() => unlinkSync(`${root}/\udc00`), TypeError);
    assertThrows(() => unlinkSync("f", { dirFd: -3 }), TypeError);
    assertThrows(
      () => unlinkSync("f", { dirFd: dir }),
      Deno.errors.BadResource,
    );
    assert(Deno.statSync(`${root}/f`).isFile);
  });
});
