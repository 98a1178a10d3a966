// Copyright 2026 the dirfd authors. MIT license.
import {
  type FdLike,
  fdOfArg,
  type PathLike,
  stillOpen,
  type TimeLike,
  toBool,
  toDirFdArg,
  toId,
  toLength,
  toMode,
  toOptions,
  toPath,
  toTimespec,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import type { FileInfo } from "./_file_info.ts";
import {
  DEVICE,
  ESCAPE,
  resolve,
  type Resolved,
  resolved,
  type ResolveErrno,
  type ResolvePrimitives,
  type ResolveRequest,
  type SymlinkPolicy,
  XDEV,
} from "./ffi/_resolve.ts";
import { acquire, Dir, dirToken, release } from "./dir.ts";
import { withDirFd } from "./_dispatch.ts";
import {
  type DirEntry,
  readDir,
  type ReadDirOptions,
  readDirSync,
} from "./read_dir.ts";
import type { File } from "./file.ts";
import { readAll, readFile, readFileSync } from "./read_file.ts";
import {
  openLeaf,
  openLeafSync,
  type OpenOptions,
  openOptionsOnce,
} from "./open.ts";
import { auditTimes } from "./utime.ts";
import {
  writeFile,
  type WriteFileOptions,
  writeFileSync,
} from "./write_file.ts";
import { walk, type WalkEntry, type WalkOptions, walkSync } from "./walk.ts";
import { SEPARATOR } from "./_path.ts";
import {
  ROOT_OP,
  type RootReply,
  type RootRequest,
  rootRequestBytes,
  writeRootRequest,
} from "./ffi/_root_task.ts";
import {
  type Backend,
  hasPrimitive,
  NOT_UTF8,
  type PrimitiveName,
  type RootSupport,
  type UtimeTimes,
  type With,
} from "./ffi/_types.ts";

export type { SymlinkPolicy };

/**
 * Thrown when a name given to a {@linkcode Root} would lead outside it: an
 * absolute name, more `..` than components, a symlink whose target is
 * absolute or climbs out, (with `noXdev`) a mount point, or on Windows a
 * drive, UNC or device name (`NUL`, `COM1`, …). A
 * `Deno.errors.PermissionDenied`, so code that treats any denial alike keeps
 * working, but a class of its own, so a program can tell an escape from
 * other denials; the same class from every resolution path and platform.
 *
 * @example Tell an escape from other errors
 * ```ts
 * import { openRootSync, PathEscapesError } from "@dirfd/dirfd";
 * import { assertThrows } from "@std/assert";
 *
 * const dir = Deno.makeTempDirSync();
 * using root = openRootSync(dir);
 * assertThrows(() => root.statSync("../etc/passwd"), PathEscapesError);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export class PathEscapesError extends Deno.errors.PermissionDenied {
  /** `"EXDEV"`, openat2's answer to an escape, on every platform. */
  readonly code = "EXDEV";
  /** The name that would escape. */
  readonly path: string;
  /** The path of the root it would escape from. */
  readonly root: string;

  /**
   * Builds the error for `path`, given to the Root opened at `root`.
   *
   * @param path The name that would escape.
   * @param root The root's path.
   * @param how What the name does (the end of the message).
   */
  constructor(path: string, root: string, how = "escapes from the root") {
    super(`path '${path}' ${how} '${root}'`);
    this.name = "PathEscapes";
    this.path = path;
    this.root = root;
  }
}

/** Options for {@linkcode openRoot} and {@linkcode openRootSync}. */
export interface OpenRootOptions {
  /**
   * Resolve a relative `path` against this open directory. The root's own
   * path is opened like `openDir`, following symlinks in it; the guarantee
   * applies to the names given to the Root afterwards.
   */
  dirFd?: FdLike;
  /**
   * How symlinks met inside the root are followed:
   * - `"beneath"` (default, Go's `os.Root`): followed while they stay
   *   inside; an absolute target, or a relative one that climbs out, is an
   *   escape ({@linkcode PathEscapesError}).
   * - `"inRoot"`: chroot-style, like `RESOLVE_IN_ROOT`: an absolute target
   *   starts at the root, and `..` at the root stays there.
   * - `"none"`: no symlink is followed (`FilesystemLoop` where one is met).
   */
  symlinks?: SymlinkPolicy;
  /** Refuse to cross a mount point (a directory on another device). */
  noXdev?: boolean;
}

/** Options of {@linkcode Root.mkdirSync}. */
export interface RootMkdirOptions {
  /** Permission bits (0 to 0o777) before the umask; default `0o777`. */
  mode?: number;
  /** Create missing parents too, and succeed if the directory exists. */
  recursive?: boolean;
}

/** Options of {@linkcode Root.removeSync}. */
export interface RootRemoveOptions {
  /** Remove a directory and everything beneath it; a missing name is fine. */
  recursive?: boolean;
}

/** Options of the Root calls that may act on a symlink itself. */
export interface RootFollowOptions {
  /**
   * When `false`, act on a final symlink itself rather than on its target
   * (which must stay inside the root). Default `true`.
   */
  followSymlinks?: boolean;
}

/** Options of {@linkcode Root.symlinkSync}. */
export interface RootSymlinkOptions {
  /** Windows: make a directory link for a target that does not exist. */
  targetIsDirectory?: boolean;
}

/** Options of {@linkcode Root.walkSync}. */
export type RootWalkOptions = Omit<WalkOptions, "followSymlinks" | "dirFd">;

/** How a name's last component is taken: as is, followed, or followed
 * with the canonical names kept (realPath: never the kernel path). */
const NOFOLLOW = 0, FOLLOW = 1, NAMES = 2;

