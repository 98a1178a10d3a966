// Copyright 2026 the dirfd authors. MIT license.
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertThrows,
} from "@std/assert";
import { join } from "@std/path";
import {
  addAuditHook,
  type Dir,
  lstatSync,
  openDirSync,
  stat,
  statSync,
  supportsDirFd,
  walk,
  type WalkEntry,
  type WalkOptions,
  walkSync,
} from "../mod.ts";
import { walkSync as stdWalkSync } from "@std/fs/walk";
import { backend } from "../_backend.ts";
import type { CallPool } from "../ffi/_pool.ts";
import {
  needsSymlinks,
  openFdsIn,
  ROOT,
  runDeno,
  symlinkIfAble,
  SYMLINKS,
  WINDOWS,
  withTempDir,
} from "./_helpers.ts";

const enabled = backend()?.readDirChunk !== undefined;
const linux = Deno.build.os === "linux";
/** Whether the async walk has twins to run its calls off the main thread. */
const offThread = backend()?.async?.readDirChunk !== undefined;

/** The worker pool behind the async twins. */
function pool(): CallPool {
  return (backend()!.async as unknown as { pool(): CallPool }).pool();
}

/** Starts every worker of the pool: they hold descriptors of their own. */
async function startPool(path: string): Promise<void> {
  await Promise.all(Array.from({ length: 300 }, () => stat(path)));
}

/** The primitives a walk or a listing calls. */
const PRIMS = [
  "statAt",
  "fstat",
  "openDirAt",
  "readDirChunk",
  "dupDir",
  "enterDirAt",
];

/**
 * Runs `fn` with the sync primitives of {@linkcode PRIMS} made to throw (a
 * call on the main thread fails the test) and returns how many times each
 * async twin ran.
 */
async function onlyTwins(
  fn: () => Promise<unknown>,
): Promise<Record<string, number>> {
  const b = backend() as unknown as Record<string, unknown>;
  const a = backend()!.async as unknown as Record<
    string,
    (...x: unknown[]) => unknown
  >;
  const saved = PRIMS.map((k) => [k, b[k], a[k]] as const);
  const counts: Record<string, number> = {};
  for (const [k, , twin] of saved) {
    b[k] = () => {
      throw new Error(`sync ${k} ran on the main thread`);
    };
    a[k] = (...args) => {
      counts[k] = (counts[k] ?? 0) + 1;
      return twin(...args);
    };
  }
  try {
    await fn();
  } finally {
    for (const [k, sync, twin] of saved) {
      b[k] = sync;
      a[k] = twin;
    }
  }
  return counts;
}

/** Every entry of an async walk, in order. */
async function collect(
  root: string,
  opts?: WalkOptions,
): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  for await (const e of walk(root, opts)) out.push(e);
  return out;
}

/** The fields of an entry that do not depend on descriptor numbers. */
const shape = (e: WalkEntry) => ({
  path: e.path,
  name: e.name,
  isFile: e.isFile,
  isDirectory: e.isDirectory,
  isSymlink: e.isSymlink,
  dirPath: e.dir.path,
});

/** What a call threw (or rejected with), as class, code and message. */
async function failure(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    const err = e as Error & { code?: string };
    return `${err.constructor.name} ${err.code} ${err.message}`;
  }
  return "no error";
}

/** Windows paths with `/` (walk joins with `\\` there, as @std/path does). */
const slash = (p: string) => WINDOWS ? p.replaceAll("\\", "/") : p;

/**
 * The expected entries without the tree's symlinks where none can be made
 * (under Wine; Windows without the privilege).
 */
const links = (xs: string[]) =>
  SYMLINKS ? xs : xs.filter((x) => !/link|loop/.test(x));

const tag = (e: { path: string; isDirectory: boolean; isSymlink: boolean }) =>
  `${slash(e.path)}${e.isDirectory ? "/" : e.isSymlink ? "@" : ""}`;

