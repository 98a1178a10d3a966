// Copyright 2026 the dirfd authors. MIT license.
import { assert, assertEquals, assertMatch } from "@std/assert";
import { posixOnly, ROOT, runDeno, withTempDir } from "./_helpers.ts";

const cli = `${ROOT}cli.ts`;
const perms = ["--allow-ffi", "--allow-read", "--allow-write", "--allow-env"];

// Windows: expects stat in supportsDirFd, not available on Windows.
Deno.test(
  "cli caps names the backend and the three sets",
  posixOnly,
  async () => {
    const r = await runDeno(["run", ...perms, cli, "caps"]);
    assertEquals(r.code, 0, r.stderr);
    assertMatch(r.stdout, /^backend: +\w+/m);
    assertMatch(r.stdout, /^supportsDirFd: .*\bstat\b/m);
    assertMatch(r.stdout, /^supportsFd: .*\bchdir\b/m);
    assertMatch(r.stdout, /^supportsFollowSymlinks: .*\bstat\b/m);
    const none = await runDeno(["run", "--allow-read", cli, "caps"]);
    assertEquals(none.code, 0, none.stderr);
    assertMatch(none.stdout, /^backend: +none/m);
    assertMatch(none.stdout, /^supportsDirFd: +\(none\)/m);
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
      assertEquals(r.code, 0, r.stderr);
      const info = JSON.parse(r.stdout);
      assertEquals(info.size, 4);
      assertEquals(info.isFile, true);
      assertEquals(info.ino, Deno.statSync(`${root}/f`).ino);
      assertMatch(info.mtimeNs, /^\d+$/);
      const nf = await runDeno([
        "run",
        ...perms,
        cli,
        "stat",
        "--json",
        "--no-follow",
        `${root}/l`,
      ]);
      assertEquals(JSON.parse(nf.stdout).isSymlink, true);
      const text = await runDeno(["run", ...perms, cli, "stat", `${root}/f`]);
      assertMatch(text.stdout, /Size: 4\s.*regular file/);
      const missing = await runDeno([
        "run",
        ...perms,
        cli,
        "stat",
        `${root}/nope`,
      ]);
      assertEquals(missing.code, 1);
      assertMatch(
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
    assertEquals(r.code, 0, r.stderr);
    assertMatch(
      r.stdout,
      /readLinkSync\("entry", \{ dirFd \}\) = "src\/main.ts"/,
    );
    assertMatch(r.stdout, /still finds the file: size 16/);
    // A Root resolves inside and refuses three escapes.
    assertMatch(
      r.stdout,
      /realPathSync\("src\/\.\.\/src\/\.\/main\.ts"\) = "src\/main\.ts"/,
    );
    for (const name of ["../../etc/passwd", "src/up/etc/passwd", "/etc"]) {
      assert(
        r.stdout.includes(
          `root.statSync(${JSON.stringify(name)}) -> PathEscapes`,
        ),
        name,
      );
    }
    assertEquals(r.stdout.includes("NOT refused"), false);
    assertMatch(r.stdout, /× Deno/);
    const bad = await runDeno(["run", ...perms, cli, "frobnicate"]);
    assertEquals(bad.code, 2);
    assertMatch(bad.stderr, /unknown command/);
  },
);
