// Copyright 2026 the dirfd authors. MIT license.
// Tree walks against recursive Deno.readDir(Sync) and against @std/fs's walk
// and walkSync: `deno task bench bench/walk_bench.ts`. A tree of 20,000 files in 200 directories is made
// once per bench process and removed on unload. The async `walk` makes every
// syscall of its own on the worker pool (`ffi/_pool.ts`).
import { walk as stdWalk, walkSync as stdWalkSync } from "@std/fs/walk";
import {
  type Dir,
  lstat,
  lstatSync,
  stat,
  statSync,
  walk,
  walkSync,
} from "../mod.ts";

const DIRS = 200;
const FILES_PER_DIR = 100;

const root = Deno.realPathSync(
  Deno.makeTempDirSync({ prefix: "dirfd_walk_bench_" }),
);
for (let d = 0; d < DIRS; d++) {
  const dir = `${root}/dir${d}`;
  Deno.mkdirSync(dir);
  for (let f = 0; f < FILES_PER_DIR; f++) {
    Deno.writeFileSync(`${dir}/file${f}.txt`, new Uint8Array(0));
  }
}
globalThis.addEventListener("unload", () => {
  Deno.removeSync(root, { recursive: true });
});

const EXPECTED = 1 + DIRS + DIRS * FILES_PER_DIR;
function check(n: number): void {
  if (n !== EXPECTED) throw new Error(`walked ${n} entries, not ${EXPECTED}`);
}

// Baselines: std-style recursion over Deno's own calls.
function denoWalk(p: string): number {
  let n = 1;
  for (const e of Deno.readDirSync(p)) {
    const q = `${p}/${e.name}`;
    if (e.isDirectory) n += denoWalk(q);
    else n++;
  }
  return n;
}
function denoWalkStat(p: string): number {
  Deno.lstatSync(p);
  let n = 1;
  for (const e of Deno.readDirSync(p)) {
    const q = `${p}/${e.name}`;
    if (e.isDirectory) n += denoWalkStat(q);
    else {
      Deno.lstatSync(q);
      n++;
    }
  }
  return n;
}
async function denoWalkAsync(p: string): Promise<number> {
  await Deno.lstat(p);
  let n = 1;
  for await (const e of Deno.readDir(p)) {
    const q = `${p}/${e.name}`;
    if (e.isDirectory) n += await denoWalkAsync(q);
    else {
      await Deno.lstat(q);
      n++;
    }
  }
  return n;
}

// The root entry's `dir` is the root itself; every other entry's name
// resolves against its `dir`.
function dirfdWalkStat(): number {
  let n = 0;
  for (const e of walkSync(root)) {
    if (n++ === 0) statSync(e.dir);
    else lstatSync(e.name, { dirFd: e.dir });
  }
  return n;
}
async function dirfdWalkAsyncSyncStat(): Promise<number> {
  let n = 0;
  for await (const e of walk(root)) {
    if (n++ === 0) statSync(e.dir);
    else lstatSync(e.name, { dirFd: e.dir });
  }
  return n;
}
// Each entry's lstat starts as the entry arrives (it pins `entry.dir`, so the
// walk may move on), and a directory's stats are awaited together when the
// walk leaves it.
async function dirfdWalkAsyncBatched(): Promise<number> {
  let n = 0;
  let dir: Dir | null = null;
  const pending: Promise<Deno.FileInfo>[] = [];
  for await (const e of walk(root)) {
    if (e.dir !== dir) {
      await Promise.all(pending);
      pending.length = 0;
      dir = e.dir;
    }
    pending.push(n++ === 0 ? stat(e.dir) : lstat(e.name, { dirFd: e.dir }));
  }
  await Promise.all(pending);
  return n;
}
// What users write: one awaited lstat of each entry's path.
async function dirfdWalkAwaitPath(): Promise<number> {
  let n = 0;
  for await (const e of walk(root)) {
    await lstat(e.path);
    n++;
  }
  return n;
}
// Each entry's FileInfo from the walk itself (one pool request per chunk).
async function dirfdWalkInfo(): Promise<number> {
  let n = 0;
  let size = 0;
  for await (const e of walk(root, { stat: true })) {
    if (e.isFile) size += e.info.size;
    n++;
  }
  if (size !== 0) throw new Error("the bench's files are empty");
  return n;
}
function dirfdWalkInfoSync(): number {
  let n = 0;
  let size = 0;
  for (const e of walkSync(root, { stat: true })) {
    if (e.isFile) size += e.info.size;
    n++;
  }
  if (size !== 0) throw new Error("the bench's files are empty");
  return n;
}
async function stdWalkAwaitLstat(): Promise<number> {
  let n = 0;
  for await (const e of stdWalk(root)) {
    await Deno.lstat(e.path);
    n++;
  }
  return n;
}
async function dirfdWalkAsync(): Promise<number> {
  let n = 0;
  for await (const e of walk(root)) {
    if (n++ === 0) await stat(e.dir);
    else await lstat(e.name, { dirFd: e.dir });
  }
  return n;
}

