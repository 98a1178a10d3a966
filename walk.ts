// Copyright 2026 the dirfd authors. MIT license.
import { basename, normalize, SEPARATOR } from "./_path.ts";
import {
  type FdLike,
  fdOfArg,
  type PathLike,
  stillOpen,
  toBool,
  toDirFdArg,
  toOptions,
  toPath,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend, hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import {
  type Ahead,
  ahead,
  type Call,
  call,
  type Core,
  driveAsync,
  type Join,
  join,
  type Pending,
  settle,
  SyncDriver,
} from "./_drive.ts";
import { acquire, type Dir, type Handle, newDir, release } from "./dir.ts";
import {
  type Backend,
  type DirChunk,
  type Entered,
  KIND,
} from "./ffi/_types.ts";
import type { FileInfo, StatResult } from "./_file_info.ts";
import { badName, kindAt, kindOf, vanished, walkEntry } from "./_listing.ts";

/** Options for {@linkcode walk} and {@linkcode walkSync}, after `@std/fs`'s. */
export interface WalkOptions {
  /**
   * The deepest level to yield: the root is depth 0, its entries depth 1.
   * Directories at `maxDepth` are yielded but not entered.
   *
   * @default {Infinity}
   */
  maxDepth?: number;
  /**
   * Yield files (and other non-directories: FIFOs, sockets, devices).
   *
   * @default {true}
   */
  includeFiles?: boolean;
  /**
   * Yield directories, the root first.
   *
   * @default {true}
   */
  includeDirs?: boolean;
  /**
   * Yield symlinks that are not followed.
   *
   * @default {true}
   */
  includeSymlinks?: boolean;
  /**
   * Follow symlinks to directories and walk them (each directory once per
   * branch: a link back to an ancestor is yielded but not entered). Entries
   * reached through a followed link describe the link's target; a link that
   * cannot be resolved is yielded as a symlink.
   *
   * @default {false}
   */
  followSymlinks?: boolean;
  /**
   * Yield only entries whose path ends with one of these extensions (with or
   * without the leading dot). Directories are still entered.
   */
  exts?: string[];
  /**
   * Yield only entries whose path matches one of these patterns. Directories
   * are still entered.
   */
  match?: RegExp[];
  /**
   * Neither yield entries whose path matches one of these patterns, nor
   * enter such directories.
   */
  skip?: RegExp[];
  /**
   * Resolve a relative `root` against this open directory (Python's
   * `dir_fd`). `walk(".", { dirFd: dir })` walks an open directory.
   */
  dirFd?: FdLike;
  /**
   * Describe every entry: each carries `info`, its {@linkcode FileInfo}
   * (`lstat`'s; for a link the walk follows, its target's), fetched with
   * the directory listing itself (on Linux, one pool request per chunk of
   * entries, not one per entry). An entry that disappears before it could
   * be described is skipped.
   *
   * @default {false}
   */
  stat?: boolean;
}

/** An entry yielded by {@linkcode walk} and {@linkcode walkSync}. */
export interface WalkEntry extends Deno.DirEntry {
  /** The entry's path: the root joined with the names leading to it. */
  path: string;
  /** The entry's name (for the root entry, the root's last component). */
  name: string;
  /** Whether the entry is a file (as listed, or the target of a followed link). */
  isFile: boolean;
  /** Whether the entry is a directory. */
  isDirectory: boolean;
  /** Whether the entry is a symlink that was not followed. */
  isSymlink: boolean;
  /**
   * The open directory that contains the entry: `name` resolves against it,
   * as in `lstatSync(entry.name, { dirFd: entry.dir })`, immune to renames
   * and symlink swaps of the directories above. For the root entry it is the
   * root directory itself (describe it with `statSync(entry.dir)`).
   *
   * Valid only while the entry is being handled: the walk closes it when it
   * leaves the directory. Do not keep it. Closing it yourself does not
   * change what the walk lists.
   */
  dir: Dir;
  /**
   * The entry's metadata, with `stat: true` (else absent): `lstat`'s, or,
   * for a link the walk followed, its target's; for the root entry, the
   * root directory's.
   */
  info?: FileInfo;
}

/** A {@linkcode WalkEntry} of a walk with `stat: true`. */
export interface WalkEntryWithInfo extends WalkEntry {
  /** The entry's metadata (see {@linkcode WalkEntry.info}). */
  info: FileInfo;
}

/**
 * A subdirectory being entered ahead: entry `i` of its parent's chunk, the
 * call, the Level its first chunk is read into, and, once it is open, its
 * descriptor as a Dir (closed by the garbage collector should the walk be
 * dropped unfinished).
 */
interface Ahead_ {
  i: number;
  name: string;
  h: Pending;
  out: Level;
  dir: Dir | null;
}

/** One open directory of the walk, and its listing (reused per depth). */
class Level implements DirChunk {
  count = 0;
  names: string[] = [];
  kinds: number[] = [];
  infos: (StatResult | number)[] = [];
  end = false;
  /**
   * What reading the first chunk returned, when entering the directory read
   * it (`null` otherwise, or once it is taken).
   */
  first: number | null = null;
  /**
   * The next subdirectories of this directory's chunk being entered ahead
   * (while the walk is below the one before them), in listing order, each
   * into its own `out`.
   */
  aheads: Ahead_[] = [];
  /** The Dir an entering ahead made for this level's descriptor, if any. */
  made: Dir | null = null;
  /** Levels for the next enterings ahead to write into. */
  spares: Level[] = [];
  i = 0;
  dir: Dir | null = null;
  fd = -1;
  path = "";
  prefix = "";
  dev = 0;
  ino = 0;
}

interface Walk {
  maxDepth: number;
  files: boolean;
  dirs: boolean;
  symlinks: boolean;
  follow: boolean;
  exts: string[] | undefined;
  match: RegExp[] | undefined;
  skip: RegExp[] | undefined;
  stat: boolean;
  /**
   * Subdirectories entered ahead at once per directory: {@linkcode AHEAD}
   * for the async walk, 0 for the sync one (where nothing runs meanwhile).
   */
  ahead: number;
}

function regExps(v: unknown, arg: string): RegExp[] | undefined {
  if (v === undefined) return undefined;
  // A copy, read once: the walk never sees the caller's array change.
  const a = Array.isArray(v) ? Array.from(v) : null;
  if (a !== null && a.every((r) => r instanceof RegExp)) return a;
  throw new TypeError(`walk: ${arg} must be an array of RegExps`);
}

function toWalk(o: Partial<WalkOptions>): Walk {
  const d = o.maxDepth;
  if (d !== undefined && (typeof d !== "number" || Number.isNaN(d))) {
    throw new TypeError(`walk: maxDepth must be a number, not ${String(d)}`);
  }
  let exts: string[] | undefined;
  const given = o.exts; // each option read once, arrays copied once
  if (given !== undefined) {
    const e = Array.isArray(given) ? Array.from(given) : null;
    if (e === null || !e.every((x) => typeof x === "string")) {
      throw new TypeError("walk: exts must be an array of strings");
    }
    exts = e.map((x) => x.startsWith(".") ? x : `.${x}`);
  }
  return {
    maxDepth: d ?? Infinity,
    files: toBool(o.includeFiles, "walk", "includeFiles", true),
    dirs: toBool(o.includeDirs, "walk", "includeDirs", true),
    symlinks: toBool(o.includeSymlinks, "walk", "includeSymlinks", true),
    follow: toBool(o.followSymlinks, "walk", "followSymlinks", false),
    exts,
    match: regExps(o.match, "match"),
    skip: regExps(o.skip, "skip"),
    stat: toBool(o.stat, "walk", "stat", false),
    ahead: 0,
  };
}

/**
 * Whether `path` matches `r` as `@std/fs` tests it: `String#match`, which
 * ignores (and resets) the `lastIndex` of a global RegExp, where `test` would
 * start from it and skip every other match.
 */
function matches(path: string, r: RegExp): boolean {
  return path.match(r) !== null;
}

/** `@std/fs`'s `include`: extensions, then match, then skip. */
function included(path: string, w: Walk): boolean {
  const { exts, match, skip } = w;
  if (exts !== undefined && !exts.some((e) => path.endsWith(e))) return false;
  if (match !== undefined && !match.some((m) => matches(path, m))) return false;
  if (skip !== undefined && skip.some((s) => matches(path, s))) return false;
  return true;
}

function skipped(path: string, w: Walk): boolean {
  return w.skip !== undefined && w.skip.some((s) => matches(path, s));
}

/** The level at `depth`, made on first use and reused after. */
function level(levels: Level[], depth: number): Level {
  return levels[depth] ??= new Level();
}

/**
 * Opens the directory `name` of `levels[top]` for the walk (recording its
 * dev and ino in `levels[top + 1]`), or returns -1 if it is no longer the
 * directory that was listed (gone, swapped for a symlink or another file)
 * or, when following links, is an ancestor. Without `follow` the open
 * refuses a symlink (`O_NOFOLLOW`), and in every case the opened descriptor
 * must be the very file the `stat` through the parent saw. A core step (see
 * `_drive.ts`).
 */
function* openChild(
  b: Backend,
  levels: Level[],
  top: number,
  name: string,
  path: string,
  follow: boolean,
  w: Walk,
): Generator<Call | Join, number, unknown> {
  const P = levels[top];
  const parent = P.fd;
  if (hooks.length === 0 && hasPrimitive(b, "enterDirAt")) {
    // One call (one pool request on Linux): stat, open, check, first chunk,
    // perhaps started ahead (see enterAhead).
    // Enterings ahead for entries before this one are of no use now.
    while (P.aheads.length !== 0 && P.aheads[0].i < P.i - 1) dropFirst(P);
    const a = P.aheads.length === 0 ? null : P.aheads[0];
    let L: Level;
    let r: Entered;
    if (a !== null && a.i === P.i - 1 && a.name === name && !follow) {
      P.aheads.shift();
      r = yield* join("enterDirAt", a.h);
      // The chunk was read into a.out: it becomes the next level.
      const old = levels[top + 1];
      levels[top + 1] = L = a.out;
      if (old !== undefined) P.spares.push(old);
      L.made = a.dir;
    } else {
      if (a !== null && a.i === P.i - 1) dropFirst(P);
      L = level(levels, top + 1);
      r = yield* call(
        "enterDirAt",
        parent,
        name,
        follow,
        L,
        w.stat,
        w.follow,
      );
    }
    const fd = r.fd;
    if (r.failed !== "") {
      if (r.failed === "skip" || vanished(b, fd)) return -1;
      throw systemError(
        b,
        fd,
        r.failed === "openDirAt" ? b.syscall.openDirAt : b.syscall.statAt,
        path,
      );
    }
    if (follow) {
      for (let i = 0; i <= top; i++) {
        if (levels[i].ino === r.ino && levels[i].dev === r.dev) {
          b.close(fd);
          return -1;
        }
      }
    }
    L.dev = r.dev;
    L.ino = r.ino;
    L.first = r.first;
    return fd;
  }
  const st = yield* call("statAt", parent, name, follow);
  if (typeof st === "number") {
    if (vanished(b, st)) return -1;
    throw systemError(b, st, b.syscall.statAt, path);
  }
  if (!st.isDirectory) return -1;
  const dev = st.dev, ino = st.ino!;
  if (follow) {
    for (let i = 0; i <= top; i++) {
      if (levels[i].ino === ino && levels[i].dev === dev) return -1;
    }
  }
  if (hooks.length !== 0) audit("open", [name, null, b.openDirFlags(follow)]);
  const fd = yield* call("openDirAt", parent, name, follow);
  if (fd < 0) {
    if (vanished(b, fd)) return -1;
    throw systemError(b, fd, b.syscall.openDirAt, path);
  }
  const now = yield* call("fstat", fd);
  if (typeof now === "number" || now.dev !== dev || now.ino !== ino) {
    b.close(fd);
    if (typeof now === "number") {
      throw systemError(b, now, b.syscall.statAt, path);
    }
    return -1;
  }
  const L = level(levels, top + 1);
  L.dev = dev;
  L.ino = ino;
  L.first = null;
  return fd;
}

/**
 * Forgets the enterings ahead of `L`, closing what they opened whenever
 * they complete.
 */
function dropAhead(L: Level): void {
  while (L.aheads.length !== 0) dropFirst(L);
}

/** Forgets the first entering ahead of `L` (see {@linkcode dropAhead}). */
function dropFirst(L: Level): void {
  const a = L.aheads.shift()!;
  // Its Level may still be written by the call in flight: never reused.
  settle(a.h, () => a.dir?.close());
}

/** Subdirectories entered ahead of the walk at once, per directory. */
const AHEAD = 4;

/**
 * Starts entering the next subdirectories listed after the current entry of
 * `P` (the directory at depth `top`), so that the pool reads and describes
 * them while the walk is below the entry before them: {@linkcode AHEAD}
 * directories ahead, never more (each in a pool request of its own, so that
 * the workers read them in parallel), and only what the walk will enter (a
 * directory, not skipped, within `maxDepth`, no audit hook). Symlinks are
 * never entered ahead.
 */
function* enterAhead(
  b: Backend,
  P: Level,
  top: number,
  w: Walk,
  filtered: boolean,
): Generator<Ahead, void, unknown> {
  if (P.aheads.length >= w.ahead || hooks.length !== 0) return;
  if (!hasPrimitive(b, "enterDirAt") || top + 1 >= w.maxDepth) return;
  const n = P.aheads.length;
  for (let j = n === 0 ? P.i : P.aheads[n - 1].i + 1; j < P.count; j++) {
    const info = w.stat ? P.infos[j] : undefined;
    // (A listed symlink is entered, if at all, through its target.)
    const dir = w.stat
      ? typeof info !== "number" && info!.isDirectory &&
        P.kinds[j] !== KIND.SYMLINK
      : P.kinds[j] === KIND.DIR;
    if (!dir) continue;
    const name = P.names[j];
    if (filtered && skipped(P.prefix + name, w)) continue;
    const out = P.spares.pop() ?? new Level();
    const h = yield* ahead(
      "enterDirAt",
      P.fd,
      name,
      false,
      out,
      w.stat,
      w.follow,
    );
    const A: Ahead_ = { i: j, name, h, out, dir: null };
    P.aheads.push(A);
    settle(h, (r) => {
      const e = r as Entered;
      if (e.failed === "") A.dir = newDir(e.fd, P.prefix + name);
    });
    if (P.aheads.length >= w.ahead) return;
  }
}

/**
 * Makes `L` the open directory `fd` (its dev and ino already recorded, and
 * its first chunk, if {@linkcode Level.first} says it was read).
 */
function enter(L: Level, fd: number, path: string, prefix: string): void {
  // Pinned by the walk while it lists it: a caller that closes `entry.dir`
  // closes its handle, not the descriptor the walk still reads (whose
  // number could otherwise name another directory by the next chunk).
  L.dir = L.made ?? newDir(fd, path);
  L.made = null;
  L.dir[acquire]("walk");
  L.fd = fd;
  L.path = path;
  L.prefix = prefix;
  L.i = 0;
  if (L.first === null) L.end = false;
  if (L.first === null || L.first <= 0) L.count = 0;
  if (hooks.length !== 0) audit("os.scandir", [fd]);
}

/** Closes a directory of the walk and drops the walk's own pin on it. */
function leave(dir: Dir): void {
  try {
    dir.close();
  } finally {
    dir[release]();
  }
}

/**
 * The walk itself, shared by both twins: a core (see `_drive.ts`) that asks
 * its driver for every primitive call, yields the entries, and closes every
 * directory it opened however the iteration ends.
 */
function* walkCore(
  b: Backend,
  root: string,
  dirFd: number,
  given: Handle | null,
  w: Walk,
): Core<WalkEntry> {
  const levels: Level[] = [];
  let top = -1;
  const { maxDepth, follow, files, dirs, symlinks, stat } = w;
  const filtered = w.exts !== undefined || w.match !== undefined ||
    w.skip !== undefined;
  try {
    if (maxDepth < 0) return;
    if (hooks.length !== 0) audit("open", [root, null, b.openDirFlags(true)]);
    // A Dir given as dirFd is held from the call, and read now: closed in
    // between, the walk throws BadResource rather than open `root` through
    // a number that may name another directory by now. It stays pinned
    // while the root is opened.
    const at = given === null ? dirFd : given[acquire]("walk");
    let fd: number;
    try {
      fd = yield* call("openDirAt", at, root, true);
    } finally {
      given?.[release]();
    }
    if (fd < 0) throw systemError(b, fd, b.syscall.openDirAt, root);
    const rootPath = normalize(root);
    const st = yield* call("fstat", fd);
    if (typeof st === "number") {
      b.close(fd);
      throw systemError(b, st, b.syscall.statAt, root);
    }
    const prefix = rootPath === "."
      ? ""
      : rootPath.endsWith(SEPARATOR)
      ? rootPath
      : rootPath + SEPARATOR;
    let L = level(levels, 0);
    L.dev = st.dev;
    L.ino = st.ino!;
    enter(L, fd, rootPath, prefix);
    top = 0;
    if (dirs && (!filtered || included(rootPath, w))) {
      yield walkEntry(
        rootPath,
        basename(rootPath) || rootPath,
        false,
        true,
        false,
        L.dir!,
        stat ? st : undefined,
      );
    }
    if (maxDepth < 1 || (filtered && skipped(rootPath, w))) return;
    while (top >= 0) {
      L = levels[top];
      if (L.i >= L.count) {
        // The first chunk may have been read when the directory was
        // entered: its end or its error is this read's result.
        dropAhead(L);
        const first = L.first;
        L.first = null;
        const r = first !== null && first <= 0
          ? first
          : stat
          ? yield* call("readDirChunkStat", L.fd, L, follow)
          : yield* call("readDirChunk", L.fd, L);
        if (r > 0) {
          L.i = 0;
          continue;
        }
        const dir = L.dir!;
        L.dir = null;
        top--;
        leave(dir);
        if (r < 0) throw systemError(b, r, b.syscall.readDirChunk, L.path);
        continue;
      }
      const i = L.i++;
      const name = L.names[i];
      let kind = L.kinds[i];
      let info: StatResult | undefined;
      let followed = false;
      if (kind === KIND.BAD_NAME) throw badName("walk", name, L.path);
      if (stat) {
        // Described by the chunk's own request (see readDirChunkStat).
        let st = L.infos[i];
        if (typeof st === "number") {
          if (vanished(b, st)) continue;
          throw systemError(b, st, b.syscall.statAt, L.prefix + name);
        }
        if (follow && kind === KIND.UNKNOWN && st.isSymlink) {
          // Not followed by the chunk's request (its type was unknown).
          const t = yield* call("statAt", L.fd, name, true);
          if (typeof t !== "number") {
            st = t;
            followed = true;
          }
        } else if (follow && kind === KIND.SYMLINK && !st.isSymlink) {
          followed = true;
        }
        info = st;
        kind = kindOf(st);
      } else if (kind === KIND.UNKNOWN) {
        kind = yield* kindAt(L.fd, name);
        if (kind < 0) {
          if (vanished(b, kind)) continue;
          throw systemError(b, kind, b.syscall.statAt, L.prefix + name);
        }
      }
      const path = L.prefix + name;
      let isFile = kind === KIND.FILE;
      let isDirectory = kind === KIND.DIR;
      if (kind === KIND.SYMLINK) {
        // With stat, a symlink here is one not followed (or dangling).
        const t = follow && !stat
          ? yield* call("statAt", L.fd, name, true)
          : -1;
        if (typeof t === "number") {
          if (symlinks && (!filtered || included(path, w))) {
            yield walkEntry(path, name, false, false, true, L.dir!, info);
          }
          continue;
        }
        isFile = t.isFile;
        isDirectory = t.isDirectory;
        followed = true;
      }
      if (!isDirectory) {
        if (files && (!filtered || included(path, w))) {
          yield walkEntry(path, name, isFile, isDirectory, false, L.dir!, info);
        }
        continue;
      }
      if (filtered && skipped(path, w)) continue;
      if (dirs && (!filtered || included(path, w))) {
        yield walkEntry(path, name, isFile, isDirectory, false, L.dir!, info);
      }
      if (top + 1 >= maxDepth) continue;
      const child = yield* openChild(
        b,
        levels,
        top,
        name,
        path,
        followed,
        w,
      );
      if (child < 0) continue;
      yield* enterAhead(b, L, top, w, filtered);
      top++;
      enter(levels[top], child, path, path + SEPARATOR);
    }
  } finally {
    for (; top >= 0; top--) {
      dropAhead(levels[top]);
      const dir = levels[top].dir;
      levels[top].dir = null;
      if (dir !== null) leave(dir);
    }
  }
}

/** A walk ready to start: checked arguments, audit event raised. */
interface Start {
  b: Backend;
  root: string;
  dirFd: number | undefined;
  /** The `Dir` given as `dirFd`, if any. */
  given: Handle | null;
  w: Walk;
}

function start(root: PathLike, options: WalkOptions | undefined): Start {
  const o = toOptions(options, "walk");
  const p = toPath(root, "walk");
  // Read once: the Dir itself is kept (see walkCore), its number audited.
  const dirArg = toDirFdArg(o.dirFd, "walk");
  const dirFd = fdOfArg(dirArg, "walk");
  const w = toWalk(o);
  const b = backend();
  if (!hasPrimitive(b, "readDirChunk")) {
    throw notSupported("walk", "a directory descriptor");
  }
  if (dirFd !== undefined && !CAPS.dirFd) throw notSupported("walk", "dirFd");
  if (hooks.length !== 0) {
    audit("os.fwalk", [root, true, null, w.follow, dirFd ?? -1]);
    stillOpen("walk", dirArg);
  }
  const given = dirArg === undefined || typeof dirArg === "number"
    ? null
    : dirArg;
  return { b, root: p, dirFd, given, w };
}

/**
 * Walks a directory tree through descriptors, like Python's `os.fwalk`, with
 * the options and entries of `@std/fs`'s `walkSync`: yields the root (when
 * `includeDirs`), then every entry below it, depth first, each directory's
 * entries in the order the file system lists them, a directory before its
 * contents.
 *
 * Every directory is opened relative to its parent's descriptor, refusing
 * symlinks (`O_NOFOLLOW | O_DIRECTORY`), and entered only if the opened
 * descriptor is the same file (device and inode) that an `lstat` through the
 * parent found: a directory swapped for a symlink (or anything else) while
 * the walk runs is never followed out of the tree; it is skipped, as are
 * entries that disappear. The root itself is opened following symlinks, as
 * `@std/fs` does. Each entry carries its open parent directory, `dir`, for
 * race-free operations on `name`; it is valid only while the entry is being
 * handled.
 *
 * Open descriptors are bounded by the depth of the tree; all are closed when
 * iteration ends, stops early (`break`), or throws. Nothing is opened until
 * iteration starts.
 *
 * A {@linkcode Dir} given as `dirFd` is held from the call: closed before
 * the first `next()`, the walk throws `Deno.errors.BadResource` rather than
 * open the root through a number that may name another directory by then.
 * The walk pins each directory it lists, so closing an `entry.dir` only
 * closes that handle: the walk goes on listing the same directory.
 *
 * Requires `--allow-ffi`, which bypasses Deno's read permission checks.
 * Raises the audit event `os.fwalk` with `[root, true, null, followSymlinks,
 * dirFd]` (`topdown` is always true and errors are thrown, not passed to an
 * `onerror`; `-1` without `dirFd`), then, as Python's `fwalk` does, `open`
 * for each directory opened and `os.scandir` with its descriptor.
 *
 * Differences from `@std/fs`, all with `followSymlinks`: paths of entries
 * under a followed link stay under the root (no canonicalization); a followed
 * link to a non-directory is described by its target (std yields the link as
 * listed); a dangling link is yielded as a symlink (std throws `NotFound`); a
 * link to a directory already on the current branch is yielded but not
 * entered (std goes round the loop until `maxDepth`).
 *
 * @param root The directory to walk.
 * @param options {@linkcode WalkOptions}.
 * @returns An iterable of {@linkcode WalkEntry} objects.
 * @throws {TypeError} On a malformed root or option (when called).
 * @throws {Deno.errors.NotSupported} Without `--allow-ffi` or a backend that
 * reads directories.
 * @throws {Deno.errors.NotFound} When the root does not exist;
 * `NotADirectory` when it is not a directory; `PermissionDenied` when a
 * directory cannot be read.
 * @throws {Deno.errors.InvalidData} For a name that is not valid UTF-8.
 *
 * @example Find TypeScript files, stating each through its directory
 * ```ts
 * import { lstatSync, walkSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${root}/src`);
 * Deno.writeTextFileSync(`${root}/src/main.ts`, "export {};\n");
 * Deno.writeTextFileSync(`${root}/README.md`, "");
 * const found: string[] = [];
 * for (const entry of walkSync(root, { exts: [".ts"], includeDirs: false })) {
 *   const info = lstatSync(entry.name, { dirFd: entry.dir });
 *   found.push(`${entry.path.slice(root.length)} ${info.size}`);
 * }
 * assertEquals(found, ["/src/main.ts 11"]);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function walkSync(
  root: PathLike,
  options: WalkOptions & { stat: true },
): IterableIterator<WalkEntryWithInfo> & Disposable;
/**
 * {@linkcode walkSync} without `stat: true`: entries carry no `info`.
 *
 * @param root See the signature above.
 * @param options See the signature above.
 * @returns See the signature above.
 */
export function walkSync(
  root: PathLike,
  options?: WalkOptions,
): IterableIterator<WalkEntry> & Disposable;
export function walkSync(
  root: PathLike,
  options?: WalkOptions,
): IterableIterator<WalkEntry> & Disposable {
  const { b, root: p, dirFd, given, w } = start(root, options);
  return new SyncDriver(b, walkCore(b, p, dirFd ?? b.AT_FDCWD, given, w));
}

/**
 * Walks a directory tree through descriptors; the async twin of
 * {@linkcode walkSync}, with the same options, entries, audit events and
 * guarantees, like `@std/fs`'s `walk`.
 *
 * Nothing happens until iteration starts: arguments are checked, the audit
 * events raised and the root opened on the first `next()`, so every error
 * arrives as a rejection. Descriptors are closed when iteration ends, stops
 * early or throws. `entry.dir` stays open across `await`s in the loop body
 * until the next entry is requested.
 *
 * With `stat: true`, each entry's `info` is read by the same request as
 * its chunk of the directory (Linux: `getdents64` and a `statx` per entry in
 * one worker task), so describing every entry costs one hand-off per chunk,
 * not one per entry. The next few subdirectories of a directory (up to 4)
 * are entered ahead, in parallel on the pool's workers, while the walk is
 * below the one before them: descriptors stay bounded by the depth of the
 * tree, up to 5 per level.
 *
 * Every syscall of the walk (opens, `fstat`s, `getdents64` chunks, `lstat`s)
 * runs off the main thread where the backend has async twins (Linux), each
 * with its own errno; the walk's logic is the very code of
 * {@linkcode walkSync}. A {@linkcode Dir} given as `dirFd` stays pinned
 * (closing it is deferred) until the walk ends.
 *
 * Requires `--allow-ffi`.
 *
 * @param root The directory to walk.
 * @param options {@linkcode WalkOptions}.
 * @returns An async iterable of {@linkcode WalkEntry} objects.
 * @throws {Deno.errors.NotFound} And the other errors of
 * {@linkcode walkSync}, as rejections.
 *
 * @example Count the files of a tree
 * ```ts
 * import { walk } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${root}/a/b`, { recursive: true });
 * Deno.writeTextFileSync(`${root}/a/b/c.txt`, "");
 * let files = 0;
 * for await (const entry of walk(root)) if (entry.isFile) files++;
 * assertEquals(files, 1);
 * Deno.removeSync(root, { recursive: true });
 * ``` *
 * @example Sum the sizes of a tree, each entry described by the walk
 * ```ts
 * import { walk } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${root}/a`);
 * Deno.writeTextFileSync(`${root}/a/one.txt`, "1");
 * Deno.writeTextFileSync(`${root}/two.txt`, "22");
 * let bytes = 0;
 * for await (const e of walk(root, { stat: true })) {
 *   if (e.isFile) bytes += e.info.size;
 * }
 * assertEquals(bytes, 3);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function walk(
  root: PathLike,
  options: WalkOptions & { stat: true },
): AsyncGenerator<WalkEntryWithInfo, undefined>;
/**
 * {@linkcode walk} without `stat: true`: entries carry no `info`.
 *
 * @param root See the signature above.
 * @param options See the signature above.
 * @returns See the signature above.
 */
export function walk(
  root: PathLike,
  options?: WalkOptions,
): AsyncGenerator<WalkEntry, undefined>;
export async function* walk(
  root: PathLike,
  options?: WalkOptions,
): AsyncGenerator<WalkEntry, undefined> {
  const { b, root: p, dirFd, given, w } = start(root, options);
  w.ahead = AHEAD;
  // A Dir given as dirFd stays pinned (open, its number not reused) for the
  // whole walk; the walk's own directories are its own.
  given?.[acquire]("walk");
  try {
    return yield* driveAsync(
      b,
      walkCore(b, p, dirFd ?? b.AT_FDCWD, given, w),
    );
  } finally {
    given?.[release]();
  }
}

const CAPS = declareCapabilities([walk, walkSync], {
  dirFd: (b) => hasPrimitive(b, "readDirChunk"),
});
