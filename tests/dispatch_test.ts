// Copyright 2026 the dirfd authors. MIT license.
// Descriptor lifetime under concurrency: closing a Dir while async calls on
// it are queued or running never lets one of them run against a reused
// descriptor number, and the descriptor is closed exactly once.
import { assert, assertEquals, assertThrows, fail } from "@std/assert";
import {
  type Dir,
  link,
  openDir,
  openDirSync,
  rename,
  stat,
  statSync,
} from "../mod.ts";
import { openFds, withTempDir } from "./_helpers.ts";

const linux = Deno.build.os === "linux";

Deno.test({
  name:
    "stress: thousands of async stats across Dirs closed and reopened at random",
  ignore: !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      const DIRS = 8, FILES = 16;
      // Each directory holds the same names; the inode tells them apart.
      const expected: number[][] = [];
      for (let d = 0; d < DIRS; d++) {
        Deno.mkdirSync(`${root}/d${d}`);
        expected.push([]);
        for (let f = 0; f < FILES; f++) {
          Deno.writeTextFileSync(`${root}/d${d}/f${f}`, "");
          expected[d].push(statSync(`${root}/d${d}/f${f}`).ino!);
        }
      }
      // Start every worker before counting descriptors: they hold their own.
      await Promise.all(Array.from({ length: 300 }, () => stat(root)));
      (await openDir(root)).close();
      const before = openFds();
      let seed = 12345;
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      let checked = 0, rejected = 0;
      for (let round = 0; round < 40; round++) {
        // Slot k holds an open Dir on directory which[k].
        const which: number[] = [];
        const dirs: Dir[] = [];
        for (let d = 0; d < DIRS; d++) {
          which.push(d);
          dirs.push(openDirSync(`${root}/d${d}`));
        }
        const pending: Promise<void>[] = [];
        for (let i = 0; i < 400; i++) {
          const k = rand(DIRS), f = rand(FILES);
          const d = which[k], dir = dirs[k];
          pending.push(
            stat(`f${f}`, { dirFd: dir }).then(
              (info) => {
                assertEquals(info.ino, expected[d][f], `d${d}/f${f}`);
                checked++;
              },
              (e) => {
                assert(e instanceof Deno.errors.BadResource, String(e));
                rejected++;
              },
            ),
          );
          if (rand(20) === 0) {
            // Close it with calls queued, then open another directory at
            // once: if the number were released now, the new Dir would get
            // it and the queued calls would see the wrong directory.
            dir.close();
            which[k] = rand(DIRS);
            dirs[k] = openDirSync(`${root}/d${which[k]}`);
            // A call on the closed Dir is refused up front.
            pending.push(
              stat("f0", { dirFd: dir }).then(
                () => fail("closed Dir accepted"),
                (e) => {
                  assert(e instanceof Deno.errors.BadResource);
                  rejected++;
                },
              ),
            );
          }
          if (rand(100) === 0) await Promise.resolve();
        }
        // Closing with calls in flight is also fine for the rest.
        for (const dir of dirs) dir.close();
        await Promise.all(pending);
      }
      assert(checked >= 15_000, `checked ${checked}`);
      assert(rejected > 0);
      assertEquals(openFds(), before, "every descriptor closed, once");
    });
  },
});

Deno.test({
  name: "rename and link keep both Dirs open until they settle",
  ignore: !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/a`);
      Deno.mkdirSync(`${root}/b`);
      Deno.writeTextFileSync(`${root}/a/f`, "x");
      await stat(root); // workers hold descriptors of their own
      const before = openFds();
      for (const op of ["rename", "link"] as const) {
        const src = openDirSync(`${root}/a`), dst = openDirSync(`${root}/b`);
        const call = op === "rename"
          ? rename("f", "moved", { srcDirFd: src, dstDirFd: dst })
          : link("moved", "linked", { srcDirFd: dst, dstDirFd: src });
        // Closed at once, with the call in flight; then numbers reused.
        src.close();
        dst.close();
        const decoys = [openDirSync(root), openDirSync(root)];
        await call;
        for (const d of decoys) d.close();
      }
      assert(Deno.statSync(`${root}/b/moved`).isFile, "renamed into b");
      assertEquals(
        Deno.statSync(`${root}/a/linked`).ino,
        Deno.statSync(`${root}/b/moved`).ino,
        "linked back into a",
      );
      assertThrows(() => Deno.statSync(`${root}/a/f`), Deno.errors.NotFound);
      assertEquals(openFds(), before, "each descriptor closed once, later");
    });
  },
});
