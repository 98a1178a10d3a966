// Copyright 2026 the dirfd authors. MIT license.
/**
 * Argument checks shared by every operation. All of them run before any
 * system call and throw `TypeError` (or `BadResource` for a closed Dir).
 *
 * Every argument is converted once, at entry, into a local value, and that
 * value (never the argument or option read again) is what is audited,
 * validated and used: an option's getter runs once, a `Dir` is kept as the
 * object it was (to be pinned while an async call runs). A URL is read
 * through `URL.prototype`'s own getters, so a subclass cannot answer
 * differently twice. `-0` is normalised to `0` wherever an integer is taken
 * (descriptors, modes, ids, lengths, device numbers): it means 0, and the
 * FFI refuses `-0` for an integer parameter.
 *
 * @module
 */
import { type Dir, type Handle, isDir, isHandle, openFdOf } from "./dir.ts";
import type { File } from "./file.ts";
import { closedFile } from "./_errors.ts";

/** A path: a string or a `file:` URL. */
export type PathLike = string | URL;
/**
 * A descriptor: a raw integer, a {@linkcode Dir} or a {@linkcode File}.
 * Every integer argument (descriptor, mode, id, length) takes `-0` as `0`;
 * each argument and option is read once, when the call is made.
 */
export type FdLike = number | Dir | File;

const isWindows = Deno.build.os === "windows";

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return "a string";
  if (typeof value === "object") {
    return `an object (${value.constructor?.name ?? "null prototype"})`;
  }
  return `${typeof value} ${String(value)}`;
}

/** Checks a string path: no NUL byte, no lone surrogate. */
export function checkPathString(p: string, fn: string, arg: string): string {
  // Small enough to inline into every operation: the errors are built apart.
  if (p.includes("\0") || !p.isWellFormed()) throw badPathString(p, fn, arg);
  return p;
}

function badPathString(p: string, fn: string, arg: string): TypeError {
  return p.includes("\0")
    ? new TypeError(`${fn}: ${arg} must not contain a NUL byte`)
    : new TypeError(
      `${fn}: ${arg} contains a lone UTF-16 surrogate and has no exact encoding`,
    );
}

/** Converts a path argument to a string, or throws `TypeError`. */
export function toPath(value: unknown, fn: string, arg = "path"): string {
  if (typeof value === "string") return checkPathString(value, fn, arg);
  if (value instanceof URL) {
    return checkPathString(fileUrlToPath(ownUrl(value), fn, arg), fn, arg);
  }
  throw new TypeError(
    `${fn}: ${arg} must be a string or a file: URL, not ${describe(value)}`,
  );
}

const urlGetter = (k: string) =>
  Object.getOwnPropertyDescriptor(URL.prototype, k)!.get!;
const URL_PROTOCOL = urlGetter("protocol");
const URL_PATHNAME = urlGetter("pathname");
const URL_HOSTNAME = urlGetter("hostname");

/**
 * The parts of a URL as the URL itself holds them, each read once through
 * `URL.prototype`'s getters (a subclass or proxy cannot change them; a proxy
 * is refused).
 */
function ownUrl(
  url: URL,
): { protocol: string; pathname: string; hostname: string } {
  try {
    return {
      protocol: URL_PROTOCOL.call(url),
      pathname: URL_PATHNAME.call(url),
      hostname: URL_HOSTNAME.call(url),
    };
  } catch {
    throw new TypeError("path must be a string or a file: URL");
  }
}

/**
 * Converts a `file:` URL to a path. Percent-escapes must decode to valid
 * UTF-8, and an escaped separator is refused, so the path is never a lossy or
 * different one.
 */
export function fileUrlToPath(
  url: Pick<URL, "protocol" | "pathname" | "hostname">,
  fn: string,
  arg: string,
  windows = isWindows,
): string {
  const protocol = url.protocol;
  if (protocol !== "file:") {
    throw new TypeError(
      `${fn}: ${arg} must be a file: URL, not a ${protocol} URL`,
    );
  }
  const raw = url.pathname;
  if (/%2f/i.test(raw) || (windows && /%5c/i.test(raw))) {
    throw new TypeError(
      `${fn}: ${arg} URL must not include encoded path separators`,
    );
  }
  let p: string;
  try {
    p = decodeURIComponent(raw);
  } catch {
    throw new TypeError(
      `${fn}: ${arg} URL has percent-escapes that are not valid UTF-8`,
    );
  }
  const host = url.hostname;
  if (!windows) {
    if (host !== "" && host !== "localhost") {
      throw new TypeError(`${fn}: ${arg} URL host must be empty or localhost`);
    }
    return p;
  }
  p = p.replaceAll("/", "\\");
  if (host !== "") return `\\\\${host}${p}`;
  if (/^\\[A-Za-z]:/.test(p)) return p.slice(1);
  throw new TypeError(`${fn}: ${arg} URL must be absolute (a drive or a host)`);
}

