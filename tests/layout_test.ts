// Copyright 2026 the dirfd authors. MIT license.
// One filesystem layout, every operation run over every entry of it three
// ways: by absolute path, relative to a dirFd, and through the Deno.* call
// where one exists. Outcomes (success or error code) and the resulting trees
// must agree (the style of Go's os.Root tests).
import { assertEquals } from "@std/assert";
import {
  accessSync,
  chmodSync,
  chownSync,
  type Dir,
  linkSync,
  lstatSync,
  mkdirSync,
  openDirSync,
  R_OK,
  readLinkSync,
  renameSync,
  rmdirSync,
  statSync,
  truncateSync,
  unlinkSync,
  utimeSync,
} from "../mod.ts";
// node:fs for a raw OS descriptor to pass as a path: Deno.FsFile exposes none.
import { closeSync, openSync } from "node:fs";
import { needsSymlinks } from "./_helpers.ts";

/** The layout: a trailing "/" is a directory, "->" a symlink, else a file. */
const LAYOUT: readonly (readonly [string, string?])[] = [
  ["file", "data"],
  ["empty", ""],
  ["dir/"],
  ["dir/inner", "in"],
  ["dir/nested/"],
  ["dir/nested/deep/"],
  ["dir/nested/deep/leaf", "leaf"],
  ["emptydir/"],
  ["link-file", "->file"],
  ["link-dir", "->dir"],
  ["link-abs-dir", "->/"], // absolute target
  ["dir/up", "->../file"], // relative target with ..
  ["dangling", "->missing"],
  ["loop", "->loop"],
  ["loop-a", "->loop-b"],
  ["loop-b", "->loop-a"],
];

/** Paths each operation is tried on (existing or not, through links too). */
const TARGETS = [
  "file",
  "empty",
  "dir",
  "dir/nested/deep/leaf",
  "dir/nested/deep",
  "emptydir",
  "link-file",
  "link-dir",
  "link-dir/inner",
  "dir/up",
  "dangling",
  "loop",
  "loop-a",
  "loop-a/x",
  "missing",
  "file/x",
  "missing/x",
];

function build(root: string): void {
  for (const [path, content] of LAYOUT) {
    if (path.endsWith("/")) Deno.mkdirSync(`${root}/${path}`);
    else if (content!.startsWith("->")) {
      Deno.symlinkSync(content!.slice(2), `${root}/${path}`);
    } else Deno.writeTextFileSync(`${root}/${path}`, content!);
  }
}

/** The tree as comparable text: type, mode, size, link target, times. */
function snapshot(root: string, rel = ""): string[] {
  const out: string[] = [];
  const names = [...Deno.readDirSync(`${root}/${rel}`)].map((e) => e.name)
    .sort();
  for (const name of names) {
    const p = rel === "" ? name : `${rel}/${name}`;
    const i = Deno.lstatSync(`${root}/${p}`);
    const kind = i.isSymlink ? "l" : i.isDirectory ? "d" : "f";
    let line = `${kind} ${p} ${(i.mode! & 0o7777).toString(8)} ${i.uid}`;
    if (i.isFile) line += ` size=${i.size} nlink=${i.nlink}`;
    if (i.isSymlink) line += ` -> ${Deno.readLinkSync(`${root}/${p}`)}`;
    // Times of a fresh tree differ run to run; only the one set here shows.
    if (i.mtime?.getTime() === 9000) line += " mtime=9s";
    out.push(line);
    if (i.isDirectory) out.push(...snapshot(root, p));
  }
  return out;
}

/**
 * `p` is the target, `dir` the dirFd (undefined for the absolute-path run)
 * and `at` the prefix that puts a second path next to the target's tree.
 */
type Run = (p: string, dir: Dir | undefined, at: string) => unknown;
interface Op {
  name: string;
  /** Runs the operation; `dir` is undefined for the absolute-path run. */
  ours: Run;
  /** The Deno.* equivalent, where one exists with the same semantics. */
  deno?: (p: string, at: string) => unknown;
  /** For operations without dirFd (truncate): the descriptor form. */
  byFd?: (fd: number) => unknown;
}

const describe = (i: Deno.FileInfo) =>
  `${i.isFile ? "f" : i.isDirectory ? "d" : "l"} ${i.size}`;