/**
 * A directory that names are resolved beneath: every method of a `Root`
 * takes a name relative to it, and that name — whatever it holds (`..`,
 * absolute parts, symlinks that another process swaps in meanwhile) — is
 * resolved inside the directory, or the call fails with
 * {@linkcode PathEscapesError}. Go's `os.Root` semantics:
 *
 * - `..` never climbs above the root, and is resolved by returning to a
 *   directory held open on the way down, never by `openat(dir, "..")`.
 * - Symlinks are followed only while they stay inside (see
 *   {@linkcode OpenRootOptions.symlinks}); at most 40 per call.
 * - A final symlink is followed (inside) by `stat`, `chmod`, `chown`,
 *   `utime`, `readDir`, `walk`, `realPath` and `openRoot`; acted on itself by
 *   `lstat`, `readLink`, `remove`, `rename` and `link`; refused (it exists)
 *   by `mkdir` and `symlink`.
 * - A trailing `/` requires a directory (a symlink to one is followed
 *   inside; anything else is `NotADirectory`).
 *
 * On Windows the same contract holds, with Windows' own name rules (Go's
 * `os.Root` there): `/` and `\` both separate, and `..` is resolved
 * lexically, in the text, before anything is opened (`a/../b` is `b` even
 * when `a` is a link, a file or missing; a link's target is cleaned after
 * the canonical names of the link's directory); a drive (`C:\x`, `C:x`), UNC
 * (`\\server\x`), `\\?\` or rooted name, and a `:` anywhere, is an escape; a
 * `?` is Windows' invalid-name error; a device name (`NUL`, `CON`, `PRN`,
 * `AUX`, `COM1`–`COM9`, `LPT1`–`LPT9`, `CONIN$`, `CONOUT$`, also with an
 * extension) is refused with {@linkcode PathEscapesError}. Components are
 * opened with `NtCreateFile` relative to their parent's handle, the parent
 * first in one call with `OBJ_DONT_REPARSE` (which fails at any reparse
 * point), else one component at a time, each opened as itself
 * (`FILE_OPEN_REPARSE_POINT`); symlinks and junctions are links (a
 * junction's target is absolute: an escape unless `"inRoot"`). `symlink`
 * sets the reparse point on an entry created relative to the parent's
 * handle (which takes `SeCreateSymbolicLinkPrivilege`, as in Go);
 * `chown` throws `NotSupported` there.
 *
 * A Root is also a {@linkcode Dir}: it works wherever a `Dir` is accepted
 * (as `dirFd`, or in place of a path). Those calls resolve names the plain
 * `*at` way, without the Root's guarantee.
 *
 * What a Root does not guard against: mount points inside it (unless
 * `noXdev`), `/proc`'s magic links reached by a name that stays inside,
 * device files, and hard links that others make to files outside. It works
 * through FFI, so Deno's `--allow-read`/`--allow-write` lists do not apply:
 * a Root is confinement a program chooses, not Deno's sandbox.
 *
 * @example Serve files from a directory, refusing escapes
 * ```ts
 * import { openRootSync, PathEscapesError } from "@dirfd/dirfd";
 * import { assertEquals, assertThrows } from "@std/assert";
 *
 * const dir = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${dir}/docs`);
 * Deno.writeTextFileSync(`${dir}/docs/a.txt`, "hello");
 * Deno.symlinkSync("/etc", `${dir}/docs/etc`);
 * using root = openRootSync(dir);
 * assertEquals(root.statSync("docs/a.txt").size, 5);
 * assertEquals(root.realPathSync("docs/../docs/./a.txt"), "docs/a.txt");
 * assertThrows(() => root.statSync("docs/etc/passwd"), PathEscapesError);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export class Root extends Dir {
  /** How symlinks inside the root are followed. */
  readonly symlinks: SymlinkPolicy;
  /** Whether crossing a mount point is refused. */
  readonly noXdev: boolean;
  readonly #dev: number;

  /**
   * Not for direct use: {@linkcode openRoot} and {@linkcode openRootSync}
   * create `Root`s.
   *
   * @param key Internal token.
   * @param fd The open directory descriptor this `Root` now owns.
   * @param path The path it was opened with.
   * @param symlinks The symlink policy.
   * @param dev The device of the directory when `noXdev`, else -1.
   */
  constructor(
    key: symbol,
    fd: number,
    path: string,
    symlinks: SymlinkPolicy,
    dev: number,
  ) {
    super(key, fd, path);
    this.symlinks = symlinks;
    this.noXdev = dev >= 0;
    this.#dev = dev;
  }

  /**
   * Resolves `name` and runs `op` on the directory holding its last
   * component; the root stays pinned and every descriptor the resolution
   * opened is closed before this returns. Failures are thrown as errors.
   */
  #at<T>(
    fn: string,
    name: unknown,
    how: number,
    op: (b: RootBackend, r: Resolved, n: string) => T | number,
    syscall: PrimitiveName | ((b: RootBackend) => PrimitiveName),
    mkdirMode = -1,
  ): T {
    return this.#atName(
      fn,
      rootName(name, `Root.${fn}`),
      how,
      op,
      syscall,
      mkdirMode,
    );
  }

  /** {@linkcode Root.#at} for a name `rootName` has already checked. */
  #atName<T>(
    fn: string,
    checked: string,
    how: number,
    op: (b: RootBackend, r: Resolved, n: string) => T | number,
    syscall: PrimitiveName | ((b: RootBackend) => PrimitiveName),
    mkdirMode = -1,
  ): T {
    let n = checked;
    const b = need(fn);
    if (b.rootName !== undefined) {
      // Windows: cleaned lexically, refused before any call.
      const c = b.rootName(n, this.symlinks === "inRoot");
      if (typeof c === "number") throw this.#error(b, c, "openDirAt", n);
      n = c;
    }
    const fd = this[acquire](`Root.${fn}`);
    const r = resolved();
    try {
      // One plain component (no "/", ".", ".."): the root is its directory,
      // and only a symlink there needs the resolver. A dirFd call's cost.
      if (
        !this.#plain(b, fd, n, how, r) &&
        !this.#kernel(b, fd, n, how, mkdirMode, r)
      ) {
        const e = resolve(
          this.#prims(b),
          fd,
          n,
          {
            symlinks: this.symlinks,
            follow: how !== NOFOLLOW,
            mkdirMode,
          } satisfies ResolveRequest,
          r,
        );
        if (e < 0) throw this.#error(b, e, "openDirAt", n);
      }
      try {
        const v = op(b, r, n);
        if (typeof v === "number" && v < 0) {
          throw this.#error(
            b,
            v,
            typeof syscall === "string" ? syscall : syscall(b),
            n,
          );
        }
        return v as T;
      } finally {
        if (r.owned) b.close(r.dir);
      }
    } finally {
      this[release]();
    }
  }

  /**
   * Fills `r` for a name of one plain component without a symlink there;
   * false when the resolver must run instead.
   */
  #plain(
    b: RootBackend,
    fd: number,
    n: string,
    how: number,
    r: Resolved,
  ): boolean {
    if (n === "" || n === "." || n === ".." || n.includes("/")) return false;
    r.dir = fd;
    r.leaf = n;
    if (how !== NOFOLLOW) {
      // The platform's own lookup (Windows: its resolver primitives).
      const st = (b.rootResolve ?? b).statAt(fd, n, false);
      if (typeof st === "number") {
        if (st !== -errnos(b).ENOENT) return false;
      } else if (st.isSymlink) return false;
      else r.info = st;
    }
    return true;
  }

  /**
   * The one-syscall path (Linux `openat2`): the kernel resolves the parent
   * beneath the root under the same rules; the leaf is then as in
   * {@linkcode Root.#plain}. False when the resolver must run instead: no
   * `openat2`, a name to create parents for, `realPath` (which needs the
   * names), a symlink in the leaf to follow, or a kernel answer that does
   * not settle the outcome (`EAGAIN` four times, `ENOSYS`, `EPERM`, and
   * `EXDEV` with `noXdev`, which could mean an escape or a mount).
   */
  #kernel(
    b: RootBackend,
    fd: number,
    n: string,
    how: number,
    mkdirMode: number,
    r: Resolved,
  ): boolean {
    const open = b.openBeneath;
    if (
      open === undefined || mkdirMode >= 0 || how === NAMES
    ) {
      return false;
    }
    if (n === "" || (n.startsWith("/") && this.symlinks !== "inRoot")) {
      return false;
    }
    const slash = n.lastIndexOf("/");
    const tail = n.slice(slash + 1);
    const whole = tail === "" || tail === "." || tail === "..";
    const parent = whole ? n : slash < 0 ? "." : n.slice(0, slash) || "/";
    const E = errnos(b);
    const dir = this.#beneath(b, open, fd, parent, n);
    if (dir < 0) return false;
    r.dir = dir;
    r.owned = true;
    r.leaf = whole ? "." : tail;
    if (how === FOLLOW && !whole) {
      const st = (b.rootResolve ?? b).statAt(dir, tail, false);
      if (typeof st !== "number" && st.isSymlink) {
        b.close(dir);
        r.owned = false;
        return false;
      }
      if (typeof st === "number" && st !== -E.ENOENT) {
        b.close(dir);
        r.owned = false;
        throw this.#error(b, st, "statAt", n);
      }
      if (typeof st !== "number") r.info = st;
    }
    return true;
  }

  /**
   * `openat2` of `path` beneath the root descriptor `fd`, retried on
   * `EAGAIN`: the descriptor, or -1 when the kernel's answer does not settle
   * the outcome (the resolver must run); any other failure is thrown, an
   * escape as {@linkcode PathEscapesError}.
   */
  #beneath(
    b: RootBackend,
    open: NonNullable<RootBackend["openBeneath"]>,
    fd: number,
    path: string,
    n: string,
    flags?: number,
  ): number {
    const E = errnos(b);
    let r = -E.EAGAIN;
    for (let i = 0; i < 4 && r === -E.EAGAIN; i++) {
      r = open(fd, path, this.symlinks, this.noXdev, flags);
    }
    if (r >= 0) return r;
    if (r === -E.EXDEV && !this.noXdev) {
      throw this.#error(b, ESCAPE, "openBeneath", n);
    }
    if (
      r === -E.EXDEV || r === -E.EAGAIN || r === -E.ENOSYS || r === -E.EPERM
    ) {
      return -1;
    }
    throw this.#error(b, r, "openBeneath", n);
  }

  /**
   * The kernel's open-beneath when it may resolve `n` whole (as in
   * {@linkcode Root.#kernel}), else undefined.
   */
  #direct(b: RootBackend, n: string): RootBackend["openBeneath"] {
    return n !== "" && (!n.startsWith("/") || this.symlinks === "inRoot")
      ? b.openBeneath
      : undefined;
  }

  /**
   * `statSync`/`lstatSync` in one `openat2` of the whole name (`O_PATH` and
   * `O_NOFOLLOW`: the last component itself, link or not) and an `fstat` of
   * the descriptor; null when the resolver must run instead (no `openat2`,
   * an unsettled answer, or a final link that `stat` must follow).
   */
  #statDirect(n: string, follow: boolean): FileInfo | null {
    const b = need(follow ? "stat" : "lstat");
    const open = this.#direct(b, n);
    const c = b.file?.constants;
    if (open === undefined || c?.O_PATH === undefined) return null;
    const fd = this[acquire](follow ? "Root.stat" : "Root.lstat");
    try {
      const leaf = this.#beneath(b, open, fd, n, n, c.O_PATH | c.O_NOFOLLOW);
      if (leaf < 0) return null;
      const st = b.fstat(leaf);
      b.close(leaf);
      if (typeof st === "number") throw this.#error(b, st, "fstat", n);
      return follow && st.isSymlink ? null : st;
    } finally {
      this[release]();
    }
  }

  /**
   * `readFileSync` in one `openat2` of the whole name (the kernel follows a
   * final symlink beneath the root, under the same rules as the resolver);
   * null when that path is not available or does not settle the outcome, as
   * for {@linkcode Root.#kernel}.
   */
  #readDirect(n: string): Uint8Array<ArrayBuffer> | null {
    const b = need("readFile");
    const f = b.file;
    const open = this.#direct(b, n);
    if (open === undefined || f === undefined) return null;
    const flags = f.constants.O_RDONLY | f.constants.O_CLOEXEC;
    if (hooks.length !== 0) audit("open", [n, null, flags]);
    const root = this[acquire]("Root.readFile");
    try {
      const fd = this.#beneath(b, open, root, n, n, flags);
      if (fd < 0) return null;
      const r = readAll(f, fd);
      b.close(fd);
      if (typeof r === "number") throw systemError(b, r, "readfile", n);
      return r as Uint8Array<ArrayBuffer>;
    } finally {
      this[release]();
    }
  }

  /**
   * Whether the link target `t` of the link `n`, taken from the link's
   * directory, is a directory inside the root (false for anything else,
   * an escape included).
   */
  #targetIsDir(n: string, t: string): boolean {
    try {
      return this.statSync(targetFrom(n, t)).isDirectory;
    } catch {
      return false;
    }
  }

  /** Whether `name` resolves, inside the root, to nothing (ENOENT). */
  #absent(name: string): boolean {
    try {
      this.statSync(name);
      return false;
    } catch (e) {
      return e instanceof Deno.errors.NotFound;
    }
  }

  /** The resolver's primitives; with `noXdev`, a device check too. */
  #prims(b: RootBackend): ResolvePrimitives {
    const base = prims(b);
    if (this.#dev < 0) return base;
    const dev = this.#dev;
    return {
      ...base,
      crosses(fd) {
        const st = b.fstat(fd);
        return typeof st === "number" || st.dev !== dev;
      },
    };
  }

  #error(b: Backend, e: number, k: PrimitiveName, name: string): Error {
    const syscall = sc(b, k);
    if (e === ESCAPE) return new PathEscapesError(name, this.path);
    if (e === XDEV) {
      return new PathEscapesError(name, this.path, "crosses a mount point in");
    }
    if (e === DEVICE) {
      return new PathEscapesError(
        name,
        this.path,
        "names a Windows device, not a file in",
      );
    }
    if (e === NOT_UTF8) {
      return new Deno.errors.InvalidData(
        `${syscall} '${name}': a symlink on the way has a target that is not valid UTF-8`,
      );
    }
    return systemError(b, e, syscall, name);
  }

  /**
   * The `FileInfo` of `name`, following a final symlink inside the root
   * (Go's `Root.Stat`).
   *
   * @param name A name relative to the root.
   * @returns Its `FileInfo`.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  statSync(name: string): FileInfo {
    const n = rootName(name, "Root.stat");
    if (n.includes("/")) {
      const direct = this.#statDirect(n, true);
      if (direct !== null) return direct;
    }
    return this.#atName(
      "stat",
      n,
      FOLLOW,
      // The resolver's lstat of the leaf, when it took one, is a FileInfo.
      (b, r) => (r.info as FileInfo | null) ?? b.statAt(r.dir, r.leaf, false),
      "statAt",
    );
  }

  /**
   * The `FileInfo` of `name` itself: a final symlink is not followed
   * (Go's `Root.Lstat`).
   *
   * @param name A name relative to the root.
   * @returns Its `FileInfo`.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  lstatSync(name: string): FileInfo {
    const n = rootName(name, "Root.lstat");
    if (n.includes("/")) {
      const direct = this.#statDirect(n, false);
      if (direct !== null) return direct;
    }
    return this.#atName(
      "lstat",
      n,
      NOFOLLOW,
      (b, r) => b.statAt(r.dir, r.leaf, false),
      "statAt",
    );
  }

  /**
   * The target of the symlink `name` (which itself may be anywhere inside
   * the root; the target is returned as written, not resolved).
   *
   * @param name A name relative to the root.
   * @returns The link's target.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  readLinkSync(name: string): string {
    return this.#at("readLink", name, NOFOLLOW, (b, r) => {
      const t = (b.rootResolve ?? b).readLinkAt(r.dir, r.leaf);
      return t === NOT_UTF8 ? notUtf8(name) : t;
    }, "readLinkAt");
  }

  /**
   * Creates a directory. With `recursive`, missing parents are created too
   * (Go's `MkdirAll`; concurrent calls for one path all succeed), and an
   * existing directory — or a symlink to one inside the root — is fine.
   *
   * @param name A name relative to the root.
   * @param options `mode` (0 to 0o777) and `recursive`.
   * @throws {PathEscapesError} When the name leads outside the root.
   * @throws {Deno.errors.AlreadyExists} When it exists (without `recursive`).
   */
  mkdirSync(name: string, options?: RootMkdirOptions): void {
    const o = toOptions(options, "Root.mkdir");
    const modeOpt = o.mode; // read once
    const mode = modeOpt === undefined
      ? 0o777
      : toMode(modeOpt, "Root.mkdir", 0o777);
    const recursive = toBool(o.recursive, "Root.mkdir", "recursive");
    const n = stripSlashes(rootName(name, "Root.mkdir"));
    if (hooks.length !== 0) audit("os.mkdir", [name, mode, this.fd]);
    const made = this.#at(
      "mkdir",
      n,
      NOFOLLOW,
      (b, r) => {
        const e = b.mkdirAt(r.dir, r.leaf, mode);
        return e === -errnos(b).EEXIST && recursive ? 1 : e;
      },
      "mkdirAt",
      recursive ? mode : -1,
    );
    // It exists: fine if it is (or leads, inside the root, to) a directory.
    if (made === 1 && !this.statSync(n).isDirectory) {
      const b = need("mkdir");
      throw systemError(b, -errnos(b).EEXIST, sc(b, "mkdirAt"), n);
    }
  }

  /**
   * Removes a file, a symlink (never what it points to) or an empty
   * directory. With `recursive`, a directory and everything beneath it —
   * every level opened with `O_NOFOLLOW` relative to the one above, so a
   * symlink swapped in meanwhile is removed, not followed (immune to Rust's
   * CVE-2022-21658 and Python's bpo-4489) — and a missing name is fine.
   *
   * @param name A name relative to the root (not the root itself).
   * @param options `recursive`.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  removeSync(name: string, options?: RootRemoveOptions): void {
    const o = toOptions(options, "Root.remove");
    const recursive = toBool(o.recursive, "Root.remove", "recursive");
    const given = rootName(name, "Root.remove");
    const n = stripSlashes(given);
    if (hooks.length !== 0) audit("os.remove", [name, this.fd]);
    // "name/" must lead, inside the root, to a directory (or be absent, for
    // recursive); the link itself is then refused below.
    if (n !== given && !(recursive && this.#absent(given))) {
      this.statSync(given);
    }
    this.#at("remove", n, NOFOLLOW, (b, r) => {
      const E = errnos(b);
      if (r.leaf === ".") return -E.EINVAL;
      if (n !== given) {
        // "name/": only a directory (not a link to one) is removed.
        const st = b.statAt(r.dir, r.leaf, false);
        if (typeof st === "number") {
          return recursive && st === -E.ENOENT ? 0 : st;
        }
        if (!st.isDirectory) return -E.ENOTDIR;
      }
      return recursive
        ? removeAll(b, r.dir, r.leaf)
        : removeOne(b, r.dir, r.leaf);
    }, "unlinkAt");
  }

  /**
   * Renames `from` to `to`, both inside the root; a final symlink is renamed
   * itself. Replaces an existing `to` as `rename(2)` does.
   *
   * @param from A name relative to the root.
   * @param to A name relative to the root.
   * @throws {PathEscapesError} When either name leads outside the root.
   */
  renameSync(from: string, to: string): void {
    rootName(from, "Root.rename"); // checked first, as the async twin does
    const dst = rootName(to, "Root.rename");
    if (hooks.length !== 0) audit("os.rename", [from, to, this.fd, this.fd]);
    this.#at(
      "rename",
      from,
      NOFOLLOW,
      (b, src) =>
        this.#at(
          "rename",
          dst,
          NOFOLLOW,
          // Replacing `to`, as rename(2) (on Windows too).
          (_, d) =>
            (b.replaceAt ?? b.renameAt)(src.dir, src.leaf, d.dir, d.leaf),
          "renameAt",
        ),
      "renameAt",
    );
  }

  /**
   * Makes a hard link `to` for `from` (a final symlink in `from` is linked
   * itself, not followed).
   *
   * @param from An existing name relative to the root.
   * @param to The new name relative to the root.
   * @throws {PathEscapesError} When either name leads outside the root.
   */
  linkSync(from: string, to: string): void {
    rootName(from, "Root.link"); // checked first, as the async twin does
    const dst = rootName(to, "Root.link");
    if (hooks.length !== 0) audit("os.link", [from, to, this.fd, this.fd]);
    this.#at(
      "link",
      from,
      NOFOLLOW,
      (b, src) =>
        this.#at(
          "link",
          dst,
          NOFOLLOW,
          (_, d) => b.linkAt(src.dir, src.leaf, d.dir, d.leaf, false),
          "linkAt",
        ),
      "linkAt",
    );
  }

  /**
   * Creates the symlink `name` pointing at `target`. The target is stored as
   * given and not checked (as Go's `Root.Symlink`): a link that points out
   * of the root can be made, but a Root never follows it.
   *
   * @param target The link's contents.
   * @param name The new link, relative to the root.
   * @param options `targetIsDirectory` (Windows only).
   * @throws {PathEscapesError} When `name` leads outside the root.
   */
  symlinkSync(
    target: string,
    name: string,
    options?: RootSymlinkOptions,
  ): void {
    const o = toOptions(options, "Root.symlink");
    const t = toPath(target, "Root.symlink", "target");
    const dirTarget = toBool(
      o.targetIsDirectory,
      "Root.symlink",
      "targetIsDirectory",
    );
    if (hooks.length !== 0) audit("os.symlink", [target, name, this.fd]);
    const own = need("symlink").rootSymlink;
    // Windows: a directory link when asked, or when the target, taken from
    // the link's directory, is a directory inside the root (Go's rule).
    const isDir = own !== undefined &&
      (dirTarget || this.#targetIsDir(rootName(name, "Root.symlink"), t));
    this.#at(
      "symlink",
      name,
      NOFOLLOW,
      // The name is resolved first: an escape is reported as one.
      (b, r) =>
        own !== undefined
          ? own.call(b, t, r.dir, r.leaf, isDir)
          : noSymlink(b) ?? b.symlinkAt(t, r.dir, r.leaf, dirTarget),
      "symlinkAt",
    );
  }

  /**
   * Changes the permission bits of `name`. A final symlink is followed
   * inside the root; the change itself never follows a link, so a link
   * swapped in after the resolution is not followed out (CVE-2026-32282).
   * With `followSymlinks: false` the link itself is changed, where the
   * platform can (Linux refuses with `EOPNOTSUPP`). Without `fchmodat2`
   * (Linux before 6.6), only directories can be changed this way; a file
   * is `NotSupported`.
   *
   * @param name A name relative to the root.
   * @param mode Permission bits, 0 to 0o7777.
   * @param options `followSymlinks`.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  chmodSync(name: string, mode: number, options?: RootFollowOptions): void {
    const o = toOptions(options, "Root.chmod");
    const m = toMode(mode, "Root.chmod");
    const follow = toBool(
      o.followSymlinks,
      "Root.chmod",
      "followSymlinks",
      true,
    );
    if (hooks.length !== 0) audit("os.chmod", [name, m, this.fd]);
    this.#at("chmod", name, follow ? FOLLOW : NOFOLLOW, (b, r) => {
      if (b.lchmodAt !== undefined) return b.lchmodAt(r.dir, r.leaf, m);
      // No chmod that refuses a link here: a directory can be changed
      // through a descriptor opened without following.
      const fd = b.openDirAt(r.dir, r.leaf, false);
      const E = errnos(b);
      if (fd === -E.ENOTDIR || fd === -E.ELOOP) {
        throw notSupported(
          "Root.chmod",
          "a chmod of a file that never follows a link (fchmodat2)",
        );
      }
      if (fd < 0) return fd;
      const e = b.fchmod(fd, m);
      b.close(fd);
      return e;
    }, (b) => b.lchmodAt !== undefined ? "lchmodAt" : "fchmod");
  }

  /**
   * Changes the owner and group of `name` (`-1` leaves one unchanged). A
   * final symlink is followed inside the root, and the change is made
   * without following (`AT_SYMLINK_NOFOLLOW`): a link swapped in meanwhile is
   * changed itself, never its target.
   *
   * @param name A name relative to the root.
   * @param uid The new owner, or -1.
   * @param gid The new group, or -1.
   * @param options `followSymlinks`.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  chownSync(
    name: string,
    uid: number,
    gid: number,
    options?: RootFollowOptions,
  ): void {
    const o = toOptions(options, "Root.chown");
    const u = toId(uid, "Root.chown", "uid");
    const g = toId(gid, "Root.chown", "gid");
    const follow = toBool(
      o.followSymlinks,
      "Root.chown",
      "followSymlinks",
      true,
    );
    if (hooks.length !== 0) audit("os.chown", [name, u, g, this.fd]);
    const chown = chownOf(need("chown"));
    this.#at(
      "chown",
      name,
      follow ? FOLLOW : NOFOLLOW,
      (b, r) => chown.call(b, r.dir, r.leaf, u, g, false),
      "chownAt",
    );
  }

  /**
   * Sets the access and modification times of `name` (seconds as numbers,
   * `Date`s, or bigint nanoseconds). Like {@linkcode Root.chownSync}, a
   * final symlink is followed inside and the change never follows a link.
   *
   * @param name A name relative to the root.
   * @param atime The access time.
   * @param mtime The modification time.
   * @param options `followSymlinks`.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  utimeSync(
    name: string,
    atime: TimeLike,
    mtime: TimeLike,
    options?: RootFollowOptions,
  ): void {
    const o = toOptions(options, "Root.utime");
    const [as, an] = toTimespec(atime, "Root.utime", "atime");
    const [ms, mn] = toTimespec(mtime, "Root.utime", "mtime");
    const follow = toBool(
      o.followSymlinks,
      "Root.utime",
      "followSymlinks",
      true,
    );
    const times: UtimeTimes = {
      atimeSec: as,
      atimeNsec: an,
      mtimeSec: ms,
      mtimeNsec: mn,
    };
    if (hooks.length !== 0) {
      audit("os.utime", [name, ...auditTimes(atime, mtime, times), this.fd]);
    }
    this.#at(
      "utime",
      name,
      follow ? FOLLOW : NOFOLLOW,
      (b, r) => b.utimeAt(r.dir, r.leaf, times, false),
      "utimeAt",
    );
  }

  /**
   * Opens a file beneath the root, like {@linkcode openSync} (Deno's
   * options, plus `followSymlinks` and `flags`; not `dirFd`). A final
   * symlink is followed inside the root, except with `createNew` (an
   * existing link, dangling or not, is `AlreadyExists`: CVE-2025-0913) or
   * `followSymlinks: false`; the open itself never follows one
   * (`O_NOFOLLOW`), so a link swapped in meanwhile is refused
   * (`FilesystemLoop`), not followed out.
   *
   * @param name A name relative to the root.
   * @param options `Deno.OpenOptions`, `followSymlinks`, `flags`.
   * @returns The open {@linkcode File}; its `path` is the root's path
   * joined with `name`.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  openSync(name: string, options?: RootOpenOptions): File {
    const o = rootOpenOptions(options, "Root.open");
    const n = rootName(name, "Root.open");
    const how = o.createNew === true || o.followSymlinks === false
      ? NOFOLLOW
      : FOLLOW;
    const path = joinName(this.path, n);
    return this.#at(
      "open",
      n,
      how,
      (_b, r) => openLeafSync(r.dir, r.leaf, o, path, "Root.open"),
      "openDirAt",
    );
  }

  /**
   * Creates (or truncates) a file beneath the root for reading and writing,
   * like {@linkcode createSync}: {@linkcode Root.openSync} with
   * `{ read, write, create, truncate }`.
   *
   * @param name A name relative to the root.
   * @returns The open {@linkcode File}.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  createSync(name: string): File {
    return this.openSync(name, CREATE);
  }

  /**
   * Reads a whole file beneath the root (a final symlink followed inside,
   * the open never following one).
   *
   * @param name A name relative to the root.
   * @returns The file's bytes.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  readFileSync(name: string): Uint8Array<ArrayBuffer> {
    const n = rootName(name, "Root.readFile");
    const direct = this.#readDirect(n);
    if (direct !== null) return direct;
    return this.#at(
      "readFile",
      n,
      FOLLOW,
      (_b, r) => readFileSync(r.leaf, { dirFd: r.dir, followSymlinks: false }),
      "openDirAt",
    );
  }

  /**
   * Reads a whole file beneath the root as UTF-8 text.
   *
   * @param name A name relative to the root.
   * @returns The text.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  readTextFileSync(name: string): string {
    return utf8.decode(this.readFileSync(name));
  }

  /**
   * Writes a whole file beneath the root, like {@linkcode writeFileSync}
   * (Deno's options and `atomic`; not `dirFd`). A final symlink is followed
   * inside the root (not with `createNew`), and the write itself never
   * follows one: with `atomic`, a temporary file beside the target is
   * renamed over it.
   *
   * @param name A name relative to the root.
   * @param data The bytes.
   * @param options `append`, `create`, `createNew`, `mode`, `atomic`.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  writeFileSync(
    name: string,
    data: Uint8Array,
    options?: RootWriteFileOptions,
  ): void {
    const o = rootWriteOptions(options, "Root.writeFile");
    const n = rootName(name, "Root.writeFile");
    this.#at(
      "writeFile",
      n,
      o.createNew === true ? NOFOLLOW : FOLLOW,
      (_b, r) =>
        writeFileSync(r.leaf, data, {
          ...o,
          dirFd: r.dir,
          followSymlinks: false,
        }),
      "openDirAt",
    );
  }

  /**
   * Writes a whole file beneath the root as UTF-8 text; see
   * {@linkcode Root.writeFileSync}.
   *
   * @param name A name relative to the root.
   * @param text The text.
   * @param options `append`, `create`, `createNew`, `mode`, `atomic`.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  writeTextFileSync(
    name: string,
    text: string,
    options?: RootWriteFileOptions,
  ): void {
    if (typeof text !== "string") {
      throw new TypeError("Root.writeTextFile: data must be a string");
    }
    this.writeFileSync(name, utf8e.encode(text), options);
  }

  /**
   * Truncates (or extends with zeros) a file beneath the root to `length`
   * bytes (default 0), through a descriptor opened without following a
   * final link.
   *
   * @param name A name relative to the root.
   * @param length The new length.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  truncateSync(name: string, length = 0): void {
    const len = toLength(length, "Root.truncate");
    using f = this.openSync(name, { write: true });
    f.truncateSync(Number(len));
  }

  /**
   * The canonical name of `name` relative to the root: every symlink
   * resolved (inside), no `.` or `..`; `"."` for the root itself.
   *
   * @param name A name relative to the root.
   * @returns The canonical name.
   * @throws {PathEscapesError} When the name leads outside the root.
   * @throws {Deno.errors.NotFound} When it does not exist.
   */
  realPathSync(name: string): string {
    return this.#at("realPath", name, NAMES, (b, r) => {
      if (r.leaf !== "." && r.info === null) {
        const st = b.statAt(r.dir, r.leaf, false);
        if (typeof st === "number") return st;
      }
      const parts = r.leaf === "." ? r.parents : [...r.parents, r.leaf];
      return parts.length === 0 ? "." : parts.join("/");
    }, "statAt");
  }

  /**
   * Opens a directory beneath this root as a Root of its own, with the same
   * options.
   *
   * @param name A name relative to the root.
   * @returns The new Root (close it too).
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  openRootSync(name: string): Root {
    const n = rootName(name, "Root.openRoot");
    const fd = this.#at(
      "openRoot",
      n,
      FOLLOW,
      (b, r) => b.openDirAt(r.dir, r.leaf, false),
      "openDirAt",
    );
    return new Root(
      dirToken,
      fd,
      joinName(this.path, n),
      this.symlinks,
      this.#dev,
    );
  }

  /**
   * Lists the directory `name` (default: the root itself), like
   * `Deno.readDirSync`.
   *
   * @param name A name relative to the root.
   * @param options {@linkcode ReadDirOptions}: `stat: true` gives each entry
   * its `info` (`lstat`'s), read with the listing.
   * @returns The entries, as an iterable that closes the listing when done.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  readDirSync(
    name = ".",
    options?: ReadDirOptions,
  ): IterableIterator<DirEntry> & Disposable {
    const o = readDirOptions(options);
    using dir = this.openRootSync(name);
    return readDirSync(dir, o);
  }

  /**
   * Walks the tree under `name` (default: the root itself), like
   * {@linkcode walkSync}, with paths relative to the root (`/`-separated
   * on every platform, as realPath gives them). Symlinks are listed, never
   * followed: the walk cannot be led out of the root.
   *
   * @param name A name relative to the root.
   * @param options The options of {@linkcode walkSync}, without
   * `followSymlinks` and `dirFd`.
   * @returns The entries.
   * @throws {PathEscapesError} When the name leads outside the root.
   */
  *walkSync(
    name = ".",
    options?: RootWalkOptions,
  ): IterableIterator<WalkEntry> {
    const o = walkOptions(options);
    const base = this.realPathSync(name);
    using dir = this.openRootSync(name);
    for (
      const e of walkSync(".", { ...o, dirFd: dir, followSymlinks: false })
    ) {
      yield rebase(base, e);
    }
  }

  // ------------------------------------------------------------------ async
  //
  // Each async method is one pool request: the task of ffi/_root_task.ts
  // resolves the name (with the same resolver as the sync methods) and
  // performs the operation on the worker, so the event loop never waits for
  // a syscall and a call costs one hand-off however many components it has.

  /** Runs one root task request; throws its failure as an error. */
  async #call(
    fn: string,
    n: string,
    op: number,
    how: number,
    extra: Partial<RootRequest>,
    syscall: PrimitiveName,
  ): Promise<RootReply> {
    const b = need(fn);
    const fd = this[acquire](`Root.${fn}`);
    try {
      const req: RootRequest = {
        op,
        policy: POLICY[this.symlinks],
        follow: how === FOLLOW,
        mkdirMode: -1,
        a1: 0,
        a2: 0,
        name1: n,
        noXdev: this.noXdev,
        ...extra,
      };
      const io = new Uint8Array(rootRequestBytes(req));
      const used = writeRootRequest(io, b.rootPlatform, req);
      const r = await b.rootCall(fd, io.subarray(0, used));
      if (r.ret < 0) throw this.#error(b, r.ret, syscall, n);
      return r;
    } finally {
      this[release]();
    }
  }

  /**
   * The async twin of {@linkcode Root.statSync}: resolved and stat'ed in one
   * request off the main thread.
   *
   * @param name A name relative to the root.
   * @returns A promise of its `FileInfo`.
   */
  async stat(name: string): Promise<FileInfo> {
    const n = rootName(name, "Root.stat");
    const r = await this.#call("stat", n, ROOT_OP.STAT, FOLLOW, {}, "statAt");
    return need("stat").decodeStat(r.out);
  }

  /**
   * The async twin of {@linkcode Root.lstatSync}.
   *
   * @param name A name relative to the root.
   * @returns A promise of its `FileInfo` (a final link itself).
   */
  async lstat(name: string): Promise<FileInfo> {
    const n = rootName(name, "Root.lstat");
    const r = await this.#call(
      "lstat",
      n,
      ROOT_OP.STAT,
      NOFOLLOW,
      {},
      "statAt",
    );
    return need("lstat").decodeStat(r.out);
  }

  /**
   * The async twin of {@linkcode Root.readLinkSync}.
   *
   * @param name A name relative to the root.
   * @returns A promise of the link's target.
   */
  async readLink(name: string): Promise<string> {
    const n = rootName(name, "Root.readLink");
    const r = await this.#call(
      "readLink",
      n,
      ROOT_OP.READLINK,
      NOFOLLOW,
      {},
      "readLinkAt",
    );
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(
        r.out.subarray(0, r.ret),
      );
    } catch {
      return notUtf8(name);
    }
  }

  /**
   * The async twin of {@linkcode Root.mkdirSync}.
   *
   * @param name A name relative to the root.
   * @param options `mode` (0 to 0o777) and `recursive`.
   * @returns A promise that resolves once the directory exists.
   */
  async mkdir(name: string, options?: RootMkdirOptions): Promise<void> {
    const o = toOptions(options, "Root.mkdir");
    const modeOpt = o.mode; // read once
    const mode = modeOpt === undefined
      ? 0o777
      : toMode(modeOpt, "Root.mkdir", 0o777);
    const recursive = toBool(o.recursive, "Root.mkdir", "recursive");
    const n = stripSlashes(rootName(name, "Root.mkdir"));
    if (hooks.length !== 0) audit("os.mkdir", [name, mode, this.fd]);
    const r = await this.#call("mkdir", n, ROOT_OP.MKDIR, NOFOLLOW, {
      a1: mode,
      mkdirMode: recursive ? mode : -1,
    }, "mkdirAt");
    if (r.ret === 1 && !(await this.stat(n)).isDirectory) {
      const b = need("mkdir");
      throw systemError(b, -errnos(b).EEXIST, sc(b, "mkdirAt"), n);
    }
  }

  /**
   * The async twin of {@linkcode Root.removeSync}. With `recursive`, the
   * directory's parent is resolved in one request and the tree beneath is
   * removed level by level through descriptors, each call off the main
   * thread.
   *
   * @param name A name relative to the root (not the root itself).
   * @param options `recursive`.
   * @returns A promise that resolves once the name is gone.
   */
  async remove(name: string, options?: RootRemoveOptions): Promise<void> {
    const o = toOptions(options, "Root.remove");
    const recursive = toBool(o.recursive, "Root.remove", "recursive");
    const given = rootName(name, "Root.remove");
    const n = stripSlashes(given);
    if (hooks.length !== 0) audit("os.remove", [name, this.fd]);
    if (n !== given) {
      // "name/": a directory inside the root, and not a link to one.
      let absent = false;
      try {
        await this.stat(given);
      } catch (e) {
        if (!(recursive && e instanceof Deno.errors.NotFound)) throw e;
        absent = true;
      }
      if (absent) return;
      if (!(await this.lstat(n)).isDirectory) {
        const b = need("remove");
        throw systemError(b, -errnos(b).ENOTDIR, sc(b, "unlinkAt"), n);
      }
    }
    if (!recursive) {
      await this.#call("remove", n, ROOT_OP.REMOVE, NOFOLLOW, {}, "unlinkAt");
      return;
    }
    const r = await this.#call(
      "remove",
      n,
      ROOT_OP.PARENT,
      NOFOLLOW,
      {},
      "openDirAt",
    );
    const b = need("remove");
    const parent = r.ret;
    try {
      const leaf = cString(r.out);
      if (leaf === ".") {
        throw systemError(b, -errnos(b).EINVAL, sc(b, "unlinkAt"), n);
      }
      const e = await removeAllAsync(b, parent, leaf);
      if (e < 0) throw systemError(b, e, sc(b, "unlinkAt"), n);
    } finally {
      b.close(parent);
    }
  }

  /**
   * The async twin of {@linkcode Root.renameSync}.
   *
   * @param from A name relative to the root.
   * @param to A name relative to the root.
   * @returns A promise that resolves once renamed.
   */
  async rename(from: string, to: string): Promise<void> {
    const src = rootName(from, "Root.rename");
    const dst = rootName(to, "Root.rename");
    if (hooks.length !== 0) audit("os.rename", [from, to, this.fd, this.fd]);
    await this.#call("rename", src, ROOT_OP.RENAME, NOFOLLOW, {
      name2: dst,
    }, "renameAt");
  }

  /**
   * The async twin of {@linkcode Root.linkSync}.
   *
   * @param from An existing name relative to the root.
   * @param to The new name relative to the root.
   * @returns A promise that resolves once linked.
   */
  async link(from: string, to: string): Promise<void> {
    const src = rootName(from, "Root.link");
    const dst = rootName(to, "Root.link");
    if (hooks.length !== 0) audit("os.link", [from, to, this.fd, this.fd]);
    await this.#call("link", src, ROOT_OP.LINK, NOFOLLOW, {
      name2: dst,
    }, "linkAt");
  }

  /**
   * The async twin of {@linkcode Root.symlinkSync}.
   *
   * @param target The link's contents.
   * @param name The new link, relative to the root.
   * @param options `targetIsDirectory` (Windows only).
   * @returns A promise that resolves once the link exists.
   */
  async symlink(
    target: string,
    name: string,
    options?: RootSymlinkOptions,
  ): Promise<void> {
    const o = toOptions(options, "Root.symlink");
    const t = toPath(target, "Root.symlink", "target");
    const dirTarget = toBool(
      o.targetIsDirectory,
      "Root.symlink",
      "targetIsDirectory",
    );
    const n = rootName(name, "Root.symlink");
    if (hooks.length !== 0) audit("os.symlink", [target, name, this.fd]);
    const b = need("symlink");
    if (b.rootSymlink !== undefined) {
      // Windows: as symlinkSync decides, then one request.
      let isDir = dirTarget;
      if (!isDir) {
        try {
          isDir = (await this.stat(targetFrom(n, t))).isDirectory;
        } catch {
          isDir = false;
        }
      }
      await this.#call("symlink", n, ROOT_OP.SYMLINK, NOFOLLOW, {
        name2: t,
        a1: isDir ? 1 : 0,
      }, "symlinkAt");
      return;
    }
    if (b.has.symlinkAtDirFd === false) {
      // The name is resolved first: an escape is reported as one.
      const r = await this.#call(
        "symlink",
        n,
        ROOT_OP.PARENT,
        NOFOLLOW,
        {},
        "symlinkAt",
      );
      b.close(r.ret);
      noSymlink(b);
    }
    await this.#call("symlink", n, ROOT_OP.SYMLINK, NOFOLLOW, {
      name2: t,
    }, "symlinkAt");
  }

  /**
   * The async twin of {@linkcode Root.chmodSync}.
   *
   * @param name A name relative to the root.
   * @param mode Permission bits, 0 to 0o7777.
   * @param options `followSymlinks`.
   * @returns A promise that resolves once changed.
   */
  async chmod(
    name: string,
    mode: number,
    options?: RootFollowOptions,
  ): Promise<void> {
    const o = toOptions(options, "Root.chmod");
    const m = toMode(mode, "Root.chmod");
    const follow = toBool(
      o.followSymlinks,
      "Root.chmod",
      "followSymlinks",
      true,
    );
    const n = rootName(name, "Root.chmod");
    if (hooks.length !== 0) audit("os.chmod", [name, m, this.fd]);
    const b = need("chmod");
    const plat = b.rootPlatform;
    if ((plat.nrFchmodat2 === 0 && !plat.lchmod) || b.lchmodAt === undefined) {
      // No chmod that refuses a link on the worker either: the sync path
      // knows how to change a directory safely, and refuses a file.
      return this.chmodSync(n, m, { followSymlinks: follow });
    }
    await this.#call("chmod", n, ROOT_OP.CHMOD, follow ? FOLLOW : NOFOLLOW, {
      a1: m,
    }, "lchmodAt");
  }

  /**
   * The async twin of {@linkcode Root.chownSync}.
   *
   * @param name A name relative to the root.
   * @param uid The new owner, or -1.
   * @param gid The new group, or -1.
   * @param options `followSymlinks`.
   * @returns A promise that resolves once changed.
   */
  async chown(
    name: string,
    uid: number,
    gid: number,
    options?: RootFollowOptions,
  ): Promise<void> {
    const o = toOptions(options, "Root.chown");
    const u = toId(uid, "Root.chown", "uid");
    const g = toId(gid, "Root.chown", "gid");
    const follow = toBool(
      o.followSymlinks,
      "Root.chown",
      "followSymlinks",
      true,
    );
    const n = rootName(name, "Root.chown");
    if (hooks.length !== 0) audit("os.chown", [name, u, g, this.fd]);
    chownOf(need("chown"));
    await this.#call("chown", n, ROOT_OP.CHOWN, follow ? FOLLOW : NOFOLLOW, {
      a1: u,
      a2: g,
    }, "chownAt");
  }

  /**
   * The async twin of {@linkcode Root.utimeSync}.
   *
   * @param name A name relative to the root.
   * @param atime The access time.
   * @param mtime The modification time.
   * @param options `followSymlinks`.
   * @returns A promise that resolves once changed.
   */
  async utime(
    name: string,
    atime: TimeLike,
    mtime: TimeLike,
    options?: RootFollowOptions,
  ): Promise<void> {
    const o = toOptions(options, "Root.utime");
    const [as, an] = toTimespec(atime, "Root.utime", "atime");
    const [ms, mn] = toTimespec(mtime, "Root.utime", "mtime");
    const follow = toBool(
      o.followSymlinks,
      "Root.utime",
      "followSymlinks",
      true,
    );
    const n = rootName(name, "Root.utime");
    if (hooks.length !== 0) {
      const times = {
        atimeSec: as,
        atimeNsec: an,
        mtimeSec: ms,
        mtimeNsec: mn,
      };
      audit("os.utime", [name, ...auditTimes(atime, mtime, times), this.fd]);
    }
    await this.#call("utime", n, ROOT_OP.UTIME, follow ? FOLLOW : NOFOLLOW, {
      times: [as, an, ms, mn],
    }, "utimeAt");
  }

  /**
   * The async twin of {@linkcode Root.openSync}: the name resolved in one
   * request, the open off the main thread.
   *
   * @param name A name relative to the root.
   * @param options `Deno.OpenOptions`, `followSymlinks`, `flags`.
   * @returns A promise of the open {@linkcode File}.
   */
  async open(name: string, options?: RootOpenOptions): Promise<File> {
    const o = rootOpenOptions(options, "Root.open");
    const n = rootName(name, "Root.open");
    const how = o.createNew === true || o.followSymlinks === false
      ? NOFOLLOW
      : FOLLOW;
    const path = joinName(this.path, n);
    return await this.#inParent("open", n, how, async (b, dir, leaf) => {
      const f = await openLeaf(dir, leaf, o, path, "Root.open");
      if (typeof f === "number") throw this.#error(b, f, "openDirAt", n);
      return f;
    });
  }

  /**
   * The async twin of {@linkcode Root.createSync}.
   *
   * @param name A name relative to the root.
   * @returns A promise of the open {@linkcode File}.
   */
  create(name: string): Promise<File> {
    return this.open(name, CREATE);
  }

  /**
   * The async twin of {@linkcode Root.readFileSync}.
   *
   * @param name A name relative to the root.
   * @returns A promise of the file's bytes.
   */
  async readFile(name: string): Promise<Uint8Array<ArrayBuffer>> {
    const n = rootName(name, "Root.readFile");
    return await this.#inParent(
      "readFile",
      n,
      FOLLOW,
      (_b, dir, leaf) => readFile(leaf, { dirFd: dir, followSymlinks: false }),
    );
  }

  /**
   * The async twin of {@linkcode Root.readTextFileSync}.
   *
   * @param name A name relative to the root.
   * @returns A promise of the text.
   */
  async readTextFile(name: string): Promise<string> {
    return utf8.decode(await this.readFile(name));
  }

  /**
   * The async twin of {@linkcode Root.writeFileSync}.
   *
   * @param name A name relative to the root.
   * @param data The bytes.
   * @param options `append`, `create`, `createNew`, `mode`, `atomic`.
   * @returns A promise that resolves once written.
   */
  async writeFile(
    name: string,
    data: Uint8Array,
    options?: RootWriteFileOptions,
  ): Promise<void> {
    const o = rootWriteOptions(options, "Root.writeFile");
    const n = rootName(name, "Root.writeFile");
    await this.#inParent(
      "writeFile",
      n,
      o.createNew === true ? NOFOLLOW : FOLLOW,
      (_b, dir, leaf) =>
        writeFile(leaf, data, { ...o, dirFd: dir, followSymlinks: false }),
    );
  }

  /**
   * The async twin of {@linkcode Root.writeTextFileSync}.
   *
   * @param name A name relative to the root.
   * @param text The text.
   * @param options `append`, `create`, `createNew`, `mode`, `atomic`.
   * @returns A promise that resolves once written.
   */
  async writeTextFile(
    name: string,
    text: string,
    options?: RootWriteFileOptions,
  ): Promise<void> {
    if (typeof text !== "string") {
      throw new TypeError("Root.writeTextFile: data must be a string");
    }
    await this.writeFile(name, utf8e.encode(text), options);
  }

  /**
   * The async twin of {@linkcode Root.truncateSync}.
   *
   * @param name A name relative to the root.
   * @param length The new length (default 0).
   * @returns A promise that resolves once truncated.
   */
  async truncate(name: string, length = 0): Promise<void> {
    const len = toLength(length, "Root.truncate");
    await using f = await this.open(name, { write: true });
    await f.truncate(Number(len));
  }

  /**
   * Resolves `n` to its parent directory in one request (a descriptor of
   * its own, closed when `op` settles) and runs `op` there.
   */
  async #inParent<T>(
    fn: string,
    n: string,
    how: number,
    op: (b: RootBackend, dir: number, leaf: string) => Promise<T>,
  ): Promise<T> {
    const r = await this.#call(fn, n, ROOT_OP.PARENT, how, {}, "openDirAt");
    const b = need(fn);
    try {
      return await op(b, r.ret, cString(r.out));
    } finally {
      b.close(r.ret);
    }
  }

  /**
   * The async twin of {@linkcode Root.realPathSync}.
   *
   * @param name A name relative to the root.
   * @returns A promise of the canonical name.
   */
  async realPath(name: string): Promise<string> {
    const n = rootName(name, "Root.realPath");
    const r = await this.#call(
      "realPath",
      n,
      ROOT_OP.REALPATH,
      FOLLOW,
      {},
      "statAt",
    );
    return new TextDecoder().decode(r.out.subarray(0, r.ret));
  }

  /**
   * The async twin of {@linkcode Root.openRootSync}.
   *
   * @param name A name relative to the root.
   * @returns A promise of the new Root.
   */
  async openRoot(name: string): Promise<Root> {
    const n = rootName(name, "Root.openRoot");
    const r = await this.#call(
      "openRoot",
      n,
      ROOT_OP.OPENDIR,
      FOLLOW,
      {},
      "openDirAt",
    );
    return new Root(
      dirToken,
      r.ret,
      joinName(this.path, n),
      this.symlinks,
      this.#dev,
    );
  }

  /**
   * The async twin of {@linkcode Root.readDirSync}: nothing happens until
   * iteration starts.
   *
   * @param name A name relative to the root.
   * @param options {@linkcode ReadDirOptions}, as for
   * {@linkcode Root.readDirSync}.
   * @returns The entries, as an async iterable.
   */
  async *readDir(
    name = ".",
    options?: ReadDirOptions,
  ): AsyncGenerator<DirEntry, undefined> {
    const o = readDirOptions(options);
    await using dir = await this.openRoot(name);
    yield* readDir(dir, o);
  }

  /**
   * The async twin of {@linkcode Root.walkSync}: nothing happens until
   * iteration starts.
   *
   * @param name A name relative to the root.
   * @param options The options of {@linkcode walk}, without
   * `followSymlinks` and `dirFd`.
   * @returns The entries, as an async iterable.
   */
  async *walk(
    name = ".",
    options?: RootWalkOptions,
  ): AsyncGenerator<WalkEntry, undefined> {
    const o = walkOptions(options);
    const base = await this.realPath(name);
    await using dir = await this.openRoot(name);
    for await (
      const e of walk(".", { ...o, dirFd: dir, followSymlinks: false })
    ) {
      yield rebase(base, e);
    }
  }
}

