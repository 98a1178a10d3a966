// Copyright 2026 the dirfd authors. MIT license.
/**
 * Argument checks shared by every operation. All of them run before any
 * system call and throw `TypeError` (or `BadResource` for a closed Dir).
 *
 * @module
 */
import { Dir } from "./dir.ts";
import { closedDir } from "./_errors.ts";

/** A path: a string or a `file:` URL. */
export type PathLike = string | URL;
/** A descriptor: a raw integer or a {@linkcode Dir}. */
export type FdLike = number | Dir;

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
  if (p.includes("\0")) {
    throw new TypeError(`${fn}: ${arg} must not contain a NUL byte`);
  }
  if (!p.isWellFormed()) {
    throw new TypeError(
      `${fn}: ${arg} contains a lone UTF-16 surrogate and has no exact encoding`,
    );
  }
  return p;
}

/** Converts a path argument to a string, or throws `TypeError`. */
export function toPath(value: unknown, fn: string, arg = "path"): string {
  if (typeof value === "string") return checkPathString(value, fn, arg);
  if (value instanceof URL) {
    return checkPathString(fileUrlToPath(value, fn, arg), fn, arg);
  }
  throw new TypeError(
    `${fn}: ${arg} must be a string or a file: URL, not ${describe(value)}`,
  );
}

/**
 * Converts a `file:` URL to a path. Percent-escapes must decode to valid
 * UTF-8, and an escaped separator is refused, so the path is never a lossy or
 * different one.
 */
export function fileUrlToPath(
  url: URL,
  fn: string,
  arg: string,
  windows = isWindows,
): string {
  if (url.protocol !== "file:") {
    throw new TypeError(
      `${fn}: ${arg} must be a file: URL, not a ${url.protocol} URL`,
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
  if (!windows) {
    if (url.hostname !== "" && url.hostname !== "localhost") {
      throw new TypeError(`${fn}: ${arg} URL host must be empty or localhost`);
    }
    return p;
  }
  p = p.replaceAll("/", "\\");
  if (url.hostname !== "") return `\\\\${url.hostname}${p}`;
  if (/^\\[A-Za-z]:/.test(p)) return p.slice(1);
  throw new TypeError(`${fn}: ${arg} URL must be absolute (a drive or a host)`);
}

/** Whether a value is given in place of a path as a descriptor. */
export function isFdLike(value: unknown): value is FdLike {
  return typeof value === "number" || value instanceof Dir;
}

/** Converts a descriptor argument to its number, or throws. */
export function toFd(value: unknown, fn: string, arg = "fd"): number {
  if (typeof value === "number") {
    if (Number.isInteger(value) && value >= 0 && value <= 0x7fffffff) {
      return value;
    }
    throw new TypeError(
      `${fn}: ${arg} must be a non-negative integer descriptor, not ${value}`,
    );
  }
  if (value instanceof Dir) {
    if (value.closed) throw closedDir(fn);
    return value.fd;
  }
  throw new TypeError(
    `${fn}: ${arg} must be a descriptor (number or Dir), not ${
      describe(value)
    }`,
  );
}

/** An optional `dirFd`: `undefined` when absent, else its number. */
export function toDirFd(value: unknown, fn: string): number | undefined {
  return value === undefined || value === null
    ? undefined
    : toFd(value, fn, "dirFd");
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
