// Copyright 2026 the dirfd authors. MIT license.
/**
 * What the listing cores of `readDir` and `walk` share: how an entry of
 * unknown type is looked up, which failures mean it vanished, the error for
 * a name that is not UTF-8, and the one shape of a walk entry.
 *
 * @module
 */
import { type Call, call } from "./_drive.ts";
import type { Dir } from "./dir.ts";
import { type Backend, KIND } from "./ffi/_types.ts";
import type { WalkEntry } from "./walk.ts";
import type { FileInfo } from "./_file_info.ts";

/** Whether a failed lookup means "the entry is gone" (skipped, not thrown). */
export function vanished(b: Backend, err: number): boolean {
  const code = b.errnoName(-err);
  return code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP";
}

/**
 * The kind of entry `name` in the open directory `fd` from an `lstat`, for
 * file systems that leave `d_type` unknown; a negative error code on failure.
 * A core step (see `_drive.ts`): `yield* kindAt(fd, name)`.
 */
export function* kindAt(
  fd: number,
  name: string,
): Generator<Call, number, unknown> {
  const st = yield* call("statAt", fd, name, false);
  if (typeof st === "number") return st;
  return kindOf(st);
}

/** The {@linkcode KIND} of what `st` describes. */
export function kindOf(st: FileInfo): number {
  return st.isFile
    ? KIND.FILE
    : st.isDirectory
    ? KIND.DIR
    : st.isSymlink
    ? KIND.SYMLINK
    : KIND.OTHER;
}

/** The error for a name that is not valid UTF-8. */
export function badName(fn: string, lossy: string, dir: string): Error {
  const e = new Deno.errors.InvalidData(
    `${fn}: an entry name in '${dir}' is not valid UTF-8: ${
      JSON.stringify(lossy)
    }`,
  );
  (e as { code?: string }).code = "EILSEQ";
  return e;
}

/**
 * A {@linkcode WalkEntry}: built in one place, so every entry the walk
 * yields has the same shape.
 */
export function walkEntry(
  path: string,
  name: string,
  isFile: boolean,
  isDirectory: boolean,
  isSymlink: boolean,
  dir: Dir,
  info?: FileInfo,
): WalkEntry {
  return info === undefined
    ? { path, name, isFile, isDirectory, isSymlink, dir }
    : { path, name, isFile, isDirectory, isSymlink, dir, info };
}
