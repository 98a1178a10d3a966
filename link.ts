// Copyright 2026 the dirfd authors. MIT license.
import {
  type FdLike,
  type PathLike,
  toDirFd,
  toFollow,
  toOptions,
  toPath,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend, hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFds } from "./_dispatch.ts";

/** Options for {@linkcode link} and {@linkcode linkSync}. */
export interface LinkOptions {
  /**
   * Resolve a relative `src` against this open directory instead of the
   * current directory. Ignored for an absolute `src`.
   */
  srcDirFd?: FdLike;
  /**
   * Create `dst` relative to this open directory instead of the current
   * directory. Ignored for an absolute `dst`.
   */
  dstDirFd?: FdLike;
  /**
   * When `src` is a symlink: `true` (the default, as in Python) links its
   * target; `false` links the symlink itself.
   */
  followSymlinks?: boolean;
}

/**
 * Creates a hard link `dst` to the file `src`, like Python's `os.link`
 * (`linkat`, with `AT_SYMLINK_FOLLOW` unless `followSymlinks` is false).
 *
 * Note the default differs from `Deno.link`, which links a symlink itself:
 * like Python, this follows a symlink at `src` unless told not to.
 *
 * Requires `--allow-ffi` for `srcDirFd`/`dstDirFd`/`followSymlinks: false`;
 * without it, `Deno.linkSync` is used (on the resolved target when `src` is
 * a symlink). With `--allow-ffi` the call bypasses Deno's permission checks.
 * Raises the audit event `os.link` with `[src, dst, srcDirFd, dstDirFd]`
 * (`-1` for each one not given). Errors carry `path` (`src`) and `dest`
 * (`dst`).
 *
 * @param src The existing file.
 * @param dst The new link.
 * @param options `srcDirFd`, `dstDirFd` and `followSymlinks`.
 * @throws {TypeError} On a malformed path, descriptor or flag.
 * @throws {Deno.errors.NotSupported} When an option is unavailable here.
 * @throws {Deno.errors.AlreadyExists} When `dst` exists.
 * @throws {Deno.errors.PermissionDenied} When `src` is a directory.
 * @throws {Error} With `code` `"EXDEV"` across file systems.
 *
 * @example Link a file into another open directory
 * ```ts
 * import { linkSync, openDirSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${root}/backup`);
 * Deno.writeTextFileSync(`${root}/data`, "x");
 * using here = openDirSync(root);
 * using backup = openDirSync(`${root}/backup`);
 * linkSync("data", "data", { srcDirFd: here, dstDirFd: backup });
 * assertEquals(Deno.statSync(`${root}/data`).nlink, 2);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function linkSync(
  src: PathLike,
  dst: PathLike,
  options?: LinkOptions,
): void {
  const { s, d, srcDirFd, dstDirFd, follow } = check(src, dst, options);
  const b = backend();
  if (!hasPrimitive(b, "linkAt")) {
    // Deno.linkSync does not follow; Python's default does.
    const target = Deno.lstatSync(s).isSymlink ? Deno.realPathSync(s) : s;
    return Deno.linkSync(target, d);
  }
  const r = b.linkAt(
    srcDirFd ?? b.AT_FDCWD,
    s,
    dstDirFd ?? b.AT_FDCWD,
    d,
    follow,
  );
  if (r < 0) throw systemError(b, r, b.syscall.linkAt, s, d);
}

/** Argument and capability checks, then the audit event. */
function check(
  src: PathLike,
  dst: PathLike,
  options: LinkOptions | undefined,
) {
  const o = toOptions(options, "link");
  const s = toPath(src, "link", "src");
  const d = toPath(dst, "link", "dst");
  const srcDirFd = toDirFd(o.srcDirFd, "link", "srcDirFd");
  const dstDirFd = toDirFd(o.dstDirFd, "link", "dstDirFd");
  const follow = toFollow(o.followSymlinks, "link");
  if ((srcDirFd !== undefined || dstDirFd !== undefined) && !CAPS.dirFd) {
    throw notSupported(
      "link",
      srcDirFd !== undefined ? "srcDirFd" : "dstDirFd",
    );
  }
  if (!follow && !CAPS.followSymlinks) {
    throw notSupported("link", "followSymlinks");
  }
  if (hooks.length !== 0) {
    audit("os.link", [src, dst, srcDirFd ?? -1, dstDirFd ?? -1]);
  }
  return {
    s,
    d,
    srcDirFd,
    dstDirFd,
    follow,
    srcGiven: o.srcDirFd,
    dstGiven: o.dstDirFd,
  };
}

/**
 * Creates a hard link `dst` to the file `src`; the async twin of
 * {@linkcode linkSync}, with the same arguments, audit event and errors.
 *
 * Requires `--allow-ffi` for the descriptor options; without it,
 * `Deno.link` is used.
 *
 * @param src The existing file.
 * @param dst The new link.
 * @param options `srcDirFd`, `dstDirFd` and `followSymlinks`.
 * @returns A promise that resolves once the link exists.
 * @throws {Deno.errors.AlreadyExists} When `dst` exists (as a rejection).
 *
 * @example Hard-link a symlink itself
 * ```ts
 * import { link } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.symlinkSync("elsewhere", `${root}/sym`);
 * await link(`${root}/sym`, `${root}/sym2`, { followSymlinks: false });
 * assertEquals(Deno.readLinkSync(`${root}/sym2`), "elsewhere");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function link(
  src: PathLike,
  dst: PathLike,
  options?: LinkOptions,
): Promise<void> {
  const { s, d, follow, srcGiven, dstGiven } = check(src, dst, options);
  const b = backend();
  if (!hasPrimitive(b, "linkAt")) {
    // Deno.link does not follow; Python's default does.
    const target = (await Deno.lstat(s)).isSymlink ? await Deno.realPath(s) : s;
    return await Deno.link(target, d);
  }
  const r = await withDirFds(
    srcGiven,
    dstGiven,
    "link",
    b.AT_FDCWD,
    (sd, dd) => b.async.linkAt(sd, s, dd, d, follow),
  );
  if (r < 0) throw systemError(b, r, b.syscall.linkAt, s, d);
}

const CAPS = declareCapabilities([link, linkSync], {
  dirFd: (b) => hasPrimitive(b, "linkAt"),
  followSymlinks: (b) => hasPrimitive(b, "linkAt"),
});
