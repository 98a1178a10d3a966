// Copyright 2026 the dirfd authors. MIT license.
// Async stat against Deno.lstat: one at a time, and 1024 in flight at once.
// `deno task bench` prints the ratios.
import { lstatSync, openDirSync, stat } from "../mod.ts";

const N = 1024;
const root = Deno.makeTempDirSync({ prefix: "dirfd_abench_" });
const names: string[] = [];
for (let i = 0; i < N; i++) {
  names.push(`f${i}`);
  Deno.writeTextFileSync(`${root}/f${i}`, "x");
}
const abs = names.map((n) => `${root}/${n}`);
const dir = openDirSync(root);
globalThis.addEventListener("unload", () => {
  dir.close();
  Deno.removeSync(root, { recursive: true });
});

// Reach V8's top tier for every measured path before any bench runs.
for (let i = 0; i < 300; i++) {
  await Promise.all(names.map((n) => stat(n, { dirFd: dir })));
  await Promise.all(abs.map((p) => stat(p, { followSymlinks: false })));
  await Promise.all(abs.map((p) => Deno.lstat(p)));
  for (const p of abs) lstatSync(p);
}
for (let i = 0; i < 20_000; i++) {
  await stat(abs[1], { followSymlinks: false });
  await Deno.lstat(abs[1]);
}

Deno.bench("warm-up", async () => {
  await stat(abs[0]);
  await Deno.lstat(abs[0]);
});

Deno.bench(
  "await stat(abs), one at a time [≥1.0×]",
  { group: "await-one" },
  async () => {
    await stat(abs[1], { followSymlinks: false });
  },
);
Deno.bench(
  "await Deno.lstat(abs), one at a time",
  { group: "await-one", baseline: true },
  async () => {
    await Deno.lstat(abs[1]);
  },
);

Deno.bench(
  "Promise.all(1024 × stat(name, { dirFd })) [≥6×]",
  { group: "all-1024" },
  async () => {
    await Promise.all(names.map((n) => stat(n, { dirFd: dir })));
  },
);
Deno.bench(
  "Promise.all(1024 × stat(abs))",
  { group: "all-1024" },
  async () => {
    await Promise.all(abs.map((p) => stat(p, { followSymlinks: false })));
  },
);
Deno.bench(
  "1024 × lstatSync(abs), sync loop (per-stat reference)",
  { group: "all-1024" },
  () => {
    for (let i = 0; i < N; i++) lstatSync(abs[i]);
  },
);
Deno.bench(
  "Promise.all(1024 × Deno.lstat(abs))",
  { group: "all-1024", baseline: true },
  async () => {
    await Promise.all(abs.map((p) => Deno.lstat(p)));
  },
);
