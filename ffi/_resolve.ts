// Copyright 2026 the dirfd authors. MIT license.
/**
 * The in-root resolver behind {@linkcode Root}: turns a name into an open
 * parent directory and a last component, beneath a root descriptor, or fails.
 *
 * One component at a time (the portable path, Go's `doInRoot` and cap-std's
 * `manually::open`): every directory is opened with `O_NOFOLLOW|O_DIRECTORY`
 * relative to the one before it; a component that turns out to be a symlink is
 * read with `readlinkat` and its target spliced into the components still to
 * walk; `..` returns to the directory held one level up — a stack of the
 * descriptors walked through, whose bottom is the root itself — so it never
 * climbs with `openat(dir, "..")` and can never leave the root, even when a
 * directory on the way is moved meanwhile. More `..` than components, an
 * absolute name or an absolute link target is an escape (or, in `"inRoot"`
 * mode, clamps at the root, like `RESOLVE_IN_ROOT`). At most 40 links are
 * followed per resolution, the kernel's own limit, so that every resolution
 * path agrees.
 *
 * Written against the few primitives it needs ({@linkcode ResolvePrimitives},
 * a subset of the backend), with no reference to anything else in its module,
 * so that the same function can run in a pool task as source text.
 *
 * @module
 */

/** Returned (negated errno style) when a name would leave the root. */
export const ESCAPE = -0x2_0000;
/** Returned when, with `noXdev`, a name would cross into another device. */
export const XDEV = -0x2_0001;
/** Returned (Windows) when a name would open a device (`NUL`, `COM1`, …). */
export const DEVICE = -0x2_0002;

/** What the resolver needs to know of an `lstat` (a `FileInfo` will do). */
export interface LinkInfo {
  readonly isSymlink: boolean;
}

/** What the resolver needs from a backend. */
export interface ResolvePrimitives {
  statAt(dirfd: number, path: string, follow: boolean): LinkInfo | number;
  openDirAt(dirfd: number, path: string, follow: boolean): number;
  readLinkAt(dirfd: number, path: string): string | number;
  close(fd: number): number;
  mkdirAt?(dirfd: number, path: string, mode: number): number;
  /**
   * With `noXdev`: whether the directory just opened lies on another device
   * than the root (the walk then fails with {@linkcode XDEV}).
   */
  crosses?(fd: number): boolean;
  /**
   * Windows: names are cleaned lexically, as the Win32 layer and Go's
   * `os.Root` do. Given the canonical components from the root to the
   * directory a name (or link target) `s` is relative to, returns the
   * components of the cleaned whole from the root (a trailing separator as
   * a final `"."`), or a negative code ({@linkcode ESCAPE} for an absolute
   * or climbing name unless `inRoot`, {@linkcode DEVICE}, an error). With
   * it, `..` never reaches the walk, and a link restarts the walk from the
   * root with its cleaned target.
   */
  lexical?(base: string[], s: string, inRoot: boolean): string[] | number;
  /** The platform's numbers for the error codes the resolver tells apart. */
  errno: ResolveErrno;
}

/** Error numbers the resolver needs (ELOOP is 40 on Linux, 62 on macOS). */
export interface ResolveErrno {
  ENOENT: number;
  ENOTDIR: number;
  ELOOP: number;
  EEXIST: number;
  EINVAL: number;
}

/** How symlinks met during resolution are treated. */
export type SymlinkPolicy = "beneath" | "inRoot" | "none";

/** A request to {@linkcode resolve}. */
export interface ResolveRequest {
  /** How links are followed (see {@linkcode SymlinkPolicy}). */
  symlinks: SymlinkPolicy;
  /** Follow a symlink in the last component (inside the root). */
  follow: boolean;
  /**
   * Create missing intermediate directories with this mode (`mkdir -p`);
   * `-1` to fail with `ENOENT` instead.
   */
  mkdirMode: number;
}

/** Where a name led: filled by {@linkcode resolve}. */
export interface Resolved {
  /**
   * The directory holding the last component: the root's descriptor, or one
   * the caller must close (see {@linkcode Resolved.owned}).
   */
  dir: number;
  /** Whether {@linkcode Resolved.dir} was opened by the resolver. */
  owned: boolean;
  /**
   * The last component: `"."` when the name ends at a directory (`"."`,
   * `".."`, or a trailing `/`, which must resolve to a directory).
   */
  leaf: string;
  /**
   * The leaf's `lstat` when the resolver took one (with `follow`: the final
   * target's, which is then not a symlink); `null` when it did not, or when
   * the leaf does not exist.
   */
  info: LinkInfo | null;
  /** The canonical components from the root to `dir`. */
  parents: string[];
}