/** A Root's walk options: those of walk, but never `followSymlinks`/`dirFd`. */
function walkOptions(options: RootWalkOptions | undefined): WalkOptions {
  const o = toOptions(options, "Root.walk") as WalkOptions;
  if (o.followSymlinks !== undefined || o.dirFd !== undefined) {
    throw new TypeError(
      "Root.walk: followSymlinks and dirFd are not options of a Root's walk",
    );
  }
  // A copy, each option read once: walk reads the copy, never a getter
  // (a new WalkOptions key belongs here too).
  return {
    maxDepth: o.maxDepth,
    includeFiles: o.includeFiles,
    includeDirs: o.includeDirs,
    includeSymlinks: o.includeSymlinks,
    exts: o.exts,
    match: o.match,
    skip: o.skip,
    stat: o.stat,
  };
}

/** A Root's readDir options, copied (each read once). */
function readDirOptions(options: ReadDirOptions | undefined): ReadDirOptions {
  const o = toOptions(options, "Root.readDir");
  return { stat: o.stat };
}

/**
 * A walk entry under `base` (a name relative to the root), its path
 * `/`-separated on every platform, as the Root's names (the walk joins with
 * `\` on Windows).
 */
function rebase(base: string, e: WalkEntry): WalkEntry {
  const path = SEPARATOR === "/" ? e.path : e.path.replaceAll(SEPARATOR, "/");
  if (base === ".") return path === e.path ? e : { ...e, path };
  return { ...e, path: path === "." ? base : `${base}/${path}` };
}