/** What `@std/fs`'s walkSync yields, tagged and sorted. */
function stdPaths(root: string, maxDepth = Infinity): string[] {
  return [...stdWalkSync(root, { maxDepth })].map(tag).sort();
}

function paths(root: string, opts?: WalkOptions): string[] {
  return [...walkSync(root, opts)].map(tag).sort();
}

/** a/{x.ts,y.md}, a/b/{z.ts}, a/b/c/{deep.txt}, top.txt, links. */
function makeTree(root: string): void {
  Deno.mkdirSync(`${root}/a/b/c`, { recursive: true });
  Deno.writeTextFileSync(`${root}/a/x.ts`, "");
  Deno.writeTextFileSync(`${root}/a/y.md`, "");
  Deno.writeTextFileSync(`${root}/a/b/z.ts`, "");
  Deno.writeTextFileSync(`${root}/a/b/c/deep.txt`, "");
  Deno.writeTextFileSync(`${root}/top.txt`, "");
  symlinkIfAble("a/b", `${root}/link-dir`, "dir");
  symlinkIfAble("top.txt", `${root}/link-file`);
  symlinkIfAble("nowhere", `${root}/link-dangling`);
  symlinkIfAble("..", `${root}/a/b/c/loop`, "dir");
}

Deno.test({
  name: "walkSync yields what @std/fs's walkSync finds",
  ignore: !enabled,
  fn: async () => {
    await withTempDir((root) => {
      makeTree(root);
      for (let i = 0; i < 30; i++) {
        Deno.mkdirSync(`${root}/many/d${i}`, { recursive: true });
        for (let j = 0; j < 20; j++) {
          Deno.writeTextFileSync(`${root}/many/d${i}/f${j}`, "");
        }
      }
      assertEquals(paths(root), stdPaths(root));
      for (const d of [0, 1, 2, 3]) {
        assertEquals(
          paths(root, { maxDepth: d }),
          stdPaths(root, d),
          `maxDepth ${d}`,
        );
      }
      assertEquals(paths(root, { maxDepth: -1 }), []);
      // The root comes first; a directory comes before its contents.
      const order = [...walkSync(root)].map((e) => slash(e.path));
      const r = slash(root);
      assertEquals(order[0], r);
      assert(order.indexOf(`${r}/a`) < order.indexOf(`${r}/a/x.ts`));
      assert(order.indexOf(`${r}/a/b`) < order.indexOf(`${r}/a/b/c/deep.txt`));
    });
  },
});

Deno.test({
  name: "walk (async) yields the same entries as walkSync",
  ignore: !enabled,
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root);
      const got: string[] = [];
      for await (const e of walk(root)) got.push(tag(e));
      assertEquals(got.sort(), paths(root));
      const names: string[] = [];
      for await (const e of walk(root, { maxDepth: 1, includeDirs: false })) {
        names.push(e.name);
      }
      assertEquals(
        names.sort(),
        links(["link-dangling", "link-dir", "link-file", "top.txt"]),
      );
    });
  },
});

Deno.test({
  name: "walk and walkSync agree entry for entry, in order, for every option",
  ignore: !enabled,
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root);
      for (let i = 0; i < 12; i++) {
        Deno.mkdirSync(`${root}/many/d${i}/e`, { recursive: true });
        for (let j = 0; j < 15; j++) {
          Deno.writeTextFileSync(`${root}/many/d${i}/f${j}.ts`, "");
        }
      }
      using dir = openDirSync(root);
      const cases: WalkOptions[] = [
        {},
        { followSymlinks: true },
        { maxDepth: 0 },
        { maxDepth: 2, includeDirs: false },
        { includeFiles: false, includeSymlinks: false },
        { exts: ["ts"], skip: [/d3/] },
        { match: [/deep/, /f1/] },
        { skip: [/.*/] },
        { maxDepth: -1 },
      ];
      for (const o of cases) {
        const sync = [...walkSync(root, o)].map(shape);
        const async = (await collect(root, o)).map(shape);
        assertEquals(async, sync, JSON.stringify(o));
      }
      const viaDir = [...walkSync("a", { dirFd: dir })].map(shape);
      assertEquals((await collect("a", { dirFd: dir })).map(shape), viaDir);
      assertEquals(dir.closed, false);
      // Interleaved async walks share nothing.
      const o = { followSymlinks: true };
      const [x, y, z] = await Promise.all([
        collect(root, o),
        collect(`${root}/many`),
        collect("a", { dirFd: dir, ...o }),
      ]);
      assertEquals(x.map(shape), [...walkSync(root, o)].map(shape));
      assertEquals(y.map(shape), [...walkSync(`${root}/many`)].map(shape));
      assertEquals(
        z.map(shape),
        [...walkSync("a", { dirFd: dir, ...o })].map(shape),
      );
    });
  },
});

