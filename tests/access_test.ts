// Copyright 2026 the dirfd authors. MIT license.
import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  access,
  accessSync,
  F_OK,
  openDirSync,
  R_OK,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
  W_OK,
  X_OK,
} from "../mod.ts";
import {
  basicTree,
  canRunAsNobody,
  closedFd,
  MOD,
  runAsNobody,
  withTempDir,
} from "./_at_util.ts";
import { needsSymlinks } from "./_helpers.ts";

Deno.test("access: constants and capabilities as in CPython on Linux", () => {
  assertEquals([F_OK, R_OK, W_OK, X_OK], [0, 4, 2, 1]);
  for (const f of [access, accessSync]) {
    assert(supportsDirFd.has(f) && supportsFollowSymlinks.has(f));
    assert(!supportsFd.has(f));
  }
});

// Skipped where it cannot run: symlink fixtures.
Deno.test(
  "access: answers relative to dirFd, following or not",
  needsSymlinks,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      Deno.chmodSync(`${root}/file`, 0o644);
      using dir = openDirSync(root);
      assertEquals(accessSync("file", F_OK, { dirFd: dir }), true);
      assertEquals(accessSync("file", R_OK | W_OK, { dirFd: dir.fd }), true);
      // Even root may not execute a file without any x bit.
      assertEquals(accessSync("file", X_OK, { dirFd: dir }), false);
      assertEquals(await access("dir", X_OK, { dirFd: dir }), true);
      assertEquals(accessSync("missing", F_OK, { dirFd: dir }), false);
      assertEquals(accessSync(new URL(`file://${root}/file`), F_OK), true);
      // Symlinks: followed by default, the link itself with followSymlinks: false.
      assertEquals(accessSync("dangling", F_OK, { dirFd: dir }), false);
      assertEquals(
        accessSync("dangling", F_OK, { dirFd: dir, followSymlinks: false }),
        true,
      );
      assertEquals(
        accessSync("loop", F_OK, { dirFd: dir, followSymlinks: false }),
        true,
      );
      // effectiveIds (AT_EACCESS): the same answers for a process whose real
      // and effective ids agree.
      assertEquals(
        accessSync("file", R_OK, { dirFd: dir, effectiveIds: true }),
        true,
      );
      assertEquals(
        accessSync("file", X_OK, { dirFd: dir, effectiveIds: true }),
        false,
      );
    });
  },
);

// Skipped where it cannot run: symlink fixtures.
Deno.test(
  "access: every failure of the check is false, never an exception",
  needsSymlinks,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      using dir = openDirSync(root);
      for (const rel of ["missing", "loop", "file/x", "loop/x", "dangling"]) {
        assertEquals(accessSync(rel, F_OK, { dirFd: dir }), false, rel);
        assertEquals(await access(`${root}/${rel}`, R_OK), false, rel);
      }
      assertEquals(accessSync("file", F_OK, { dirFd: closedFd() }), false);
      // An absolute path ignores even a bad dirFd.
      assertEquals(
        accessSync(`${root}/file`, F_OK, { dirFd: closedFd() }),
        true,
      );
    });
  },
);

Deno.test({
  name: "access: an unprivileged process is refused (W_OK, R_OK) as false",
  ignore: !canRunAsNobody(), // needs root and setpriv to drop to nobody
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/mine`, "");
      Deno.chmodSync(`${root}/mine`, 0o600);
      Deno.writeTextFileSync(`${root}/public`, "");
      Deno.chmodSync(`${root}/public`, 0o644);
      Deno.chmodSync(root, 0o755);
      const out = await runAsNobody(`
        import { accessSync, openDirSync, R_OK, W_OK, F_OK } from ${
        JSON.stringify(MOD)
      };
        using dir = openDirSync(${JSON.stringify(root)});
        console.log(JSON.stringify([
          accessSync("mine", F_OK, { dirFd: dir }),
          accessSync("mine", R_OK, { dirFd: dir }),
          accessSync("public", R_OK, { dirFd: dir }),
          accessSync("public", W_OK, { dirFd: dir }),
          accessSync("public", W_OK, { dirFd: dir, effectiveIds: true }),
        ]));`);
      assertEquals(JSON.parse(out!), [true, false, true, false, false]);
    });
  },
});

Deno.test("access: bad input is refused with TypeError", async () => {
  await withTempDir((root) => {
    const closed = openDirSync(root);
    closed.close();
    assertThrows(() => accessSync(`${root}\0`, F_OK), TypeError);
    assertThrows(() => accessSync(`${root}/\ud800`, F_OK), TypeError);
    assertThrows(() => accessSync(root, 8), TypeError);
    assertThrows(() => accessSync(root, -1), TypeError);
    assertThrows(() => accessSync(root, "r" as never), TypeError);
    assertThrows(() => accessSync(3 as never, F_OK), TypeError);
    assertThrows(() => accessSync("x", F_OK, { dirFd: -1 }), TypeError);
    assertThrows(
      () => accessSync(root, F_OK, { effectiveIds: 1 as never }),
      TypeError,
    );
    assertThrows(
      () => accessSync("x", F_OK, { dirFd: closed }),
      Deno.errors.BadResource,
    );
  });
});
