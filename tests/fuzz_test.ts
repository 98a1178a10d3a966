// Copyright 2026 the dirfd authors. MIT license.
// The adversarial suite (issue 16): a seeded fuzz of every function mod.ts
// exports (enumerated, so new exports are in it by construction), every
// argument position, with hostile values (NUL, lone surrogates, huge
// strings, -0, NaN, ±Infinity, 2^31, 2^53, floats, bigints, symbols,
// proxies, getters, Dates, non-file and malformed URLs, closed Dirs and
// files), run in child processes (tests/_fuzz_child.ts, driven by
// tests/_fuzz.ts). Rules: the process never dies, nothing hangs, every
// error is a TypeError or a Deno error (never the pool's or the FFI's), a
// bad path is refused, the path audited is the one given, nothing is made
// outside the child's directory, sync and async twins refuse the same
// arguments alike. `deno task fuzz` runs the long version (100k inputs).
import {
  assert,
  assertEquals,
  assertGreater,
  assertStringIncludes,
} from "@std/assert";
import { backend } from "../_backend.ts";
import { runFuzz } from "./_fuzz.ts";

// The fuzz passes raw descriptors 0-2 and POSIX paths; its safety rules
// (nothing named outside its directory) are written for POSIX systems.
const ignore = Deno.build.os === "windows" || backend() === null;
// Under qemu (aarch64) every call costs ~20x: a smaller run, same rules.
const INPUTS = Deno.build.arch === "aarch64" ? 300 : 3_000;

Deno.test({
  name: "fuzz: every export, every argument position, hostile values",
  ignore,
  fn: async () => {
    const seed = Number(Deno.env.get("FUZZ_SEED") ?? 0x5eed);
    const r = await runFuzz({
      seed,
      inputs: INPUTS,
      chunk: Math.ceil(INPUTS / 2),
      jobs: 2,
    });
    const report = JSON.stringify(
      { seed, violations: r.violations.slice(0, 10), crashes: r.crashes },
      null,
      1,
    );
    assertEquals(r.crashes, [], report);
    assertEquals(r.violations, [], report);
    assertEquals(r.strays, [], "made outside the fuzz's directory");
    assertEquals(r.inputs, INPUTS);
    // It reached past the argument checks, into the system calls.
    assertGreater(r.tally.ok, INPUTS / 50);
    assertGreater(r.tally.osError, INPUTS / 50);
  },
});

Deno.test({
  name: "fuzz: a child that dies is reported with the input it died on",
  ignore,
  fn: async () => {
    const r = await runFuzz({
      seed: 7,
      inputs: 20,
      chunk: 20,
      env: { FUZZ_CRASH_AT: "12" },
    });
    assertEquals(r.crashes.length, 1);
    assertEquals(r.crashes[0].code, 70);
    assert(r.crashes[0].last.startsWith("12 "), r.crashes[0].last);
    assertStringIncludes(r.crashes[0].last, "(");
  },
});
