// Copyright 2026 the dirfd authors. MIT license.
// Shared test helpers: temporary trees, FileInfo parity, subprocesses.
import assert from "node:assert/strict";

/** Runs `fn` with a fresh temporary directory (real path), removed afterwards. */
export async function withTempDir<T>(
  fn: (root: string) => T | Promise<T>,
): Promise<T> {
  const root = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "dirfd_t_" }));
  try {
    return await fn(root);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
}

/** The `Deno.FileInfo` fields. */
export const DENO_FIELDS = [
  "isFile",
  "isDirectory",
  "isSymlink",
  "size",
  "mtime",
  "atime",
  "birthtime",
  "ctime",
  "dev",
  "ino",
  "mode",
  "nlink",
  "uid",
  "gid",
  "rdev",
  "blksize",
  "blocks",
  "isBlockDevice",
  "isCharDevice",
  "isFifo",
  "isSocket",
] as const;

/** Asserts every `Deno.FileInfo` field of `mine` equals Deno's. */
export function assertSameInfo(
  mine: Deno.FileInfo,
  deno: Deno.FileInfo,
  what: string,
  skip: readonly string[] = [],
): void {
  for (const k of DENO_FIELDS) {
    if (skip.includes(k)) continue;
    const a = mine[k], b = deno[k];
    const norm = (v: unknown) => v instanceof Date ? v.getTime() : v;
    assert.deepEqual(norm(a), norm(b), `${what}: field ${k}`);
  }
}

/** Whether the process runs as root (root bypasses permission checks). */
export const isRoot = Deno.build.os !== "windows" && effectiveUid() === 0;

/**
 * The effective uid: `Deno.uid()` needs `--allow-sys`, which the test task
 * does not grant, so otherwise ask who owns a new temporary file.
 */
function effectiveUid(): number | null {
  if (
    Deno.permissions.querySync({ name: "sys", kind: "uid" }).state === "granted"
  ) {
    return Deno.uid();
  }
  const f = Deno.makeTempFileSync({ prefix: "dirfd_uid_" });
  try {
    return Deno.statSync(f).uid;
  } finally {
    Deno.removeSync(f);
  }
}

/** Runs a Deno script in a subprocess; returns status and output. */
export async function runDeno(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: opts.cwd,
    env: { NO_COLOR: "1", ...opts.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

/** The open descriptors of this process (Linux). */
export function openFds(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

/** The repository root as a file path. */
export const ROOT = new URL("../", import.meta.url).pathname;

/** Catches what `fn` throws (failing if it does not throw). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  assert.fail("expected an exception");
}

/**
 * `Deno.test(name, posixOnly, fn)`: skipped on Windows, where the test's
 * fixtures or expectations are POSIX-only (each use says which).
 */
export const posixOnly: { ignore: boolean } = {
  ignore: Deno.build.os === "windows",
};