Deno.test({
  name: "walk (async) makes every call through the async twins, off-thread",
  ignore: !offThread,
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root);
      const expected = [...walkSync(root, { followSymlinks: true })].map(shape);
      let got: ReturnType<typeof shape>[] = [];
      const counts = await onlyTwins(async () => {
        got = (await collect(root, { followSymlinks: true })).map(shape);
      });
      assertEquals(got, expected);
      // 6 directories entered (root, a, a/b, a/b/c, link-dir, link-dir/c;
      // 4 without links): each one an open, an fstat and at least two reads,
      // or, below the root, one enterDirAt (stat, open, fstat, first read).
      const dirs = SYMLINKS ? 6 : 4;
      const entered = counts.enterDirAt ?? 0;
      assert(entered === 0 || entered >= dirs - 1, JSON.stringify(counts));
      assert(counts.openDirAt + entered >= dirs, JSON.stringify(counts));
      assert(counts.fstat + entered >= dirs, JSON.stringify(counts));
      assert(counts.readDirChunk + entered >= 2 * dirs, JSON.stringify(counts));
      assert(
        (counts.statAt ?? 0) + entered >= (SYMLINKS ? 5 : 3),
        JSON.stringify(counts),
      );
      // The first call is in flight on a worker as soon as next() is called.
      const it = walk(root);
      const first = it.next();
      assert(pool().inFlight > 0, "the root's open went to the pool");
      assertEquals((await first).value?.path, root);
      await it.return(undefined);
    });
  },
});

Deno.test({
  name: "walk and walkSync raise the same audit events and errors",
  ignore: !enabled || !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root);
      const seen: string[] = [];
      let on = false;
      addAuditHook((ev, args) => {
        if (!on) return;
        // Descriptor numbers of os.scandir may differ between two runs.
        seen.push(
          ev === "os.scandir" ? ev : `${ev} ${JSON.stringify(args)}`,
        );
      });
      const events = async (run: () => Promise<unknown> | unknown) => {
        seen.length = 0;
        on = true;
        try {
          await run();
        } finally {
          on = false;
        }
        return [...seen];
      };
      const o = { followSymlinks: true };
      const sync = await events(() => [...walkSync(root, o)]);
      assert(sync.length > 10);
      assertEquals(await events(() => collect(root, o)), sync);
      // Errors: the same class, code and message from both twins.
      Deno.writeTextFileSync(`${root}/file`, "");
      for (const r of [`${root}/missing`, `${root}/file`]) {
        const s = await failure(() => [...walkSync(r)]);
        assertMatch(s, /^(NotFound|NotADirectory) /);
        assertEquals(await failure(() => collect(r)), s);
      }
      const made = await new Deno.Command("sh", {
        args: ["-c", `touch "$1/a/b/$(printf 'bad\\377')"`, "sh", root],
      }).output();
      assertEquals(made.code, 0);
      const bad = await failure(() => [...walkSync(root)]);
      assertMatch(
        bad,
        /^InvalidData EILSEQ walk: an entry name in '.*\/a\/b'/,
      );
      assertEquals(await failure(() => collect(root)), bad);
    });
  },
});

