// Copyright 2026 the dirfd authors. MIT license.
// The cost of a Root's guarantee: `root.statSync(name)` against the plain
// `statSync(name, { dirFd })` (which resolves the same name without any
// containment) and against `Deno.lstatSync(abs)`, for names of one, three
// and six components. `deno task bench` prints the ratios.
import { openDirSync, openRootSync, statSync } from "../mod.ts";
import { setPrimitive } from "../_testing.ts";

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

// The fallback (the resolver walking one component at a time, as on macOS,
// old kernels and qemu): the same names with the openat2 path hidden; the
// cost per component is the difference between the 6- and 3-component rows,
// divided by 3. Hiding happens outside the timed part.
for (const [label, name] of [["3", "a/b/f"], ["6", "a/b/c/d/e/f"]]) {
  Deno.bench(`root.statSync(name), resolver only, ${label} components`, {
    group: "root.statSync through the resolver (no openat2)",
    baseline: label === "3",
  }, (b) => {
    const hid = setPrimitive("openBeneath", false);
    b.start();
    root.statSync(name);
    b.end();
    if (hid) setPrimitive("openBeneath", true);
  });
}

// What the openat2 path cannot go below: the same three calls made raw
// (openat2 of the whole name with O_PATH|O_NOFOLLOW, fstatat of the
// descriptor with AT_EMPTY_PATH, close), without dirfd's checks. On this
// machine an open and its close alone cost about as much as Deno's lstat;
// the row shows how far the target is from the kernel.
const floor = Deno.build.os === "linux" &&
    (Deno.build.arch === "x86_64" || Deno.build.arch === "aarch64")
  ? (() => {
    try {
      return Deno.dlopen("libc.so.6", {
        syscall: {
          parameters: ["i64", "i64", "buffer", "buffer", "usize"],
          result: "i64",
        },
        fstatat: {
          parameters: ["i32", "buffer", "buffer", "i32"],
          result: "i32",
        },
        close: { parameters: ["i32"], result: "i32" },
      }).symbols;
    } catch {
      return null;
    }
  })()
  : null;
if (floor !== null) {
  const enc = new TextEncoder();
  const rootFd = root.fd;
  const whole = enc.encode("a/b/f\0");
  const empty = new Uint8Array(1);
  const st = new Uint8Array(256);
  // struct open_how: O_PATH|O_NOFOLLOW|O_CLOEXEC, mode 0,
  // RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS.
  const O_NOFOLLOW = Deno.build.arch === "aarch64" ? 0o100000 : 0o400000;
  const how = new Uint8Array(
    new BigUint64Array([
      BigInt(0o10000000 | O_NOFOLLOW | 0o2000000),
      0n,
      0x08n | 0x02n,
    ]).buffer,
  );
  const NR_OPENAT2 = 437n;
  const AT_EMPTY_PATH = 0x1000;
  Deno.bench("(floor) openat2 + fstatat + close, raw FFI", {
    group: "root.statSync, 3 components",
  }, () => {
    const fd = Number(
      floor.syscall(NR_OPENAT2, BigInt(rootFd), whole, how, 24n),
    );
    if (fd < 0) throw new Error("openat2 failed");
    floor.fstatat(fd, empty, st, AT_EMPTY_PATH);
    floor.close(fd);
  });
}
