// Copyright 2026 the dirfd authors. MIT license.
/**
 * Latency of one `await` at a time, interleaved: each round awaits a raw
 * `nonblocking` FFI `statx`, dirfd's `stat`, and `Deno.lstat` on the same
 * path, so that all three see the same machine state (on a shared VM,
 * wake-up latency drifts by tens of microseconds from one second to the
 * next, which separate `deno bench` groups cannot cancel out).
 *
 * Usage: `deno run --allow-ffi --allow-read --allow-write bench/latency.ts [ROUNDS]`
 *
 * @module
 */
import { stat } from "../mod.ts";

const ROUNDS = Number(Deno.args[0] ?? 20_000);
const lib = Deno.dlopen("libc.so.6", {
  statx: {
    parameters: ["i32", "buffer", "i32", "u32", "buffer"],
    result: "i32",
    nonblocking: true,
  },
});
const path = Deno.makeTempDirSync({ prefix: "dirfd_lat_" });
const cpath = new TextEncoder().encode(`${path}\0`);
const out = new Uint8Array(256);
const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, STATX_ALL = 0xfff;
const t = [0, 0, 0];
try {
  for (let i = 0; i < ROUNDS; i++) {
    let t0 = performance.now();
    await lib.symbols.statx(
      AT_FDCWD,
      cpath,
      AT_SYMLINK_NOFOLLOW,
      STATX_ALL,
      out,
    );
    t[0] += performance.now() - t0;
    t0 = performance.now();
    await stat(path, { followSymlinks: false });
    t[1] += performance.now() - t0;
    t0 = performance.now();
    await Deno.lstat(path);
    t[2] += performance.now() - t0;
  }
} finally {
  lib.close();
  Deno.removeSync(path);
}
const us = t.map((ms) => (ms * 1000) / ROUNDS);
console.log(`raw nonblocking statx   ${us[0].toFixed(1)} µs`);
console.log(`await stat (dirfd)      ${us[1].toFixed(1)} µs`);
console.log(`await Deno.lstat        ${us[2].toFixed(1)} µs`);
console.log(
  `dirfd vs Deno.lstat: ${(us[2] / us[1]).toFixed(2)}× (≥ 1.0 is faster)`,
);
