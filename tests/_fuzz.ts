// Copyright 2026 the dirfd authors. MIT license.
// The fuzz's runner: starts tests/_fuzz_child.ts in child processes (so that
// an input that kills the process is caught, and named), each over a fresh
// directory, and gathers what they report. tests/fuzz_test.ts runs a few
// thousand inputs; `deno task fuzz` runs this file directly for a long run:
//
//   deno task fuzz [--inputs N] [--seed S] [--chunk C]
//
// A failing input replays alone with
//   FUZZ_ONLY=<index> deno run -A --no-check tests/_fuzz_child.ts <seed> <n> <dir>
// (the seed and index are in the report).

/** What one fuzz run found. */
export interface FuzzReport {
  inputs: number;
  /** Broken rules: `{ i, input, rule, detail }` as the child printed them. */
  violations: { i: number; input: string; rule: string; detail: string }[];
  /** Children that died or hung: the seed, the last input started, stderr. */
  crashes: { seed: number; last: string; code: number; stderr: string }[];
  /** Files found beside the sandbox (made outside where the child works). */
  strays: string[];
  /** Calls that returned, threw an argument error, threw an OS error. */
  tally: { ok: number; argError: number; osError: number };
}

const CHILD = new URL("./_fuzz_child.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;
/** A generous upper bound on one child's run, never a speed assumption. */
const CHILD_DEADLINE_MS = 15 * 60_000;

async function runChild(
  seed: number,
  n: number,
  report: FuzzReport,
  env: Record<string, string>,
): Promise<void> {
  const base = Deno.realPathSync(
    Deno.makeTempDirSync({ prefix: "dirfd_fuzz_" }),
  );
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--no-check",
        "--config",
        CONFIG,
        CHILD,
        String(seed),
        String(n),
        base,
      ],
      cwd: base,
      // Descriptors 0-2 of the child are values the fuzz passes as
      // descriptors: pipes, so that nothing they name can be harmed.
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", ...env },
    }).spawn();
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, CHILD_DEADLINE_MS);
    const out = await child.output();
    clearTimeout(timer);
    const dec = new TextDecoder();
    const lines = dec.decode(out.stdout).split("\n");
    let last = "(none)";
    let done = false;
    for (const line of lines) {
      if (line.startsWith("I ")) last = line.slice(2);
      else if (line.startsWith("V ")) {
        report.violations.push(JSON.parse(line.slice(2)));
      } else if (line.startsWith("DONE ")) {
        done = true;
        const t = JSON.parse(line.split(" ").slice(3).join(" "));
        for (const k of ["ok", "argError", "osError"] as const) {
          report.tally[k] += t[k];
        }
      }
    }
    report.inputs += done ? n : Number(last.split(" ")[0]) || 0;
    if (!done || out.code !== 0) {
      report.crashes.push({
        seed,
        last,
        code: out.code,
        stderr: dec.decode(out.stderr).slice(-2000),
      });
    }
    for (const e of Deno.readDirSync(base)) {
      if (e.name !== "s") report.strays.push(`${base}/${e.name}`);
    }
  } finally {
    // Modes the fuzz set (0 on a directory) must not stop the clean-up.
    await new Deno.Command("chmod", { args: ["-R", "u+rwx", base] }).output()
      .catch(() => {});
    Deno.removeSync(base, { recursive: true });
  }
}

/**
 * Runs `inputs` fuzz inputs from `seed`, `chunk` per child process, `jobs`
 * children at a time.
 */
export async function runFuzz(
  { seed, inputs, chunk, jobs = 1, env = {} }: {
    seed: number;
    inputs: number;
    chunk: number;
    jobs?: number;
    /** For the runner's own test (FUZZ_CRASH_AT). */
    env?: Record<string, string>;
  },
): Promise<FuzzReport> {
  const report: FuzzReport = {
    inputs: 0,
    violations: [],
    crashes: [],
    strays: [],
    tally: { ok: 0, argError: 0, osError: 0 },
  };
  const seeds: [number, number][] = [];
  for (let k = 0; k * chunk < inputs; k++) {
    seeds.push([
      (seed + k * 0x9e3779b9) >>> 0,
      Math.min(chunk, inputs - k * chunk),
    ]);
  }
  const queue = [...seeds];
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
        await runChild(s[0], s[1], report, env);
      }
    }),
  );
  return report;
}

if (import.meta.main) {
  const arg = (name: string, fallback: number) => {
    const i = Deno.args.indexOf(`--${name}`);
    return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
  };
  const inputs = arg("inputs", 100_000);
  const seed = arg("seed", Date.now() >>> 0);
  const chunk = arg("chunk", 5_000);
  const jobs = arg("jobs", 2);
  const t0 = performance.now();
  console.log(`fuzz: ${inputs} inputs from seed ${seed}, ${chunk} per child`);
  const r = await runFuzz({ seed, inputs, chunk, jobs });
  const s = ((performance.now() - t0) / 1000).toFixed(0);
  console.log(
    `fuzz: ${r.inputs} inputs run in ${s} s: ${r.violations.length} broken rules, ${r.crashes.length} crashes, ${r.strays.length} stray files`,
  );
  console.log(`fuzz: calls ${JSON.stringify(r.tally)}`);
  for (const v of r.violations.slice(0, 50)) {
    console.log("  rule:", JSON.stringify(v));
  }
  for (const c of r.crashes) console.log("  crash:", JSON.stringify(c));
  for (const p of r.strays) console.log("  stray:", p);
  Deno.exit(
    r.violations.length + r.crashes.length + r.strays.length === 0 ? 0 : 1,
  );
}
