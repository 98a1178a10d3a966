// Copyright 2026 the dirfd authors. MIT license.
import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  link,
  linkSync,
  mkdirSync,
  openDirSync,
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

Deno.test("link: capabilities as in CPython on Linux", () => {
  assert(supportsDirFd.has(link) && supportsDirFd.has(linkSync));
  assert(
    supportsFollowSymlinks.has(link) && supportsFollowSymlinks.has(linkSync),
  );
  assert(!supportsFd.has(link));
});

// Skipped where it cannot run: symlink fixtures.
Deno.test(
  "link: srcDirFd/dstDirFd, and symlinks followed by default",
  needsSymlinks,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      Deno.mkdirSync(`${root}/to`);
      using here = openDirSync(root);
      using to = openDirSync(`${root}/to`);
      linkSync("file", "hard", { srcDirFd: here, dstDirFd: to });
      const ino = Deno.statSync(`${root}/file`).ino;
      assertEquals(Deno.statSync(`${root}/to/hard`).ino, ino);
      // Default (Python): follow the symlink, link its target.
      await link("link-file", "via-follow", {
        srcDirFd: here.fd,
        dstDirFd: to,
      });
      const followed = Deno.lstatSync(`${root}/to/via-follow`);
      assert(followed.isFile);
      assertEquals(followed.ino, ino);
      // followSymlinks: false links the symlink itself, as Deno.link does.
      linkSync("link-file", "via-nofollow", {
        srcDirFd: here,
        dstDirFd: to,
        followSymlinks: false,
      });
      Deno.linkSync(`${root}/link-file`, `${root}/to/via-deno`);
      const own = Deno.lstatSync(`${root}/to/via-nofollow`);
      assert(own.isSymlink);
      assertEquals(own.ino, Deno.lstatSync(`${root}/to/via-deno`).ino);
      assertEquals(own.ino, Deno.lstatSync(`${root}/link-file`).ino);
      // A dangling link can be hard-linked itself only.
      linkSync("dangling", "to/d2", {
        srcDirFd: here,
        dstDirFd: here,
        followSymlinks: false,
      });
      assertEquals(Deno.readLinkSync(`${root}/to/d2`), "missing");
      // One side relative, the other absolute.
      linkSync(`${root}/file`, "abs", { dstDirFd: to });
      assertEquals(Deno.statSync(`${root}/to/abs`).nlink, 4);
    });
  },
);

// Skipped where it cannot run: symlink fixtures.
Deno.test("link: errors are Deno's and carry dest", needsSymlinks, async () => {
  await withTempDir(async (root) => {
    basicTree(root);
    using dir = openDirSync(root);
    const cases: [string, string][] = [
      ["missing", "x"], // ENOENT
      ["file", "dir"], // EEXIST
      ["file", "link-file"], // EEXIST (existing symlink)
      ["dir", "d2"], // EPERM: directories cannot be hard-linked
      ["file", "loop/x"], // ELOOP
      ["file/x", "y"], // ENOTDIR
    ];
    for (const [s, d] of cases) {
      const deno = thrown(() => Deno.linkSync(`${root}/${s}`, `${root}/${d}`));
      assertLikeDeno(
        thrown(() => linkSync(`${root}/${s}`, `${root}/${d}`)),
        deno,
        "linkat",
        `${root}/${s}`,
        `${root}/${d}`,
      );
      assertLikeDeno(
        await rejected(link(s, d, { srcDirFd: dir, dstDirFd: dir })),
        deno,
        "linkat",
        s,
        d,
      );
    }
    // Following a dangling or looping link fails; Deno.link never follows.
    assertCode(
      thrown(() => linkSync("dangling", "x", { srcDirFd: dir })),
      "ENOENT",
      "linkat",
    );
    const loop = thrown(() => linkSync("loop", "x", { srcDirFd: dir }));
    assert(loop instanceof Deno.errors.FilesystemLoop);
    assertCode(loop, "ELOOP", "linkat");
    assertCode(
      thrown(() => linkSync(`${root}/file`, "x", { dstDirFd: closedFd() })),
      "EBADF",
      "linkat",
    );
  });
});

Deno.test({
  name: "link: EXDEV across file systems, like Deno",
  ignore: otherDevice() === null, // needs a second file system (tmpfs /dev/shm)
  fn: async () => {
    await withTempDir(async (root) => {
      // Deno guards /dev/shm with --allow-all: create and remove through FFI,
      // and ask a subprocess what Deno.linkSync throws there.
      const other = `${otherDevice()}/dirfd_exdev_${crypto.randomUUID()}`;
      mkdirSync(other);
      try {
        Deno.writeTextFileSync(`${root}/f`, "");
        using b = openDirSync(other);
        const e = thrown(() => linkSync(`${root}/f`, "f", { dstDirFd: b }));
        assertCode(e, "EXDEV", "linkat");
        assertEquals(e.dest, "f");
        await assertLikeDenoIn(
          e,
          `Deno.linkSync(${JSON.stringify(`${root}/f`)}, ${
            JSON.stringify(`${other}/f`)
          })`,
        );
      } finally {
        rmdirSync(other);
      }
    });
  },
});

Deno.test("link: bad input is refused before any syscall", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}/f`, "");
    const dir = openDirSync(root);
    dir.close();
    assertThrows(() => linkSync(`${root}/f`, `${root}/g\0`), TypeError);
    assertThrows(() => linkSync(`${root}/\udfff`, `${root}/g`), TypeError);
    assertThrows(
      () => linkSync("f", "g", { srcDirFd: -2 }),
      TypeError,
      "srcDirFd",
    );
    assertThrows(
      () => linkSync("f", "g", { followSymlinks: "no" as never }),
      TypeError,
    );
    assertThrows(
      () => linkSync("f", "g", { srcDirFd: dir }),
      Deno.errors.BadResource,
    );
    assertEquals([...Deno.readDirSync(root)].map((e) => e.name), ["f"]);
  });
});
