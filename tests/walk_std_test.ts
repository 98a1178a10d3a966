// Copyright 2026 the dirfd authors. MIT license.
// dirfd's walk held against @std/fs's on random trees: the same entries
// (path, name, isFile, isDirectory, isSymlink), in the same order, for every
// option the two share; where dirfd differs on purpose, the difference is
// asserted as such (see DIFFERENCES below).
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  walk as stdWalk,
  type WalkOptions as StdWalkOptions,
  walkSync as stdWalkSync,
} from "@std/fs/walk";
import { basename, dirname, join, relative, SEPARATOR } from "@std/path";
import { backend } from "../_backend.ts";
import { mkfifoSync, walk, type WalkOptions, walkSync } from "../mod.ts";
import { WINDOWS, withTempDir } from "./_helpers.ts";

/*
 * DIFFERENCES (deliberate; each is asserted below):
 * 1. followSymlinks: @std/fs canonicalizes the paths of entries reached
 *    through a link (canonicalize: true by default: the target's real path);
 *    dirfd keeps them under the root. dirfd's entries are compared after
 *    mapping each path to its real path (std's `canonicalize: false` cannot
 *    stand in: @std/fs 1.0.24 does not pass it on to the walks below the
 *    first level). exts, match and skip test these differing paths, so they
 *    are compared without following links only.
 * 2. followSymlinks, a link to a non-directory: @std/fs yields the link as
 *    listed (isSymlink: true, isFile: false); dirfd describes its target
 *    (isFile as the target, isSymlink: false).
 * 3. followSymlinks, a dangling link: @std/fs throws NotFound (from
 *    realPath); dirfd yields it as a symlink.
 * 4. followSymlinks, a link to a directory that is already on the current
 *    branch (a link loop): @std/fs enters it again and again, bounded only by
 *    maxDepth (with the default Infinity it never ends); dirfd yields the link
 *    as a directory and does not enter it.
 */

const enabled = backend()?.readDirChunk !== undefined;
/**
 * Links and FIFOs in the trees on POSIX only: Windows links need a type given
 * up front and a privilege (Wine cannot make them), and there are no FIFOs.
 */
const links = !WINDOWS;
/**
 * Under qemu (aarch64) everything is ~20x slower, under Wine several times:
 * fewer trees there.
 */
const TREES = Deno.build.arch === "aarch64" ? 3 : WINDOWS ? 8 : 24;
const OPTIONS_PER_TREE = Deno.build.arch === "aarch64" ? 6 : 14;

/** mulberry32: a small seeded PRNG, so a failure names a reproducible seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Tree {
  /** Real directories, the root first. */
  dirs: string[];
  /** Dangling links (their targets do not exist). */
  dangling: string[];
}

const BASES = ["a", "b", "x", "ab", "lnk", "d1", "z9"];
const EXTS = ["", ".ts", ".md", ".txt", ".ts"];

