// Copyright 2026 the dirfd authors. MIT license.
import {
  assert,
  assertEquals,
  assertNotEquals,
  assertRejects,
  assertThrows,
} from "@std/assert";
import {
  chmod,
  chmodSync,
  openDirSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
} from "../mod.ts";
import { backend } from "../_backend.ts";
import { reprobeCapabilities, setPrimitive } from "../_testing.ts";
import {
  assertCode,
  assertLikeDeno,
  basicTree,
  closedFd,
  rejected,
  thrown,
  withTempDir,
} from "./_at_util.ts";
import { needsSymlinks, posixOnly, WINDOWS } from "./_helpers.ts";

const mode = (p: string) => Deno.lstatSync(p).mode! & 0o7777;

Deno.test("chmod: capabilities as in CPython on Linux, followSymlinks by probe", () => {
  assert(supportsDirFd.has(chmod) && supportsDirFd.has(chmodSync));
  assert(supportsFd.has(chmod) && supportsFd.has(chmodSync));
  // The backend probed fchmodat2 at load; membership follows the probe.
  // Windows: a handle opened with FILE_OPEN_REPARSE_POINT, always there.
  const b = backend()!;
  const probed = b.name === "windows"
    ? typeof b.lchmodAt === "function"
    : b.has.fchmodat2;
  assertEquals(typeof probed, "boolean");
  assertEquals(supportsFollowSymlinks.has(chmod), probed);
  assertEquals(supportsFollowSymlinks.has(chmodSync), probed);
});

// POSIX only: POSIX mode bits (Windows keeps only the read-only attribute: tested below).
Deno.test(
  "chmod: path, dirFd and descriptor forms change the mode",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      using dir = openDirSync(root);
      chmodSync("file", 0o600, { dirFd: dir });
      assertEquals(mode(`${root}/file`), 0o600);
      await chmod(new URL(`file://${root}/file`), 0o640);
      assertEquals(mode(`${root}/file`), 0o640);
      // Through a symlink (followed): the target changes.
      chmodSync("link-file", 0o604, { dirFd: dir.fd });
      assertEquals(mode(`${root}/file`), 0o604);
      // Setuid/sticky bits are accepted too.
      chmodSync(`${root}/dir`, 0o1755, { dirFd: dir });
      assertEquals(mode(`${root}/dir`), 0o1755);
      // Descriptors: a Dir and a raw number (fchmod).
      using sub = openDirSync(`${root}/dir`);
      chmodSync(sub, 0o700);
      assertEquals(mode(`${root}/dir`), 0o700);
      await chmod(sub.fd, 0o750);
      assertEquals(mode(`${root}/dir`), 0o750);
      // Same result as Deno.chmod.
      Deno.writeTextFileSync(`${root}/other`, "");
      Deno.chmodSync(`${root}/other`, 0o604);
      assertEquals(mode(`${root}/other`), mode(`${root}/file`));
    });
  },
);

Deno.test({
  name:
    "chmod: followSymlinks: false uses fchmodat2 (symlink itself, never its target)",
  ignore: !backend()?.has.fchmodat2, // kernel older than 6.6 or filtered
  fn: async () => {
    await withTempDir((root) => {
      basicTree(root);
      using dir = openDirSync(root);
      Deno.chmodSync(`${root}/file`, 0o644);
      // A regular file: changed as usual.
      chmodSync("file", 0o600, { dirFd: dir, followSymlinks: false });
      assertEquals(mode(`${root}/file`), 0o600);
      // A symlink: Linux keeps no mode on symlinks, so the kernel either
      // changes the link's own (ignored) mode or answers EOPNOTSUPP; in both
      // cases the target must be untouched.
      const before = mode(`${root}/link-file`);
      try {
        chmodSync("link-file", 0o640, { dirFd: dir, followSymlinks: false });
        assertEquals(mode(`${root}/link-file`), 0o640);
      } catch (e) {
        assertCode(e, "EOPNOTSUPP", "fchmodat2");
        assertEquals((e as { path: string }).path, "link-file");
        assertEquals(mode(`${root}/link-file`), before);
      }
      assertEquals(mode(`${root}/file`), 0o600);
      // A dangling link is not followed either (no ENOENT).
      const e = thrown(() =>
        chmodSync(`${root}/dangling`, 0o600, { followSymlinks: false })
      );
      assertNotEquals(e.code, "ENOENT");
    });
  },
});

