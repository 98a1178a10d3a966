// Copyright 2026 the dirfd authors. MIT license.
// statSync relative to an open directory and readDirSync, each against the
// Deno call a program would use instead. Written for Windows (run under Wine
// in CI: see README, Windows); it runs on every OS.
import { openDirSync, readDirSync, statSync } from "../mod.ts";

const root = Deno.makeTempDirSync({ prefix: "dirfd_bench_" });
Deno.writeTextFileSync(`${root}/file.txt`, "x");
for (let i = 0; i < 200; i++) Deno.writeTextFileSync(`${root}/f${i}`, "");
Deno.mkdirSync(`${root}/sub`);
const abs = `${root}/file.txt`;
const dir = openDirSync(root);
globalThis.addEventListener("unload", () => {
  dir.close();
  Deno.removeSync(root, { recursive: true });
});

// Reach V8's top tier before any bench (the first benches read high).
for (let i = 0; i < 20_000; i++) {
  statSync("file.txt", { dirFd: dir });
  Deno.lstatSync(abs);
}
for (let i = 0; i < 200; i++) {
  for (const _ of readDirSync(root));
  for (const _ of Deno.readDirSync(root));
}

Deno.bench("warm-up", () => {
  statSync("file.txt", { dirFd: dir });
  Deno.lstatSync(abs);
});

Deno.bench("dirfd statSync(name, { dirFd })", { group: "stat" }, () => {
  statSync("file.txt", { dirFd: dir });
});
Deno.bench("Deno.lstatSync(abs)", { group: "stat", baseline: true }, () => {
  Deno.lstatSync(abs);
});

Deno.bench("dirfd readDirSync(path), 202 entries", { group: "readDir" }, () => {
  for (const _ of readDirSync(root));
});
Deno.bench(
  "Deno.readDirSync(path), 202 entries",
  { group: "readDir", baseline: true },
  () => {
    for (const _ of Deno.readDirSync(root));
  },
);
Deno.bench("dirfd readDirSync(dir), 202 entries", { group: "readDir" }, () => {
  for (const _ of readDirSync(dir));
});
