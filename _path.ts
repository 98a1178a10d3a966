// Copyright 2026 the dirfd authors. MIT license.
/**
 * The `@std/path` functions the module uses, for the running OS. They come
 * from std's `posix/` and `windows/` modules, chosen here by
 * `Deno.build.os`, as std's top-level `@std/path/*` modules choose them:
 * those decide by reading `globalThis.process` first, which in Deno 2.9
 * loads the Node `process` polyfill, 8–12 ms of a fresh process's import
 * (measured with a script that imports `@std/internal/os` alone), paid by
 * every program that imports this module.
 *
 * @module
 */
import { basename as posixBasename } from "@std/path/posix/basename";
import { join as posixJoin } from "@std/path/posix/join";
import { normalize as posixNormalize } from "@std/path/posix/normalize";
import { basename as windowsBasename } from "@std/path/windows/basename";
import { join as windowsJoin } from "@std/path/windows/join";
import { normalize as windowsNormalize } from "@std/path/windows/normalize";

const windows = Deno.build.os === "windows";

/** `@std/path`'s `basename` for this OS. */
export const basename: typeof posixBasename = windows
  ? windowsBasename
  : posixBasename;
/** `@std/path`'s `join` for this OS. */
export const join: typeof posixJoin = windows ? windowsJoin : posixJoin;
/** `@std/path`'s `normalize` for this OS. */
export const normalize: typeof posixNormalize = windows
  ? windowsNormalize
  : posixNormalize;
/** `@std/path`'s `SEPARATOR` for this OS. */
export const SEPARATOR: "/" | "\\" = windows ? "\\" : "/";