Deno.test("chmod: without fchmodat2, followSymlinks: false is NotSupported", async () => {
  const b = backend()!;
  const had = typeof b.lchmodAt === "function";
  setPrimitive("lchmodAt", false);
  reprobeCapabilities();
  try {
    assert(!supportsFollowSymlinks.has(chmod));
    assert(!supportsFollowSymlinks.has(chmodSync));
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/f`, "");
      Deno.chmodSync(`${root}/f`, 0o644);
      const before = mode(`${root}/f`); // 0o666 on Windows
      const e = thrown(() =>
        chmodSync(`${root}/f`, 0o600, { followSymlinks: false })
      );
      assert(e instanceof Deno.errors.NotSupported);
      assertEquals(
        e.message,
        "chmod: followSymlinks unavailable on this platform",
      );
      await assertRejects(
        () => chmod(`${root}/f`, 0o600, { followSymlinks: false }),
        Deno.errors.NotSupported,
      );
      assertEquals(mode(`${root}/f`), before);
      // followSymlinks: true is always accepted (Windows: only the owner's
      // write bit counts, so 0o400 is read-only there).
      chmodSync(`${root}/f`, 0o400, { followSymlinks: true });
      assertEquals(mode(`${root}/f`), WINDOWS ? 0o444 : 0o400);
    });
  } finally {
    if (had) setPrimitive("lchmodAt", true);
    reprobeCapabilities();
  }
  assertEquals(supportsFollowSymlinks.has(chmod), had);
});

// Skipped where it cannot run: symlink fixtures.
Deno.test(
  "chmod: errors are Deno's (ENOENT, ENOTDIR, ELOOP), EBADF",
  needsSymlinks,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      using dir = openDirSync(root);
      for (const rel of ["missing", "dangling", "loop", "file/x"]) {
        const deno = thrown(() => Deno.chmodSync(`${root}/${rel}`, 0o600));
        assertLikeDeno(
          thrown(() => chmodSync(`${root}/${rel}`, 0o600)),
          deno,
          "fchmodat",
          `${root}/${rel}`,
        );
        assertLikeDeno(
          await rejected(chmod(rel, 0o600, { dirFd: dir })),
          deno,
          "fchmodat",
          rel,
        );
      }
      const bad = closedFd();
      assertCode(thrown(() => chmodSync(bad, 0o600)), "EBADF", "fchmod");
      assertCode(
        thrown(() => chmodSync("file", 0o600, { dirFd: bad })),
        "EBADF",
        "fchmodat",
      );
    });
  },
);

Deno.test("chmod: Python's misuse rules and bad input, before any syscall", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}/f`, "");
    Deno.chmodSync(`${root}/f`, 0o644);
    const before = mode(`${root}/f`); // 0o666 on Windows
    using dir = openDirSync(root);
    const both = assertThrows(
      () => chmodSync(dir, 0o600, { dirFd: dir }),
      TypeError,
    );
    assertEquals(both.name, "TypeError");
    assertEquals(both.message, "chmod: can't specify both dirFd and fd");
    const fdFollow = assertThrows(
      () => chmodSync(dir.fd, 0o600, { followSymlinks: false }),
      TypeError,
    );
    assertEquals(fdFollow.name, "TypeError");
    assertEquals(
      fdFollow.message,
      "chmod: cannot use fd and followSymlinks together",
    );
    assertThrows(() => chmodSync(`${root}/f\0`, 0o600), TypeError);
    assertThrows(() => chmodSync(`${root}/\ud800`, 0o600), TypeError);
    assertThrows(() => chmodSync(-1, 0o600), TypeError);
    assertThrows(() => chmodSync(`${root}/f`, 0o10000), TypeError);
    assertThrows(() => chmodSync(`${root}/f`, "644" as never), TypeError);
    const closed = openDirSync(root);
    closed.close();
    assertThrows(() => chmodSync(closed, 0o600), Deno.errors.BadResource);
    assertThrows(
      () => chmodSync("f", 0o600, { dirFd: closed }),
      Deno.errors.BadResource,
    );
    assertEquals(mode(`${root}/f`), before);
  });
});