Deno.test({
  name: "walk options follow @std/fs",
  ignore: !enabled,
  fn: async () => {
    await withTempDir((root) => {
      makeTree(root);
      const rel = (o: WalkOptions) =>
        paths(root, o).map((p) => p.slice(root.length) || "/");
      assertEquals(
        rel({ includeFiles: false }),
        links([
          "/",
          "/a/",
          "/a/b/",
          "/a/b/c/",
          "/a/b/c/loop@",
          "/link-dangling@",
          "/link-dir@",
          "/link-file@",
        ]),
      );
      assertEquals(rel({ includeDirs: false, includeSymlinks: false }), [
        "/a/b/c/deep.txt",
        "/a/b/z.ts",
        "/a/x.ts",
        "/a/y.md",
        "/top.txt",
      ]);
      // exts with or without the dot; directories are still entered.
      assertEquals(rel({ exts: ["ts"] }), ["/a/b/z.ts", "/a/x.ts"]);
      assertEquals(rel({ exts: [".ts", ".md"] }), [
        "/a/b/z.ts",
        "/a/x.ts",
        "/a/y.md",
      ]);
      assertEquals(rel({ match: [/deep/, /y\.md$/] }), [
        "/a/b/c/deep.txt",
        "/a/y.md",
      ]);
      // skip: neither yielded nor entered.
      // (Paths use the platform's separator, as in @std/fs.)
      assertEquals(rel({ skip: [/[\\/]b$/, /link/, /\.txt$/] }), [
        "/",
        "/a/",
        "/a/x.ts",
        "/a/y.md",
      ]);
      // A skipped root yields nothing.
      assertEquals(rel({ skip: [/.*/] }), []);
      // Relative roots are normalized like std's join.
      const cwd = Deno.cwd();
      Deno.chdir(root);
      try {
        const rels = [...walkSync("./a/", { maxDepth: 1 })].map((e) =>
          slash(e.path)
        );
        assertEquals(rels.sort(), ["a/", "a/b", "a/x.ts", "a/y.md"]);
        const dot = [...walkSync(".", { maxDepth: 1 })].map((e) => e.path);
        assert(
          dot.includes(".") && dot.includes("a") && dot.includes("top.txt"),
        );
      } finally {
        Deno.chdir(cwd);
      }
    });
  },
});

Deno.test({
  name: "followSymlinks walks linked directories, once per branch",
  // Needs symlinks (none under Wine; Windows needs the privilege).
  ignore: !enabled || needsSymlinks.ignore,
  fn: async () => {
    await withTempDir((root) => {
      makeTree(root);
      const got = paths(root, { followSymlinks: true }).map((p) =>
        p.slice(root.length)
      );
      // The link to a/b is walked under its own path; the loop link to an
      // ancestor is yielded as a directory but not entered; the dangling link
      // stays a symlink; a link to a file describes the file.
      for (
        const p of [
          "/link-dir/",
          "/link-dir/z.ts",
          "/link-dir/c/",
          "/link-dir/c/deep.txt",
          "/link-dir/c/loop/",
          "/a/b/c/loop/",
          "/link-dangling@",
          "/link-file",
        ]
      ) assert(got.includes(p), `${p} in ${got}`);
      assert(!got.some((p) => p.includes("/loop/b/")), "loop not entered");
      const file = [...walkSync(root, { followSymlinks: true })]
        .find((e) => e.name === "link-file")!;
      assertEquals(file.isFile, true);
      assertEquals(file.isSymlink, false);
    });
  },
});

