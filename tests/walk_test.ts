// Copyright 2026 the dirfd authors. MIT license.
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertThrows,
} from "@std/assert";
import {
  addAuditHook,
  type Dir,
  lstatSync,
  openDirSync,
  readDirSync,
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
const PRIMS = ["statAt", "fstat", "openDirAt", "readDirChunk", "dupDir"];

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

/** Open descriptors, listed through dirfd (Deno's own call needs -A). */
function openFds(): number {
  return [...readDirSync("/proc/self/fd")].length;
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
      // 4 without links): each one an open, an fstat and at least two reads.
      const dirs = SYMLINKS ? 6 : 4;
      assert(counts.openDirAt >= dirs, JSON.stringify(counts));
      assert(counts.fstat >= dirs, JSON.stringify(counts));
      assert(counts.readDirChunk >= 2 * dirs, JSON.stringify(counts));
      assert(counts.statAt >= (SYMLINKS ? 5 : 3), JSON.stringify(counts));
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
      const before = openFds();
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
      assertEquals(openFds(), before, "closed once the walk released it");
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
      const before = openFds();
      let most = 0;
      for (const _ of walkSync(root)) most = Math.max(most, openFds() - before);
      assert(most <= 6, `at most depth + 1 open (${most})`);
      assertEquals(openFds(), before);
      most = 0;
      for await (const _ of walk(root)) {
        most = Math.max(most, openFds() - before);
      }
      assert(most <= 6 && most > 0, `async: depth + 1 open (${most})`);
      assertEquals(openFds(), before);
      for (const e of walkSync(root)) if (e.name === "4") break;
      assertEquals(openFds(), before);
      assertThrows(
        () => {
          for (const e of walkSync(root)) {
            if (e.name === "5") throw new Error("x");
          }
        },
        Error,
        "x",
      );
      assertEquals(openFds(), before);
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
      assertEquals(openFds(), before);
      // An error inside the walk: a name that is not valid UTF-8, deep down.
      const made = await new Deno.Command("sh", {
        args: ["-c", `touch "$1/1/2/3/$(printf 'bad\\377')"`, "sh", root],
      }).output();
      assertEquals(made.code, 0);
      assertThrows(() => [...walkSync(root)], Deno.errors.InvalidData);
      assertEquals(openFds(), before);
      await assertRejects(() => collect(root), Deno.errors.InvalidData);
      assertEquals(openFds(), before);
      // Nothing is open before iteration starts, nor after an early return.
      const it = walkSync(root);
      assertEquals(openFds(), before);
      it.next();
      it.return!();
      assertEquals(openFds(), before);
      const ait = walk(root);
      assertEquals(openFds(), before);
      await ait.next();
      await ait.next();
      assert(openFds() > before);
      await ait.return(undefined);
      assertEquals(openFds(), before);
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
// times: nothing outside may ever be yielded.
const ATTACKER = `
const [root, outside, ms] = Deno.args;
const victims = ["a", "a/b", "c", "c/d/e"].map((v) => root + "/" + v);
const end = Date.now() + Number(ms);
let swaps = 0;
while (Date.now() < end) {
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
      for (const d of ["a/b/x", "c/d/e/f"]) {
        Deno.mkdirSync(`${root}/${d}`, { recursive: true });
      }
      for (const d of ["a", "a/b", "a/b/x", "c", "c/d", "c/d/e", "c/d/e/f"]) {
        Deno.writeTextFileSync(`${root}/${d}/inside.txt`, "");
      }
      Deno.mkdirSync(`${outside}/deeper`, { recursive: true });
      Deno.writeTextFileSync(`${outside}/MARKER_OUTSIDE`, "");
      Deno.writeTextFileSync(`${outside}/deeper/MARKER_OUTSIDE`, "");
      const child = new Deno.Command(Deno.execPath(), {
        args: ["eval", ATTACKER, root, outside, "3000"],
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const status = child.output();
      let walks = 0, entries = 0, symlinksSeen = 0, done = false;
      status.finally(() => done = true);
      // Give the attacker a moment to start, then walk until it is done.
      await new Promise((r) => setTimeout(r, 300));
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
