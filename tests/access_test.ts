// Copyright 2026 the dirfd authors. MIT license.
import assert from "node:assert/strict";
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
  assert.deepEqual([F_OK, R_OK, W_OK, X_OK], [0, 4, 2, 1]);
  for (const f of [access, accessSync]) {
    assert.ok(supportsDirFd.has(f) && supportsFollowSymlinks.has(f));
    assert.ok(!supportsFd.has(f));
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
      assert.equal(accessSync("file", F_OK, { dirFd: dir }), true);
      assert.equal(accessSync("file", R_OK | W_OK, { dirFd: dir.fd }), true);
      // Even root may not execute a file without any x bit.
      assert.equal(accessSync("file", X_OK, { dirFd: dir }), false);
      assert.equal(await access("dir", X_OK, { dirFd: dir }), true);
      assert.equal(accessSync("missing", F_OK, { dirFd: dir }), false);
      assert.equal(accessSync(new URL(`file://${root}/file`), F_OK), true);
      // Symlinks: followed by default, the link itself with followSymlinks: false.
      assert.equal(accessSync("dangling", F_OK, { dirFd: dir }), false);
      assert.equal(
        accessSync("dangling", F_OK, { dirFd: dir, followSymlinks: false }),
        true,
      );
      assert.equal(
        accessSync("loop", F_OK, { dirFd: dir, followSymlinks: false }),
        true,
      );
      // effectiveIds (AT_EACCESS): the same answers for a process whose real
      // and effective ids agree.
      assert.equal(
        accessSync("file", R_OK, { dirFd: dir, effectiveIds: true }),
        true,
      );
      assert.equal(
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
        assert.equal(accessSync(rel, F_OK, { dirFd: dir }), false, rel);
        assert.equal(await access(`${root}/${rel}`, R_OK), false, rel);
      }
      assert.equal(accessSync("file", F_OK, { dirFd: closedFd() }), false);
      // An absolute path ignores even a bad dirFd.
      assert.equal(
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
      assert.deepEqual(JSON.parse(out!), [true, false, true, false, false]);
    });
  },
});

Deno.test("access: bad input is refused with TypeError", async () => {
  await withTempDir((root) => {
    const closed = openDirSync(root);
    closed.close();
    assert.throws(() => accessSync(`${root}\0`, F_OK), TypeError);
    assert.throws(() => accessSync(`${root}/\ud800`, F_OK), TypeError);
    assert.throws(() => accessSync(root, 8), TypeError);
    assert.throws(() => accessSync(root, -1), TypeError);
    assert.throws(() => accessSync(root, "r" as never), TypeError);
    assert.throws(() => accessSync(3 as never, F_OK), TypeError);
    assert.throws(() => accessSync("x", F_OK, { dirFd: -1 }), TypeError);
    assert.throws(
      () => accessSync(root, F_OK, { effectiveIds: 1 as never }),
      TypeError,
    );
    assert.throws(
      () => accessSync("x", F_OK, { dirFd: closed }),
      Deno.errors.BadResource,
    );
  });
});