/** The NUL-terminated UTF-8 string at the start of `buf`. */
function cString(buf: Uint8Array): string {
  const end = buf.indexOf(0);
  return new TextDecoder().decode(buf.subarray(0, end < 0 ? buf.length : end));
}

const POLICY = { beneath: 0, inRoot: 1, none: 2 } as const;

/**
 * {@linkcode removeAll} with each call off the main thread (the backend's
 * async primitives), relative to the descriptors it holds.
 */
async function removeAllAsync(
  b: RootBackend,
  dir: number,
  leaf: string,
): Promise<number> {
  const E = errnos(b);
  const a = b.async;
  const unlink = (d: number, n: string, isDir: boolean) =>
    a.unlinkAt(d, n, isDir);
  for (let attempt = 0;; attempt++) {
    let r = await unlink(dir, leaf, false);
    if (r === -E.EISDIR || r === -E.EPERM) {
      const d = await unlink(dir, leaf, true);
      r = d === -E.ENOTDIR ? r : d;
    }
    if (r === 0 || r === -E.ENOENT) return 0;
    if (r !== -E.ENOTEMPTY && r !== -E.EEXIST) return r;
    const fd = await a.openDirAt(dir, leaf, false);
    if (fd < 0) {
      if (fd === -E.ENOTDIR || fd === -E.ELOOP || fd === -E.ENOENT) continue;
      return fd;
    }
    try {
      const chunk = { count: 0, names: [] as string[], kinds: [] as number[] };
      const names: string[] = [];
      for (;;) {
        const n = await a.readDirChunk(fd, chunk);
        if (n < 0) return n;
        if (n === 0) break;
        for (let i = 0; i < chunk.count; i++) names.push(chunk.names[i]);
      }
      for (const name of names) {
        const e = await removeAllAsync(b, fd, name);
        if (e < 0) return e;
      }
    } finally {
      b.close(fd);
    }
    if (attempt > 64) return -E.ENOTEMPTY;
  }
}

