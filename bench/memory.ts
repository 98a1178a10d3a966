// Copyright 2026 the dirfd authors. MIT license.
/**
 * Resident memory over a long run of async stats: `TOTAL` calls (default 10
 * million) in `Promise.all` batches of 1024, relative to an open directory,
 * sampling `Deno.memoryUsage().rss` every million calls. Memory is flat when
 * the last samples are no higher than the early ones after warm-up.
 *
 * Usage: `deno run --v8-flags=--expose-gc --allow-ffi --allow-read --allow-write bench/memory.ts [TOTAL]`
 *
 * With `--expose-gc` a full collection runs before each sample, so the
 * figures show what is retained rather than how lazily V8 grows its heap.
 *
 * @module
 */
import { openDirSync, stat } from "../mod.ts";

const TOTAL = Number(Deno.args[0] ?? 10_000_000);
const BATCH = 1024;
const root = Deno.makeTempDirSync({ prefix: "dirfd_mem_" });
const names: string[] = [];
for (let i = 0; i < 64; i++) {
  names.push(`f${i}`);
  Deno.writeTextFileSync(`${root}/f${i}`, "x");
}
const mb = (n: number) => (n / 2 ** 20).toFixed(1);
const samples: number[] = [];
const t0 = performance.now();
try {
  using dir = openDirSync(root);
  const batch = Array.from(
    { length: BATCH },
    (_, i) => names[i % names.length],
  );
  let done = 0;
  let next = 1_000_000;
  while (done < TOTAL) {
    const infos = await Promise.all(batch.map((n) => stat(n, { dirFd: dir })));
    if (infos[BATCH - 1].size !== 1) throw new Error("wrong result");
    done += BATCH;
    if (done >= next) {
      (globalThis as { gc?: () => void }).gc?.();
      const { rss, heapUsed } = Deno.memoryUsage();
      samples.push(rss);
      console.log(
        `${(done / 1e6).toFixed(1)}M stats  rss ${mb(rss)} MiB  heap used ${
          mb(heapUsed)
        } MiB  ${((performance.now() - t0) / done * 1000).toFixed(2)} µs/stat`,
      );
      next += 1_000_000;
    }
  }
} finally {
  Deno.removeSync(root, { recursive: true });
}
const early = samples[Math.min(1, samples.length - 1)];
const last = samples[samples.length - 1];
const max = Math.max(...samples);
console.log(
  `rss after 2M: ${mb(early)} MiB, at the end: ${mb(last)} MiB, max ${
    mb(max)
  } MiB, growth ${((last / early - 1) * 100).toFixed(1)}%`,
);