/**
 * Resolves `name` beneath the directory `root`. Returns 0 and fills `out`,
 * or returns `-errno`, or {@linkcode ESCAPE}; on failure nothing stays open.
 *
 * @param p The primitives to use.
 * @param root The root's descriptor (never closed here).
 * @param name The name, relative to the root.
 * @param req How to resolve it.
 * @param out Filled on success.
 */
export function resolve(
  p: ResolvePrimitives,
  root: number,
  name: string,
  req: ResolveRequest,
  out: Resolved,
): number {
  // No reference outside this function: it may run as a pool task's source.
  const MAX_LINKS = 40;
  const ESCAPE = -0x2_0000;
  const E = p.errno;
  const inRoot = req.symlinks === "inRoot";
  if (name === "") return -E.ENOENT;
  // Components still to walk, the next one last. A trailing "/" becomes a
  // final "." (whatever precedes it must then be a directory).
  const todo: string[] = [];
  const push = (s: string): void => {
    const parts = s.split("/");
    if (parts.length > 1 && parts[parts.length - 1] === "") {
      parts[parts.length - 1] = ".";
    }
    for (let i = parts.length - 1; i >= 0; i--) {
      if (parts[i] !== "") todo.push(parts[i]);
    }
  };
  // The directories walked through, the root at the bottom, and their names.
  const fds: number[] = [root];
  const names: string[] = [];
  const toRoot = (): void => {
    while (fds.length > 1) p.close(fds.pop()!);
    names.length = 0;
  };
  const fail = (r: number): number => {
    toRoot();
    return r;
  };
  const lexical = p.lexical;
  /** Cleaned components (see `lexical`) replace the walk so far. */
  const restart = (parts: string[] | number): number => {
    if (typeof parts === "number") return parts;
    toRoot();
    for (let i = parts.length - 1; i >= 0; i--) todo.push(parts[i]);
    return 0;
  };
  if (lexical !== undefined) {
    const r = restart(lexical([], name, inRoot));
    if (r < 0) return r;
  } else {
    if (name.startsWith("/") && !inRoot) return ESCAPE;
    push(name);
  }
  let links = 0;
  // The link `c` in the current directory, read as `target`: walk it next.
  const follow = (target: string | number): number => {
    if (typeof target === "number") return target;
    if (req.symlinks === "none") return -E.ELOOP;
    if (++links > MAX_LINKS) return -E.ELOOP;
    if (target === "") return -E.ENOENT;
    if (lexical !== undefined) return restart(lexical(names, target, inRoot));
    if (target.startsWith("/")) {
      if (!inRoot) return ESCAPE;
      toRoot();
    }
    push(target);
    return 0;
  };
  out.info = null;
  out.leaf = ".";
  while (todo.length !== 0) {
    const c = todo.pop()!;
    const last = todo.length === 0;
    if (c === ".") continue;
    if (c === "..") {
      if (fds.length > 1) {
        p.close(fds.pop()!);
        names.pop();
      } else if (!inRoot) return fail(ESCAPE);
      continue;
    }
    const dir = fds[fds.length - 1];
    if (last) {
      out.leaf = c;
      if (!req.follow) break;
      const st = p.statAt(dir, c, false);
      if (typeof st === "number") {
        if (st !== -E.ENOENT) return fail(st);
        break;
      }
      if (!st.isSymlink) {
        out.info = st;
        break;
      }
      out.leaf = ".";
      const r = follow(p.readLinkAt(dir, c));
      if (r < 0) return fail(r);
      continue;
    }
    let fd = p.openDirAt(dir, c, false);
    if (fd === -E.ENOENT && req.mkdirMode >= 0 && p.mkdirAt !== undefined) {
      const m = p.mkdirAt(dir, c, req.mkdirMode);
      if (m < 0 && m !== -E.EEXIST) return fail(m);
      fd = p.openDirAt(dir, c, false);
    }
    if (fd >= 0) {
      fds.push(fd);
      names.push(c);
      if (p.crosses !== undefined && p.crosses(fd)) return fail(-0x2_0001);
      continue;
    }
    // O_NOFOLLOW|O_DIRECTORY refuses a symlink (ELOOP, or ENOTDIR on Linux):
    // read it; anything that is not a link keeps the open's error.
    if (fd !== -E.ELOOP && fd !== -E.ENOTDIR) return fail(fd);
    const target = p.readLinkAt(dir, c);
    if (target === -E.EINVAL) return fail(fd);
    const r = follow(target);
    if (r < 0) return fail(r);
  }
  out.dir = fds[fds.length - 1];
  out.owned = fds.length > 1;
  // Only the directory holding the leaf stays open.
  for (let i = fds.length - 2; i > 0; i--) p.close(fds[i]);
  out.parents = names;
  return 0;
}

/** A fresh {@linkcode Resolved} to pass to {@linkcode resolve}. */
export function resolved(): Resolved {
  return { dir: -1, owned: false, leaf: ".", info: null, parents: [] };
}