/** The syscall name errors of primitive `k` report. */
function sc(b: Backend, k: PrimitiveName): string {
  return k === "statAt" ? b.statVia : b.syscall[k];
}

/** Options of {@linkcode Root.openSync}: `open`'s, without `dirFd`. */
export type RootOpenOptions = Omit<OpenOptions, "dirFd">;

/** Options of {@linkcode Root.writeFileSync}: without `dirFd`. */
export type RootWriteFileOptions = Omit<
  WriteFileOptions,
  "dirFd" | "followSymlinks"
>;

const CREATE: RootOpenOptions = Object.freeze({
  read: true,
  write: true,
  create: true,
  truncate: true,
});

const utf8 = new TextDecoder();
const utf8e = new TextEncoder();

/** `open`'s options for a Root, each read once; `dirFd` refused. */
function rootOpenOptions(
  options: RootOpenOptions | undefined,
  fn: string,
): Partial<OpenOptions> {
  const o = openOptionsOnce(options as OpenOptions | undefined, fn);
  if (o.dirFd !== undefined) {
    throw new TypeError(`${fn}: dirFd is not an option of a Root's calls`);
  }
  return o;
}

/** `writeFile`'s options for a Root, each read once; `dirFd` refused. */
function rootWriteOptions(
  options: RootWriteFileOptions | undefined,
  fn: string,
): WriteFileOptions {
  const o = toOptions(options, fn) as WriteFileOptions;
  const copy: WriteFileOptions = {
    append: o.append,
    create: o.create,
    createNew: o.createNew,
    mode: o.mode,
    atomic: o.atomic,
    signal: o.signal,
  };
  if (o.dirFd !== undefined || o.followSymlinks !== undefined) {
    throw new TypeError(
      `${fn}: dirFd and followSymlinks are not options of a Root's calls`,
    );
  }
  return copy;
}

