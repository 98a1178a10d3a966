// Copyright 2026 the dirfd authors. MIT license.
import assert from "node:assert/strict";
import {
  openDirSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
  truncate,
  truncateSync,
} from "../mod.ts";
import { openSync } from "node:fs";
import { closeSync } from "node:fs";
import {
  assertCode,
  assertLikeDeno,
  basicTree,
  closedFd,
  rejected,
  thrown,
  withTempDir,
} from "./_at_util.ts";
import { posixOnly } from "./_helpers.ts";

Deno.test("truncate: capabilities as in CPython on Linux and Windows", () => {
  for (const f of [truncate, truncateSync]) {
    assert.ok(supportsFd.has(f));
    assert.ok(!supportsDirFd.has(f) && !supportsFollowSymlinks.has(f));
  }
});

// POSIX-only: typeless relative symlinks (Wine cannot create links) and a
// node:fs descriptor (a CRT fd, not a HANDLE, on Windows); the Windows
// equivalents are in windows_test.ts.
Deno.test("truncate: paths, links and descriptors", posixOnly, async () => {
  await withTempDir(async (root) => {
    basicTree(root);
    truncateSync(`${root}/file`, 2);
    assert.equal(Deno.readTextFileSync(`${root}/file`), "da");
    await truncate(new URL(`file://${root}/link-file`), 6n); // follows
    assert.deepEqual(
      Deno.readFileSync(`${root}/file`),
      new Uint8Array([100, 97, 0, 0, 0, 0]),
    );
    // Same as Deno.truncate.
    Deno.writeTextFileSync(`${root}/other`, "data");
    Deno.truncateSync(`${root}/other`, 2);
    truncateSync(`${root}/other`, 2);
    assert.equal(Deno.readTextFileSync(`${root}/other`), "da");
    // A raw descriptor open for writing (ftruncate).
    const fd = openSync(`${root}/file`, "r+");
    try {
      truncateSync(fd, 1);
      await truncate(fd, 3);
    } finally {
      closeSync(fd);
    }
    assert.deepEqual(
      Deno.readFileSync(`${root}/file`),
      new Uint8Array([100, 0, 0]),
    );
  });
});

// POSIX-only: symlink fixtures and POSIX errno names; windows_test.ts
// compares the Windows errors with Deno's.
Deno.test(
  "truncate: errors are Deno's (ENOENT, EISDIR, ENOTDIR, ELOOP), EBADF, EINVAL",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      for (const rel of ["missing", "dir", "loop", "file/x"]) {
        const deno = thrown(() => Deno.truncateSync(`${root}/${rel}`, 0));
        assertLikeDeno(
          thrown(() => truncateSync(`${root}/${rel}`, 0)),
          deno,
          "truncate",
          `${root}/${rel}`,
        );
        assertLikeDeno(
          await rejected(truncate(`${root}/${rel}`, 0)),
          deno,
          "truncate",
          `${root}/${rel}`,
        );
      }
      // Deno.truncate refuses every symlink (O_NOFOLLOW: ELOOP); truncate(2)
      // and Python follow them, so a dangling link is ENOENT here.
      assert.equal(
        thrown(() => Deno.truncateSync(`${root}/link-file`, 0)).code,
        "ELOOP",
      );
      const dangling = thrown(() => truncateSync(`${root}/dangling`, 0));
      assert.ok(dangling instanceof Deno.errors.NotFound);
      assertCode(dangling, "ENOENT", "truncate");
      assertCode(
        thrown(() => truncateSync(closedFd(), 0)),
        "EBADF",
        "ftruncate",
      );
      // A directory descriptor is not open for writing.
      using dir = openDirSync(root);
      const e = thrown(() => truncateSync(dir, 0));
      assert.ok(e.code === "EINVAL" || e.code === "EBADF", e.code);
    });
  },
);

Deno.test("truncate: bad input is refused before any syscall", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}/f`, "abc");
    const closed = openDirSync(root);
    closed.close();
    assert.throws(() => truncateSync(`${root}/f\0`, 0), TypeError);
    assert.throws(() => truncateSync(`${root}/\ud800`, 0), TypeError);
    assert.throws(() => truncateSync(`${root}/f`, -1), /length/);
    assert.throws(() => truncateSync(`${root}/f`, 1.5), /length/);
    assert.throws(() => truncateSync(`${root}/f`, 2n ** 63n), /length/);
    assert.throws(() => truncateSync(`${root}/f`, "0" as never), /length/);
    assert.throws(() => truncateSync(-1, 0), TypeError);
    assert.throws(() => truncateSync(closed, 0), Deno.errors.BadResource);
    assert.equal(Deno.readTextFileSync(`${root}/f`), "abc");
  });
});
