// Copyright 2026 the dirfd authors. MIT license.
/**
 * How async operations reach the backend: with any `Dir` or `File` they use pinned
 * (its descriptor stays open, and its number unused by anything else, until
 * the call settles), through the backend's async twin when it has one (the
 * syscall runs off the main thread, see `ffi/_pool.ts`), else through the
 * sync primitive.
 *
 * @module
 */
import { toFd } from "./_args.ts";
import { acquire, isHandle, release } from "./dir.ts";

/**
 * Runs `call` with the descriptor of `value` (a number or a `Dir`, checked as
 * `toFd` does) pinned until the returned promise settles. Argument errors are
 * thrown synchronously; callers are `async` functions, so they reject.
 */
export function withFd<T>(
  value: unknown,
  fn: string,
  arg: string,
  call: (fd: number) => Promise<T> | T,
): Promise<T> {
  if (!isHandle(value)) {
    return Promise.resolve(call(toFd(value, fn, arg)));
  }
  const fd = value[acquire](fn);
  let p: Promise<T>;
  try {
    p = Promise.resolve(call(fd));
  } catch (e) {
    value[release]();
    throw e;
  }
  return p.then((v) => {
    value[release]();
    return v;
  }, (e) => {
    value[release]();
    throw e;
  });
}

/**
 * Like {@linkcode withFd} for an optional `dirFd`: `absent` is passed when it
 * is `undefined` or `null`.
 */
export function withDirFd<T>(
  value: unknown,
  fn: string,
  absent: number,
  call: (dirfd: number) => Promise<T> | T,
): Promise<T> {
  if (value === undefined || value === null) {
    return Promise.resolve(call(absent));
  }
  return withFd(value, fn, "dirFd", call);
}

/**
 * {@linkcode withDirFd} for the two optional directories of a two-path
 * operation (`srcDirFd`, `dstDirFd`): both stay pinned until the call
 * settles, even when they are the same `Dir`.
 */
export function withDirFds<T>(
  src: unknown,
  dst: unknown,
  fn: string,
  absent: number,
  call: (srcDirfd: number, dstDirfd: number) => Promise<T> | T,
): Promise<T> {
  return withDirFd(
    src,
    fn,
    absent,
    (sd) => withDirFd(dst, fn, absent, (dd) => call(sd, dd)),
  );
}
