// Copyright 2026 the dirfd authors. MIT license.
/**
 * Runs `deno bench --json` over bench files and prints, for every group, how
 * many times faster each bench is than the group's baseline (the `Deno.*`
 * call), and whether it meets the target named in the bench's name as
 * `[≥1.5×]`.
 *
 * Usage: `deno task bench [FILE…]` (default: every `bench/*_bench.ts`, then
 * the cold-start measurements of `bench/cold.ts`, which spawn fresh
 * processes; name `bench/cold.ts` among the files to run it alone or with
 * them).
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
const isCold = (f: string) =>
  f.replace(/\\/g, "/").endsWith("bench/cold.ts") ||
  f === "cold.ts";
const cold = Deno.args.length === 0 || Deno.args.some(isCold);
const files = Deno.args.length > 0
  ? Deno.args.filter((f) => !isCold(f))
  : [...Deno.readDirSync(here)]
    .filter((e) => e.isFile && e.name.endsWith("_bench.ts"))
    .map((e) => `${here}${e.name}`)
    .sort();
let missed = 0;
if (files.length > 0) missed += await benchGroups(files);
if (cold) missed += await coldStart();
console.log(
  missed === 0 ? "\nall targets met" : `\n${missed} target(s) missed`,
);

/** Runs `bench/cold.ts` in a process of its own; the targets it missed. */
async function coldStart(): Promise<number> {
  console.log("");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${here}cold.ts`],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  console.log(
    text.trimEnd().split("\n").filter((l) =>
      !/(all targets met|target\(s\) missed)$/.test(l)
    )
      .join("\n"),
  );
  if (out.code !== 0) {
    console.error(`bench/cold.ts exited with ${out.code}`);
    return 1;
  }
  return text.split("\n").filter((l) => l.includes("(TARGET MISSED)")).length;
}

/** Runs `deno bench` over `files` and prints its groups; the targets missed. */
async function benchGroups(files: string[]): Promise<number> {
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
    `deno bench --json ${
      files.map((f) => f.replace(here, "bench/")).join(" ")
    }`,
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
  return missed;
}
