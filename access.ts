// Copyright 2026 the dirfd authors. MIT license.
import {
  type FdLike,
  type PathLike,
  toBool,
  toDirFd,
  toFollow,
  toOptions,
  toPath,
} from "./_args.ts";
import { backend, hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported } from "./_errors.ts";
import { withDirFd } from "./_dispatch.ts";

/** {@linkcode access} mode: the path exists. */
export const F_OK = 0;
/** {@linkcode access} mode bit: reading is allowed. */
export const R_OK = 4;
/** {@linkcode access} mode bit: writing is allowed. */
export const W_OK = 2;
/** {@linkcode access} mode bit: executing (or searching a directory) is allowed. */
export const X_OK = 1;

/** Options for {@linkcode access} and {@linkcode accessSync}. */
export interface AccessOptions {
  /**
   * Resolve a relative `path` against this open directory instead of the
   * current directory. Ignored for absolute paths.
   */
  dirFd?: FdLike;
  /**
   * When `false`, check a symlink at `path` itself rather than its target.
   * Defaults to `true`.
   */
  followSymlinks?: boolean;
  /**
   * Check with the effective user and group ids (`AT_EACCESS`) instead of
   * the real ones. Defaults to `false`, like Python's `effective_ids`.
   */
  effectiveIds?: boolean;
}

function toAccessMode(mode: unknown): number {
  if (
    typeof mode === "number" && Number.isInteger(mode) && mode >= 0 &&
    mode <= 7
  ) {
    return mode;
  }
  throw new TypeError(
    "access: mode must be F_OK or a combination of R_OK, W_OK and X_OK",
  );
}

/**
 * Tests whether the calling process may access `path`, like Python's
 * `os.access` (`faccessat`). `mode` is {@linkcode F_OK} (exists) or an OR of
 * {@linkcode R_OK}, {@linkcode W_OK} and {@linkcode X_OK}.
 *
 * Like Python, any failure of the check itself — the path is missing, a
 * component is not a directory, a symlink loops, a bad `dirFd` — gives
 * `false`; only malformed arguments and unavailable options throw. The
 * answer can be stale by the time it is used; prefer trying the operation.
 * Python raises no audit event for `os.access`, and neither does this.
 *
 * Requires `--allow-ffi`, which bypasses Deno's read permission checks.
 * Without it only {@linkcode F_OK} is answered (through `Deno.statSync`,
 * with `--allow-read`) and the other modes throw `NotSupported`.
 *
 * @param path The path or `file:` URL to check.
 * @param mode {@linkcode F_OK}, or an OR of {@linkcode R_OK},
 * {@linkcode W_OK}, {@linkcode X_OK}.
 * @param options `dirFd`, `followSymlinks` and `effectiveIds`.
 * @returns Whether access is allowed.
 * @throws {TypeError} On a malformed path, mode or option.
 * @throws {Deno.errors.NotSupported} When an option (or, without FFI, a
 * permission check) is unavailable here.
 *
 * @example Check a file relative to an open directory
 * ```ts
 * import { accessSync, F_OK, openDirSync, W_OK } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/f`, "");
 * using dir = openDirSync(root);
 * assertEquals(accessSync("f", W_OK, { dirFd: dir }), true);
 * assertEquals(accessSync("missing", F_OK, { dirFd: dir }), false);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function accessSync(
  path: PathLike,
  mode: number,
  options?: AccessOptions,
): boolean {
  const { p, m, dirFd, follow, effectiveIds } = check(path, mode, options);
  const b = backend();
  if (!hasPrimitive(b, "accessAt")) {
    checkFallback(m, effectiveIds);
    try {
      Deno.statSync(p);
      return true;
    } catch {
      return false;
    }
  }
  return b.accessAt(dirFd ?? b.AT_FDCWD, p, m, follow, effectiveIds) === 0;
}

/** Argument and capability checks (Python raises no audit event here). */
function check(
  path: PathLike,
  mode: number,
  options: AccessOptions | undefined,
) {
  const o = toOptions(options, "access");
  const p = toPath(path, "access");
  const m = toAccessMode(mode);
  const dirFd = toDirFd(o.dirFd, "access");
  const follow = toFollow(o.followSymlinks, "access");
  const effectiveIds = toBool(o.effectiveIds, "access", "effectiveIds");
  if (dirFd !== undefined && !CAPS.dirFd) throw notSupported("access", "dirFd");
  if (!follow && !CAPS.followSymlinks) {
    throw notSupported("access", "followSymlinks");
  }
  return { p, m, dirFd, given: o.dirFd, follow, effectiveIds };
}

/** Without `faccessat`, only existence can be answered. */
function checkFallback(m: number, effectiveIds: boolean): void {
  if (effectiveIds) throw notSupported("access", "effectiveIds");
  if (m !== F_OK) throw notSupported("access", "R_OK/W_OK/X_OK");
}

/**
 * Tests whether the calling process may access `path`; the async twin of
 * {@linkcode accessSync}, with the same arguments and answers.
 *
 * Requires `--allow-ffi` (without it only {@linkcode F_OK} is answered).
 *
 * @param path The path or `file:` URL to check.
 * @param mode {@linkcode F_OK}, or an OR of {@linkcode R_OK},
 * {@linkcode W_OK}, {@linkcode X_OK}.
 * @param options `dirFd`, `followSymlinks` and `effectiveIds`.
 * @returns A promise for whether access is allowed.
 * @throws {TypeError} On a malformed argument (as a rejection).
 *
 * @example A dangling symlink exists only when not followed
 * ```ts
 * import { access, F_OK } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.symlinkSync("nowhere", `${root}/link`);
 * assertEquals(await access(`${root}/link`, F_OK), false);
 * assertEquals(
 *   await access(`${root}/link`, F_OK, { followSymlinks: false }),
 *   true,
 * );
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function access(
  path: PathLike,
  mode: number,
  options?: AccessOptions,
): Promise<boolean> {
  const { p, m, given, follow, effectiveIds } = check(path, mode, options);
  const b = backend();
  if (!hasPrimitive(b, "accessAt")) {
    checkFallback(m, effectiveIds);
    try {
      await Deno.stat(p);
      return true;
    } catch {
      return false;
    }
  }
  const r = await withDirFd(
    given,
    "access",
    b.AT_FDCWD,
    (d) => b.async.accessAt(d, p, m, follow, effectiveIds),
  );
  return r === 0;
}

const CAPS = declareCapabilities([access, accessSync], {
  dirFd: (b) => hasPrimitive(b, "accessAt"),
  followSymlinks: (b) => hasPrimitive(b, "accessAt"),
});
