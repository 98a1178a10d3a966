// Copyright 2026 the dirfd authors. MIT license.
import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  lstatSync,
  openDirSync,
  statSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
  utime,
  utimeSync,
} from "../mod.ts";
import {
  assertCode,
  assertLikeDeno,
  basicTree,
  closedFd,
  rejected,
  thrown,
  withTempDir,
} from "./_at_util.ts";
import { needsSymlinks, posixOnly } from "./_helpers.ts";

const ns = (p: string) => {
  const i = lstatSync(p);
  return [i.atimeNs, i.mtimeNs];
};

Deno.test("utime: capabilities as in CPython on Linux", () => {
  for (const f of [utime, utimeSync]) {
    assert(supportsDirFd.has(f) && supportsFd.has(f));
    assert(supportsFollowSymlinks.has(f));
  }
});

// POSIX only: nanoseconds and times before 1970 (Windows keeps 100 ns
// ticks since 1601: tested in family_test.ts).
Deno.test(
  "utime: numbers round like Python's os.utime; bigint and Date are exact",
  posixOnly,
  async () => {
    await withTempDir((root) => {
      const f = `${root}/f`;
      Deno.writeTextFileSync(f, "");
      // Expected values measured with CPython 3.11's os.utime on this file system.
      const cases: [number, number, bigint, bigint][] = [
        [1.000000001, -1.5, 1_000_000_001n, -1_500_000_000n],
        [1700000000.123456789, 0.1, 1_700_000_000_123_456_716n, 100_000_000n],
        [-0.000000001, 2.5e-9, -1n, 2n],
      ];
      for (const [a, m, ea, em] of cases) {
        utimeSync(f, a, m);
        assertEquals(ns(f), [ea, em], `${a}, ${m}`);
      }
      utimeSync(f, 1_700_000_000_123_456_789n, -1n);
      assertEquals(ns(f), [1_700_000_000_123_456_789n, -1n]);
      utimeSync(f, new Date(-1500), new Date(1234));
      assertEquals(ns(f), [-1_500_000_000n, 1_234_000_000n]);
    });
  },
);

Deno.test("utime: same result as Deno.utime where Deno is exact (ms)", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}/a`, "");
    Deno.writeTextFileSync(`${root}/b`, "");
    for (const [at, mt] of [[1.5, 2.25], [new Date(5000), new Date(7)]]) {
      utimeSync(`${root}/a`, at, mt);
      Deno.utimeSync(`${root}/b`, at, mt);
      assertEquals(ns(`${root}/a`), ns(`${root}/b`));
      assertEquals(
        Deno.statSync(`${root}/a`).mtime!.getTime(),
        Deno.statSync(`${root}/b`).mtime!.getTime(),
      );
    }
  });
});

// Skipped where it cannot run: symlink fixtures.
Deno.test(
  "utime: dirFd, descriptors, followSymlinks and null for now",
  needsSymlinks,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      using dir = openDirSync(root);
      utimeSync("file", 10, 20, { dirFd: dir });
      assertEquals(ns(`${root}/file`), [10_000_000_000n, 20_000_000_000n]);
      // Followed by default: the target changes.
      await utime("link-file", 30, 40, { dirFd: dir.fd });
      assertEquals(ns(`${root}/file`), [30_000_000_000n, 40_000_000_000n]);
      // followSymlinks: false: the link itself, even a dangling one.
      utimeSync("link-file", 1n, 2n, { dirFd: dir, followSymlinks: false });
      utimeSync("dangling", 3n, 4n, { dirFd: dir, followSymlinks: false });
      assertEquals(ns(`${root}/link-file`), [1n, 2n]);
      assertEquals(ns(`${root}/dangling`), [3n, 4n]);
      assertEquals(ns(`${root}/file`), [30_000_000_000n, 40_000_000_000n]);
      // Descriptors (futimens).
      using sub = openDirSync(`${root}/dir`);
      utimeSync(sub, 5n, 6n);
      assertEquals(ns(`${root}/dir`), [5n, 6n]);
      await utime(sub.fd, 7, 8);
      assertEquals(ns(`${root}/dir`), [7_000_000_000n, 8_000_000_000n]);
      // null, null: now (Python's os.utime(path)).
      const before = BigInt(Date.now() - 5000) * 1_000_000n;
      utimeSync(new URL(`file://${root}/file`), null, null);
      const [a, m] = ns(`${root}/file`);
      assert(a! >= before && m! >= before);
      utimeSync(sub, null, null);
      assert(statSync(sub).mtimeNs! >= before);
    });
  },
);

// Skipped where it cannot run: symlink fixtures.
Deno.test(
  "utime: errors are Deno's (ENOENT, ENOTDIR, ELOOP), EBADF",
  needsSymlinks,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      using dir = openDirSync(root);
      for (const rel of ["missing", "dangling", "loop", "file/x"]) {
        const deno = thrown(() => Deno.utimeSync(`${root}/${rel}`, 1, 1));
        assertLikeDeno(
          thrown(() => utimeSync(`${root}/${rel}`, 1, 1)),
          deno,
          "utimensat",
          `${root}/${rel}`,
        );
        assertLikeDeno(
          await rejected(utime(rel, 1, 1, { dirFd: dir })),
          deno,
          "utimensat",
          rel,
        );
      }
      const bad = closedFd();
      assertCode(thrown(() => utimeSync(bad, 1, 1)), "EBADF", "futimens");
      assertCode(
        thrown(() => utimeSync("file", 1, 1, { dirFd: bad })),
        "EBADF",
        "utimensat",
      );
    });
  },
);

Deno.test("utime: Python's misuse rules and bad input, before any syscall", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}/f`, "");
    utimeSync(`${root}/f`, 1, 1);
    using dir = openDirSync(root);
    const both = assertThrows(
      () => utimeSync(dir, 1, 1, { dirFd: dir }),
      TypeError,
    );
    assertEquals(both.name, "TypeError");
    assertEquals(both.message, "utime: can't specify both dirFd and fd");
    const fdFollow = assertThrows(
      () => utimeSync(dir, 1, 1, { followSymlinks: false }),
      TypeError,
    );
    assertEquals(fdFollow.name, "TypeError");
    assertEquals(
      fdFollow.message,
      "utime: cannot use fd and followSymlinks together",
    );
    for (
      const bad of [NaN, Infinity, new Date(NaN), "1", 2 ** 64, 2n ** 100n]
    ) {
      assertThrows(
        () => utimeSync(`${root}/f`, bad as never, 1),
        TypeError,
        "atime",
      );
    }
    assertThrows(() => utimeSync(`${root}/f`, null, 1), TypeError);
    assertThrows(() => utimeSync(`${root}/f\0`, 1, 1), TypeError);
    assertThrows(() => utimeSync(`${root}/\ud800`, 1, 1), TypeError);
    assertThrows(() => utimeSync(-1, 1, 1), TypeError);
    assertEquals(ns(`${root}/f`), [1_000_000_000n, 1_000_000_000n]);
  });
});
