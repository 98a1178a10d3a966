// Copyright 2026 the dirfd authors. MIT license.
import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  mkdirSync,
  openDirSync,
  rename,
  renameSync,
  rmdirSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
} from "../mod.ts";
import {
  assertCode,
  assertLikeDeno,
  assertLikeDenoIn,
  basicTree,
  closedFd,
  otherDevice,
  rejected,
  thrown,
  withTempDir,
} from "./_at_util.ts";
import { needsSymlinks } from "./_helpers.ts";

Deno.test("rename: capabilities as in CPython on Linux", () => {
  assert(supportsDirFd.has(rename) && supportsDirFd.has(renameSync));
  assert(!supportsFd.has(rename) && !supportsFollowSymlinks.has(rename));
});

// Skipped where it cannot run: symlink fixtures.
Deno.test(
  "rename: srcDirFd and dstDirFd resolve each side",
  needsSymlinks,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      Deno.mkdirSync(`${root}/to`);
      using here = openDirSync(root);
      using to = openDirSync(`${root}/to`);
      renameSync("file", "moved", { srcDirFd: here, dstDirFd: to });
      assertEquals(Deno.readTextFileSync(`${root}/to/moved`), "data");
      // Only one side relative to a descriptor; the other to the cwd/absolute.
      await rename("to/moved", `${root}/back`, { srcDirFd: here.fd });
      await rename(`${root}/back`, "again", { dstDirFd: to });
      assertEquals(Deno.readTextFileSync(`${root}/to/again`), "data");
      // Symlinks are renamed themselves, including dangling and looping ones.
      renameSync("dangling", "d2", { srcDirFd: here, dstDirFd: here });
      renameSync("loop", "to/l2", { srcDirFd: here, dstDirFd: here });
      assertEquals(Deno.readLinkSync(`${root}/d2`), "missing");
      assertEquals(Deno.readLinkSync(`${root}/to/l2`), "loop");
      // A directory replaces an empty one.
      Deno.mkdirSync(`${root}/empty`);
      renameSync(
        new URL(`file://${root}/dir`),
        new URL(`file://${root}/empty`),
      );
      assertEquals(Deno.readTextFileSync(`${root}/empty/inner`), "in");
    });
  },
);

// Skipped where it cannot run: symlink fixtures.
Deno.test(
  "rename: errors are Deno's and carry dest",
  needsSymlinks,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      Deno.mkdirSync(`${root}/full`);
      Deno.writeTextFileSync(`${root}/full/x`, "");
      using dir = openDirSync(root);
      const cases: [string, string][] = [
        ["missing", "x"], // ENOENT
        ["dir", "full"], // ENOTEMPTY
        ["dir", "file"], // ENOTDIR
        ["file", "full"], // EISDIR
        ["file", "loop/x"], // ELOOP
        ["file/x", "y"], // ENOTDIR
        ["dir", "dir/sub"], // EINVAL: into itself
      ];
      for (const [s, d] of cases) {
        const deno = thrown(() =>
          Deno.renameSync(`${root}/${s}`, `${root}/${d}`)
        );
        assertLikeDeno(
          thrown(() => renameSync(`${root}/${s}`, `${root}/${d}`)),
          deno,
          "renameat",
          `${root}/${s}`,
          `${root}/${d}`,
        );
        assertLikeDeno(
          await rejected(rename(s, d, { srcDirFd: dir, dstDirFd: dir })),
          deno,
          "renameat",
          s,
          d,
        );
      }
      const bad = closedFd();
      assertCode(
        thrown(() => renameSync("file", "x", { srcDirFd: bad })),
        "EBADF",
        "renameat",
      );
      assertCode(
        thrown(() => renameSync("file", "x", { dstDirFd: bad })),
        "EBADF",
        "renameat",
      );
    });
  },
);

Deno.test({
  name: "rename: EXDEV across file systems, like Deno",
  ignore: otherDevice() === null, // needs a second file system (tmpfs /dev/shm)
  fn: async () => {
    await withTempDir(async (root) => {
      // Deno guards /dev/shm with --allow-all: create and remove through FFI,
      // and ask a subprocess what Deno.renameSync throws there.
      const other = `${otherDevice()}/dirfd_exdev_${crypto.randomUUID()}`;
      mkdirSync(other);
      try {
        Deno.writeTextFileSync(`${root}/f`, "");
        using a = openDirSync(root);
        using b = openDirSync(other);
        const e = thrown(() =>
          renameSync("f", "f", { srcDirFd: a, dstDirFd: b })
        );
        assertCode(e, "EXDEV", "renameat");
        assertEquals(e.dest, "f");
        await assertLikeDenoIn(
          e,
          `Deno.renameSync(${JSON.stringify(`${root}/f`)}, ${
            JSON.stringify(`${other}/f`)
          })`,
        );
      } finally {
        rmdirSync(other);
      }
    });
  },
});

Deno.test("rename: bad input is refused before any syscall", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}/f`, "");
    const dir = openDirSync(root);
    dir.close();
    assertThrows(() => renameSync(`${root}/f`, `${root}/g\0`), TypeError);
    assertThrows(() => renameSync(`${root}/f\ud800`, `${root}/g`), TypeError);
    assertThrows(
      () => renameSync("f", "g", { srcDirFd: -1 }),
      TypeError,
      "srcDirFd",
    );
    assertThrows(
      () => renameSync("f", "g", { dstDirFd: "3" as never }),
      TypeError,
      "dstDirFd",
    );
    assertThrows(
      () => renameSync("f", "g", { dstDirFd: dir }),
      Deno.errors.BadResource,
    );
    assert(Deno.statSync(`${root}/f`).isFile);
  });
});
