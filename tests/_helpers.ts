// Copyright 2026 the dirfd authors. MIT license.
// Shared test helpers: temporary trees, FileInfo parity, subprocesses.
import { assertEquals, fail } from "@std/assert";
import { backend } from "../_backend.ts";

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

/** The `Deno.FileInfo` fields, as Deno itself reports them. */
export const DENO_FIELDS = Object.keys(
  Deno.lstatSync(Deno.execPath()),
) as (keyof Deno.FileInfo)[];

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
    assertEquals(norm(a), norm(b), `${what}: field ${k}`);
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

/**
 * The descriptors of this process open on `root` or anything below it
 * (POSIX): each descriptor's device and inode, from `fstat`, matched against
 * the tree's. Not a count of every descriptor the process has open, which
 * also moves when Deno or the pool's workers open or close their own (a
 * worker stopping after its idle time, the runtime's event loop, another
 * test's clean-up): on a busy machine such a count flakes.
 */
export function openFdsIn(root: string): number {
  const b = backend();
  if (b === null) throw new Error("openFdsIn needs --allow-ffi");
  const inTree = new Set<string>();
  const add = (p: string) => {
    let st: Deno.FileInfo;
    try {
      st = Deno.lstatSync(p);
    } catch {
      return; // a name Deno cannot spell (not UTF-8): not one tests open
    }
    inTree.add(`${st.dev}:${st.ino}`);
    if (st.isDirectory) {
      for (const e of Deno.readDirSync(p)) add(`${p}/${e.name}`);
    }
  };
  add(root);
  let n = 0;
  for (let fd = 0; fd < 4096; fd++) {
    const st = b.fstat(fd);
    if (typeof st !== "number" && inTree.has(`${st.dev}:${st.ino}`)) n++;
  }
  return n;
}

/**
 * Binds a Unix socket at `path` through libc (POSIX), so tests need no
 * `--allow-net`; closing it leaves the socket file for the caller to remove.
 * `struct sockaddr_un`: Linux `{ u16 sun_family; char sun_path[108] }`,
 * macOS `{ u8 sun_len; u8 sun_family; char sun_path[104] }`; `AF_UNIX` and
 * `SOCK_STREAM` are 1 on both.
 */
export function bindUnixSocket(path: string): { close(): void } {
  const darwin = Deno.build.os === "darwin";
  const lib = Deno.dlopen(darwin ? "/usr/lib/libSystem.B.dylib" : "libc.so.6", {
    socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
    bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
    close: { parameters: ["i32"], result: "i32" },
  });
  const fd = lib.symbols.socket(1, 1, 0);
  const addr = new Uint8Array(darwin ? 106 : 110);
  if (darwin) addr.set([addr.length, 1]);
  else addr[0] = 1;
  addr.set(new TextEncoder().encode(path), 2);
  if (fd < 0 || lib.symbols.bind(fd, addr, addr.length) !== 0) {
    if (fd >= 0) lib.symbols.close(fd);
    lib.close();
    throw new Error(`cannot bind a Unix socket at ${path}`);
  }
  return {
    close() {
      lib.symbols.close(fd);
      lib.close();
    },
  };
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
  fail("expected an exception");
}

/**
 * `Deno.test(name, posixOnly, fn)`: skipped on Windows, where the test's
 * fixtures or expectations are POSIX-only (each use says which).
 */
export const posixOnly: { ignore: boolean } = {
  ignore: Deno.build.os === "windows",
};

/**
 * Starts every worker of the async pool (a batch wider than one chunk), so
 * that descriptor counts taken afterwards do not include the workers' own.
 */
export async function warmPool(dir: string): Promise<void> {
  const { stat } = await import("../stat.ts");
  await Promise.all(Array.from({ length: 200 }, () => stat(dir)));
}

/**
 * Whether this process can make symlinks that the file system then shows:
 * always on POSIX; on Windows only with the privilege (Developer Mode or an
 * elevated process), and never under Wine, whose `CreateSymbolicLinkW` is a
 * stub that creates nothing. Tests gate what needs links on it.
 */
export const SYMLINKS: boolean = (() => {
  if (Deno.build.os !== "windows") return true;
  const dir = Deno.makeTempDirSync({ prefix: "dirfd_probe_" });
  try {
    Deno.writeTextFileSync(`${dir}\\t`, "");
    Deno.symlinkSync("t", `${dir}\\l`, { type: "file" });
    return Deno.lstatSync(`${dir}\\l`).isSymlink;
  } catch {
    return false;
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
})();

/**
 * `Deno.test(name, needsSymlinks, fn)`: skipped where {@linkcode SYMLINKS}
 * is false (under Wine; on Windows without the symlink privilege).
 */
export const needsSymlinks: { ignore: boolean } = { ignore: !SYMLINKS };

/**
 * `Deno.symlinkSync` where links can be made ({@linkcode SYMLINKS}; on
 * Windows typed by `type`, which Deno requires for a missing target), else
 * nothing: fixtures keep their files and directories everywhere.
 */
export function symlinkIfAble(
  target: string,
  path: string,
  type: "file" | "dir" = "file",
): boolean {
  if (!SYMLINKS) return false;
  Deno.symlinkSync(target, path, { type });
  return true;
}

/** Whether this is Windows (real or under Wine). */
export const WINDOWS: boolean = Deno.build.os === "windows";

/**
 * Runs `batch` (calls the pool serves) while waits on pipes are in flight and
 * asserts it settled before `release` had to be called; a watchdog calls
 * `release` after 60 s so that a regression fails instead of hanging.
 */
export async function servedWhileWaiting(
  batch: () => Promise<unknown>,
  release: () => void,
): Promise<void> {
  let released = false;
  const watchdog = setTimeout(() => {
    released = true;
    release();
  }, 60_000);
  try {
    await batch();
    if (released) {
      throw new Error("the batch waited for the pipes: a worker was held");
    }
  } finally {
    clearTimeout(watchdog);
  }
  if (!released) release();
}