Deno.test({
  name: "entry.dir resolves entry.name; the root entry's dir is the root",
  ignore: !enabled,
  fn: async () => {
    await withTempDir((root) => {
      makeTree(root);
      let first = true;
      for (const e of walkSync(root)) {
        const deno = Deno.lstatSync(e.path);
        const mine: Deno.FileInfo = first
          ? statSync(e.dir)
          : lstatSync(e.name, { dirFd: e.dir });
        first = false;
        assertEquals(mine.ino, deno.ino, e.path);
        assertEquals(e.isFile, deno.isFile, e.path);
        assertEquals(e.isDirectory, deno.isDirectory, e.path);
        assertEquals(e.isSymlink, deno.isSymlink, e.path);
      }
      // The dirs are closed once the walk has left them.
      const dirs = [...walkSync(root)].map((e) => e.dir);
      assert(dirs.every((d) => d.closed));
    });
  },
});

Deno.test({
  name: "walk with dirFd walks relative to an open directory",
  ignore: !enabled,
  fn: async () => {
    await withTempDir((root) => {
      makeTree(root);
      assert(supportsDirFd.has(walkSync) && supportsDirFd.has(walk));
      using dir = openDirSync(root);
      const got = [...walkSync("a", { dirFd: dir })].map(tag).sort();
      assertEquals(
        got,
        links([
          "a/",
          "a/b/",
          "a/b/c/",
          "a/b/c/deep.txt",
          "a/b/c/loop@",
          "a/b/z.ts",
          "a/x.ts",
          "a/y.md",
        ]),
      );
      const all = [...walkSync(".", { dirFd: dir, maxDepth: 1 })].map((e) =>
        e.path
      );
      assert(all.includes(".") && all.includes("top.txt"));
    });
  },
});

Deno.test({
  name: "walk (async) pins a Dir given as dirFd until the walk ends",
  ignore: !enabled || !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      makeTree(root);
      await startPool(root);
      const before = openFdsIn(root);
      const dir: Dir = openDirSync(root);
      const n = dir.fd;
      const expected = [...walkSync(".", { dirFd: dir })].map(shape);
      const got: ReturnType<typeof shape>[] = [];
      for await (const e of walk(".", { dirFd: dir })) {
        if (got.length === 0) {
          dir.close();
          assertEquals(dir.closed, true);
        }
        // Closing is deferred: the number still names the directory.
        assertEquals(statSync(n).ino, statSync(root).ino);
        got.push(shape(e));
      }
      assertEquals(got, expected);
      assertEquals(openFdsIn(root), before, "closed once the walk released it");
      // A closed Dir is refused, as a rejection.
      await assertRejects(
        () => collect(".", { dirFd: dir }),
        Deno.errors.BadResource,
      );
    });
  },
});

