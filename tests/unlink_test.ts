// Copyright 2026 the dirfd authors. MIT license.
import assert from "node:assert/strict";
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
  assert.ok(supportsDirFd.has(unlink) && supportsDirFd.has(unlinkSync));
  assert.ok(!supportsFd.has(unlink) && !supportsFollowSymlinks.has(unlink));
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
      assert.equal(Deno.readTextFileSync(`${root}/file`), "data");
      assert.deepEqual(
        [...Deno.readDirSync(root)].map((e) => e.name).sort(),
        ["dir", "file"],
      );
      unlinkSync(new URL(`file://${root}/file`));
      assert.deepEqual([...Deno.readDirSync(`${root}/dir`)], []);
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
      assert.ok(e instanceof Deno.errors.IsADirectory);
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
    assert.throws(() => unlinkSync(`${root}/f\0`), TypeError);
    assert.throws(() => unlinkSync(`${root}/\udc00`), TypeError);
    assert.throws(() => unlinkSync("f", { dirFd: -3 }), TypeError);
    assert.throws(
      () => unlinkSync("f", { dirFd: dir }),
      Deno.errors.BadResource,
    );
    assert.ok(Deno.statSync(`${root}/f`).isFile);
  });
});