/** Whether a value is given in place of a path as a descriptor. */
export function isFdLike(value: unknown): value is FdLike {
  return typeof value === "number" || isHandle(value);
}

/** Converts a descriptor argument to its number (`-0` is 0), or throws. */
export function toFd(value: unknown, fn: string, arg = "fd"): number {
  if (typeof value === "number") {
    if (Number.isInteger(value) && value >= 0 && value <= 0x7fffffff) {
      return value | 0;
    }
    throw new TypeError(
      `${fn}: ${arg} must be a non-negative integer descriptor, not ${value}`,
    );
  }
  if (isHandle(value)) return handleFd(value, fn);
  throw new TypeError(
    `${fn}: ${arg} must be a descriptor (number, Dir or File), not ${
      describe(value)
    }`,
  );
}

/**
 * A descriptor argument converted once: a number (checked, `-0` made 0), or
 * the open {@linkcode Dir} or `File` itself, to be pinned while a call uses
 * it.
 */
export type FdArg = number | Handle;

/** Converts a descriptor argument once into an {@linkcode FdArg}, or throws. */
export function toFdArg(value: unknown, fn: string, arg = "fd"): FdArg {
  if (isHandle(value)) {
    handleFd(value, fn);
    return value;
  }
  return toFd(value, fn, arg);
}

/** An optional `dirFd` as an {@linkcode FdArg}; `undefined` when absent. */
export function toDirFdArg(
  value: unknown,
  fn: string,
  arg = "dirFd",
): FdArg | undefined {
  return value === undefined || value === null
    ? undefined
    : toFdArg(value, fn, arg);
}

/**
 * The number of a converted descriptor. A `Dir` must still be open: this is
 * read again after the audit hooks ran (a hook may close it), so that the
 * number a call uses is the one audited, of the same open directory.
 */
export function fdOfArg(x: FdArg, fn: string): number;
export function fdOfArg(x: FdArg | undefined, fn: string): number | undefined;
export function fdOfArg(x: FdArg | undefined, fn: string): number | undefined {
  return x === undefined || typeof x === "number" ? x : handleFd(x, fn);
}

/** The descriptor of an open `Dir` or `File`; `BadResource` when closed. */
function handleFd(h: Handle, fn: string): number {
  if (isDir(h)) return openFdOf(h, fn);
  if (h.closed) throw closedFile();
  return h.fd;
}

/**
 * After the audit hooks ran: each `Dir` among the converted descriptors is
 * still open (a hook that closed one aborts the call with `BadResource`, so
 * no call runs on a number the hook may have handed to another file).
 */
export function stillOpen(fn: string, a?: FdArg, b?: FdArg): void {
  if (a !== undefined && typeof a !== "number") handleFd(a, fn);
  if (b !== undefined && typeof b !== "number") handleFd(b, fn);
}

/** An optional `dirFd` (or `srcDirFd`…): `undefined` when absent, else its number. */
export function toDirFd(
  value: unknown,
  fn: string,
  arg = "dirFd",
): number | undefined {
  return value === undefined || value === null
    ? undefined
    : toFd(value, fn, arg);
}

/** An optional `followSymlinks` flag; defaults to true. */
export function toFollow(value: unknown, fn: string): boolean {
  if (value === undefined) return true;
  if (typeof value === "boolean") return value;
  throw new TypeError(
    `${fn}: followSymlinks must be a boolean, not ${describe(value)}`,
  );
}

const NO_OPTIONS = Object.freeze({});

/** The options argument: `undefined` or an object. */
export function toOptions<T extends object>(
  value: T | undefined,
  fn: string,
): Partial<T> {
  if (value === undefined) return NO_OPTIONS;
  if (typeof value === "object" && value !== null) return value;
  throw new TypeError(
    `${fn}: options must be an object, not ${describe(value)}`,
  );
}

/** Python's rule: a descriptor in place of a path cannot take `dirFd`. */
export function dirFdAndFd(fn: string): TypeError {
  return new TypeError(`${fn}: can't specify both dirFd and fd`);
}

/** Python's rule: a descriptor in place of a path cannot take `followSymlinks: false`. */
export function fdAndFollow(fn: string): TypeError {
  return new TypeError(`${fn}: cannot use fd and followSymlinks together`);
}

