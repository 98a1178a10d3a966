// Copyright 2026 the dirfd authors. MIT license.
// The command line's argument handling (@std/cli parseArgs): --help for
// every command, bad usage is exit 2 with the command's usage on stderr.
import { assertEquals, assertMatch } from "@std/assert";
import { commands, main } from "../cli.ts";
import { fromFileUrl } from "@std/path";
import { runDeno } from "./_helpers.ts";

// File paths of this platform (a URL's pathname is no path on Windows).
const cli = fromFileUrl(new URL("../cli.ts", import.meta.url));
// The project's import map (@std/*), also when the cwd lies outside it.
const perms = [
  "--allow-ffi",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--config",
  fromFileUrl(new URL("../deno.json", import.meta.url)),
];

Deno.test("cli: every command has --help (stdout, exit 0)", async () => {
  for (const name of Object.keys(commands)) {
    for (const flag of ["--help", "-h"]) {
      const lines: string[] = [];
      const code = await main([name, flag], (l) => lines.push(l));
      assertEquals(code, 0, `${name} ${flag}`);
      assertMatch(lines.join("\n"), new RegExp(`^usage: dirfd ${name}\\b`));
    }
  }
  const lines: string[] = [];
  assertEquals(await main(["help"], (l) => lines.push(l)), 0);
  for (const name of Object.keys(commands)) {
    assertMatch(lines.join("\n"), new RegExp(`^  ${name}\\b`, "m"));
  }
});

Deno.test("cli: bad usage prints the command's usage to stderr, exit 2", async () => {
  const cases: [string[], RegExp][] = [
    [["stat", "--bogus", "/"], /stat: unknown flag '--bogus'/],
    [["walk", "-x", "."], /walk: unknown flag '-x'/],
    [["stat"], /stat: missing argument/],
    [["walk"], /walk: missing argument/],
    [["walk", "a", "b"], /walk: unexpected argument 'b'/],
    [["walk", "--max-depth"], /walk: --max-depth needs a value/],
    [["walk", "--max-depth", "-1", "."], /walk: /],
    [["caps", "extra"], /caps: unexpected argument 'extra'/],
    [["bench", "0"], /bench: N must be a positive integer/],
  ];
  // In process (a subprocess each would cost seconds under qemu): stdout
  // through `out`, stderr through console.error.
  const error = console.error;
  try {
    for (const [args, message] of cases) {
      const out: string[] = [], err: string[] = [];
      console.error = (...a: unknown[]) => err.push(a.join(" "));
      const code = await main(args, (l) => out.push(l));
      console.error = error;
      const stderr = err.join("\n");
      assertEquals(code, 2, `${args.join(" ")}: ${stderr}`);
      assertEquals(out, [], args.join(" "));
      assertMatch(stderr, message, args.join(" "));
      assertMatch(stderr, new RegExp(`usage: dirfd ${args[0]}\\b`));
    }
  } finally {
    console.error = error;
  }
  // And once through a real process: stderr, stdout and the exit status.
  const r = await runDeno(["run", ...perms, cli, "stat", "--bogus", "/"]);
  assertEquals([r.code, r.stdout], [2, ""]);
  assertMatch(r.stderr, /^stat: unknown flag '--bogus'\nusage: dirfd stat/);
  const none = await runDeno(["run", ...perms, cli]);
  assertEquals(none.code, 2);
  assertMatch(none.stderr, /^usage: dirfd <command>/);
  const unknown = await runDeno(["run", ...perms, cli, "constructor"]);
  assertEquals(unknown.code, 2);
  assertMatch(unknown.stderr, /unknown command 'constructor'/);
});

Deno.test("cli: positional arguments stay strings; no colour when piped", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "dirfd_cli_args_" });
  try {
    Deno.writeTextFileSync(`${dir}/007`, "x");
    const r = await runDeno(["run", ...perms, cli, "stat", "--json", "007"], {
      cwd: dir,
      env: { NO_COLOR: "" },
    });
    assertEquals(r.code, 0, r.stderr);
    assertEquals(JSON.parse(r.stdout).path, "007");
    const text = await runDeno(["run", ...perms, cli, "stat", "007"], {
      cwd: dir,
      env: { NO_COLOR: "" },
    });
    assertEquals(text.code, 0, text.stderr);
    assertMatch(text.stdout, /Size: 1 \(1 B\)/);
    assertEquals(text.stdout.includes("\x1b["), false, "no escape codes");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