// The first bench in a file reads high (JIT warm-up): spend it on a warm-up.
Deno.bench("warm-up", { n: 3, warmup: 1 }, () => {
  check(denoWalk(root));
  check([...walkSync(root)].length);
  check(dirfdWalkStat());
});

Deno.bench("dirfd walkSync({ stat: true }) [≥1.8×]", {
  group: "walk-stat",
}, () => {
  check(dirfdWalkInfoSync());
});
Deno.bench("dirfd walkSync + lstatSync(name, { dirFd }) [≥1.5×]", {
  group: "walk-stat",
}, () => {
  check(dirfdWalkStat());
});
Deno.bench("Deno.readDirSync + Deno.lstatSync, recursive", {
  group: "walk-stat",
  baseline: true,
}, () => {
  check(denoWalkStat(root));
});

Deno.bench("dirfd walkSync [≥1.5×]", { group: "walk" }, () => {
  let n = 0;
  for (const _ of walkSync(root)) n++;
  check(n);
});
Deno.bench("Deno.readDirSync, recursive", {
  group: "walk",
  baseline: true,
}, () => {
  check(denoWalk(root));
});

// The headline: an async walk that describes every entry.
Deno.bench("dirfd walk({ stat: true }) [≥15×]", {
  group: "walk-async",
  n: 20,
  warmup: 2,
}, async () => {
  check(await dirfdWalkInfo());
});
Deno.bench("dirfd walk + await lstat(e.path)", {
  group: "walk-async",
  n: 5,
  warmup: 1,
}, async () => {
  check(await dirfdWalkAwaitPath());
});
Deno.bench("dirfd walk + lstatSync(name, { dirFd }) (blocks the loop)", {
  group: "walk-async",
  n: 20,
  warmup: 2,
}, async () => {
  check(await dirfdWalkAsyncSyncStat());
});
Deno.bench("dirfd walk + lstat(name, { dirFd }) awaited per directory", {
  group: "walk-async",
  n: 10,
  warmup: 1,
}, async () => {
  check(await dirfdWalkAsyncBatched());
});
Deno.bench("dirfd walk + await lstat(name, { dirFd })", {
  group: "walk-async",
  n: 5,
  warmup: 1,
}, async () => {
  check(await dirfdWalkAsync());
});
Deno.bench("Deno.readDir + await Deno.lstat, recursive", {
  group: "walk-async",
  baseline: true,
  n: 5,
  warmup: 1,
}, async () => {
  check(await denoWalkAsync(root));
});

// @std/fs's walk and walkSync, the walk dirfd's is held against
// (tests/walk_std_test.ts): the same entries, no stat of their own.
Deno.bench("dirfd walkSync [≥4×]", { group: "walk-std" }, () => {
  let n = 0;
  for (const _ of walkSync(root)) n++;
  check(n);
});
Deno.bench("@std/fs walkSync", {
  group: "walk-std",
  baseline: true,
}, () => {
  let n = 0;
  for (const _ of stdWalkSync(root)) n++;
  check(n);
});

Deno.bench("dirfd walk [≥3×]", {
  group: "walk-std-async",
  n: 20,
  warmup: 2,
}, async () => {
  let n = 0;
  for await (const _ of walk(root)) n++;
  check(n);
});
Deno.bench("@std/fs walk", {
  group: "walk-std-async",
  baseline: true,
  n: 10,
  warmup: 1,
}, async () => {
  let n = 0;
  for await (const _ of stdWalk(root)) n++;
  check(n);
});

// The same tree described through @std/fs's walk, as users write it.
Deno.bench("dirfd walk({ stat: true }) [≥15×]", {
  group: "walk-std-stat",
  n: 20,
  warmup: 2,
}, async () => {
  check(await dirfdWalkInfo());
});
Deno.bench("@std/fs walk + await Deno.lstat(e.path)", {
  group: "walk-std-stat",
  baseline: true,
  n: 5,
  warmup: 1,
}, async () => {
  check(await stdWalkAwaitLstat());
});

// The price of not blocking the loop: the async walk with FileInfo against
// the sync one (target: within 1.5×, i.e. ≥ 0.67× the sync walk's speed).
Deno.bench("dirfd walk({ stat: true }) [≥0.67×]", {
  group: "walk-stat-async-vs-sync",
  n: 20,
  warmup: 2,
}, async () => {
  check(await dirfdWalkInfo());
});
Deno.bench("dirfd walkSync({ stat: true })", {
  group: "walk-stat-async-vs-sync",
  baseline: true,
}, () => {
  check(dirfdWalkInfoSync());
});
