// Copyright 2026 the dirfd authors. MIT license.
import {
  dirFdAndFd,
  fdAndFollow,
  type FdLike,
  isFdLike,
  type PathLike,
  type TimeLike,
  toDirFd,
  toFd,
  toFollow,
  toOptions,
  toPath,
  toTimespec,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend, backendWith, hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withDirFd, withFd } from "./_dispatch.ts";
import type { UtimeTimes } from "./ffi/_types.ts";

export type { TimeLike };

/** Options for {@linkcode utime} and {@linkcode utimeSync}. */
export interface UtimeOptions {
  /**
   * Resolve a relative `path` against this open directory instead of the
   * current directory. Ignored for absolute paths.
   */
  dirFd?: FdLike;
  /**
   * When `false`, set the times of a symlink at `path` itself rather than of
   * its target. Defaults to `true`.
   */
  followSymlinks?: boolean;
}

/** Checks both times; `null` for "now" (both null, like Python's `times=None`). */
function toTimes(atime: unknown, mtime: unknown): UtimeTimes | null {
  if (atime === null && mtime === null) return null;
  if (atime === null || mtime === null) {
    throw new TypeError(
      "utime: atime and mtime must both be times, or both null for now",
    );
  }
  const [atimeSec, atimeNsec] = toTimespec(atime, "utime", "atime");
  const [mtimeSec, mtimeNsec] = toTimespec(mtime, "utime", "mtime");
  return { atimeSec, atimeNsec, mtimeSec, mtimeNsec };
}

/** Python's `times` and `ns` audit arguments for what the caller passed. */
export function auditTimes(
  atime: TimeLike | null,
  mtime: TimeLike | null,
  t: UtimeTimes | null,
): [unknown, unknown] {
  if (t === null) return [null, null];
  if (typeof atime !== "bigint" && typeof mtime !== "bigint") {
    return [Object.freeze([atime, mtime]), null];
  }
  const ns = (s: bigint, n: number) => s * 1_000_000_000n + BigInt(n);
  return [
    null,
    Object.freeze([ns(t.atimeSec, t.atimeNsec), ns(t.mtimeSec, t.mtimeNsec)]),
  ];
}

/**
 * Sets the access and modification times of a file, like Python's
 * `os.utime` (`utimensat`; `futimens` for a descriptor).
 *
 * Each time is seconds since the epoch as a number, a `Date`, or
 * nanoseconds since the epoch as a `bigint`; pass `null` for both to set
 * both to the current time. Nanoseconds are kept, unlike `Deno.utime`
 * (which truncates to milliseconds): a `bigint` is exact, a `Date` has
 * millisecond resolution, and a number is converted from its exact binary
 * value rounding toward minus infinity, as Python does (so the results
 * equal Python's `os.utime` for the same float). A number cannot hold every
 * nanosecond: near the present a double resolves only about 240 ns, so
 * `1700000000.123456789` is stored as `1700000000.123456716`. Use `bigint`
 * nanoseconds when exactness matters.
 *
 * Requires `--allow-ffi` for descriptors, `dirFd` and `followSymlinks: false`;
 * without it, `Deno.utimeSync` is used (milliseconds only, with
 * `--allow-write`). With `--allow-ffi` the call bypasses Deno's write
 * permission checks. Raises the audit event `os.utime` with
 * `[path, times, ns, dirFd]` like Python: `times` is `[atime, mtime]` as
 * given (or `null`), `ns` the two times in bigint nanoseconds when either was
 * given as a `bigint` (else `null`), and `dirFd` `-1` when not given.
 *
 * @param path The path, URL or open descriptor.
 * @param atime The new access time, or `null` (with `mtime`) for now.
 * @param mtime The new modification time, or `null` (with `atime`) for now.
 * @param options `dirFd` and `followSymlinks`.
 * @throws {TypeError} On a malformed argument or a time out of range, or
 * when combining a descriptor with `dirFd` or `followSymlinks: false`.
 * @throws {Deno.errors.NotSupported} When an option is unavailable here.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` for the OS error.
 *
 * @example Set nanosecond-exact times through an open directory
 * ```ts
 * import { openDirSync, statSync, utimeSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/f`, "");
 * using dir = openDirSync(root);
 * utimeSync("f", 1_000_000_000_123_456_789n, new Date(0), { dirFd: dir });
 * const info = statSync("f", { dirFd: dir });
 * assertEquals(info.atimeNs, 1_000_000_000_123_456_789n);
 * assertEquals(info.mtimeNs, 0n);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function utimeSync(
  path: PathLike | FdLike,
  atime: TimeLike | null,
  mtime: TimeLike | null,
  options?: UtimeOptions,
): void {
  const c = check(path, atime, mtime, options);
  if (c.p === undefined) {
    const b = backendWith("futimes", "utime", "fd");
    const r = b.futimes(c.fd, c.t);
    if (r < 0) throw systemError(b, r, b.syscall.futimes);
    return;
  }
  const { p, t, dirFd, follow } = c;
  const b = backend();
  if (!hasPrimitive(b, "utimeAt")) {
    const [a, m] = fallbackDates(t);
    return Deno.utimeSync(p, a, m);
  }
  const r = b.utimeAt(dirFd ?? b.AT_FDCWD, p, t, follow);
  if (r < 0) throw systemError(b, r, b.syscall.utimeAt, p);
}

/** The times `Deno.utime` is given without FFI (milliseconds only). */
function fallbackDates(t: UtimeTimes | null): [Date, Date] {
  const d = (s: bigint, n: number) => new Date(Number(s) * 1000 + n / 1e6);
  const now = new Date();
  return [
    t === null ? now : d(t.atimeSec, t.atimeNsec),
    t === null ? now : d(t.mtimeSec, t.mtimeNsec),
  ];
}

