// Copyright 2026 the dirfd authors. MIT license.
// The `*at` primitives derived from one description each (ffi/_posix_at.ts),
// sync and on the worker pool, against the Deno.* call: `deno task bench`.
import { chmod, chmodSync, openDirSync, utimeSync } from "../mod.ts";

const root = Deno.makeTempDirSync({ prefix: "dirfd_bench_" });
Deno.writeTextFileSync(`${root}/file.txt`, "x");
const abs = `${root}/file.txt`;
const dir = openDirSync(root);
globalThis.addEventListener("unload", () => {
  dir.close();
  Deno.removeSync(root, { recursive: true });
});

// Reach the top tier before any bench (see stat_bench.ts).
for (let i = 0; i < 100_000; i++) {
  chmodSync("file.txt", 0o644, { dirFd: dir });
  utimeSync(abs, 1, 2);
  Deno.chmodSync(abs, 0o644);
  Deno.utimeSync(abs, 1, 2);
}

Deno.bench("warm-up", () => {
  chmodSync(abs, 0o644);
  Deno.chmodSync(abs, 0o644);
});

Deno.bench("dirfd chmodSync(name, { dirFd })", { group: "chmod" }, () => {
  chmodSync("file.txt", 0o644, { dirFd: dir });
});
Deno.bench("Deno.chmodSync(abs)", { group: "chmod", baseline: true }, () => {
  Deno.chmodSync(abs, 0o644);
});

Deno.bench("dirfd utimeSync(abs)", { group: "utime" }, () => {
  utimeSync(abs, 1, 2);
});
Deno.bench("Deno.utimeSync(abs)", { group: "utime", baseline: true }, () => {
  Deno.utimeSync(abs, 1, 2);
});

Deno.bench(
  "Promise.all(256 × chmod(name, { dirFd }))",
  { group: "chmod-256" },
  async () => {
    const all = [];
    for (let i = 0; i < 256; i++) {
      all.push(chmod("file.txt", 0o644, { dirFd: dir }));
    }
    await Promise.all(all);
  },
);
Deno.bench(
  "Promise.all(256 × Deno.chmod(abs))",
  { group: "chmod-256", baseline: true },
  async () => {
    const all = [];
    for (let i = 0; i < 256; i++) all.push(Deno.chmod(abs, 0o644));
    await Promise.all(all);
  },
);
