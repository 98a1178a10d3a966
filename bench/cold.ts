// Copyright 2026 the dirfd authors. MIT license.
/**
 * Cold start, as a short `deno task` script sees it: each measurement runs in
 * a fresh process, which times its own work with `performance.now()` (the
 * process start itself, the same for both, is left out), against the same
 * work done with Deno's own calls in another fresh process.
 *
 * - first batch: the first `Promise.all` of 1024 `stat`s (dirfd) against the
 *   first 1024 `Deno.lstat`s;
 * - first 10 batches: ten such batches back to back, in total;
 * - interleaved: a batch of ours after a batch of Deno's (the workers may
 *   have gone to sleep in between), against Deno's own batch there, over
 *   rounds separated by a pause;
 * - first walk: the first walk of a 2,000-file tree with each entry's
 *   `FileInfo`, against recursive `Deno.readDir` + `await Deno.lstat`, each
 *   the first work of a fresh process of its own (nothing warmed before).
 *
 * Usage: `deno run -A bench/cold.ts [PROCESSES]` (default 7; the median is
 * reported). `deno task bench` runs it after the `deno bench` groups.
 *
 * @module
 */

const PROCESSES = Number(Deno.args[0] ?? 7);
const here = new URL(".", import.meta.url);
const mod = new URL("../mod.ts", here).href;
const config = new URL("../deno.json", here).pathname;

const root = Deno.realPathSync(
  Deno.makeTempDirSync({ prefix: "dirfd_cold_" }),
);
for (let i = 0; i < 1024; i++) Deno.writeTextFileSync(`${root}/f${i}`, "x");
Deno.mkdirSync(`${root}/tree`);
for (let d = 0; d < 20; d++) {
  Deno.mkdirSync(`${root}/tree/d${d}`);
  for (let f = 0; f < 100; f++) {
    Deno.writeTextFileSync(`${root}/tree/d${d}/f${f}`, "");
  }
}

// Each child prints one JSON object of millisecond timings: the batches
// (first, ten, interleaved), or the walk alone as its process's first work.
const CHILD = (ours: boolean, walkOnly: boolean) => `
const root = ${JSON.stringify(root)};
const walkOnly = ${walkOnly};
const names = Array.from({ length: 1024 }, (_, i) => root + "/f" + i);
${ours ? `import { lstat, stat, walk } from ${JSON.stringify(mod)};` : ""}
const one = ${
  ours ? `(p) => stat(p, { followSymlinks: false })` : `(p) => Deno.lstat(p)`
};
const batch = async (f) => {
  const t0 = performance.now();
  const r = await Promise.all(names.map(f));
  if (r.length !== 1024 || !r[5].isFile) throw new Error("bad batch");
  return performance.now() - t0;
};
const out = {};
if (!walkOnly) {
out.first = await batch(one);
let ten = out.first;
for (let i = 1; i < 10; i++) ten += await batch(one);
out.ten = ten;
// Interleaved: a batch of Deno's, a pause, then the measured batch.
let inter = 0;
for (let i = 0; i < 5; i++) {
  await batch((p) => Deno.lstat(p));
  await new Promise((r) => setTimeout(r, 50));
  inter += await batch(one);
}
out.interleaved = inter;
} else out.walk = await (async () => {
  const t0 = performance.now();
  let n = 0;
  ${
  ours
    ? `for await (const e of walk(root + "/tree", { stat: true })) {
    // Entries carry their FileInfo with stat: true; an lstat otherwise.
    const info = e.info ?? await lstat(e.path);
    if (info.mode === undefined) throw new Error("no info");
    n++;
  }`
    : `const rec = async (p) => {
    await Deno.lstat(p);
    n++;
    for await (const e of Deno.readDir(p)) {
      const q = p + "/" + e.name;
      if (e.isDirectory) await rec(q);
      else { await Deno.lstat(q); n++; }
    }
  };
  await rec(root + "/tree");`
}
  if (n !== 2021) throw new Error("walked " + n);
  return performance.now() - t0;
})();
console.log(JSON.stringify(out));
`;

async function child(
  ours: boolean,
  walkOnly: boolean,
): Promise<Record<string, number>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", config, "--ext=js", CHILD(ours, walkOnly)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(new TextDecoder().decode(out.stderr));
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

try {
  const ours: Record<string, number>[] = [];
  const deno: Record<string, number>[] = [];
  // Alternate, so both see the same machine state.
  for (let i = 0; i < PROCESSES; i++) {
    deno.push({ ...await child(false, false), ...await child(false, true) });
    ours.push({ ...await child(true, false), ...await child(true, true) });
  }
  const rows: [string, string, number][] = [
    ["first batch of 1024 stats", "first", 1.0],
    ["first 10 batches, in total", "ten", 3],
    ["batch after a Deno batch and a pause (5)", "interleaved", 6],
    ["first walk of 2,021 entries, a fresh process's", "walk", 8],
  ];
  console.log(
    `cold start (fresh processes, median of ${PROCESSES}; deno run bench/cold.ts)`,
  );
  let missed = 0;
  for (const [label, key, target] of rows) {
    const d = median(deno.map((r) => r[key]));
    const o = median(ours.map((r) => r[key]));
    const ratio = d / o;
    const ok = ratio >= target;
    if (!ok) missed++;
    console.log(
      `  ${label.padEnd(48)} dirfd ${o.toFixed(2).padStart(7)} ms  Deno ${
        d.toFixed(2).padStart(7)
      } ms  ${ratio.toFixed(2)}× [≥${target}×] ${
        ok ? "(target met)" : "(TARGET MISSED)"
      }`,
    );
  }
  console.log(missed === 0 ? "all targets met" : `${missed} target(s) missed`);
} finally {
  Deno.removeSync(root, { recursive: true });
}
