// Copyright 2026 the dirfd authors. MIT license.
import { assert, assertEquals, assertMatch } from "@std/assert";
import { ROOT, runDeno, withTempDir } from "./_helpers.ts";

const linux = Deno.build.os === "linux";
const cli = `${ROOT}cli.ts`;
const perms = ["--allow-ffi", "--allow-read", "--allow-env"];

Deno.test({
  name: "cli walk prints paths like find -P, root first",
  ignore: !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/a/b`, { recursive: true });
      Deno.writeTextFileSync(`${root}/a/b/c.txt`, "");
      Deno.symlinkSync("a", `${root}/link`);
      const r = await runDeno(["run", ...perms, cli, "walk", root]);
      assertEquals(r.code, 0, r.stderr);
      const lines = r.stdout.trim().split("\n");
      assertEquals(lines[0], root);
      assertEquals(
        lines.sort(),
        [
          root,
          `${root}/a`,
          `${root}/a/b`,
          `${root}/a/b/c.txt`,
          `${root}/link`,
        ].sort(),
      );
      const find = await new Deno.Command("find", {
        args: ["-P", root],
        stdout: "piped",
      }).output();
      const found = new TextDecoder().decode(find.stdout).trim().split("\n");
      assertEquals(lines.sort(), found.sort());

      const followed = await runDeno([
        "run",
        ...perms,
        cli,
        "walk",
        "--follow",
        "--max-depth",
        "2",
        root,
      ]);
      assertEquals(followed.code, 0, followed.stderr);
      const f = followed.stdout.trim().split("\n").sort();
      assert(f.includes(`${root}/link/b`));
      assert(!f.includes(`${root}/a/b/c.txt`), "max depth 2");

      const json = await runDeno([
        "run",
        ...perms,
        cli,
        "walk",
        "--json",
        root,
      ]);
      assertEquals(json.code, 0, json.stderr);
      const objs = json.stdout.trim().split("\n").map((l) => JSON.parse(l));
      assertEquals(objs[0], {
        path: root,
        name: root.split("/").at(-1),
        isFile: false,
        isDirectory: true,
        isSymlink: false,
      });
      const link = objs.find((o) => o.name === "link");
      assertEquals(link.isSymlink, true);
    });
  },
});

Deno.test("cli walk reports errors and bad usage", async () => {
  await withTempDir(async (root) => {
    const missing = await runDeno(["run", ...perms, cli, "walk", `${root}/x`]);
    assertEquals(missing.code, 1);
    assertMatch(
      missing.stderr,
      /walk: .*(No such file or directory|File not found|cannot find)/,
    );
    const usage = await runDeno(["run", ...perms, cli, "walk"]);
    assertEquals(usage.code, 2);
    const bad = await runDeno(
      ["run", ...perms, cli, "walk", "--max-depth", "x", root],
    );
    assertEquals(bad.code, 2);
  });
});
