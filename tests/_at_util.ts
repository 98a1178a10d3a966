// Copyright 2026 the dirfd authors. MIT license.
// Helpers for the tests of the *at operations (mkdir, unlink, rename, …).
import { assert, assertEquals, assertStrictEquals, fail } from "@std/assert";
import { openDirSync, statSync } from "../mod.ts";

/** A fresh temporary directory (real path), removed after `fn`. */
export async function withTempDir(
  fn: (root: string) => void | Promise<void>,
): Promise<void> {
  const root = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "dirfd_at_" }));
  try {
    await fn(root);
  } finally {
    Deno.chmodSync(root, 0o700);
    Deno.removeSync(root, { recursive: true });
  }
}

/** Runs `fn` and returns what it threw (failing when it did not throw). */
export function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
  fail("expected an error");
}

/**
 * The effective uid, without `--allow-sys`: the owner of a file this
 * process just created.
 */
export function euid(): number {
  const f = Deno.makeTempFileSync();
  try {
    return Deno.statSync(f).uid!;
  } finally {
    Deno.removeSync(f);
  }
}

/** Like {@linkcode thrown} for a promise. */
export async function rejected(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  fail("expected a rejection");
}

/**
 * Asserts that our error has the class, `name` and `code` of Deno's error for
 * the same situation, plus `errno`, `syscall` and the given `path`/`dest`.
 */
export function assertLikeDeno(
  ours: any,
  deno: any,
  syscall: string,
  path?: string,
  dest?: string,
): void {
  assertStrictEquals(ours.constructor, deno.constructor, ours.message);
  assertEquals(ours.name, deno.name);
  assertEquals(ours.code, deno.code);
  assertEquals(typeof ours.errno, "number");
  assertEquals(ours.syscall, syscall);
  assertEquals(ours.path, path);
  assertEquals(ours.dest, dest);
  const tail = dest === undefined ? `'${path}'` : `'${path}' -> '${dest}'`;
  assert(
    ours.message.endsWith(`(os error ${ours.errno}): ${syscall} ${tail}`),
    ours.message,
  );
}

/** Asserts a system error by code (for errors Deno has no call to compare with). */
export function assertCode(e: any, code: string, syscall: string): void {
  assertEquals(e.code, code, e.message);
  assertEquals(e.syscall, syscall);
  assertEquals(typeof e.errno, "number");
}

/** A descriptor number that was open a moment ago and is now closed. */
export function closedFd(): number {
  const d = openDirSync("/");
  const fd = d.fd;
  d.close();
  return fd;
}

/** Builds a small tree: files, a directory, and links of every kind. */
export function basicTree(root: string): void {
  Deno.writeTextFileSync(`${root}/file`, "data");
  Deno.mkdirSync(`${root}/dir`);
  Deno.writeTextFileSync(`${root}/dir/inner`, "in");
  Deno.symlinkSync("file", `${root}/link-file`);
  Deno.symlinkSync("dir", `${root}/link-dir`);
  Deno.symlinkSync("missing", `${root}/dangling`);
  Deno.symlinkSync("loop", `${root}/loop`);
}

/**
 * A writable directory on another file system than the temp dir (for
 * EXDEV), or null when there is none. Deno's own API needs `--allow-all`
 * for `/dev/*`, so this looks through dirfd (FFI).
 */
export function otherDevice(): string | null {
  try {
    const shm = statSync("/dev/shm");
    const probe = Deno.makeTempDirSync({ prefix: "dirfd_dev_" });
    const tmp = Deno.statSync(probe);
    Deno.removeSync(probe);
    return shm.isDirectory && shm.dev !== tmp.dev ? "/dev/shm" : null;
  } catch {
    return null;
  }
}

/**
 * What a Deno call throws when run with `--allow-all` in a subprocess (for
 * paths such as `/dev/shm` that Deno guards with `--allow-all`): the
 * class name, `name` and `code`.
 */
export async function denoErrorInSubprocess(
  statement: string,
): Promise<{ cls: string; name: string; code: string }> {
  const script = `try { ${statement}; console.log("null"); } catch (e) {
    console.log(JSON.stringify({ cls: e.constructor.name, name: e.name, code: e.code }));
  }`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", "-A", script],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/**
 * Asserts that `e` has the class, `name` and `code` of the error Deno throws
 * for `statement`, run in a subprocess (for situations set up outside this
 * process's reach, such as a second file system).
 */
export async function assertLikeDenoIn(
  e: any,
  statement: string,
): Promise<void> {
  assertEquals(
    { cls: e.constructor.name, name: e.name, code: e.code },
    await denoErrorInSubprocess(statement),
  );
}

/**
 * Runs a script as user and group 65534 (nobody) via `setpriv`, so that
 * permission errors can be provoked while the tests run as root. Returns
 * its stdout, or null when that is not possible here (not root, no setpriv).
 */
export async function runAsNobody(script: string): Promise<string | null> {
  if (!canRunAsNobody()) return null;
  const home = Deno.makeTempDirSync({ prefix: "dirfd_nobody_" });
  Deno.chmodSync(home, 0o777);
  try {
    const out = await new Deno.Command("setpriv", {
      args: [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        Deno.execPath(),
        "eval",
        "--no-check",
        script,
      ],
      env: { NO_COLOR: "1", DENO_DIR: home, HOME: home },
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assertEquals(out.code, 0);
    return new TextDecoder().decode(out.stdout);
  } finally {
    Deno.removeSync(home, { recursive: true });
  }
}

/** Whether {@linkcode runAsNobody} can work: root, and setpriv installed. */
export function canRunAsNobody(): boolean {
  if (Deno.build.os !== "linux" || euid() !== 0) return false;
  try {
    return Deno.statSync("/usr/bin/setpriv").isFile;
  } catch {
    return false;
  }
}

/** The module's entry point, for subprocess scripts. */
export const MOD = new URL("../mod.ts", import.meta.url).href;

/**
 * The paths of {@linkcode basicTree} where creating anything fails, each for
 * its own reason: EEXIST (file, dir, dangling link), ENOENT, ENOTDIR, ELOOP.
 */
export const CREATE_FAILS = [
  "file",
  "dir",
  "dangling",
  "missing/x",
  "file/x",
  "loop/x",
] as const;

/**
 * For each path of `rels` under `root` (open as `dir`), asserts that the
 * operation fails as `deno(absolutePath)` does: sync by absolute path, sync
 * with `dirFd`, and async with `dirFd` (see {@linkcode assertLikeDeno}).
 */
export async function assertFailsLikeDeno(
  root: string,
  dir: unknown,
  rels: readonly string[],
  deno: (abs: string) => unknown,
  syscall: string,
  sync: (path: string, dirFd?: unknown) => unknown,
  async: (path: string, dirFd: unknown) => Promise<unknown>,
): Promise<void> {
  for (const rel of rels) {
    const abs = `${root}/${rel}`;
    const want = thrown(() => deno(abs));
    assertLikeDeno(thrown(() => sync(abs)), want, syscall, abs);
    assertLikeDeno(thrown(() => sync(rel, dir)), want, syscall, rel);
    assertLikeDeno(await rejected(async(rel, dir)), want, syscall, rel);
  }
}