/** A name given to a Root: a string, checked like a path. */
function rootName(value: unknown, fn: string): string {
  if (typeof value !== "string") {
    throw new TypeError(`${fn}: name must be a string, not ${typeof value}`);
  }
  const n = toPath(value, fn, "name");
  // Windows: cleaned lexically (`\` and `/` alike, `..` in the text); a
  // name refused here is refused again, with the Root's policy, by the call.
  const c = backend()?.rootName?.(n, false);
  return typeof c === "string" ? c : n;
}

/** The name of link `n`'s target `t` from the root (`t` after `n`'s directory). */
function targetFrom(n: string, t: string): string {
  const slash = stripSlashes(n).lastIndexOf("/");
  return slash < 0 ? t : `${n.slice(0, slash)}/${t}`;
}

/** `a/b//` → `a/b`; `/` and `""` stay as they are. */
function stripSlashes(name: string): string {
  let end = name.length;
  while (end > 1 && name[end - 1] === "/") end--;
  return name.slice(0, end);
}

function joinName(base: string, name: string): string {
  return base.endsWith("/") ? base + name : `${base}/${name}`;
}

function notUtf8(name: string): never {
  throw new TypeError(
    `Root.readLink: the target of '${name}' is not valid UTF-8`,
  );
}

/** Removes one name: a file or link, else an empty directory. */
function removeOne(b: RootBackend, dir: number, leaf: string): number {
  const E = errnos(b);
  const r = b.unlinkAt(dir, leaf, false);
  if (r === -E.EISDIR || r === -E.EPERM) {
    const d = b.unlinkAt(dir, leaf, true);
    // Not a directory after all: the unlink's answer was the right one.
    return d === -E.ENOTDIR ? r : d;
  }
  return r;
}

