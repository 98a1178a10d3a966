// Copyright 2026 the dirfd authors. MIT license.
import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  openDirSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
  truncate,
  truncateSync,
} from "../mod.ts";
// node:fs for a raw OS descriptor to pass as a path: Deno.FsFile exposes none.
import { closeSync, openSync } from "node:fs";
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
    assert(supportsFd.has(f));
    assert(!supportsDirFd.has(f) && !supportsFollowSymlinks.has(f));
  }
});

// POSIX-only: typeless relative symlinks (Wine cannot create links) and a
// node:fs descriptor (a CRT fd, not a HANDLE, on Windows); the Windows
// equivalents are in windows_test.ts.
Deno.test("truncate: paths, links and descriptors", posixOnly, async () => {
  await withTempDir(async (root) => {
    basicTree(root);
    truncateSync(`${root}/file`, 2);
    assertEquals(Deno.readTextFileSync(`${root}/file`), "da");
    await truncate(new URL(`file://${root}/link-file`), 6n); // follows
    assertEquals(
      Deno.readFileSync(`${root}/file`),
      new Uint8Array([100, 97, 0, 0, 0, 0]),
    );
    // Same as Deno.truncate.
    Deno.writeTextFileSync(`${root}/other`, "data");
    Deno.truncateSync(`${root}/other`, 2);
    truncateSync(`${root}/other`, 2);
    assertEquals(Deno.readTextFileSync(`${root}/other`), "da");
    // A raw descriptor open for writing (ftruncate).
    const fd = openSync(`${root}/file`, "r+");
    try {
      truncateSync(fd, 1);
      await truncate(fd, 3);
    } finally {
      closeSync(fd);
    }
    assertEquals(
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
      assertEquals(
        thrown(() => Deno.truncateSync(`${root}/link-file`, 0)).code,
        "ELOOP",
      );
      const dangling = thrown(() => truncateSync(`${root}/dangling`, 0));
      assert(dangling instanceof Deno.errors.NotFound);
      assertCode(dangling, "ENOENT", "truncate");
      assertCode(
        thrown(() => truncateSync(closedFd(), 0)),
        "EBADF",
        "ftruncate",
      );
      // A directory descriptor is not open for writing.
      using dir = openDirSync(root);
      const e = thrown(() => truncateSync(dir, 0));
      assert(e.code === "EINVAL" || e.code === "EBADF", e.code);
    });
  },
);

Deno.test("truncate: bad input is refused before any syscall", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}/f`, "abc");
    const closed = openDirSync(root);
    closed.close();
    assertThrows(() => truncateSync(`${root}/f\0`, 0), TypeError);
    assertThrows(() => truncateSync(`${root}/\ud800`, 0), TypeError);
    assertThrows(() => truncateSync(`${root}/f`, -1), TypeError, "length");
    assertThrows(() => truncateSync(`${root}/f`, 1.5), TypeError, "length");
    assertThrows(
      () => truncateSync(`${root}/f`, 2n ** 63n),
      TypeError,
      "length",
    );
    assertThrows(
      () => truncateSync(`${root}/f`, "0" as never),
      TypeError,
      "length",
    );
    assertThrows(() => truncateSync(-1, 0), TypeError);
    assertThrows(() => truncateSync(closed, 0), Deno.errors.BadResource);
    assertEquals(Deno.readTextFileSync(`${root}/f`), "abc");
  });
});