Deno.test({
  name: "descriptors are bounded by depth and closed on end, break and throw",
  ignore: !enabled || !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/1/2/3/4/5`, { recursive: true });
      for (let i = 0; i < 20; i++) {
        Deno.mkdirSync(`${root}/wide${i}`);
        Deno.writeTextFileSync(`${root}/wide${i}/f`, "");
      }
      Deno.writeTextFileSync(`${root}/1/2/3/4/5/leaf`, "");
      await startPool(root);
      const before = openFdsIn(root);
      let most = 0;
      for (const _ of walkSync(root)) {
        most = Math.max(most, openFdsIn(root) - before);
      }
      assert(most <= 6, `at most depth + 1 open (${most})`);
      assertEquals(openFdsIn(root), before);
      most = 0;
      for await (const _ of walk(root)) {
        most = Math.max(most, openFdsIn(root) - before);
      }
      // Plus up to 4 subdirectories entered ahead per level; only the root
      // has more than one subdirectory here.
      assert(most <= 6 + 4 && most > 0, `async: depth + 1 + 4 (${most})`);
      assertEquals(openFdsIn(root), before);
      for (const e of walkSync(root)) if (e.name === "4") break;
      assertEquals(openFdsIn(root), before);
      assertThrows(
        () => {
          for (const e of walkSync(root)) {
            if (e.name === "5") throw new Error("x");
          }
        },
        Error,
        "x",
      );
      assertEquals(openFdsIn(root), before);
      for await (const e of walk(root)) if (e.name === "3") break;
      await assertRejects(
        async () => {
          for await (const e of walk(root)) {
            if (e.name === "leaf") throw new Error("y");
          }
        },
        Error,
        "y",
      );
      assertEquals(openFdsIn(root), before);
      // An error inside the walk: a name that is not valid UTF-8, deep down.
      const made = await new Deno.Command("sh", {
        args: ["-c", `touch "$1/1/2/3/$(printf 'bad\\377')"`, "sh", root],
      }).output();
      assertEquals(made.code, 0);
      assertThrows(() => [...walkSync(root)], Deno.errors.InvalidData);
      assertEquals(openFdsIn(root), before);
      await assertRejects(() => collect(root), Deno.errors.InvalidData);
      assertEquals(openFdsIn(root), before);
      // Nothing is open before iteration starts, nor after an early return.
      const it = walkSync(root);
      assertEquals(openFdsIn(root), before);
      it.next();
      it.return!();
      assertEquals(openFdsIn(root), before);
      const ait = walk(root);
      assertEquals(openFdsIn(root), before);
      await ait.next();
      await ait.next();
      assert(openFdsIn(root) > before);
      await ait.return(undefined);
      assertEquals(openFdsIn(root), before);
    });
  },
});

Deno.test({
  name: "walk errors and argument checks",
  ignore: !enabled,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/file`, "");
      assertThrows(
        () => [...walkSync(`${root}/missing`)],
        Deno.errors.NotFound,
      );
      assertThrows(
        () => [...walkSync(`${root}/file`)],
        Deno.errors.NotADirectory,
      );
      await assertRejects(async () => {
        for await (const _ of walk(`${root}/missing`)) { /* */ }
      }, Deno.errors.NotFound);
      assertThrows(
        () => walkSync(root, { maxDepth: "1" as never }),
        TypeError,
      );
      assertThrows(() => walkSync(root, { exts: "ts" as never }), TypeError);
      assertThrows(() => walkSync(root, { match: ["x"] as never }), TypeError);
      assertThrows(
        () => walkSync(root, { includeDirs: 1 as never }),
        TypeError,
      );
      assertThrows(() => walkSync(1 as never), TypeError);
      assertThrows(() => walkSync("a\0b"), TypeError);
    });
  },
});

Deno.test({
  name: "walk raises os.fwalk, then open and os.scandir per directory",
  ignore: !enabled,
  fn: async () => {
    await withTempDir((root) => {
      Deno.mkdirSync(`${root}/sub`);
      const seen: [string, readonly unknown[]][] = [];
      let on = true;
      addAuditHook((ev, args) => {
        if (on) seen.push([ev, args]);
      });
      try {
        [...walkSync(root, { followSymlinks: true })];
      } finally {
        on = false;
      }
      assertEquals(seen[0], ["os.fwalk", [root, true, null, true, -1]]);
      assertEquals(seen.map(([e]) => e), [
        "os.fwalk",
        "open",
        "os.scandir",
        "open",
        "os.scandir",
      ]);
      assertEquals(seen[3][1][0], "sub");
    });
  },
});

// A second process swaps directories inside the tree for symlinks to a tree
// outside it, over and over, while this one walks the tree thousands of
// times: nothing outside may ever be yielded. Both sides count work, not
// time: the attacker swaps until it has swapped MIN times and the walker
// has written STOP (which it does once it has walked enough and seen the
// swaps); the clock is only a generous upper bound for a stalled machine.
const ATTACKER = `
const [root, outside, stop, min] = Deno.args;
const victims = ["a", "a/b", "c", "c/d/e"].map((v) => root + "/" + v);
const deadline = Date.now() + 300_000;
let swaps = 0;
const stopped = () => {
  try {
    Deno.lstatSync(stop);
    return true;
  } catch {
    return false;
  }
};
while ((swaps < Number(min) || !stopped()) && Date.now() < deadline) {
  for (const v of victims) {
    try {
      Deno.renameSync(v, v + ".away");
      Deno.symlinkSync(outside, v);
      Deno.removeSync(v);
      Deno.renameSync(v + ".away", v);
      swaps++;
    } catch { /* a parent is swapped away right now */ }
  }
}
console.log(swaps);
`;

