// Copyright 2026 the dirfd authors. MIT license.
// A fresh process, as a short `deno task` script is one: its first walk
// runs on the calling thread, within the pool's cold allowance, with no
// worker started in its midst; a request that may wait without end (a
// FIFO's open) never runs there, even first.
import { assert, assertEquals } from "@std/assert";
import { fromFileUrl } from "@std/path";
import { mkfifoSync } from "../mod.ts";
import { backend } from "../_backend.ts";
import type { CallPool } from "../ffi/_pool.ts";
import { withTempDir } from "./_helpers.ts";

/** The backend's pool, where it has one. */
const pool = (): CallPool | undefined =>
  (backend()?.async as { pool?: () => CallPool } | undefined)?.pool?.();
const pooled = pool() !== undefined;
const config = fromFileUrl(new URL("../deno.json", import.meta.url));
const mod = new URL("../mod.ts", import.meta.url).href;
const backendUrl = new URL("../_backend.ts", import.meta.url).href;

/** Runs `source` in a fresh process; a hang past 60 s is killed, and fails. */
async function fresh(
  source: string,
): Promise<{ code: number; stdout: string; stderr: string; killed: boolean }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", config, "--ext=ts", source],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const watchdog = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, 60_000);
  try {
    const out = await child.output();
    const dec = new TextDecoder();
    return {
      code: out.code,
      stdout: dec.decode(out.stdout),
      stderr: dec.decode(out.stderr),
      killed,
    };
  } finally {
    clearTimeout(watchdog);
  }
}

Deno.test({
  name: "cold: a fresh process's first walk runs here, starts no worker, " +
    "and equals walkSync",
  ignore: !pooled,
  async fn() {
    await withTempDir(async (root) => {
      for (let d = 0; d < 4; d++) {
        Deno.mkdirSync(`${root}/d${d}/e`, { recursive: true });
        for (let f = 0; f < 30; f++) {
          Deno.writeTextFileSync(`${root}/d${d}/f${f}`, "x".repeat(f));
        }
        // (Wine, where the Windows suite runs, has no symbolic links.)
        if (Deno.build.os !== "windows") {
          Deno.symlinkSync(`f${d}`, `${root}/d${d}/link`);
        }
      }
      const out = await fresh(`
import { walk, walkSync } from ${JSON.stringify(mod)};
import { backend } from ${JSON.stringify(backendUrl)};
const root = ${JSON.stringify(root)};
// deno-lint-ignore no-explicit-any
const pool = (backend()!.async as any).pool();
const row = (e: { path: string; info?: Deno.FileInfo }) =>
  [e.path, e.info!.isFile, e.info!.isSymlink, e.info!.size, e.info!.mtime?.getTime()];
const got = [];
for await (const e of walk(root, { stat: true })) got.push(row(e));
const workers = pool.workers;
const ranHere = pool.ranHere;
const want = [...walkSync(root, { stat: true })].map(row);
console.log(JSON.stringify({ got, want, workers, ranHere, left: pool.coldLeft }));
`);
      assertEquals(out.code, 0, out.stderr);
      const r = JSON.parse(out.stdout);
      assertEquals(
        r.got.length,
        1 + 4 * (Deno.build.os === "windows" ? 32 : 33),
      );
      assertEquals(r.got, r.want);
      // (Under emulation the allowance may run out first: a worker then.)
      assert(
        r.workers === 0 || r.left === 0,
        `no worker started in the walk's midst: ${r.workers}, ${r.left} ms left`,
      );
      assert(r.ranHere > 0, "the walk's directories were read here");
    });
  },
});

Deno.test({
  name: "cold: a fresh process's first readFile of a FIFO waits off this " +
    "thread, while a timer opens its writer",
  // FIFOs are POSIX (mkfifo); Windows named pipes are another API.
  ignore: !pooled || Deno.build.os === "windows",
  async fn() {
    await withTempDir(async (root) => {
      mkfifoSync(`${root}/fifo`);
      // Run on this thread, the FIFO's open would wait for a writer that
      // only this thread's timer can open: the process would hang.
      const out = await fresh(`
import { readTextFile } from ${JSON.stringify(mod)};
const fifo = ${JSON.stringify(`${root}/fifo`)};
setTimeout(async () => {
  const w = await Deno.open(fifo, { write: true });
  await w.write(new TextEncoder().encode("through the fifo"));
  w.close();
}, 50);
console.log(await readTextFile(fifo));
`);
      assert(!out.killed, "the process hung (the open ran on this thread)");
      assertEquals(out.code, 0, out.stderr);
      assertEquals(out.stdout.trim(), "through the fifo");
    });
  },
});

Deno.test({
  name: "cold: every cold-safe name is one of its pool's symbols or tasks",
  ignore: !pooled,
  fn() {
    const lib = pool()!.library;
    assert((lib.coldSafe?.length ?? 0) > 0, "the backend names some");
    for (const k of lib.coldSafe!) {
      assert(k in lib.symbols || k in (lib.tasks ?? {}), k);
    }
  },
});
