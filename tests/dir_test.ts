// Copyright 2026 the dirfd authors. MIT license.
import { assert, assertEquals, assertMatch, assertThrows } from "@std/assert";
import { Dir, openDir, openDirSync, statSync } from "../mod.ts";
import {
  openFds,
  posixOnly,
  ROOT,
  runDeno,
  thrown,
  withTempDir,
} from "./_helpers.ts";

const linux = Deno.build.os === "linux";

Deno.test("openDirSync returns an open Dir; close is idempotent", async () => {
  await withTempDir((root) => {
    const dir = openDirSync(root);
    assert(dir instanceof Dir);
    assertEquals(dir.path, root);
    assertEquals(dir.closed, false);
    assert(Number.isInteger(dir.fd) && dir.fd >= 0);
    dir.close();
    assertEquals(dir.closed, true);
    dir.close();
    assertThrows(() => dir.fd, Deno.errors.BadResource);
    assertMatch(Deno.inspect(dir), /closed/);
  });
});

Deno.test({
  name: "using closes the descriptor; nothing leaks",
  ignore: !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      // Start the async workers first: they hold descriptors of their own.
      (await openDir(root)).close();
      const before = openFds();
      let fd = -1;
      {
        using dir = openDirSync(root);
        fd = dir.fd;
        assertEquals(openFds(), before + 1);
      }
      assertEquals(openFds(), before);
      const e = assertThrows(() => statSync(fd));
      assertEquals((e as { code?: string }).code, "EBADF");
      {
        await using d2 = await openDir(root);
        assertEquals(openFds(), before + 1);
        assert(d2.fd >= 0);
      }
      assertEquals(openFds(), before);
    });
  },
});

// Windows: needs a symlink on disk (Wine creates none); Windows openDir is in windows_test.ts.
Deno.test(
  "followSymlinks: false refuses a symlink (O_NOFOLLOW)",
  posixOnly,
  async () => {
    await withTempDir((root) => {
      Deno.mkdirSync(`${root}/real`);
      Deno.symlinkSync("real", `${root}/link`);
      const e = thrown(() =>
        openDirSync(`${root}/link`, { followSymlinks: false })
      );
      // The kernel's answer for O_NOFOLLOW|O_DIRECTORY on a symlink: ENOTDIR on
      // Linux, ELOOP elsewhere. Either way the link is not followed.
      assert(
        e instanceof Deno.errors.NotADirectory ||
          e instanceof Deno.errors.FilesystemLoop,
        String(e),
      );
      assertEquals(
        (e as { code?: string }).code,
        Deno.build.os === "linux" ? "ENOTDIR" : "ELOOP",
      );
      using ok = openDirSync(`${root}/link`);
      assert(statSync(ok).isDirectory);
    });
  },
);

// Windows: uses openDir with dirFd, not available on Windows.
Deno.test(
  "openDir of a file is NotADirectory; dirFd nests",
  posixOnly,
  async () => {
    await withTempDir((root) => {
      Deno.writeTextFileSync(`${root}/f`, "");
      Deno.mkdirSync(`${root}/a/b`, { recursive: true });
      assertThrows(() => openDirSync(`${root}/f`), Deno.errors.NotADirectory);
      using a = openDirSync(`${root}/a`);
      using b = openDirSync("b", { dirFd: a });
      assertEquals(statSync(b).ino, Deno.statSync(`${root}/a/b`).ino);
    });
  },
);

Deno.test("Dir cannot be constructed directly", () => {
  assertThrows(() => new Dir(Symbol(), 3, "x"), TypeError);
});

Deno.test({
  name: "a garbage-collected Dir gives its descriptor back",
  ignore: !linux,
  fn: async () => {
    const script = `
      import { openDirSync } from "${ROOT}mod.ts";
      const count = () => [...Deno.readDirSync("/proc/self/fd")].length;
      const before = count();
      (() => { for (let i = 0; i < 200; i++) openDirSync("/"); })();
      const opened = count();
      for (let i = 0; i < 20 && count() > before + 5; i++) {
        globalThis.gc();
        await new Promise((r) => setTimeout(r, 10));
      }
      console.log(JSON.stringify({ before, opened, after: count() }));`;
    const r = await runDeno([
      "eval",
      "--v8-flags=--expose-gc",
      "--allow-ffi",
      "--allow-read",
      script,
    ]);
    assertEquals(r.code, 0, r.stderr);
    const { before, opened, after } = JSON.parse(r.stdout);
    assert(opened >= before + 200, `opened ${opened}`);
    assert(after <= before + 5, `after gc: ${after} (before ${before})`);
  },
});
