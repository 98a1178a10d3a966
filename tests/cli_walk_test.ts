// Copyright 2026 the dirfd authors. MIT license.
import { assert, assertEquals, assertMatch } from "@std/assert";
import { longLine, modeString, Progress } from "../cli.ts";
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
      const { info, ...entry } = objs[0];
      assertEquals(entry, {
        path: root,
        name: root.split("/").at(-1),
        isFile: false,
        isDirectory: true,
        isSymlink: false,
      });
      // --json includes each entry's info (stat: true).
      assertEquals(info.ino, Deno.statSync(root).ino);
      assertEquals(info.isDirectory, true);
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

Deno.test({
  name: "cli walk --long prints mode, size, mtime and path like find -ls",
  ignore: !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/d`);
      Deno.writeTextFileSync(`${root}/d/f.txt`, "12345");
      Deno.chmodSync(`${root}/d/f.txt`, 0o4751);
      Deno.symlinkSync("d/f.txt", `${root}/link`);
      const r = await runDeno(["run", ...perms, cli, "walk", "--long", root]);
      assertEquals(r.code, 0, r.stderr);
      // Not a terminal: no progress line.
      assertEquals(r.stderr, "");
      const lines = r.stdout.trim().split("\n");
      assertEquals(lines.length, 4);
      for (const line of lines) {
        const m = /^(\S{10}) +(\d+) (\S+) (.+?)(?: -> (.*))?$/.exec(line);
        assert(m !== null, line);
        const [, mode, size, mtime, path, target] = m;
        const st = Deno.lstatSync(path);
        // The mode string is what stat(1) prints.
        const ls = await new Deno.Command("stat", {
          args: ["-c", "%A", path],
          stdout: "piped",
        }).output();
        assertEquals(mode, new TextDecoder().decode(ls.stdout).trim(), path);
        assertEquals(Number(size), st.size, path);
        assertEquals(
          Date.parse(mtime),
          Math.floor(st.mtime!.getTime() / 1000) * 1000,
          path,
        );
        assertEquals(target, st.isSymlink ? "d/f.txt" : undefined, path);
      }
      assert(lines.some((l) => l.startsWith("-rwsr-x--x ")), r.stdout);
    });
  },
});

Deno.test("cli modeString and longLine", () => {
  const info = (mode: number | null, kind: Partial<Deno.FileInfo> = {}) =>
    ({
      isFile: false,
      isDirectory: false,
      isSymlink: false,
      isFifo: false,
      isSocket: false,
      isBlockDevice: false,
      isCharDevice: false,
      size: 3,
      mtime: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
      mode,
      ...kind,
    }) as unknown as Deno.FileInfo;
  assertEquals(modeString(info(0o40755, { isDirectory: true })), "drwxr-xr-x");
  assertEquals(modeString(info(0o100644, { isFile: true })), "-rw-r--r--");
  assertEquals(modeString(info(0o107000, { isFile: true })), "---S--S--T");
  assertEquals(modeString(info(0o41777, { isDirectory: true })), "drwxrwxrwt");
  assertEquals(modeString(info(0o10600, { isFifo: true })), "prw-------");
  assertEquals(modeString(info(null, { isFile: true })), "-?????????");
  assertEquals(
    longLine("p", info(0o120777, { isSymlink: true }), "t"),
    "lrwxrwxrwx          3 2026-01-02T03:04:05Z p -> t",
  );
});

Deno.test("cli walk progress: only for long walks, rewritten in place, erased", () => {
  let t = 0;
  const written: string[] = [];
  const p = new Progress((s) => written.push(s), () => t, 500, 100);
  for (let n = 1; n <= 640; n++) p.tick(n, `/tree/${n}`);
  assertEquals(written, [], "nothing before the delay");
  t = 600;
  p.tick(704, "/tree/704");
  p.tick(705, "/tree/705"); // the clock is read every 64 entries
  t = 650;
  p.tick(768, "/tree/768"); // less than everyMs since the last line
  t = 800;
  p.tick(832, "/" + "x".repeat(200));
  assertEquals(written.length, 2);
  assertEquals(written[0], "\r\x1b[K704 entries, 0.6 s: /tree/704");
  assert(written[1].startsWith("\r\x1b[K832 entries, 0.8 s: …"));
  assert(written[1].length <= 78 + 4, "fits one line");
  p.done();
  assertEquals(written.at(-1), "\r\x1b[K");
  const quiet = new Progress((s) => written.push(s), () => 0);
  quiet.done();
  assertEquals(written.length, 3, "nothing to erase");
});
