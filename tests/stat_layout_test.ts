// Copyright 2026 the dirfd authors. MIT license.
// The `struct stat` layouts for real: the Linux backend normally uses statx
// (one layout everywhere), so these tests switch it to fstatat and compare
// every field with the statx result and with Deno's own lstat/stat. The
// native run checks the x86_64 layout (144 bytes); `deno task test:aarch64`
// runs the same file under qemu and checks the aarch64 one (128 bytes).
import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { backend } from "../_backend.ts";
import { selectStat } from "../_testing.ts";
import { FILE_INFO_KEYS, type FileInfo } from "../_file_info.ts";
import { lstatSync, openDirSync, statSync } from "../mod.ts";
import { STAT_LAYOUTS } from "../ffi/linux.ts";
import {
  assertSameInfo,
  bindUnixSocket,
  isRoot,
  withTempDir,
} from "./_helpers.ts";

const b = Deno.build.os === "linux" ? backend() : null;
const both = b !== null && b.has.statx === true && b.has.fstatat === true;
// Reason for skipping, stated once: the layouts tested here are Linux's, and
// both primitives must be available to compare them.
const ignore = !both;

/** Runs `fn` with the backend switched to `via`, restoring statx after. */
function using<T>(via: "statx" | "fstatat", fn: () => T): T {
  assert(selectStat(via), `selectStat(${via})`);
  try {
    assertEquals(b!.statVia, via);
    return fn();
  } finally {
    selectStat("statx");
  }
}

const norm = (v: unknown) => v instanceof Date ? v.getTime() : v;

/** Every FileInfo field but the birth time (struct stat has none). */
function assertSameButBirth(a: FileInfo, x: FileInfo, what: string): void {
  for (const k of FILE_INFO_KEYS) {
    if (k === "birthtime" || k === "birthtimeNs") continue;
    assertEquals(norm(a[k]), norm(x[k]), `${what}: field ${k}`);
  }
  assertEquals(a.birthtime, null, `${what}: fstatat has no birth time`);
  assertEquals(a.birthtimeNs, null, `${what}: fstatat has no birthtimeNs`);
}

/** Stats `p` both ways (and both follow modes) and compares everything. */
function check(p: string, what: string, follow = true): void {
  const opts = { followSymlinks: follow };
  const viaStatx = using("statx", () => statSync(p, opts));
  const viaStat = using("fstatat", () => statSync(p, opts));
  assertSameButBirth(viaStat, viaStatx, what);
  const deno = follow ? Deno.statSync(p) : Deno.lstatSync(p);
  assertSameInfo(viaStat, deno, `${what} vs Deno`, ["birthtime"]);
}

const cstr = (s: string) => new TextEncoder().encode(s + "\0");

/** Runs `fn` with a few libc calls the test needs (no host binaries). */
function withLibc<T>(
  fn: (
    s: {
      mkfifo(p: Uint8Array, mode: number): number;
      open(p: Uint8Array, flags: number): number;
      close(fd: number): number;
    },
  ) => T,
): T {
  const lib = Deno.dlopen("libc.so.6", {
    mkfifo: { parameters: ["buffer", "u32"], result: "i32" },
    open: { parameters: ["buffer", "i32"], result: "i32" },
    close: { parameters: ["i32"], result: "i32" },
  });
  try {
    return fn(lib.symbols);
  } finally {
    lib.close();
  }
}

function mkfifo(path: string): void {
  assertEquals(withLibc((s) => s.mkfifo(cstr(path), 0o640)), 0, "mkfifo");
}

Deno.test({
  name: "stat layout: the running architecture's struct stat is the one used",
  ignore,
  fn() {
    const L = Deno.build.arch === "aarch64"
      ? STAT_LAYOUTS.aarch64
      : STAT_LAYOUTS.x86_64;
    assertEquals(L.size, Deno.build.arch === "aarch64" ? 128 : 144);
  },
});

