// Copyright 2026 the dirfd authors. MIT license.
// Hot-path stat throughput against Deno.lstatSync: `deno task bench`.
import { lstatSync, openDirSync, statSync } from "../mod.ts";

const root = Deno.makeTempDirSync({ prefix: "dirfd_bench_" });
Deno.writeTextFileSync(`${root}/file.txt`, "x");
const abs = `${root}/file.txt`;
const dir = openDirSync(root);
globalThis.addEventListener("unload", () => {
  dir.close();
  Deno.removeSync(root, { recursive: true });
});

// The first benches in a file read high while V8 is still optimising: run
// every measured call enough times, before any bench, to reach the top tier.
for (let i = 0; i < 200_000; i++) {
  lstatSync(abs);
  statSync("file.txt", { dirFd: dir });
  Deno.lstatSync(abs);
}

// The first bench in a file reads high (JIT warm-up): spend it on a warm-up.
Deno.bench("warm-up", () => {
  lstatSync(abs);
  Deno.lstatSync(abs);
});

Deno.bench("dirfd lstatSync(abs) [≥1.5×]", { group: "lstat-abs" }, () => {
  lstatSync(abs);
});
Deno.bench(
  "Deno.lstatSync(abs)",
  { group: "lstat-abs", baseline: true },
  () => {
    Deno.lstatSync(abs);
  },
);

Deno.bench(
  "dirfd statSync(name, { dirFd }) [≥1.7×]",
  { group: "stat-dirfd" },
  () => {
    statSync("file.txt", { dirFd: dir });
  },
);
Deno.bench(
  "Deno.lstatSync(abs) ",
  { group: "stat-dirfd", baseline: true },
  () => {
    Deno.lstatSync(abs);
  },
);