const OPS: Op[] = [
  {
    name: "stat",
    ours: (p, d) => describe(statSync(p, { dirFd: d })),
    deno: (p) => describe(Deno.statSync(p)),
  },
  {
    name: "lstat",
    ours: (p, d) => describe(lstatSync(p, { dirFd: d })),
    deno: (p) => describe(Deno.lstatSync(p)),
  },
  {
    name: "readLink",
    ours: (p, d) => readLinkSync(p, { dirFd: d }),
    deno: (p) => Deno.readLinkSync(p),
  },
  {
    name: "mkdir",
    ours: (p, d) => mkdirSync(p, { dirFd: d }),
    deno: (p) => Deno.mkdirSync(p),
  },
  { name: "unlink", ours: (p, d) => unlinkSync(p, { dirFd: d }) },
  { name: "rmdir", ours: (p, d) => rmdirSync(p, { dirFd: d }) },
  {
    name: "rename",
    ours: (p, d, at) =>
      renameSync(p, `${at}renamed`, { srcDirFd: d, dstDirFd: d }),
    deno: (p, at) => Deno.renameSync(p, `${at}renamed`),
  },
  {
    name: "link (no follow)",
    ours: (p, d, at) =>
      linkSync(p, `${at}hard`, {
        srcDirFd: d,
        dstDirFd: d,
        followSymlinks: false,
      }),
    deno: (p, at) => Deno.linkSync(p, `${at}hard`),
  },
  {
    name: "link (follow)",
    ours: (p, d, at) => linkSync(p, `${at}hard`, { srcDirFd: d, dstDirFd: d }),
  },
  {
    name: "chmod",
    ours: (p, d) => chmodSync(p, 0o700, { dirFd: d }),
    deno: (p) => Deno.chmodSync(p, 0o700),
  },
  {
    name: "chown",
    ours: (p, d) => chownSync(p, -1, -1, { dirFd: d }),
    deno: (p) => Deno.chownSync(p, null, null),
  },
  {
    name: "lchown",
    ours: (p, d) => chownSync(p, -1, -1, { dirFd: d, followSymlinks: false }),
  },
  {
    name: "utime",
    ours: (p, d) => utimeSync(p, 7, 9, { dirFd: d }),
    deno: (p) => Deno.utimeSync(p, 7, 9),
  },
  {
    name: "utime (no follow)",
    ours: (p, d) => utimeSync(p, 7, 9, { dirFd: d, followSymlinks: false }),
  },
  { name: "access", ours: (p, d) => accessSync(p, R_OK, { dirFd: d }) },
  {
    name: "access (no follow)",
    ours: (p, d) => accessSync(p, R_OK, { dirFd: d, followSymlinks: false }),
  },
  // Deno.truncate refuses symlinks (see truncate_test.ts): no Deno column.
  {
    name: "truncate",
    ours: (p) => truncateSync(p, 1),
    byFd: (fd) => truncateSync(fd, 1),
  },
];

/** Runs `fn`, returning "ok:<value>" or the error code (class for others). */
function outcome(fn: () => unknown): string {
  try {
    const v = fn();
    return `ok:${v === undefined ? "" : String(v)}`;
  } catch (e) {
    const x = e as { code?: string; constructor: { name: string } };
    return `${x.constructor.name}:${x.code ?? "?"}`;
  }
}

async function inTree<T>(fn: (root: string) => T): Promise<T> {
  const root = Deno.realPathSync(
    Deno.makeTempDirSync({ prefix: "dirfd_layout_" }),
  );
  try {
    build(root);
    return await fn(root);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
}

for (const op of OPS) {
  // Skipped where it cannot run: the layout is made of symlinks.
  Deno.test(
    `layout: ${op.name} agrees by path, by dirFd and with Deno`,
    needsSymlinks,
    async () => {
      for (const target of TARGETS) {
        const byPath = await inTree((root) => {
          const r = outcome(() =>
            op.ours(`${root}/${target}`, undefined, `${root}/`)
          );
          return { r, tree: snapshot(root) };
        });
        const what = `${op.name} ${target}`;
        if (op.byFd !== undefined) {
          // No dirFd: compare with the descriptor form, where the target
          // opens for writing (node:fs gives a raw descriptor).
          const viaFd = await inTree((root) => {
            let fd: number;
            try {
              fd = openSync(`${root}/${target}`, "r+");
            } catch {
              return null;
            }
            try {
              return { r: outcome(() => op.byFd!(fd)), tree: snapshot(root) };
            } finally {
              closeSync(fd);
            }
          });
          if (viaFd !== null) {
            assertEquals(viaFd.r, byPath.r, `${what} (by fd)`);
            assertEquals(viaFd.tree, byPath.tree, `${what} (by fd)`);
          }
          continue;
        }
        const byDirFd = await inTree((root) => {
          using dir = openDirSync(root);
          const r = outcome(() => op.ours(target, dir, ""));
          return { r, tree: snapshot(root) };
        });
        // A dirFd to a subdirectory with an upward relative path.
        const viaSub = await inTree((root) => {
          using dir = openDirSync(`${root}/dir/nested`);
          const r = outcome(() => op.ours(`../../${target}`, dir, "../../"));
          return { r, tree: snapshot(root) };
        });
        assertEquals(byDirFd.r, byPath.r, what);
        assertEquals(byDirFd.tree, byPath.tree, what);
        assertEquals(viaSub.r, byPath.r, `${what} (via dir/nested)`);
        assertEquals(viaSub.tree, byPath.tree, `${what} (via dir/nested)`);
        if (op.deno !== undefined) {
          const deno = await inTree((root) => {
            const r = outcome(() => op.deno!(`${root}/${target}`, `${root}/`));
            return { r, tree: snapshot(root) };
          });
          assertEquals(byPath.r, deno.r, `${what} (vs Deno)`);
          assertEquals(byPath.tree, deno.tree, `${what} (vs Deno)`);
        }
      }
    },
  );
}
