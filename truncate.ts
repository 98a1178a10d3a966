// Copyright 2026 the dirfd authors. MIT license.
import {
  type FdLike,
  isFdLike,
  type PathLike,
  toFd,
  toLength,
  toPath,
} from "./_args.ts";
import { audit, hooks } from "./_audit.ts";
import { backend, backendWith, hasPrimitive } from "./_backend.ts";
import { declareCapabilities } from "./_caps.ts";
import { notSupported, systemError } from "./_errors.ts";
import { withFd } from "./_dispatch.ts";

/**
 * Sets the length of a file, like Python's `os.truncate` (`truncate`;
 * `ftruncate` for a descriptor open for writing). A longer length extends
 * the file with zero bytes. A symlink at `path` is followed, as by
 * `truncate(2)` and Python; `Deno.truncate` instead refuses symlinks with
 * `FilesystemLoop`.
 *
 * Requires `--allow-ffi` for a descriptor; without it, `Deno.truncateSync`
 * is used (with `--allow-write`). With `--allow-ffi` the call bypasses
 * Deno's write permission checks. Raises the audit event `os.truncate` with
 * `[path, length]` (the descriptor number in place of `path`).
 *
 * @param path The path, URL or open descriptor.
 * @param length The new length in bytes: a non-negative integer or bigint.
 * @throws {TypeError} On a malformed path, descriptor or length.
 * @throws {Deno.errors.NotSupported} For a descriptor where unavailable.
 * @throws {Deno.errors.IsADirectory} When `path` is a directory.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` for the OS error.
 *
 * @example Cut a file down
 * ```ts
 * import { truncateSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/log`, "hello world");
 * truncateSync(`${root}/log`, 5);
 * assertEquals(Deno.readTextFileSync(`${root}/log`), "hello");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function truncateSync(
  path: PathLike | FdLike,
  length: number | bigint,
): void {
  const c = check(path, length);
  if (c.p === undefined) {
    const b = backendWith("ftruncate", "truncate", "fd");
    const r = b.ftruncate(c.fd, c.len);
    if (r < 0) throw systemError(b, r, b.syscall.ftruncate);
    return;
  }
  const { p, len } = c;
  const b = backend();
  if (!hasPrimitive(b, "truncate")) return Deno.truncateSync(p, Number(len));
  const r = b.truncate(p, len);
  if (r < 0) throw systemError(b, r, b.syscall.truncate, p);
}

/** Argument and capability checks, then the audit event. */
function check(
  path: PathLike | FdLike,
  length: number | bigint,
): { p: undefined; fd: number; len: bigint } | { p: string; len: bigint } {
  if (isFdLike(path)) {
    const fd = toFd(path, "truncate");
    const len = toLength(length, "truncate");
    if (!CAPS.fd) throw notSupported("truncate", "fd");
    if (hooks.length !== 0) audit("os.truncate", [fd, length]);
    return { p: undefined, fd, len };
  }
  const p = toPath(path, "truncate");
  const len = toLength(length, "truncate");
  if (hooks.length !== 0) audit("os.truncate", [path, length]);
  return { p, len };
}

/**
 * Sets the length of a file; the async twin of {@linkcode truncateSync},
 * with the same arguments, audit event and errors.
 *
 * Requires `--allow-ffi` for a descriptor; without it, `Deno.truncate` is
 * used.
 *
 * @param path The path, URL or open descriptor.
 * @param length The new length in bytes.
 * @returns A promise that resolves once the length is set.
 * @throws {Deno.errors.NotFound} And the other `Deno.errors` (as rejections).
 *
 * @example Extend a file with zeros
 * ```ts
 * import { truncate } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const root = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${root}/f`, "");
 * await truncate(`${root}/f`, 4n);
 * assertEquals(Deno.readFileSync(`${root}/f`), new Uint8Array(4));
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function truncate(
  path: PathLike | FdLike,
  length: number | bigint,
): Promise<void> {
  const c = check(path, length);
  if (c.p === undefined) {
    const b = backendWith("ftruncate", "truncate", "fd");
    const { len } = c;
    const r = await withFd(
      path,
      "truncate",
      "fd",
      (fd) => b.async.ftruncate(fd, len),
    );
    if (r < 0) throw systemError(b, r, b.syscall.ftruncate);
    return;
  }
  const { p, len } = c;
  const b = backend();
  if (!hasPrimitive(b, "truncate")) return await Deno.truncate(p, Number(len));
  const r = await (b.async.truncate(p, len));
  if (r < 0) throw systemError(b, r, b.syscall.truncate, p);
}

const CAPS = declareCapabilities([truncate, truncateSync], {
  fd: (b) => hasPrimitive(b, "ftruncate"),
});
