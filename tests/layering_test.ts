// Copyright 2026 the dirfd authors. MIT license.
// The layering rules, checked over the source: the portable files (the
// root *.ts) reach ffi/ only through its contract (_types.ts) and loader
// (_load.ts), never ask the backend which OS it is, and never assert an
// optional primitive into existence with `!`; ffi/ never imports upward.
import { assert, assertEquals } from "@std/assert";
import { fromFileUrl } from "@std/path";

const root = fromFileUrl(new URL("../", import.meta.url));

/** The `.ts` files directly in `dir` (relative to the repository). */
function files(dir: string): string[] {
  return [...Deno.readDirSync(`${root}${dir}`)]
    .filter((e) => e.isFile && e.name.endsWith(".ts"))
    .map((e) => `${dir}${e.name}`)
    .sort();
}

const read = (f: string) => Deno.readTextFileSync(`${root}${f}`);
const imports = (src: string) =>
  [...src.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);

/** What root.ts may import from ffi/ besides the contract and loader. */
const ROOT_FFI = ["./ffi/_resolve.ts", "./ffi/_root_task.ts"];

/** Portable files: the root's, but for the test seams and the CLI tool. */
const portable = files("").filter((f) => f !== "_testing.ts" && f !== "cli.ts");

Deno.test("layering: portable files import only ffi/_types.ts and ffi/_load.ts", () => {
  assert(portable.length > 20);
  const bad: string[] = [];
  for (const f of portable) {
    for (const spec of imports(read(f))) {
      if (!spec.startsWith("./ffi/")) continue;
      // The Root's resolver and request encoding are pure and live in ffi/
      // so that a pool task runs the same code (DESIGN.md); they ask no OS
      // question.
      if (
        spec !== "./ffi/_types.ts" && spec !== "./ffi/_load.ts" &&
        !(f === "root.ts" && ROOT_FFI.includes(spec))
      ) {
        bad.push(`${f}: ${spec}`);
      }
    }
  }
  assertEquals(bad, []);
});

Deno.test("layering: no portable file branches on the backend's name", () => {
  const bad = portable.filter((f) => /\bb!?\.name\b/.test(read(f)));
  assertEquals(bad, []);
});

Deno.test("layering: operations call each primitive through one path", () => {
  // The twin-or-sync choice (`b.async?.x?.(…) ?? b.x!(…)`) is gone: every
  // primitive has an async form.
  const bad = portable.filter((f) => /\.async\?\.|\bb\.\w+!/.test(read(f)));
  assertEquals(bad, []);
});

Deno.test("layering: ffi/ never imports from the portable layer above it", () => {
  const bad: string[] = [];
  for (const f of files("ffi/")) {
    for (const spec of imports(read(f))) {
      // The result types of stat/statvfs are the one shared data module.
      if (spec.startsWith("../") && spec !== "../_file_info.ts") {
        bad.push(`${f}: ${spec}`);
      }
    }
  }
  assertEquals(bad, []);
});