Deno.test({
  name: "a directory swapped for a symlink is never followed out of the tree",
  ignore: !enabled || Deno.build.os === "windows",
  fn: async () => {
    await withTempDir(async (base) => {
      const root = `${base}/tree`;
      const outside = `${base}/outside`;
      const stop = `${base}/stop`;
      for (const d of ["a/b/x", "c/d/e/f"]) {
        Deno.mkdirSync(`${root}/${d}`, { recursive: true });
      }
      for (const d of ["a", "a/b", "a/b/x", "c", "c/d", "c/d/e", "c/d/e/f"]) {
        Deno.writeTextFileSync(`${root}/${d}/inside.txt`, "");
      }
      Deno.mkdirSync(`${outside}/deeper`, { recursive: true });
      Deno.writeTextFileSync(`${outside}/MARKER_OUTSIDE`, "");
      Deno.writeTextFileSync(`${outside}/deeper/MARKER_OUTSIDE`, "");
      // Work to do on each side: native thousands of walks, qemu
      // (test:aarch64) fewer, the same rules.
      const qemu = Deno.build.arch === "aarch64";
      const WALKS = qemu ? 300 : 2000, ASYNC_WALKS = WALKS / 10;
      const MIN_SWAPS = qemu ? 200 : 1000;
      const child = new Deno.Command(Deno.execPath(), {
        args: ["eval", ATTACKER, root, outside, stop, String(MIN_SWAPS)],
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const status = child.output();
      let walks = 0, entries = 0, symlinksSeen = 0, done = false;
      status.finally(() => done = true);
      let asyncWalks = 0;
      const check = (e: WalkEntry) => {
        entries++;
        if (e.isSymlink) symlinksSeen++;
        assert(!e.path.includes("MARKER"), `escaped: ${e.path}`);
        assert(!e.name.includes("MARKER"), `escaped: ${e.path}`);
      };
      while (!done) {
        for (let i = 0; i < 100; i++) {
          for (const e of walkSync(root)) check(e);
          walks++;
        }
        // The async twin runs the same checks, its calls on the pool.
        for (let i = 0; i < 10; i++) {
          for await (const e of walk(root)) check(e);
          asyncWalks++;
        }
        // Enough walks, and some of them met a swap: the attacker may stop.
        if (walks >= WALKS && asyncWalks >= ASYNC_WALKS && symlinksSeen > 0) {
          Deno.writeTextFileSync(stop, "");
        }
        await new Promise((r) => setTimeout(r, 0));
      }
      const out = await status;
      assertEquals(out.code, 0);
      const swaps = Number(new TextDecoder().decode(out.stdout));
      assert(swaps > 100, `attacker swapped ${swaps} times`);
      // Floors that prove the walks raced the attacker, not a speed: native
      // runs walk thousands of times, qemu (test:aarch64) some 600 sync and
      // 60 async.
      assert(walks > 100, `walked ${walks} times`);
      assert(asyncWalks > 10, `walked ${asyncWalks} times (async)`);
      assert(symlinksSeen > 0, "the walks ran during the swaps");
      assert(entries > 0);
    });
  },
});

// Type-level: WalkEntry is a Deno.DirEntry plus path and dir.
const _check: Deno.DirEntry = {} as WalkEntry;

// ---- No lazy iterator on a reused descriptor (issue 16, item 3) ----

/** Two sibling trees with names of their own: a/{a1,a2/a3}, b/{b1,b2}. */
function twoTrees(root: string): void {
  Deno.mkdirSync(`${root}/a/a2`, { recursive: true });
  Deno.writeTextFileSync(`${root}/a/a1`, "");
  Deno.writeTextFileSync(`${root}/a/a2/a3`, "");
  Deno.mkdirSync(`${root}/b`);
  Deno.writeTextFileSync(`${root}/b/b1`, "");
  Deno.writeTextFileSync(`${root}/b/b2`, "");
}

Deno.test({
  name: "walk(Sync) with a dirFd closed and its number reused before next()",
  ignore: !enabled,
  fn: async () => {
    await withTempDir(async (root) => {
      twoTrees(root);
      for (const twin of ["walkSync", "walk"] as const) {
        const a = openDirSync(`${root}/a`);
        const n = a.fd;
        const it = twin === "walkSync"
          ? walkSync(".", { dirFd: a })
          : walk(".", { dirFd: a });
        a.close();
        // Reuse the number for the other tree (the lowest free number is
        // the one just closed; a few more in case a worker took it).
        const others: Dir[] = [];
        while (others.length < 8 && others.at(-1)?.fd !== n) {
          others.push(openDirSync(`${root}/b`));
        }
        try {
          const got = twin === "walkSync"
            ? (() => {
              try {
                return [...(it as Iterable<WalkEntry>)];
              } catch (e) {
                return e;
              }
            })()
            : await Array.fromAsync(it as AsyncIterable<WalkEntry>).catch(
              (e) => e,
            );
          // Never b's entries: the Dir was closed, so the walk refuses.
          assert(got instanceof Deno.errors.BadResource, `${twin}: ${got}`);
        } finally {
          for (const d of others) d.close();
        }
      }
    });
  },
});

Deno.test({
  name:
    "walk(Sync): entry.dir closed by the caller never lists another directory",
  ignore: !enabled,
  fn: async () => {
    await withTempDir(async (root) => {
      twoTrees(root);
      const want = [".", "a1", "a2", join("a2", "a3")];
      for (const twin of ["walkSync", "walk"] as const) {
        const others: Dir[] = [];
        const seen: string[] = [];
        // Closes each entry's directory as soon as it can (the root's before
        // the walk has listed it), then opens the other tree, which gets its
        // number.
        const onEntry = (e: WalkEntry) => {
          seen.push(e.path);
          if (!e.dir.closed) {
            const n = e.dir.fd;
            e.dir.close();
            for (let i = 0; i < 8; i++) {
              const d = openDirSync(`${root}/b`);
              others.push(d);
              if (d.fd === n) break;
            }
          }
        };
        try {
          using dir = openDirSync(`${root}/a`);
          if (twin === "walkSync") {
            for (const e of walkSync(".", { dirFd: dir })) onEntry(e);
          } else {
            for await (const e of walk(".", { dirFd: dir })) onEntry(e);
          }
        } finally {
          for (const d of others) d.close();
        }
        assertEquals(seen.sort(), want, twin);
      }
    });
  },
});

Deno.test({
  name:
    "walkSync holds its dirFd Dir: garbage collection cannot close it first",
  ignore: !enabled || !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      twoTrees(root);
      const script = `
        import { openDirSync, walkSync } from "${ROOT}mod.ts";
        const [root] = Deno.args;
        // The only reference to the Dir is the walk's.
        const it = walkSync(".", { dirFd: openDirSync(root + "/a") });
        for (let i = 0; i < 5; i++) {
          globalThis.gc();
          await new Promise((r) => setTimeout(r, 10));
        }
        const others = [];
        for (let i = 0; i < 8; i++) others.push(openDirSync(root + "/b"));
        console.log(JSON.stringify([...it].map((e) => e.path).sort()));
      `;
      Deno.writeTextFileSync(`${root}/gc.ts`, script);
      const r = await runDeno([
        "run",
        "--config",
        `${ROOT}deno.json`,
        "-A",
        "--v8-flags=--expose-gc",
        `${root}/gc.ts`,
        root,
      ]);
      assertEquals(r.code, 0, r.stderr);
      assertEquals(JSON.parse(r.stdout), [".", "a1", "a2", "a2/a3"]);
    });
  },
});
