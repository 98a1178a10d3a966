// Copyright 2026 the dirfd authors. MIT license.
// Whole-file helpers and File streams against Deno's: `deno task bench`.
import {
  open,
  openDirSync,
  readFile,
  readFileSync,
  writeFileSync,
} from "../mod.ts";

const root = Deno.makeTempDirSync({ prefix: "dirfd_bench_" });
const KIB = new Uint8Array(1024).fill(120);
const FILES = 1024;
for (let i = 0; i < FILES; i++) Deno.writeFileSync(`${root}/f${i}`, KIB);
const abs = `${root}/f0`;
// 1 GiB, sparse: reads come from zero pages, no disk space used.
const GIB = 1024 * 1024 * 1024;
Deno.openSync(`${root}/big`, { write: true, create: true }).truncateSync(GIB);
const dir = openDirSync(root);
globalThis.addEventListener("unload", () => {
  dir.close();
  Deno.removeSync(root, { recursive: true });
});
const names = Array.from({ length: FILES }, (_, i) => `f${i}`);
const paths = names.map((n) => `${root}/${n}`);

// Reach V8's top tier before measuring (see stat_bench.ts).
for (let i = 0; i < 50_000; i++) {
  readFileSync("f0", { dirFd: dir });
  Deno.readFileSync(abs);
  writeFileSync("w0", KIB, { dirFd: dir });
  Deno.writeFileSync(`${root}/w1`, KIB);
}

Deno.bench("warm-up", () => {
  readFileSync("f0", { dirFd: dir });
  Deno.readFileSync(abs);
});

Deno.bench(
  "dirfd readFileSync(name, { dirFd }) 1 KiB [≥1.3×]",
  { group: "readFileSync-1k" },
  () => {
    readFileSync("f0", { dirFd: dir });
  },
);
Deno.bench(
  "Deno.readFileSync(abs) 1 KiB",
  { group: "readFileSync-1k", baseline: true },
  () => {
    Deno.readFileSync(abs);
  },
);

Deno.bench(
  "dirfd writeFileSync(name, 1 KiB, { dirFd }) [≥1.0×]",
  { group: "writeFileSync-1k" },
  () => {
    writeFileSync("w0", KIB, { dirFd: dir });
  },
);
Deno.bench(
  "Deno.writeFileSync(abs, 1 KiB)",
  { group: "writeFileSync-1k", baseline: true },
  () => {
    Deno.writeFileSync(`${root}/w1`, KIB);
  },
);

Deno.bench(
  "dirfd Promise.all(1024 × readFile(name, { dirFd })) [≥4×]",
  { group: "readFile-1024" },
  async () => {
    await Promise.all(names.map((n) => readFile(n, { dirFd: dir })));
  },
);
Deno.bench(
  "Promise.all(1024 × Deno.readFile(abs))",
  { group: "readFile-1024", baseline: true },
  async () => {
    await Promise.all(paths.map((p) => Deno.readFile(p)));
  },
);

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += chunk.length;
  return n;
}

Deno.bench(
  "dirfd File.readable, 1 GiB [≥0.9×]",
  { group: "readable-1g", n: 3, warmup: 1 },
  async () => {
    const f = await open("big", { dirFd: dir });
    if (await drain(f.readable) !== GIB) throw new Error("short read");
  },
);
Deno.bench(
  "Deno.FsFile.readable, 1 GiB",
  { group: "readable-1g", baseline: true, n: 3, warmup: 1 },
  async () => {
    const f = await Deno.open(`${root}/big`);
    if (await drain(f.readable) !== GIB) throw new Error("short read");
  },
);