/** What {@linkcode check} returns: a descriptor, or a path and its options. */
type Checked =
  | { p: undefined; fd: number; t: UtimeTimes | null }
  | {
    p: string;
    t: UtimeTimes | null;
    dirFd: number | undefined;
    given: unknown;
    follow: boolean;
  };

/** Argument and capability checks, then the audit event. */
function check(
  path: PathLike | FdLike,
  atime: TimeLike | null,
  mtime: TimeLike | null,
  options: UtimeOptions | undefined,
): Checked {
  const o = toOptions(options, "utime");
  if (isFdLike(path)) {
    if (o.dirFd !== undefined && o.dirFd !== null) throw dirFdAndFd("utime");
    if (o.followSymlinks === false) throw fdAndFollow("utime");
    const fd = toFd(path, "utime");
    const t = toTimes(atime, mtime);
    if (!CAPS.fd) throw notSupported("utime", "fd");
    if (hooks.length !== 0) {
      audit("os.utime", [fd, ...auditTimes(atime, mtime, t), -1]);
    }
    return { p: undefined, fd, t };
  }
  const p = toPath(path, "utime");
  const t = toTimes(atime, mtime);
  const dirFd = toDirFd(o.dirFd, "utime");
  const follow = toFollow(o.followSymlinks, "utime");
  if (dirFd !== undefined && !CAPS.dirFd) throw notSupported("utime", "dirFd");
  if (!follow && !CAPS.followSymlinks) {
    throw notSupported("utime", "followSymlinks");
  }
  if (hooks.length !== 0) {
    audit("os.utime", [path, ...auditTimes(atime, mtime, t), dirFd ?? -1]);
  }
  return { p, t, dirFd, given: o.dirFd, follow };
}

/**
 * Sets the access and modification times of a file; the async twin of
 * {@linkcode utimeSync}, with the same arguments, audit event and errors.
 *
 * Requires `--allow-ffi` for descriptors and the options; without it,
 * `Deno.utime` is used.
 *
 * @param path The path, URL or open descriptor.
 * @param atime The new access time, or `null` (with `mtime`) for now.
 * @param mtime The new modification time, or `null` (with `atime`) for now.
 * @param options `dirFd` and `followSymlinks`.
 * @returns A promise that resolves once the times are set.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` (as rejections).
 *
 * @example Date a symlink itself
 * ```ts
 * import { lstatSync, utime } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.symlinkSync("nowhere", `${root}/link`);
 * await utime(`${root}/link`, 0, 86400, { followSymlinks: false });
 * assertEquals(lstatSync(`${root}/link`).mtime?.getTime(), 86400_000);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function utime(
  path: PathLike | FdLike,
  atime: TimeLike | null,
  mtime: TimeLike | null,
  options?: UtimeOptions,
): Promise<void> {
  const c = check(path, atime, mtime, options);
  if (c.p === undefined) {
    const b = backendWith("futimes", "utime", "fd");
    const { t } = c;
    const r = await withFd(
      path,
      "utime",
      "fd",
      (fd) => b.async.futimes(fd, t),
    );
    if (r < 0) throw systemError(b, r, b.syscall.futimes);
    return;
  }
  const { p, t, given, follow } = c;
  const b = backend();
  if (!hasPrimitive(b, "utimeAt")) {
    const [a, m] = fallbackDates(t);
    return await Deno.utime(p, a, m);
  }
  const r = await withDirFd(
    given,
    "utime",
    b.AT_FDCWD,
    (d) => b.async.utimeAt(d, p, t, follow),
  );
  if (r < 0) throw systemError(b, r, b.syscall.utimeAt, p);
}

const CAPS = declareCapabilities([utime, utimeSync], {
  fd: (b) => hasPrimitive(b, "futimes"),
  dirFd: (b) => hasPrimitive(b, "utimeAt"),
  followSymlinks: (b) => hasPrimitive(b, "utimeAt"),
});