/** Builds a random tree of files, directories, FIFOs and symlinks in `root`. */
function makeTree(root: string, r: () => number): Tree {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const taken = new Set<string>();
  const fresh = (dir: string): string => {
    for (;;) {
      const n = `${pick(BASES)}${Math.floor(r() * 10)}${pick(EXTS)}`;
      const p = join(dir, n);
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  const dirs = [root];
  const files: string[] = [];
  const grow = (dir: string, depth: number) => {
    const nFiles = Math.floor(r() * 4);
    for (let i = 0; i < nFiles; i++) {
      const f = fresh(dir);
      if (links && r() < 0.08) mkfifoSync(f);
      else Deno.writeTextFileSync(f, "");
      files.push(f);
    }
    const nDirs = depth >= 3 ? 0 : Math.floor(r() * (depth === 0 ? 4 : 3));
    for (let i = 0; i < nDirs; i++) {
      const d = fresh(dir);
      Deno.mkdirSync(d);
      dirs.push(d);
      grow(d, depth + 1);
    }
  };
  grow(root, 0);
  const tree: Tree = { dirs, dangling: [] };
  if (!links) return tree;
  const made: { path: string; dir: boolean }[] = [];
  const nLinks = Math.floor(r() * 6);
  for (let i = 0; i < nLinks; i++) {
    const at = pick(dirs);
    const p = fresh(at);
    const kind = r();
    let target: string;
    let dir = false;
    if (kind < 0.3 && files.length > 0) {
      target = pick(files); // a file (or FIFO)
    } else if (kind < 0.55) {
      target = pick(dirs); // a directory: may be an ancestor (a loop)
      dir = true;
    } else if (kind < 0.7) {
      target = at; // a link to its own directory: a loop
      dir = true;
    } else if (kind < 0.85 && made.length > 0) {
      const to = pick(made); // a link to a link
      target = to.path;
      dir = to.dir;
    } else {
      target = join(at, `nowhere${i}`);
      tree.dangling.push(p);
    }
    Deno.symlinkSync(relative(dirname(p), target) || ".", p);
    if (!tree.dangling.includes(p)) made.push({ path: p, dir });
  }
  return tree;
}

/** Random options from what the two walks share. */
function options(r: () => number, root: string): WalkOptions {
  const o: WalkOptions = {};
  const maybe = <T>(xs: readonly T[]): T | undefined =>
    r() < 0.5 ? undefined : xs[Math.floor(r() * xs.length)];
  const set = <K extends keyof WalkOptions>(k: K, v: WalkOptions[K]) => {
    if (v !== undefined) o[k] = v;
  };
  set("maxDepth", maybe([0, 1, 2, 3, 4, -1, Infinity]));
  set("includeFiles", maybe([true, false]));
  set("includeDirs", maybe([true, false]));
  set("includeSymlinks", maybe([true, false]));
  set("exts", maybe([["ts"], [".md", "txt"], [".ts", "md"]]));
  set(
    "match",
    // A global RegExp keeps a lastIndex: std's String#match ignores it.
    maybe([
      [/a/],
      [/\d\.t/, /b/],
      [/x[0-9]$/],
      [new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`)],
      [/a/g],
    ]),
  );
  set("skip", maybe([[/b\d$/], [/lnk/, /\.md$/], [/a/], [/^$/], [/x\d/g]]));
  return o;
}

/** The options that do not look at paths. */
const SHAPE_ONLY = [
  "maxDepth",
  "includeFiles",
  "includeDirs",
  "includeSymlinks",
] as const;

type Shape = {
  path: string;
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
};
const shape = (e: Shape): Shape => ({
  path: e.path,
  name: e.name,
  isFile: e.isFile,
  isDirectory: e.isDirectory,
  isSymlink: e.isSymlink,
});

async function both(
  root: string,
  mine: WalkOptions,
  std: StdWalkOptions,
): Promise<{ mine: Shape[]; mineAsync: Shape[]; std: Shape[] }> {
  const mineAsync: Shape[] = [];
  for await (const e of walk(root, mine)) mineAsync.push(shape(e));
  const stdAsync: Shape[] = [];
  for await (const e of stdWalk(root, std)) stdAsync.push(shape(e));
  const std2 = [...stdWalkSync(root, std)].map(shape);
  assertEquals(stdAsync, std2, "@std/fs walk and walkSync agree");
  return {
    mine: [...walkSync(root, mine)].map(shape),
    mineAsync,
    std: std2,
  };
}

/**
 * Whether following links can go round a loop: a directory that reaches
 * itself through subdirectories and links to directories.
 */
function hasLoop(root: string): boolean {
  const state = new Map<string, "open" | "done">();
  const visit = (dir: string): boolean => {
    const id = Deno.realPathSync(dir);
    if (state.get(id) === "open") return true;
    if (state.get(id) === "done") return false;
    state.set(id, "open");
    for (const e of Deno.readDirSync(id)) {
      const p = join(id, e.name);
      if (
        (e.isDirectory || (e.isSymlink && Deno.statSync(p).isDirectory)) &&
        visit(p)
      ) return true;
    }
    state.set(id, "done");
    return false;
  };
  return visit(root);
}

/**
 * A followed-walk entry of dirfd as @std/fs (canonicalize: true) yields it:
 * the real path (1), a directory named after its real path, a link to a
 * non-directory as the link (2).
 */
function asStd(e: Shape): Shape {
  const real = Deno.realPathSync(e.path);
  const linkToNonDir = !e.isDirectory && !e.isSymlink &&
    Deno.lstatSync(e.path).isSymlink;
  return {
    path: real,
    name: e.isDirectory ? basename(real) : e.name,
    isFile: linkToNonDir ? false : e.isFile,
    isDirectory: e.isDirectory,
    isSymlink: linkToNonDir,
  };
}

const key = (e: Shape) => JSON.stringify(shape(e));

Deno.test({
  name: "walk and walkSync yield what @std/fs yields, on random trees",
  ignore: !enabled,
  fn: async () => {
    // What the trees held, to show the comparison covered it.
    const seen = { entries: 0, loops: 0, dangling: 0, followed: 0 };
    for (let seed = 1; seed <= TREES; seed++) {
      await withTempDir(async (root) => {
        const r = rng(seed);
        const tree = makeTree(root, r);
        const sets: WalkOptions[] = [{}, { maxDepth: 2, includeDirs: false }];
        while (sets.length < OPTIONS_PER_TREE) sets.push(options(r, root));
        // Without following links: every entry, in the same order.
        for (const o of sets) {
          const what = `seed ${seed}, ${
            JSON.stringify(o, (_k, v) => v instanceof RegExp ? String(v) : v)
          }`;
          const got = await both(root, o, o);
          seen.entries += got.std.length;
          assertEquals(got.mine, got.std, `walkSync, ${what}`);
          assertEquals(got.mineAsync, got.std, `walk, ${what}`);
        }
        if (!links) return;
        // Following links, dangling ones in the tree: std throws (3), dirfd
        // yields each as a symlink.
        if (tree.dangling.length > 0) {
          seen.dangling++;
          const o = { followSymlinks: true, maxDepth: 5 };
          assertThrows(() => [...stdWalkSync(root, o)], Deno.errors.NotFound);
          await assertRejects(async () => {
            for await (const _ of stdWalk(root, o)) { /* to the end */ }
          }, Deno.errors.NotFound);
          const mine = [...walkSync(root, o)];
          for (const p of tree.dangling) {
            const e = mine.find((e) => e.path === p);
            assert(e !== undefined, `seed ${seed}: ${p} yielded`);
            assertEquals(shape(e), {
              path: p,
              name: p.slice(p.lastIndexOf(SEPARATOR) + 1),
              isFile: false,
              isDirectory: false,
              isSymlink: true,
            });
          }
          for (const p of tree.dangling) Deno.removeSync(p);
        }
        // Following links (dangling ones gone): std's entries, canonical (1),
        // links to files as links (2); where a loop exists, std goes round it
        // to maxDepth (4): then the same set of entries.
        // exts, match and skip test paths, which differ here (1): not used.
        const loop = hasLoop(root);
        if (loop) seen.loops++;
        for (const o of sets) {
          const mine: WalkOptions = { followSymlinks: true };
          for (const k of SHAPE_ONLY) if (k in o) mine[k] = o[k] as never;
          const d = loop && !(o.maxDepth! <= 5) ? 5 : o.maxDepth;
          if (d !== undefined) mine.maxDepth = d;
          const what = `seed ${seed}, follow, loop ${loop}, ${
            JSON.stringify(mine)
          }`;
          const got = await both(root, mine, mine);
          assertEquals(got.mineAsync, got.mine, what);
          const want = got.mine.map(asStd);
          seen.followed += want.filter((e, i) => e.path !== got.mine[i].path)
            .length;
          if (!loop) {
            assertEquals(want, got.std, what);
          } else {
            assertEquals(
              [...new Set(want.map(key))].sort(),
              [...new Set(got.std.map(key))].sort(),
              what,
            );
          }
        }
      });
    }
    assert(seen.entries > TREES * 20, JSON.stringify(seen));
    if (links) {
      assert(seen.loops > 0 && seen.dangling > 0, JSON.stringify(seen));
      assert(seen.followed > 0, JSON.stringify(seen));
    }
  },
});

Deno.test({
  name: "followSymlinks: the deliberate differences from @std/fs, one by one",
  ignore: !enabled || !links,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/real/sub`, { recursive: true });
      Deno.writeTextFileSync(`${root}/real/f.ts`, "");
      Deno.symlinkSync("real", `${root}/to-dir`);
      Deno.symlinkSync("real/f.ts", `${root}/to-file`);
      Deno.symlinkSync("..", `${root}/real/sub/up`);
      const o = { followSymlinks: true, maxDepth: 4 };
      const find = (xs: Shape[], p: string) =>
        xs.filter((e) => e.path === `${root}/${p}`);
      const mine = [...walkSync(root, o)].map(shape);
      const std = [...stdWalkSync(root, o)].map(shape);
      // 1. std names what it reaches through a link by the real path.
      assertEquals(find(mine, "to-dir/f.ts").length, 1);
      assertEquals(find(std, "to-dir/f.ts"), []);
      // 2. A followed link to a file: std yields the link as listed, dirfd
      // its target.
      assertEquals(find(std, "real/f.ts").filter((e) => e.name !== "f.ts"), [{
        path: `${root}/real/f.ts`,
        name: "to-file",
        isFile: false,
        isDirectory: false,
        isSymlink: true,
      }]);
      assertEquals(find(mine, "to-file"), [{
        path: `${root}/to-file`,
        name: "to-file",
        isFile: true,
        isDirectory: false,
        isSymlink: false,
      }]);
      // 4. A loop: std goes round it to maxDepth (real/sub/up is real again,
      // under real and under to-dir: four times real), dirfd yields the link
      // as a directory and does not enter it.
      assertEquals(find(std, "real").length, 4);
      assertEquals(find(mine, "real").length, 1);
      assertEquals(find(mine, "real/sub/up").map((e) => e.isDirectory), [
        true,
      ]);
      assertEquals(
        mine.filter((e) => e.path.startsWith(`${root}/real/sub/up/`)),
        [],
      );
      // With the default maxDepth dirfd's walk ends (std's would not).
      assertEquals(
        [...walkSync(root, { followSymlinks: true })].map(shape),
        mine,
      );
      // 3. A dangling link: std throws NotFound, dirfd yields the link.
      Deno.symlinkSync("nowhere", `${root}/dangling`);
      assertThrows(() => [...stdWalkSync(root, o)], Deno.errors.NotFound);
      await assertRejects(async () => {
        for await (const _ of stdWalk(root, o)) { /* to the end */ }
      }, Deno.errors.NotFound);
      const after: Shape[] = [];
      for await (const e of walk(root, o)) after.push(shape(e));
      assertEquals(find(after, "dangling"), [{
        path: `${root}/dangling`,
        name: "dangling",
        isFile: false,
        isDirectory: false,
        isSymlink: true,
      }]);
    });
  },
});
