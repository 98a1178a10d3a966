// Copyright 2026 the dirfd authors. MIT license.
/**
 * Runs `deno bench --json` over bench files and prints, for every group, how
 * many times faster each bench is than the group's baseline (the `Deno.*`
 * call), and whether it meets the target named in the bench's name as
 * `[≥1.5×]`.
 *
 * Usage: `deno task bench [FILE…]` (default: every `bench/*_bench.ts`).
 *
 * @module
 */

interface BenchResult {
  name: string;
  group: string | null;
  baseline: boolean;
  results: { ok?: { avg: number; n: number } }[];
}

const here = new URL(".", import.meta.url).pathname;
const files = Deno.args.length > 0 ? Deno.args : [...Deno.readDirSync(here)]
  .filter((e) => e.isFile && e.name.endsWith("_bench.ts"))
  .map((e) => `${here}${e.name}`)
  .sort();

const cmd = new Deno.Command(Deno.execPath(), {
  args: ["bench", "--json", "-A", ...files],
  stdout: "piped",
  stderr: "inherit",
});
const { code, stdout } = await cmd.output();
if (code !== 0) {
  console.error(`deno bench exited with ${code}`);
  Deno.exit(code);
}
const report = JSON.parse(new TextDecoder().decode(stdout)) as {
  runtime: string;
  cpu: string;
  benches: BenchResult[];
};

const fmt = (ns: number) =>
  ns >= 1e6
    ? `${(ns / 1e6).toFixed(2)} ms`
    : ns >= 1e3
    ? `${(ns / 1e3).toFixed(2)} µs`
    : `${ns.toFixed(1)} ns`;

console.log(
  `deno bench --json ${files.map((f) => f.replace(here, "bench/")).join(" ")}`,
);
console.log(`${report.runtime} on ${report.cpu}\n`);
const groups = new Map<string, BenchResult[]>();
for (const b of report.benches) {
  if (b.group === null) continue;
  const list = groups.get(b.group) ?? [];
  list.push(b);
  groups.set(b.group, list);
}
let missed = 0;
for (const [group, benches] of groups) {
  const base = benches.find((b) => b.baseline);
  const baseAvg = base?.results[0]?.ok?.avg;
  console.log(`${group}`);
  for (const b of benches) {
    const avg = b.results[0]?.ok?.avg;
    if (avg === undefined) {
      console.log(`  ${b.name.padEnd(52)} failed`);
      continue;
    }
    let line = `  ${b.name.padEnd(52)} ${fmt(avg).padStart(10)}`;
    if (b.baseline) line += "   baseline";
    else if (baseAvg !== undefined) {
      const ratio = baseAvg / avg;
      line += `   ${ratio.toFixed(2)}× the baseline`;
      const target = /\[≥([\d.]+)×\]/.exec(b.name);
      if (target !== null) {
        const ok = ratio >= Number(target[1]);
        if (!ok) missed++;
        line += ok ? "  (target met)" : "  (TARGET MISSED)";
      }
    }
    console.log(line);
  }
}
console.log(
  missed === 0 ? "\nall targets met" : `\n${missed} target(s) missed`,
);
