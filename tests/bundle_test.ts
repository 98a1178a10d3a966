// Copyright 2026 the dirfd authors. MIT license.
// A program that uses the module, made into one file by `deno bundle`, runs
// on its own from an unrelated directory: sync and async calls, walk, and the
// worker pool, whose code travels inside the module as a string. This is the
// closest check of `deno compile` available here (compile cannot download its
// base binary on these machines).
import { assert, assertEquals } from "@std/assert";
import { fromFileUrl } from "@std/path";
import { backend } from "../_backend.ts";
import { runDeno, withTempDir } from "./_helpers.ts";

const MOD = new URL("../mod.ts", import.meta.url).href;
const BACKEND = new URL("../_backend.ts", import.meta.url).href;
const CONFIG = fromFileUrl(new URL("../deno.json", import.meta.url));

// The program: a tree made with sync calls, walked both ways, then 1024
// stats in one Promise.all (enough to go out in batches to the workers).
// `_backend.ts` is the module's own instance (one module in the bundle): its
// pool says whether the calls ran on workers.
const PROGRAM = `
import {
  mkdirSync, openDirSync, readLink, readLinkSync, stat, statSync, walk,
  walkSync,
} from ${JSON.stringify(MOD)};
import { backend } from ${JSON.stringify(BACKEND)};

const [root] = Deno.args;
mkdirSync(root + "/tree");
using dir = openDirSync(root + "/tree");
mkdirSync("a", { dirFd: dir });
mkdirSync("a/b", { dirFd: dir });
for (let i = 0; i < 16; i++) Deno.writeTextFileSync(root + "/tree/a/f" + i + ".ts", "x".repeat(i));
Deno.writeTextFileSync(root + "/tree/a/b/deep.txt", "");
// Every async call below is to run on a worker (nothing here while cold).
backend().async.pool().coldLeft = 0;
const rel = (p) => p.slice(root.length).replaceAll("\\\\", "/");
const sync = [...walkSync(root + "/tree")].map((e) => rel(e.path));
const async = [];
for await (const e of walk(root + "/tree")) async.push(rel(e.path));
const sizes = await Promise.all(
  Array.from({ length: 1024 }, (_, i) => stat("a/f" + (i % 16) + ".ts", { dirFd: dir })),
);
const missing = await stat("nope", { dirFd: dir }).then(() => "no error", (e) => e.code);
const pool = backend().async.pool();
const thread = Deno.build.os === "linux"
  ? { main: readLinkSync("/proc/thread-self"), call: await readLink("/proc/thread-self") }
  : null;
console.log(JSON.stringify({
  sync,
  async,
  sizes: sizes.map((s, i) => s.size === i % 16).every((ok) => ok),
  syncSize: statSync("a/f7.ts", { dirFd: dir }).size,
  missing,
  workers: pool.workers,
  ranHere: pool.ranHere,
  thread,
}));
`;

Deno.test({
  name: "deno bundle: the bundled program runs from an unrelated directory",
  // The async twins and their pool exist where the backend has them.
  ignore: backend()?.async === undefined,
  fn: async () => {
    await withTempDir(async (tmp) => {
      Deno.mkdirSync(`${tmp}/src`);
      Deno.writeTextFileSync(`${tmp}/src/main.js`, PROGRAM);
      // The module's own deno.json: its import map resolves the module's
      // `@std/...` imports, as JSR does for the published package.
      const bundled = await runDeno(
        [
          "bundle",
          "--config",
          CONFIG,
          "--platform",
          "deno",
          "-o",
          `${tmp}/app.js`,
          `${tmp}/src/main.js`,
        ],
        { cwd: `${tmp}/src` },
      );
      assertEquals(bundled.code, 0, bundled.stderr);
      // Nothing but the bundle in the directory it runs from, and no config
      // above it: every import it needs is inside.
      Deno.mkdirSync(`${tmp}/run`);
      Deno.renameSync(`${tmp}/app.js`, `${tmp}/run/app.js`);
      Deno.removeSync(`${tmp}/src`, { recursive: true });
      const app = Deno.readTextFileSync(`${tmp}/run/app.js`);
      assert(!/\bfrom\s*["'](?!node:)/.test(app), "only node: imports remain");
      Deno.mkdirSync(`${tmp}/data`);
      const r = await runDeno(
        ["run", "-A", "--no-config", "app.js", `${tmp}/data`],
        { cwd: `${tmp}/run` },
      );
      assertEquals(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      const tree = [
        "/tree",
        "/tree/a",
        "/tree/a/b",
        "/tree/a/b/deep.txt",
        ...Array.from({ length: 16 }, (_, i) => `/tree/a/f${i}.ts`),
      ].sort();
      assertEquals([...out.sync].sort(), tree);
      assertEquals(out.async, out.sync);
      assertEquals(out.sizes, true);
      assertEquals(out.syncSize, 7);
      assertEquals(out.missing, "ENOENT");
      // The calls ran on the pool's workers, started from the bundle.
      assert(out.workers > 0, r.stdout);
      assertEquals(out.ranHere, 0, r.stdout);
      if (out.thread !== null) {
        assert(out.thread.main !== out.thread.call, r.stdout);
      }
    });
  },
});
