// Copyright 2026 the dirfd authors. MIT license.
import assert from "node:assert/strict";
import { posixOnly, ROOT, runDeno, withTempDir } from "./_helpers.ts";

const cli = `${ROOT}cli.ts`;
const perms = ["--allow-ffi", "--allow-read", "--allow-write", "--allow-env"];

// Windows: expects stat in supportsDirFd, not available on Windows.
Deno.test(
  "cli caps names the backend and the three sets",
  posixOnly,
  async () => {
    const r = await runDeno(["run", ...perms, cli, "caps"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^backend: +\w+/m);
    assert.match(r.stdout, /^supportsDirFd: .*\bstat\b/m);
    assert.match(r.stdout, /^supportsFd: .*\bchdir\b/m);
    assert.match(r.stdout, /^supportsFollowSymlinks: .*\bstat\b/m);
    const none = await runDeno(["run", "--allow-read", cli, "caps"]);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /^backend: +none/m);
    assert.match(none.stdout, /^supportsDirFd: +\(none\)/m);
  },
);

// Windows: needs a relative symlink from Deno.symlinkSync without a type.
Deno.test(
  "cli stat --json prints every field; --no-follow describes the link",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/f`, "abcd");
      Deno.symlinkSync("f", `${root}/l`);
      const r = await runDeno([
        "run",
        ...perms,
        cli,
        "stat",
        "--json",
        `${root}/l`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const info = JSON.parse(r.stdout);
      assert.equal(info.size, 4);
      assert.equal(info.isFile, true);
      assert.equal(info.ino, Deno.statSync(`${root}/f`).ino);
      assert.match(info.mtimeNs, /^\d+$/);
      const nf = await runDeno([
        "run",
        ...perms,
        cli,
        "stat",
        "--json",
        "--no-follow",
        `${root}/l`,
      ]);
      assert.equal(JSON.parse(nf.stdout).isSymlink, true);
      const text = await runDeno(["run", ...perms, cli, "stat", `${root}/f`]);
      assert.match(text.stdout, /Size: 4\s.*regular file/);
      const missing = await runDeno([
        "run",
        ...perms,
        cli,
        "stat",
        `${root}/nope`,
      ]);
      assert.equal(missing.code, 1);
      assert.match(
        missing.stderr,
        /cannot stat .*No such file or directory \(os error 2\)/,
      );
    });
  },
);

// Windows: the tour uses dirFd, not available on Windows.
Deno.test(
  "cli tour runs start to finish; unknown commands exit 2",
  posixOnly,
  async () => {
    const r = await runDeno(["run", ...perms, cli, "tour"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /readLinkSync\("entry", \{ dirFd \}\) = "src\/main.ts"/,
    );
    assert.match(r.stdout, /still finds the file: size 16/);
    assert.match(r.stdout, /× Deno/);
    const bad = await runDeno(["run", ...perms, cli, "frobnicate"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown command/);
  },
);