/** An optional boolean option; `undefined` gives `fallback`. */
export function toBool(
  value: unknown,
  fn: string,
  arg: string,
  fallback = false,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value === "boolean") return value;
  throw new TypeError(
    `${fn}: ${arg} must be a boolean, not ${describe(value)}`,
  );
}

/**
 * A permission mode: an integer from 0 to 0o7777, or to `max` (`0o177777`
 * for `mknod`, whose mode carries the file type bits too).
 */
export function toMode(value: unknown, fn: string, max = 0o7777): number {
  if (
    typeof value === "number" && Number.isInteger(value) && value >= 0 &&
    value <= max
  ) {
    return value | 0;
  }
  throw new TypeError(
    `${fn}: mode must be an integer from 0 to 0o${max.toString(8)}, not ${
      describe(value)
    }`,
  );
}

const U64_LIMIT = 2n ** 64n;

/** A device number (`dev_t`): a non-negative safe integer or a bigint below 2^64. */
export function toDevice(value: unknown, fn: string): bigint {
  if (
    typeof value === "number" && Number.isSafeInteger(value) && value >= 0
  ) {
    return BigInt(value);
  }
  if (typeof value === "bigint" && value >= 0n && value < U64_LIMIT) {
    return value;
  }
  throw new TypeError(
    `${fn}: device must be a non-negative integer, not ${describe(value)}`,
  );
}

/** A user or group id; `-1` means "leave unchanged" (`-0` is 0). */
export function toId(value: unknown, fn: string, arg: string): number {
  if (
    typeof value === "number" && Number.isInteger(value) && value >= -1 &&
    value <= 0xfffffffe
  ) {
    return value + 0;
  }
  throw new TypeError(
    `${fn}: ${arg} must be -1 or an integer from 0 to 4294967294, not ${
      describe(value)
    }`,
  );
}

const I64_LIMIT = 2n ** 63n;

/** A file length: a non-negative safe integer or a bigint below 2^63. */
export function toLength(value: unknown, fn: string): bigint {
  if (
    typeof value === "number" && Number.isSafeInteger(value) && value >= 0
  ) {
    return BigInt(value);
  }
  if (typeof value === "bigint" && value >= 0n && value < I64_LIMIT) {
    return value;
  }
  throw new TypeError(
    `${fn}: length must be a non-negative integer, not ${describe(value)}`,
  );
}

/** A time for `utime`: seconds as a number, a `Date`, or bigint nanoseconds. */
export type TimeLike = number | Date | bigint;

const NS = 1_000_000_000n;

/**
 * Converts a time to (seconds, nanoseconds) with 0 ≤ nanoseconds < 1e9.
 * Numbers are rounded toward minus infinity to the nanosecond, as Python's
 * `os.utime` does; a `Date` is exact (milliseconds); a bigint counts
 * nanoseconds since the epoch and is exact.
 */
export function toTimespec(
  value: unknown,
  fn: string,
  arg: string,
): [bigint, number] {
  let sec: bigint;
  let nsec: number;
  if (typeof value === "bigint") {
    let s = value / NS;
    let n = value - s * NS;
    if (n < 0n) {
      n += NS;
      s -= 1n;
    }
    sec = s;
    nsec = Number(n);
  } else if (typeof value === "number" && Number.isFinite(value)) {
    // Python's _PyTime_DoubleToDenominator with _PyTime_ROUND_FLOOR.
    let whole = Math.trunc(value);
    let frac = Math.floor((value - whole) * 1e9);
    if (frac >= 1e9) {
      frac -= 1e9;
      whole += 1;
    } else if (frac < 0) {
      frac += 1e9;
      whole -= 1;
    }
    if (!(whole >= -(2 ** 63) && whole < 2 ** 63)) {
      return badTime(value, fn, arg);
    }
    sec = BigInt(whole);
    nsec = frac;
  } else if (value instanceof Date && !Number.isNaN(value.getTime())) {
    const ms = value.getTime();
    const s = Math.floor(ms / 1000);
    sec = BigInt(s);
    nsec = (ms - s * 1000) * 1_000_000;
  } else {
    return badTime(value, fn, arg);
  }
  if (sec < -I64_LIMIT || sec >= I64_LIMIT) return badTime(value, fn, arg);
  return [sec, nsec];
}

function badTime(value: unknown, fn: string, arg: string): never {
  throw new TypeError(
    `${fn}: ${arg} must be finite seconds (number), a valid Date or bigint nanoseconds within range, not ${
      describe(value)
    }`,
  );
}
