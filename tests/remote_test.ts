// Copyright 2026 the dirfd authors. MIT license.
// The module works when imported from a URL, as from JSR: the async workers
// are started from source held in the module, not from a file beside it.
import { assertEquals } from "@std/assert";
import { ROOT, runDeno, withTempDir } from "./_helpers.ts";

Deno.test({
  name: "imported over http: sync and async calls, workers included",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await withTempDir(async (tmp) => {
      const ac = new AbortController();
      const server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
        async (req) => {
          const rel = new URL(req.url).pathname.slice(1);
          if (rel.includes("..")) return new Response("no", { status: 403 });
          try {
            const body = await Deno.readFile(`${ROOT}${rel}`);
            return new Response(body, {
              headers: { "content-type": "application/typescript" },
            });
          } catch {
            return new Response("not found", { status: 404 });
          }
        },
      );
      try {
        const host = `127.0.0.1:${server.addr.port}`;
        Deno.writeTextFileSync(
          `${tmp}/main.ts`,
          `import { openDirSync, stat, statSync, supportsDirFd } from "http://${host}/mod.ts";
           // Not "/": under qemu-user (test:aarch64) QEMU_LD_PREFIX turns
           // openat("/") into the sysroot; the temp dir is the same everywhere.
           using dir = openDirSync(${JSON.stringify(tmp)});
           const all = await Promise.all(Array.from({ length: 300 }, () => stat("main.ts", { dirFd: dir })));
           const one = await stat("/nonexistent").catch((e) => e.code);
           console.log(JSON.stringify({
             sync: statSync("main.ts", { dirFd: dir }).ino,
             async: [...new Set(all.map((i) => i.ino))],
             one,
             caps: supportsDirFd.has(stat),
           }));`,
        );
        const r = await runDeno(
          [
            "run",
            `--allow-import=${host}`,
            "--allow-ffi",
            "--allow-read",
            "--no-lock",
            `${tmp}/main.ts`,
          ],
          { env: { DENO_DIR: `${tmp}/deno_dir` } },
        );
        assertEquals(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assertEquals(out.async, [out.sync]);
        assertEquals(out.one, "ENOENT");
        assertEquals(out.caps, true);
      } finally {
        ac.abort();
        await server.finished;
      }
    });
  },
});