/**
 * Removes `leaf` in `dir` and, if it is a directory, everything beneath it.
 * Each level is opened with `O_NOFOLLOW|O_DIRECTORY` relative to its parent's
 * descriptor and its entries are removed relative to its own, so nothing
 * outside is reached even if directories are swapped for links meanwhile.
 */
function removeAll(b: RootBackend, dir: number, leaf: string): number {
  const E = errnos(b);
  for (let attempt = 0;; attempt++) {
    let r = removeOne(b, dir, leaf);
    if (r === 0 || r === -E.ENOENT) return 0;
    if (r !== -E.ENOTEMPTY && r !== -E.EEXIST) return r;
    const fd = b.openDirAt(dir, leaf, false);
    if (fd < 0) {
      // Swapped for a link or a file since: remove that instead.
      if (fd === -E.ENOTDIR || fd === -E.ELOOP || fd === -E.ENOENT) continue;
      return fd;
    }
    try {
      r = removeEntries(b, fd);
    } finally {
      b.close(fd);
    }
    if (r < 0) return r;
    // Entries created meanwhile: try again, a bounded number of times.
    if (attempt > 64) return -E.ENOTEMPTY;
  }
}

function removeEntries(b: RootBackend, fd: number): number {
  const chunk = { count: 0, names: [] as string[], kinds: [] as number[] };
  const names: string[] = [];
  for (;;) {
    const n = b.readDirChunk(fd, chunk);
    if (n < 0) return n;
    if (n === 0) break;
    for (let i = 0; i < chunk.count; i++) names.push(chunk.names[i]);
  }
  for (const name of names) {
    const r = removeAll(b, fd, name);
    if (r < 0) return r;
  }
  return 0;
}

let errnoCache: { b: Backend; e: RootErrno } | undefined;

interface RootErrno extends ResolveErrno {
  EISDIR: number;
  EPERM: number;
  ENOTEMPTY: number;
  EXDEV: number;
  EAGAIN: number;
  ENOSYS: number;
}