Deno.test({
  name: "stat layout: fstatat equals statx and Deno for every kind of file",
  ignore,
  async fn() {
    await withTempDir((root) => {
      Deno.writeTextFileSync(`${root}/file`, "hello, layout");
      Deno.chmodSync(`${root}/file`, 0o4751); // setuid bit: full st_mode
      Deno.linkSync(`${root}/file`, `${root}/hard`); // nlink 2
      Deno.mkdirSync(`${root}/dir`);
      Deno.symlinkSync("file", `${root}/link`);
      Deno.symlinkSync("missing", `${root}/dangling`);
      mkfifo(`${root}/fifo`);
      // A sparse file past 4 GiB: st_size needs both 32-bit halves.
      Deno.writeFileSync(`${root}/big`, new Uint8Array(0));
      Deno.truncateSync(`${root}/big`, 5 * 2 ** 30 + 7);
      // Times with nanoseconds, one before 1970 (negative tv_sec).
      Deno.utimeSync(
        `${root}/file`,
        new Date(Date.UTC(2001, 1, 3, 4, 5, 6, 789)),
        new Date(-86_400_000 * 365 - 250),
      );
      const sock = bindUnixSocket(`${root}/sock`);
      try {
        for (
          const name of [
            "file",
            "hard",
            "dir",
            "link",
            "dangling",
            "fifo",
            "big",
            "sock",
          ]
        ) {
          check(`${root}/${name}`, `lstat ${name}`, false);
          if (name !== "dangling") check(`${root}/${name}`, `stat ${name}`);
        }
        check("/dev/null", "stat /dev/null"); // a character device: st_rdev
        check(root, "stat root");
        // Not "/": under qemu-user, QEMU_LD_PREFIX redirects absolute paths
        // that exist in the sysroot ("/" always does) for fstatat, not statx.
      } finally {
        sock.close();
      }
      const big = using("fstatat", () => lstatSync(`${root}/big`));
      assertEquals(big.size, 5 * 2 ** 30 + 7);
      const file = using("fstatat", () => lstatSync(`${root}/file`));
      assertEquals(file.nlink, 2);
      assertEquals(file.mode! & 0o7777, 0o4751);
      assert(file.mtimeNs! < 0n, "mtime before the epoch");
      assertEquals(file.mtime!.getTime(), -86_400_000 * 365 - 250);
      const dev = using("fstatat", () => statSync("/dev/null"));
      assert(dev.isCharDevice);
      assertEquals(dev.rdev, Deno.statSync("/dev/null").rdev);
      assertNotEquals(dev.rdev, 0);
    });
  },
});

Deno.test({
  name: "stat layout: uid and gid are decoded from their own words",
  // Reason: only root may give a file away to other ids.
  ignore: ignore || !isRoot,
  async fn() {
    await withTempDir((root) => {
      const p = `${root}/owned`;
      Deno.writeTextFileSync(p, "x");
      Deno.chownSync(p, 12345, 23456);
      check(p, "lstat owned", false);
      const r = using("fstatat", () => lstatSync(p));
      assertEquals(r.uid, 12345);
      assertEquals(r.gid, 23456);
    });
  },
});

Deno.test({
  name: "stat layout: fstat of descriptors and dirFd lookups via fstatat",
  ignore,
  async fn() {
    await withTempDir((root) => {
      Deno.writeTextFileSync(`${root}/f`, "0123456789");
      Deno.symlinkSync("f", `${root}/l`);
      using dir = openDirSync(root);
      withLibc((s) => {
        const fd = s.open(cstr(`${root}/f`), 0); // O_RDONLY
        assert(fd >= 0, "open");
        try {
          const a = using("statx", () => statSync(fd));
          const c = using("fstatat", () => statSync(fd));
          assertSameButBirth(c, a, "fstat file fd");
          assertEquals(c.size, 10);
          assertSameInfo(c, Deno.statSync(`${root}/f`), "fstat vs Deno", [
            "birthtime",
          ]);
        } finally {
          s.close(fd);
        }
      });
      for (
        const [what, target] of [["Dir", dir], ["dir fd", dir.fd]] as const
      ) {
        const a = using("statx", () => statSync(target));
        const c = using("fstatat", () => statSync(target));
        assertSameButBirth(c, a, `fstat ${what}`);
        assertSameInfo(c, Deno.statSync(root), `fstat ${what} vs Deno`, [
          "birthtime",
        ]);
      }
      for (const follow of [true, false]) {
        const a = using(
          "statx",
          () => statSync("l", { dirFd: dir, followSymlinks: follow }),
        );
        const c = using(
          "fstatat",
          () => statSync("l", { dirFd: dir, followSymlinks: follow }),
        );
        assertSameButBirth(c, a, `dirFd l follow=${follow}`);
        assertEquals(c.isSymlink, !follow);
      }
    });
  },
});
