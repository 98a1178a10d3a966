// Copyright 2026 the dirfd authors. MIT license.
import {
  type FdLike,
  type PathLike,
  toDirFd,
  toOptions,
  toPath,
} from "./_args.ts";
import { backend } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { type Backend, NOT_UTF8 } from "./ffi/_types.ts";
import { withDirFd } from "./_dispatch.ts";

/** Options for {@linkcode readLink} and {@linkcode readLinkSync}. */
export interface ReadLinkOptions {
  /**
   * Resolve a relative `path` against this open directory instead of the
   * current directory. Ignored for absolute paths.
   */
  dirFd?: FdLike;
}

/**
 * Returns the target of the symbolic link at `path`, exactly as stored, like
 * Python's `os.readlink`. Targets of any length are read whole.
 *
 * Requires `--allow-ffi` for `dirFd`; without it, `Deno.readLinkSync` is used
 * (with `--allow-read`).
 *
 * @param path The link to read.
 * @param options `dirFd`.
 * @returns The link's target.
 * @throws {TypeError} On a malformed path (or `EINVAL`: `path` is not a link,
 * which Deno also reports as a `TypeError`).
 * @throws {Deno.errors.InvalidData} When the target is not valid UTF-8 and so
 * has no exact string form.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` for the OS error.
 *
 * @example Read a link relative to a directory
 * ```ts
 * import { openDirSync, readLinkSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.symlinkSync("a b/../c", `${root}/l`);
 * using dir = openDirSync(root);
 * assertEquals(readLinkSync("l", { dirFd: dir }), "a b/../c");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function readLinkSync(
  path: PathLike,
  options?: ReadLinkOptions,
): string {
  const { p, dirFd } = check(path, options);
  const b = backend();
  if (b === null) return Deno.readLinkSync(p);
  return result(b, b.readLinkAt(dirFd ?? b.AT_FDCWD, p), p);
}

function check(path: PathLike, options: ReadLinkOptions | undefined) {
  const o = toOptions(options, "readLink");
  const p = toPath(path, "readLink");
  const dirFd = toDirFd(o.dirFd, "readLink");
  if (dirFd !== undefined && !CAPS.dirFd) {
    throw notSupported("readLink", "dirFd");
  }
  return { p, dirFd, given: o.dirFd };
}

function result(b: Backend, r: string | number, p: string): string {
  if (r === NOT_UTF8) {
    throw new Deno.errors.InvalidData(
      `readLink: the target of '${p}' is not valid UTF-8 and has no exact string form`,
    );
  }
  if (typeof r === "number") throw systemError(b, r, b.syscall.readLinkAt, p);
  return r;
}

/**
 * Returns the target of the symbolic link at `path`; the async twin of
 * {@linkcode readLinkSync}.
 *
 * Requires `--allow-ffi` for `dirFd`; without it, `Deno.readLink` is used.
 *
 * @param path The link to read.
 * @param options `dirFd`.
 * @returns A promise for the link's target.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` (as rejections).
 *
 * @example Read a link
 * ```ts
 * import { readLink } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.symlinkSync("/", `${root}/l`);
 * assertEquals(await readLink(`${root}/l`), "/");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function readLink(
  path: PathLike,
  options?: ReadLinkOptions,
): Promise<string> {
  const { p, given } = check(path, options);
  const b = backend();
  if (b === null) return await Deno.readLink(p);
  const r = await withDirFd(
    given,
    "readLink",
    b.AT_FDCWD,
    (d) => b.async.readLinkAt(d, p),
  );
  return result(b, r, p);
}

const CAPS = declareCapabilities([readLink, readLinkSync], {
  dirFd: (b) => b !== null && b.has.readLinkAtDirFd !== false,
});