/** The platform's numbers for the codes the Root tells apart. */
function errnos(b: Backend): RootErrno {
  if (errnoCache?.b === b) return errnoCache.e;
  const want = [
    "ENOENT",
    "ENOTDIR",
    "ELOOP",
    "EEXIST",
    "EINVAL",
    "EISDIR",
    "EPERM",
    "ENOTEMPTY",
    "EXDEV",
    "EAGAIN",
    "ENOSYS",
  ];
  const e: Record<string, number> = {};
  // The backend's own answer for the codes a root request carries (on
  // Windows, several errors share a POSIX name), then the first code of
  // each other name; a name the platform never reports gets a code none
  // has.
  const plat = b.rootPlatform?.errno ?? [];
  for (let i = 0; i < plat.length; i++) e[want[i]] = plat[i];
  for (let n = 1; n < 4096 && Object.keys(e).length < want.length; n++) {
    const name = b.errnoName(n);
    if (name !== undefined && want.includes(name) && e[name] === undefined) {
      e[name] = n;
    }
  }
  want.forEach((name, i) => e[name] ??= 0x4000_0000 + i);
  errnoCache = { b, e: e as unknown as RootErrno };
  return errnoCache.e;
}

const primsCache = new WeakMap<RootBackend, ResolvePrimitives>();

/** The resolver's view of a backend. */
function prims(b: RootBackend): ResolvePrimitives {
  if (b.rootResolve !== undefined) return b.rootResolve;
  let p = primsCache.get(b);
  if (p === undefined) {
    p = {
      statAt: (d, n, f) => b.statAt(d, n, f),
      openDirAt: (d, n, f) => b.openDirAt(d, n, f),
      readLinkAt: (d, n) => b.readLinkAt(d, n),
      close: (fd) => b.close(fd),
      mkdirAt: (d, n, m) => b.mkdirAt(d, n, m),
      errno: errnos(b),
    };
    primsCache.set(b, p);
  }
  return p;
}

/**
 * Throws NotSupported where the backend cannot make a symlink relative to a
 * directory handle (Windows).
 */
function noSymlink(b: RootBackend): undefined {
  if (b.has.symlinkAtDirFd === false) {
    throw notSupported(
      "Root.symlink",
      "a symlink relative to a directory handle",
    );
  }
}

/** The backend's chown; NotSupported where it has none (Windows). */
function chownOf(b: RootBackend): NonNullable<RootBackend["chownAt"]> {
  if (b.chownAt === undefined) {
    throw notSupported("Root.chown", "chown (Windows has no owner ids)");
  }
  return b.chownAt;
}

/** The primitives every Root method may use (and `chownAt`, where any). */
const NEEDS = [
  "mkdirAt",
  "unlinkAt",
  "renameAt",
  "linkAt",
  "utimeAt",
  "fchmod",
  "readDirChunk",
] as const;

/** A backend with what a Root needs: {@linkcode NEEDS} and the root task. */
type RootBackend =
  & With<typeof NEEDS[number]>
  & Required<Omit<RootSupport, "rootResolve" | "rootName">>
  & Pick<RootSupport, "rootResolve" | "rootName">;

/** Whether `b` can serve a Root: the one check for probe and call. */
function isRootBackend(b: Backend | null): b is RootBackend {
  if (
    b === null || b.rootCall === undefined || b.rootPlatform === undefined ||
    b.decodeStat === undefined
  ) return false;
  for (let i = 0; i < NEEDS.length; i++) {
    if (!hasPrimitive(b, NEEDS[i])) return false;
  }
  return true;
}

/** The backend, or NotSupported when Roots are unavailable here. */
function need(fn: string): RootBackend {
  // CAPS.dirFd is isRootBackend(backend()), evaluated once (and again after
  // a test's reprobeCapabilities).
  if (!CAPS.dirFd) throw notSupported(`Root.${fn}`, "Root");
  return backend() as RootBackend;
}

/**
 * Opens a directory as a {@linkcode Root}: every name given to its methods
 * is resolved beneath it, or the call fails with
 * {@linkcode PathEscapesError}.
 *
 * Requires `--allow-ffi` (the Root's calls bypass Deno's read and write
 * permission lists). `path` itself is opened like {@linkcode openDirSync},
 * following symlinks in it. Raises the audit event `open` with
 * `[path, null, flags]`.
 *
 * @param path The directory.
 * @param options `dirFd`, `symlinks` and `noXdev`.
 * @returns The Root; close it (or `using`).
 * @throws {Deno.errors.NotSupported} Without a backend here.
 * @throws {Deno.errors.NotFound} When `path` does not exist; other OS errors
 * as the `Deno.errors` class Deno uses.
 *
 * @example Open a root and refuse an escape
 * ```ts
 * import { openRootSync, PathEscapesError } from "@dirfd/dirfd";
 * import { assertEquals, assertThrows } from "@std/assert";
 *
 * const dir = Deno.makeTempDirSync();
 * using root = openRootSync(dir);
 * root.mkdirSync("a/b/c", { recursive: true });
 * assertEquals(root.statSync("a/b/c").isDirectory, true);
 * assertThrows(() => root.mkdirSync("../x"), PathEscapesError);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function openRootSync(path: PathLike, options?: OpenRootOptions): Root {
  const { p, symlinks, noXdev, b, dirFd } = checkOpen(path, options);
  const fd = b.openDirAt(dirFd ?? b.AT_FDCWD, p, true);
  return opened(b, fd, p, symlinks, noXdev);
}

/** Every argument of openRoot, read once; the audit event. */
function checkOpen(path: PathLike, options: OpenRootOptions | undefined) {
  const o = toOptions(options, "openRoot");
  // Read once: the Dir itself kept (pinned by the async twin), its number
  // audited and used.
  const given = toDirFdArg(o.dirFd, "openRoot");
  const p = toPath(path, "openRoot");
  const dirFd = fdOfArg(given, "openRoot");
  const symlinks = toPolicy(o.symlinks);
  const noXdev = toBool(o.noXdev, "openRoot", "noXdev");
  const b = need("open");
  if (hooks.length !== 0) {
    audit("open", [path, null, b.openDirFlags(true)]);
    stillOpen("openRoot", given);
  }
  return { p, symlinks, noXdev, b, dirFd, given };
}

/** Wraps the opened descriptor (or throws its error). */
function opened(
  b: Backend,
  fd: number,
  p: string,
  symlinks: SymlinkPolicy,
  noXdev: boolean,
): Root {
  if (fd < 0) throw systemError(b, fd, sc(b, "openDirAt"), p);
  let dev = -1;
  if (noXdev) {
    const st = b.fstat(fd);
    if (typeof st === "number") {
      b.close(fd);
      throw systemError(b, st, sc(b, "fstat"), p);
    }
    dev = st.dev;
  }
  return new Root(dirToken, fd, p, symlinks, dev);
}

/**
 * Opens a directory as a {@linkcode Root}; the async twin of
 * {@linkcode openRootSync}, with the same arguments, audit event and errors.
 *
 * @param path The directory.
 * @param options `dirFd`, `symlinks` and `noXdev`.
 * @returns A promise of the Root.
 *
 * @example Open a root
 * ```ts
 * import { openRoot } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const dir = Deno.makeTempDirSync();
 * await using root = await openRoot(dir);
 * assertEquals(root.symlinks, "beneath");
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function openRoot(
  path: PathLike,
  options?: OpenRootOptions,
): Promise<Root> {
  const { p, symlinks, noXdev, b, given } = checkOpen(path, options);
  const fd = await withDirFd(
    given,
    "openRoot",
    b.AT_FDCWD,
    (d) => b.async.openDirAt(d, p, true),
  );
  return opened(b, fd, p, symlinks, noXdev);
}

/**
 * Opens `name` beneath the directory `dir`, refusing any escape: Go's
 * `os.OpenInRoot`, a Root opened for one call. See {@linkcode Root.openSync}.
 *
 * @param dir The directory the name must stay beneath.
 * @param name A name relative to it.
 * @param options `Deno.OpenOptions`, `followSymlinks`, `flags`.
 * @returns The open {@linkcode File}.
 * @throws {PathEscapesError} When the name leads outside `dir`.
 *
 * @example Open a user-supplied name safely
 * ```ts
 * import { openInRootSync, PathEscapesError } from "@dirfd/dirfd";
 * import { assertEquals, assertThrows } from "@std/assert";
 *
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/ok.txt`, "ok");
 * using f = openInRootSync(dir, "ok.txt");
 * assertEquals(f.statSync().size, 2);
 * assertThrows(() => openInRootSync(dir, "../../etc/passwd"), PathEscapesError);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function openInRootSync(
  dir: PathLike,
  name: string,
  options?: RootOpenOptions,
): File {
  using root = openRootSync(dir);
  return root.openSync(name, options);
}

/**
 * The async twin of {@linkcode openInRootSync}.
 *
 * @param dir The directory the name must stay beneath.
 * @param name A name relative to it.
 * @param options `Deno.OpenOptions`, `followSymlinks`, `flags`.
 * @returns A promise of the open {@linkcode File}.
 *
 * @example Read a file beneath a directory
 * ```ts
 * import { openInRoot } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/a.txt`, "abc");
 * await using f = await openInRoot(dir, "a.txt");
 * assertEquals((await f.stat()).size, 3);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function openInRoot(
  dir: PathLike,
  name: string,
  options?: RootOpenOptions,
): Promise<File> {
  await using root = await openRoot(dir);
  return await root.open(name, options);
}

function toPolicy(value: unknown): SymlinkPolicy {
  if (value === undefined) return "beneath";
  if (value === "beneath" || value === "inRoot" || value === "none") {
    return value;
  }
  throw new TypeError(
    `openRoot: symlinks must be "beneath", "inRoot" or "none", not ${
      typeof value === "string" ? JSON.stringify(value) : typeof value
    }`,
  );
}

const CAPS = declareCapabilities([
  openRoot,
  openRootSync,
  openInRoot,
  openInRootSync,
], {
  // Where the backend has the root task (Linux and macOS).
  dirFd: isRootBackend,
});
