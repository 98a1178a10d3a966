// Copyright 2026 the dirfd authors. MIT license.
// The cost of a Root's guarantee: `root.statSync(name)` against the plain
// `statSync(name, { dirFd })` (which resolves the same name without any
// containment) and against `Deno.lstatSync(abs)`, for names of one, three
// and six components. `deno task bench` prints the ratios.
import { openDirSync, openRootSync, statSync } from "../mod.ts";

const base = Deno.realPathSync(
  Deno.makeTempDirSync({ prefix: "dirfd_root_bench_" }),
);
Deno.mkdirSync(`${base}/a/b/c/d/e`, { recursive: true });
Deno.writeTextFileSync(`${base}/f`, "x");
Deno.writeTextFileSync(`${base}/a/b/f`, "x");
Deno.writeTextFileSync(`${base}/a/b/c/d/e/f`, "x");
const dir = openDirSync(base);
const root = openRootSync(base);
globalThis.addEventListener("unload", () => {
  dir.close();
  root.close();
  Deno.removeSync(base, { recursive: true });
});

for (
  const [label, name] of [["1", "f"], ["3", "a/b/f"], ["6", "a/b/c/d/e/f"]]
) {
  const abs = `${base}/${name}`;
  const group = `root.statSync, ${label} component${label === "1" ? "" : "s"}`;
  Deno.bench(`statSync(name, { dirFd }) (no containment)`, {
    group: `${group} vs dirFd`,
    baseline: true,
  }, () => {
    statSync(name, { dirFd: dir });
  });
  Deno.bench(
    `root.statSync(name)${label === "1" ? " [≥0.91×]" : ""}`,
    { group: `${group} vs dirFd` },
    () => {
      root.statSync(name);
    },
  );
  Deno.bench("Deno.lstatSync(abs)", { group, baseline: true }, () => {
    Deno.lstatSync(abs);
  });
  Deno.bench(
    `root.statSync(name)${label === "3" ? " [≥0.83×]" : ""}`,
    { group },
    () => {
      root.statSync(name);
    },
  );
}

Deno.bench("Deno.lstat(abs), one at a time", {
  group: "root.stat (async), 3 components",
  baseline: true,
}, async () => {
  await Deno.lstat(`${base}/a/b/f`);
});
Deno.bench("await root.stat(name)", {
  group: "root.stat (async), 3 components",
}, async () => {
  await root.stat("a/b/f");
});

Deno.writeFileSync(`${base}/a/b/k1`, new Uint8Array(1024));
Deno.bench("Deno.readFileSync(abs), 1 KiB", {
  group: "root.readFileSync, 3 components, 1 KiB",
  baseline: true,
}, () => {
  Deno.readFileSync(`${base}/a/b/k1`);
});
Deno.bench("root.readFileSync(name), 1 KiB", {
  group: "root.readFileSync, 3 components, 1 KiB",
}, () => {
  root.readFileSync("a/b/k1");
});
