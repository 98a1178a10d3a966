// Copyright 2026 the dirfd authors. MIT license.
// Root: every case of Go's root_test.go table, written anew, through every
// Root method; plus the single cases (escapes, trailing slashes, O_EXCL
// through links, mkdir -p races, renamed roots, closed roots).
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertNotEquals,
  assertRejects,
  assertThrows,
  fail,
} from "@std/assert";
import {
  openInRoot,
  openInRootSync,
  openRoot,
  openRootSync,
  PathEscapesError,
  type Root,
  supportsDirFd,
} from "../mod.ts";
import { backend } from "../_backend.ts";
import { setPrimitive } from "../_testing.ts";
import { isRoot, withTempDir } from "./_helpers.ts";

const ignore = !supportsDirFd.has(openRootSync);
// Linux with openat2 (not qemu 7.2): the table runs with it and without.
const kernel = backend()?.openBeneath !== undefined;
// Linux without fchmodat2 (before 6.6, or qemu 7.2 in CI) has no chmod that
// refuses a link, and a Root will not chmod a file with one that follows.
const chmodFiles = backend()?.lchmodAt !== undefined;
const windows = Deno.build.os === "windows";
// Windows runs in CI under Wine, which has no reparse points (its
// CreateSymbolicLinkW is a stub, FILE_OPEN_REPARSE_POINT is ignored): no case
// that needs a symlink can be built there, so those cases are ignored on
// Windows; tests/root_windows_test.ts holds the Windows cases without links.
const noLinks = windows;
/**
 * Whether a Root can make a symlink here: on Windows that takes
 * SeCreateSymbolicLinkPrivilege, and Wine has no reparse points at all.
 */
const rootSymlinks = ignore || !windows || (() => {
  const T = Deno.makeTempDirSync();
  try {
    using r = openRootSync(T);
    r.symlinkSync("x", "l");
    return true;
  } catch {
    return false;
  } finally {
    Deno.removeSync(T, { recursive: true });
  }
})();
/** Whether a tree of the table has a symlink. */
const hasLink = (tree: string[]) => tree.some((e) => e.includes("=>"));

/** Builds a tree under `dir`: `d/` directory, `a=>b` symlink, `f` file. */
function build(dir: string, tree: string[], abs: string): void {
  for (const e of tree) {
    const link = e.indexOf("=>");
    if (link >= 0) {
      const at = `${dir}/${e.slice(0, link)}`;
      Deno.mkdirSync(at.slice(0, at.lastIndexOf("/")), { recursive: true });
      Deno.symlinkSync(e.slice(link + 2).replace("$ABS", abs), at);
    } else if (e.endsWith("/")) {
      Deno.mkdirSync(`${dir}/${e}`, { recursive: true });
    } else {
      Deno.mkdirSync(`${dir}/${e}`.replace(/\/[^/]*$/, ""), {
        recursive: true,
      });
      Deno.writeTextFileSync(`${dir}/${e}`, e);
    }
  }
}

/** Everything under `dir`: kind, mode, mtime and contents, by path. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (p: string, rel: string) => {
    const st = Deno.lstatSync(p);
    let what = `${st.mode} ${st.mtime?.getTime()} `;
    if (st.isSymlink) what += `-> ${Deno.readLinkSync(p)}`;
    else if (st.isFile) what += Deno.readTextFileSync(p);
    else if (st.isDirectory) {
      what += "dir";
      for (const e of Deno.readDirSync(p)) {
        visit(`${p}/${e.name}`, `${rel}/${e.name}`);
      }
    }
    out[rel] = what;
  };
  visit(dir, ".");
  return out;
}

type Outcome = string | "ESCAPE" | "NotFound" | "FilesystemLoop";

interface Case {
  name: string;
  tree: string[];
  open: string;
  /** The file reached (relative to R), or how resolution fails. */
  target: Outcome;
  /** When the last component is itself a symlink: that link. */
  ltarget?: string;
}

// Go's root_test.go table, restated. R is the root; $ABS its absolute path.
const CASES: Case[] = [
  { name: "plain path", tree: [], open: "t", target: "t" },
  {
    name: "path in directory",
    tree: ["a/b/c/"],
    open: "a/b/c/t",
    target: "a/b/c/t",
  },
  {
    name: "symlink",
    tree: ["link=>t"],
    open: "link",
    target: "t",
    ltarget: "link",
  },
  {
    name: "symlink dotdot slash",
    tree: ["link=>../"],
    open: "link",
    target: "ESCAPE",
    ltarget: "link",
  },
  {
    name: "symlink ending in slash",
    tree: ["dir/", "link=>dir/"],
    open: "link/t",
    target: "dir/t",
  },
  {
    name: "slash after symlink to file",
    tree: ["link=>../R/t"],
    open: "link/",
    target: "ESCAPE",
  },
  {
    name: "slash after symlink to dir",
    tree: ["link=>../R/t", "t/"],
    open: "link/",
    target: "ESCAPE",
  },
  {
    name: "symlink dotdot dotdot slash",
    tree: ["dir/link=>../../"],
    open: "dir/link",
    target: "ESCAPE",
    ltarget: "dir/link",
  },
  {
    name: "symlink chain",
    tree: [
      "link=>a/b/c/t",
      "a/b=>e",
      "a/e=>../f",
      "f=>g/h/i",
      "g/h/i=>..",
      "g/c/",
    ],
    open: "link",
    target: "g/c/t",
    ltarget: "link",
  },
  {
    name: "path with dot",
    tree: ["a/b/"],
    open: "./a/./b/./t",
    target: "a/b/t",
  },
  {
    name: "path with dotdot",
    tree: ["a/b/"],
    open: "a/../a/b/../../a/b/../b/t",
    target: "a/b/t",
  },
  { name: "path with dotdot slash", tree: [], open: "../", target: "ESCAPE" },
  {
    name: "path with dotdot dotdot slash",
    tree: ["a/"],
    open: "a/../../",
    target: "ESCAPE",
  },
  { name: "dotdot no symlink", tree: ["a/"], open: "a/../t", target: "t" },
  {
    name: "dotdot after symlink",
    tree: ["a=>b/c", "b/c/"],
    open: "a/../t",
    target: "b/t",
  },
  {
    name: "dotdot before symlink",
    tree: ["a=>b/c", "b/c/"],
    open: "b/../a/t",
    target: "b/c/t",
  },
  {
    name: "symlink ends in dot",
    tree: ["a=>b/.", "b/"],
    open: "a/t",
    target: "b/t",
  },
  {
    name: "directory does not exist",
    tree: [],
    open: "a/file",
    target: "NotFound",
  },
  { name: "empty path", tree: [], open: "", target: "NotFound" },
  {
    name: "symlink cycle",
    tree: ["a=>a"],
    open: "a",
    target: "FilesystemLoop",
    ltarget: "a",
  },
  { name: "path escapes", tree: [], open: "../R/t", target: "ESCAPE" },
  {
    name: "long path escapes",
    tree: ["a/"],
    open: "a/../../R/t",
    target: "ESCAPE",
  },
  {
    name: "absolute symlink",
    tree: ["link=>$ABS/t"],
    open: "link",
    target: "ESCAPE",
    ltarget: "link",
  },
  {
    name: "relative symlink",
    tree: ["link=>../R/t"],
    open: "link",
    target: "ESCAPE",
    ltarget: "link",
  },
  {
    name: "symlink chain escapes",
    tree: ["link=>a/b/c/t", "a/b=>e", "a/e=>../../R", "c/"],
    open: "link",
    target: "ESCAPE",
    ltarget: "link",
  },
  {
    name: "absolute name",
    tree: [],
    open: "$ABS/t",
    target: "ESCAPE",
  },
];

const ERRORS = {
  ESCAPE: PathEscapesError,
  NotFound: Deno.errors.NotFound,
  FilesystemLoop: Deno.errors.FilesystemLoop,
} as const;

/**
 * Calls the Root method `m` — its async form when `A`, else `mSync` — so one
 * table runs both twins. Iterables come back as they are (Array.fromAsync
 * takes either kind).
 */
// deno-lint-ignore no-explicit-any
function call(root: Root, A: boolean, m: string, ...args: unknown[]): any {
  // deno-lint-ignore no-explicit-any
  const r = root as any;
  return A ? r[m](...args) : r[`${m}Sync`](...args);
}

/** Whether the outcome is a failure of resolution. */
function failure(o: Outcome): o is keyof typeof ERRORS {
  return o in ERRORS;
}

/** A test world: T/R is the root, T/secret lies outside. */
function world(T: string, c: Case): { R: string; name: string } {
  const R = `${T}/R`;
  Deno.mkdirSync(R);
  Deno.writeTextFileSync(`${T}/secret`, "secret");
  Deno.chmodSync(`${T}/secret`, 0o644);
  build(R, c.tree, R);
  return { R, name: c.open.replace("$ABS", R) };
}

/** Creates the target file (content "target"), if resolution succeeds. */
function makeTarget(R: string, c: Case, as: "file" | "dir" = "file"): void {
  if (failure(c.target)) {
    // Escapes aim at R/t or outside: make R/t exist, to see it untouched.
    if (c.target === "ESCAPE") {
      try {
        Deno.writeTextFileSync(`${R}/t`, "t");
      } catch { /* t/ is a directory in one case */ }
    }
    return;
  }
  const p = `${R}/${c.target}`;
  if (as === "dir") {
    Deno.mkdirSync(p);
    Deno.writeTextFileSync(`${p}/found`, "");
  } else Deno.writeTextFileSync(p, "target");
}

/**
 * Runs `op` in a fresh world for case `c`: when resolution fails, expects
 * the case's error and an untouched tree; else calls `check`.
 */
async function run(
  c: Case,
  method: string,
  setup: (R: string) => void,
  op: (root: Root, name: string, R: string) => unknown,
  check: (R: string, T: string) => void,
  expectFailure = failure(c.target),
  expectError?: new (...a: never[]) => Error,
) {
  const T = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "dirfd_root_" }));
  try {
    const { R, name } = world(T, c);
    setup(R);
    using root = openRootSync(R);
    if (expectFailure) {
      const before = snapshot(T);
      let e: unknown;
      try {
        await op(root, name, R);
      } catch (x) {
        e = x;
      }
      if (e === undefined) {
        fail(`${c.name}: ${method}(${JSON.stringify(c.open)}) did not throw`);
      }
      const want = expectError ??
        (failure(c.target) ? ERRORS[c.target] : undefined);
      if (want !== undefined) {
        assertInstanceOf(
          e,
          want,
          `${c.name}: ${method}: ${(e as Error).message}`,
        );
      }
      assertEquals(snapshot(T), before, `${c.name}: ${method} touched files`);
      return;
    }
    const outside = Deno.readTextFileSync(`${T}/secret`);
    const mode = Deno.lstatSync(`${T}/secret`).mode;
    await op(root, name, R);
    check(R, T);
    assertEquals(Deno.readTextFileSync(`${T}/secret`), outside);
    assertEquals(Deno.lstatSync(`${T}/secret`).mode, mode);
  } finally {
    Deno.removeSync(T, { recursive: true });
  }
}

for (const c of CASES) {
  // Sync with the kernel's openat2 path where there is one, sync through
  // the resolver alone, and async.
  const modes = [
    ...(kernel ? [{ A: false, kernel: true }] : []),
    { A: false, kernel: false },
    { A: true, kernel: !!kernel },
  ];
  for (const { A, kernel: on } of modes) {
    Deno.test({
      name: `Root table${A ? " (async)" : on ? " (openat2)" : ""}: ${c.name} (${
        JSON.stringify(c.open)
      })`,
      // Cases with a symlink: not on Windows (see noLinks).
      ignore: ignore || (noLinks && hasLink(c.tree)),
      async fn() {
        if (kernel && !on) setPrimitive("openBeneath", false);
        try {
          await table(c, A);
        } finally {
          if (kernel && !on) setPrimitive("openBeneath", true);
        }
      },
    });
  }
}

/** Every Root method over case `c`, sync or async (`A`). */
async function table(c: Case, A: boolean) {
  const T = (R: string) => `${R}/${c.target}`;
  await run(c, "stat", (R) => makeTarget(R, c), async (root, n) => {
    const info = await call(root, A, "stat", n);
    assertEquals(info.size, 6);
  }, () => {});
  // readFile resolves the whole name in one openat2 where the kernel has
  // it (and through the resolver when the fast path is forced off).
  await run(c, "readTextFile", (R) => makeTarget(R, c), async (root, n) => {
    assertEquals(await call(root, A, "readTextFile", n), "target");
  }, () => {});
  await run(c, "realPath", (R) => makeTarget(R, c), async (root, n) => {
    assertEquals(await call(root, A, "realPath", n), c.target);
  }, () => {});
  await run(
    c,
    "utime",
    (R) => makeTarget(R, c),
    (root, n) => call(root, A, "utime", n, 1000, 2_000),
    (R) => assertEquals(Deno.statSync(T(R)).mtime?.getTime(), 2_000_000),
  );
  await run(
    c,
    "readDir",
    (R) => makeTarget(R, c, "dir"),
    async (root, n) =>
      assertEquals(
        (await Array.fromAsync<{ name: string }>(
          call(root, A, "readDir", n),
        ))
          .map((e) => e.name),
        [
          "found",
        ],
      ),
    () => {},
  );
  await run(
    c,
    "openRoot",
    (R) => makeTarget(R, c, "dir"),
    async (root, n) => {
      using sub = await call(root, A, "openRoot", n);
      assertEquals(sub.statSync("found").isFile, true);
    },
    () => {},
  );
  await run(
    c,
    "walk",
    (R) => makeTarget(R, c, "dir"),
    async (root, n) => {
      const paths = (await Array.fromAsync<{ path: string }>(
        call(root, A, "walk", n),
      )).map((e) => e.path);
      assertEquals(paths, [c.target, `${c.target}/found`]);
    },
    () => {},
  );
  if (chmodFiles) {
    // Windows keeps only the owner's write bit (read-only attribute): the
    // target starts read-only there, and chmod 0o600 makes it writable.
    await run(
      c,
      "chmod",
      (R) => {
        makeTarget(R, c);
        if (windows && !failure(c.target)) Deno.chmodSync(T(R), 0o444);
      },
      (root, n) => call(root, A, "chmod", n, 0o600),
      (R) =>
        assertEquals(
          Deno.statSync(T(R)).mode! & 0o777,
          windows ? 0o666 : 0o600,
        ),
    );
  }
  // The last component itself: lstat, readLink, remove, rename and link
  // act on a final link even when it points out; mkdir and symlink
  // refuse it (it exists).
  const onLink = c.ltarget !== undefined;
  const linkOk = onLink || !failure(c.target);
  await run(
    c,
    "lstat",
    (R) => makeTarget(R, c),
    async (root, n) => {
      assertEquals((await call(root, A, "lstat", n)).isSymlink, onLink);
    },
    () => {},
    !linkOk,
  );
  if (onLink) {
    await run(
      c,
      "readLink",
      () => {},
      async (root, n, R) => {
        const want = c.tree.find((e) => e.startsWith(`${c.ltarget}=>`))!
          .split("=>")[1].replace("$ABS", R);
        assertEquals(await call(root, A, "readLink", n), want);
      },
      () => {},
      false,
    );
  }
  await run(
    c,
    "remove",
    (R) => makeTarget(R, c),
    (root, n) => call(root, A, "remove", n),
    (R) => {
      const gone = onLink ? c.ltarget! : c.target;
      assertThrows(() => Deno.lstatSync(`${R}/${gone}`));
      if (onLink && !failure(c.target)) {
        assertEquals(Deno.readTextFileSync(T(R)), "target");
      }
    },
    !linkOk,
  );
  await run(
    c,
    "rename from",
    (R) => makeTarget(R, c),
    (root, n) => call(root, A, "rename", n, "moved"),
    (R) => {
      assertEquals(Deno.lstatSync(`${R}/moved`).isSymlink, onLink);
    },
    !linkOk,
  );
  await run(
    c,
    "rename to",
    (R) => Deno.writeTextFileSync(`${R}/src`, "src"),
    (root, n) => call(root, A, "rename", "src", n),
    (R) => {
      const at = onLink ? c.ltarget! : c.target;
      assertEquals(Deno.readTextFileSync(`${R}/${at}`), "src");
    },
    !linkOk,
  );
  await run(
    c,
    "link from",
    (R) => makeTarget(R, c),
    (root, n) => call(root, A, "link", n, "hard"),
    (R) => {
      assertEquals(Deno.lstatSync(`${R}/hard`).isSymlink, onLink);
    },
    !linkOk,
  );
  await run(
    c,
    "mkdir",
    () => {},
    (root, n) => call(root, A, "mkdir", n),
    (R) => assert(Deno.statSync(T(R)).isDirectory),
    onLink || failure(c.target),
    // mkdir never goes through a link: "link" and "link/" exist.
    c.tree.some((e) => e.startsWith(`${c.open.replace(/\/+$/, "")}=>`))
      ? Deno.errors.AlreadyExists
      : undefined,
  );
  if (rootSymlinks || onLink || failure(c.target)) {
    await run(
      c,
      "symlink",
      () => {},
      (root, n) => call(root, A, "symlink", "anything", n),
      (R) => assertEquals(Deno.readLinkSync(T(R)), "anything"),
      onLink || failure(c.target),
      onLink ? Deno.errors.AlreadyExists : undefined,
    );
  } else {
    // Where a Root cannot make links (Wine: no reparse points), the entry it
    // made for the link is deleted again: the call fails, nothing is left
    // (the directory's mtime moves, so no snapshot).
    await run(
      c,
      "symlink",
      () => {},
      async (root, n, R) => {
        await assertRejects(async () =>
          await call(root, A, "symlink", "anything", n)
        );
        assertThrows(() => Deno.lstatSync(T(R)), Deno.errors.NotFound);
      },
      () => {},
      false,
    );
  }
}

Deno.test({
  name: "Root: an escape is a PermissionDenied of its own class",
  ignore,
  async fn() {
    await withTempDir(async (T) => {
      Deno.mkdirSync(`${T}/R`);
      using root = openRootSync(`${T}/R`);
      const e = assertThrows(() => root.statSync("../x"), PathEscapesError);
      assertInstanceOf(e, Deno.errors.PermissionDenied);
      assertEquals(e.name, "PathEscapes");
      assertEquals(e.code, "EXDEV");
      assertEquals(e.path, "../x");
      assertEquals(e.root, `${T}/R`);
      assert(e.message.includes("'../x'") && e.message.includes(`${T}/R`));
      await using r2 = await openRoot(`${T}/R`);
      assertThrows(() => r2.lstatSync("/"), PathEscapesError);
    });
  },
});

Deno.test({
  name: "Root: symlinks 'inRoot' clamps at the root; 'none' follows nothing",
  // Symlinks: not on Windows (see noLinks).
  ignore: ignore || noLinks,
  async fn() {
    await withTempDir((T) => {
      const R = `${T}/R`;
      build(R, ["sub/", "t", "abs=>$ABS/t", "up=>../../../t", "rel=>t"], R);
      Deno.writeTextFileSync(`${R}/t`, "inside");
      Deno.writeTextFileSync(`${T}/t`, "outside");
      using chroot = openRootSync(R, { symlinks: "inRoot" });
      // $ABS/t inside a chroot-style root means R/$ABS/t: not there.
      assertThrows(() => chroot.statSync("abs"), Deno.errors.NotFound);
      assertEquals(chroot.realPathSync("up"), "t");
      assertEquals(chroot.realPathSync("/t"), "t");
      assertEquals(chroot.realPathSync("sub/../../../t"), "t");
      using none = openRootSync(R, { symlinks: "none" });
      assertThrows(() => none.statSync("rel"), Deno.errors.FilesystemLoop);
      assertEquals(none.lstatSync("rel").isSymlink, true);
      assertThrows(() => none.statSync("/t"), PathEscapesError);
      assertThrows(
        () => openRootSync(R, { symlinks: "chroot" as "none" }),
        TypeError,
      );
    });
  },
});

Deno.test({
  name: "Root: trailing slashes (CVE-2026-39822) and O_EXCL through links",
  // Symlinks: not on Windows (see noLinks).
  ignore: ignore || noLinks,
  async fn() {
    await withTempDir((T) => {
      const R = `${T}/R`;
      build(R, ["f", "dir/", "l=>dir/", "m=>../secret"], R);
      Deno.writeTextFileSync(`${T}/secret`, "secret");
      using root = openRootSync(R);
      assertThrows(() => root.statSync("f/"), Deno.errors.NotADirectory);
      assertEquals(root.statSync("l/").isDirectory, true);
      assertThrows(() => root.statSync("m/"), PathEscapesError);
      assertThrows(() => root.lstatSync("m/"), PathEscapesError);
      // mkdir and symlink never go through a link, dangling or not.
      assertThrows(() => root.mkdirSync("m"), Deno.errors.AlreadyExists);
      assertThrows(
        () => root.symlinkSync("x", "m"),
        Deno.errors.AlreadyExists,
      );
      root.mkdirSync("new/");
      assertEquals(Deno.statSync(`${R}/new`).isDirectory, true);
      assertThrows(() => root.removeSync("f/"), Deno.errors.NotADirectory);
      assertThrows(() => root.removeSync("l/"), Deno.errors.NotADirectory);
      root.removeSync("new/");
      assertThrows(() => root.removeSync("."), TypeError);
      assertThrows(
        () => root.removeSync(".", { recursive: true }),
        TypeError,
      );
      assertEquals(Deno.readTextFileSync(`${T}/secret`), "secret");
      assertEquals(Deno.statSync(R).isDirectory, true);
    });
  },
});

Deno.test({
  name:
    "Root: mkdir recursive (MkdirAll): through links, racing another process",
  // Symlinks: not on Windows (see noLinks).
  ignore: ignore || noLinks,
  async fn() {
    await withTempDir(async (T) => {
      const R = `${T}/R`;
      build(R, ["d/d=>..", "f", "ln=>d"], R);
      using root = openRootSync(R);
      root.mkdirSync("a/b/c/", { recursive: true });
      root.mkdirSync("a/b/c", { recursive: true });
      root.mkdirSync("ln/x/y", { recursive: true });
      assert(Deno.statSync(`${R}/d/x/y`).isDirectory);
      root.mkdirSync("ln", { recursive: true }); // a link to a directory
      assertThrows(
        () => root.mkdirSync("f", { recursive: true }),
        Deno.errors.AlreadyExists,
      );
      assertThrows(
        () => root.mkdirSync("f/g", { recursive: true }),
        Deno.errors.NotADirectory,
      );
      root.mkdirSync("d/d/new");
      assertEquals(
        [...root.readDirSync("d/d")].map((e) => e.name).sort(),
        ["a", "d", "f", "ln", "new"],
      );
      assertThrows(
        () => root.mkdirSync("x", { mode: 0o1777 }),
        TypeError,
      );
      // MkdirAll of the same paths from three processes at once: every call
      // succeeds (EEXIST from a racing mkdirat is not an error).
      const script = `
        import { openRootSync } from "${new URL("../mod.ts", import.meta.url)}";
        using root = openRootSync(${JSON.stringify(R)});
        for (let i = 0; i < 200; i++) root.mkdirSync("race/" + i + "/a/b/", { recursive: true });
        console.log("ok");`;
      const kids = Array.from(
        { length: 2 },
        () =>
          new Deno.Command(Deno.execPath(), {
            args: ["eval", script],
            stdout: "piped",
            stderr: "piped",
          }).output(),
      );
      for (let i = 0; i < 200; i++) {
        root.mkdirSync(`race/${i}/a/b/`, { recursive: true });
      }
      for (const k of await Promise.all(kids)) {
        assertEquals(
          new TextDecoder().decode(k.stdout).trim(),
          "ok",
          new TextDecoder().decode(k.stderr),
        );
      }
      assertEquals([...root.readDirSync("race")].length, 200);
    });
  },
});

Deno.test({
  name: "Root: survives a rename of its directory; closed is BadResource",
  ignore,
  async fn() {
    await withTempDir((T) => {
      Deno.mkdirSync(`${T}/R`);
      Deno.writeTextFileSync(`${T}/R/f`, "f");
      const root = openRootSync(`${T}/R`);
      Deno.renameSync(`${T}/R`, `${T}/R2`);
      assertEquals(root.statSync("f").size, 1);
      assertEquals(root.path, `${T}/R`);
      root.close();
      assertEquals(root.closed, true);
      for (
        const call of [
          () => root.statSync("f"),
          () => root.mkdirSync("x"),
          () => root.removeSync("f"),
          () => [...root.walkSync()],
        ]
      ) {
        assertThrows(call, Deno.errors.BadResource);
      }
      assertThrows(() => openRootSync(`${T}/R2/f`), Deno.errors.NotADirectory);
    });
  },
});

Deno.test({
  name: "Root: remove recursive never follows a link out",
  // Symlinks: not on Windows (see noLinks).
  ignore: ignore || noLinks,
  async fn() {
    await withTempDir((T) => {
      const R = `${T}/R`;
      build(R, ["d/e/f", "d/l=>../../out", "d/abs=>$ABS", "d/e/g/"], T);
      build(T, ["out/keep"], T);
      using root = openRootSync(R);
      root.removeSync("d", { recursive: true });
      root.removeSync("d", { recursive: true }); // missing: fine
      assertEquals([...Deno.readDirSync(R)], []);
      assertEquals(Deno.readTextFileSync(`${T}/out/keep`), "out/keep");
      assertThrows(() => root.removeSync("nope"), Deno.errors.NotFound);
    });
  },
});

Deno.test({
  name: "Root: a Root is a Dir (dirFd, fd in place of a path)",
  ignore,
  async fn() {
    await withTempDir(async (T) => {
      const { statSync, readDir } = await import("../mod.ts");
      Deno.writeTextFileSync(`${T}/f`, "ff");
      using root = openRootSync(T);
      assertEquals(statSync("f", { dirFd: root }).size, 2);
      const names: string[] = [];
      for await (const e of readDir(root)) names.push(e.name);
      assertEquals(names, ["f"]);
      assertNotEquals(root.fd, -1);
    });
  },
});

Deno.test({
  name: "Root: swap attack — a directory swapped for an outward link meanwhile",
  // Children are aarch64 binaries under qemu; without binfmt_misc they
  // cannot start.
  // Symlinks: not on Windows (see noLinks).
  ignore: ignore || noLinks || Deno.env.get("DIRFD_NO_BINFMT") === "1",
  async fn() {
    await withTempDir(async (T) => {
      const R = `${T}/R`;
      build(T, ["out/keep", "R/d/x/", "R/d/x/a/f"], T);
      Deno.symlinkSync("../../out", `${R}/d/xlink`);
      const before = snapshot(`${T}/out`);
      const stop = `${T}/stop`;
      // Written by the attacker after its first swap: the rounds go on until
      // it exists (counting work, not time: the attacker starts late on a
      // loaded machine, and takes seconds to start under qemu).
      const swapped = `${T}/swapped`;
      // The attacker: swaps d/x (a real directory) with a link to ../../out
      // by two renames, as fast as it can, until told to stop.
      const attacker = new Deno.Command(Deno.execPath(), {
        args: [
          "eval",
          `const R = ${JSON.stringify(R)}; let n = 0, failed = 0;
          for (;;) {
            try { Deno.statSync(${JSON.stringify(stop)}); break; } catch {}
            try {
              Deno.renameSync(R + "/d/x", R + "/d/xdir");
              Deno.renameSync(R + "/d/xlink", R + "/d/x");
              if (++n === 1) Deno.writeTextFileSync(${
            JSON.stringify(swapped)
          }, "");
              Deno.renameSync(R + "/d/x", R + "/d/xlink");
              Deno.renameSync(R + "/d/xdir", R + "/d/x");
            } catch (e) { if (++failed > 100) { console.error(String(e)); break; } }
          }
          console.log(n);`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      using root = openRootSync(R);
      const rounds = Deno.build.arch === "aarch64" ? 40 : 400;
      let escapes = 0, done = 0, leaked = 0;
      const hasSwapped = () => {
        try {
          Deno.statSync(swapped);
          return true;
        } catch {
          return false;
        }
      };
      // A generous bound on the rounds, never reached but by a stalled
      // attacker (whose zero swaps then fail the test below).
      for (let i = 0; i < rounds || (!hasSwapped() && i < 100 * rounds); i++) {
        const attempts: (() => unknown)[] = [
          () => root.mkdirSync("d/x/a/new/deep", { recursive: true }),
          () => root.statSync("d/x/a/f"),
          () => [...root.walkSync("d")],
          () => root.removeSync("d/x/a", { recursive: true }),
          () => root.utimeSync("d/x/a/f", 1, 1),
          () => root.symlinkSync("t", "d/x/a/l"),
        ];
        attempts.push(
          () => root.mkdir("d/x/a/new/deep2", { recursive: true }),
          () => root.stat("d/x/a/new"),
          () => root.remove("d/x/a/new", { recursive: true }),
          () => Array.fromAsync(root.walk("d")),
          // Files through the swapped directory: read, write (plain and
          // atomic), create: outside, "keep" must be neither read nor
          // changed, and nothing may appear.
          () => {
            const t = new TextDecoder().decode(root.readFileSync("d/x/keep"));
            if (t === "out/keep") leaked++;
          },
          async () => {
            if (await root.readTextFile("d/x/keep") === "out/keep") leaked++;
          },
          () => root.writeFileSync("d/x/keep", new Uint8Array([1])),
          () => root.writeTextFile("d/x/w", "w", { atomic: true }),
          () => root.create("d/x/c").then((f) => f.close()),
        );
        for (const attempt of attempts) {
          try {
            await attempt();
            done++;
          } catch (e) {
            if (e instanceof PathEscapesError) escapes++;
          }
        }
        // Something to remove and stat next round, made through the root.
        try {
          root.mkdirSync("d/x/a/f", { recursive: true });
        } catch (e) {
          if (e instanceof PathEscapesError) escapes++;
        }
      }
      Deno.writeTextFileSync(stop, "");
      const out = await attacker.output();
      const swaps = Number(new TextDecoder().decode(out.stdout).trim());
      console.log(
        `  ${swaps} swaps; ${done} calls succeeded, ${escapes} refused as escapes`,
      );
      assert(swaps > 0, new TextDecoder().decode(out.stderr));
      // Nothing outside was read, created, removed or changed.
      assertEquals(leaked, 0, "reads that returned the outside file");
      assertEquals(snapshot(`${T}/out`), before);
    });
  },
});

Deno.test({
  name: "Root: noXdev refuses to walk into a mount point",
  // Mounts a tmpfs: Linux only (elsewhere the step reports the skip).
  ignore: ignore || windows,
  async fn(t) {
    await withTempDir(async (T) => {
      const R = `${T}/R`;
      build(R, ["m/", "d/f"], R);
      // A tmpfs mounted inside the root (needs root; CI runs as root).
      const mount = await new Deno.Command("mount", {
        args: ["-t", "tmpfs", "tmpfs", `${R}/m`],
        stderr: "null",
      }).output().catch(() => null);
      if (mount === null || !mount.success) {
        await t.step({
          name: "skipped: cannot mount a tmpfs here (not root)",
          ignore: true,
          fn() {},
        });
        return;
      }
      try {
        Deno.writeTextFileSync(`${R}/m/x`, "x");
        using plain = openRootSync(R);
        assertEquals(plain.statSync("m/x").size, 1);
        using strict = openRootSync(R, { noXdev: true });
        assertEquals(strict.noXdev, true);
        assertEquals(strict.statSync("d/f").size, 3);
        assertEquals(strict.statSync("m").isDirectory, true); // the mount point itself
        const e = assertThrows(() => strict.statSync("m/x"), PathEscapesError);
        assert(e.message.includes("crosses a mount point"), e.message);
        assertThrows(() => strict.statSync("m/../d/f"), PathEscapesError);
        assertThrows(() => strict.mkdirSync("m/y"), PathEscapesError);
      } finally {
        await new Deno.Command("umount", { args: [`${R}/m`] }).output();
      }
    });
  },
});

Deno.test({
  name: "Root (async): 32 concurrent mkdir recursive of one path all succeed",
  ignore,
  async fn() {
    await withTempDir(async (T) => {
      await using root = await openRoot(T);
      await Promise.all(
        Array.from(
          { length: 32 },
          () => root.mkdir("a/b/c/", { recursive: true }),
        ),
      );
      assertEquals(Deno.statSync(`${T}/a/b/c`).isDirectory, true);
      await Promise.all(
        Array.from(
          { length: 32 },
          (_, i) => root.mkdir(`a/b/c/${i % 4}/x/y`, { recursive: true }),
        ),
      );
      assertEquals(
        [...Deno.readDirSync(`${T}/a/b/c`)].map((e) => e.name).sort(),
        ["0", "1", "2", "3"],
      );
    });
  },
});

Deno.test({
  name: "Root (async): close() during calls defers the close until they end",
  ignore,
  async fn() {
    await withTempDir(async (T) => {
      Deno.writeTextFileSync(`${T}/f`, "abc");
      const root = await openRoot(T);
      const fd = root.fd;
      const calls = Array.from({ length: 64 }, () => root.stat("f"));
      root.close();
      assertEquals(root.closed, true);
      for (const info of await Promise.all(calls)) assertEquals(info.size, 3);
      // The descriptor was closed once the last call ended.
      // EBADF; Windows: ERROR_INVALID_HANDLE.
      assertEquals(backend()!.fstat(fd), windows ? -6 : -9);
      await assertRejects(() => root.stat("f"), Deno.errors.BadResource);
    });
  },
});

Deno.test({
  name: "Root.chown: the async twin takes every id the sync one does",
  // Any id but one's own needs the privilege to change owners.
  ignore: ignore || !isRoot,
  fn: async () => {
    await withTempDir(async (dir) => {
      Deno.writeTextFileSync(`${dir}/f`, "");
      using root = openRootSync(dir);
      // -1 leaves an id unchanged; ids above 2^31 travel to the pool's task
      // as negative int32 words (a crash of the process once).
      for (const [u, g] of [[-1, -1], [2 ** 31, 7], [0, 2 ** 32 - 2]]) {
        const before = Deno.statSync(`${dir}/f`);
        await root.chown("f", u, g);
        const after = Deno.statSync(`${dir}/f`);
        assertEquals(after.uid, u === -1 ? before.uid : u);
        assertEquals(after.gid, g === -1 ? before.gid : g);
        root.chownSync("f", 0, 0);
      }
    });
  },
});

Deno.test({
  name: "Root: each option is read once",
  ignore,
  fn: async () => {
    await withTempDir(async (dir) => {
      Deno.writeTextFileSync(`${dir}/f`, "");
      using root = openRootSync(dir);
      // Every option behind a getter that throws when read a second time.
      const once = (o: Record<string, unknown>) => {
        const out = {};
        for (const [k, v] of Object.entries(o)) {
          let reads = 0;
          Object.defineProperty(out, k, {
            enumerable: true,
            get() {
              if (++reads > 1) throw new Error(`${k} read twice`);
              return v;
            },
          });
        }
        return out;
      };
      root.mkdirSync("a", once({ mode: 0o755, recursive: false }));
      await root.mkdir("b", once({ mode: 0o755, recursive: true }));
      // A directory: without fchmodat2 (qemu) a file is NotSupported.
      root.chmodSync("a", 0o755, once({ followSymlinks: true }));
      await root.chmod("a", 0o755, once({ followSymlinks: true }));
      root.utimeSync("f", 1, 1, once({ followSymlinks: true }));
      await root.utime("f", 1, 1, once({ followSymlinks: true }));
      assertEquals(
        [...root.walkSync(".", once({ maxDepth: 1, includeFiles: true }))]
          .length,
        4,
      );
      assertEquals(
        (await Array.fromAsync(root.walk(".", once({ maxDepth: 1 })))).length,
        4,
      );
      root.removeSync("a", once({ recursive: true }));
      await root.remove("b", once({ recursive: false }));
    });
  },
});

Deno.test({
  name:
    "Root files: open, create, readFile, writeFile (atomic), truncate — Go's create rows",
  // Symlinks: not on Windows (see noLinks).
  ignore: ignore || noLinks,
  async fn() {
    for (const A of [false, true]) {
      await withTempDir(async (T) => {
        const R = `${T}/R`;
        build(R, ["a/b/c/", "t", "dir/", "l=>dir/"], R);
        Deno.writeTextFileSync(`${R}/t`, "t!");
        Deno.symlinkSync("t", `${R}/link`);
        Deno.symlinkSync("../secret", `${R}/out`);
        Deno.symlinkSync("newt", `${R}/in`);
        Deno.writeTextFileSync(`${T}/secret`, "secret");
        const before = snapshot(`${T}/secret`);
        await using root = await openRoot(R);
        // 1. writeFile creates; 2. open with create inside a directory.
        await call(root, A, "writeFile", "w", new TextEncoder().encode("w"));
        assertEquals(Deno.readTextFileSync(`${R}/w`), "w");
        {
          await using f = await call(root, A, "open", "a/b/c/t", {
            write: true,
            create: true,
          });
          assertEquals(f.path, `${R}/a/b/c/t`);
        }
        assert(Deno.statSync(`${R}/a/b/c/t`).isFile);
        // 3. a link to a file inside is followed.
        assertEquals(await call(root, A, "readTextFile", "link"), "t!");
        // 19. writing through a dangling link out: an escape, nothing made.
        await assertRejects(
          async () =>
            await call(root, A, "writeFile", "out", new Uint8Array([1])),
          PathEscapesError,
        );
        // 20. through a dangling link inside: the target is created.
        await call(root, A, "writeTextFile", "in", "new");
        assertEquals(Deno.readTextFileSync(`${R}/newt`), "new");
        // 21. createNew on a link (dangling or not): AlreadyExists.
        for (const l of ["out", "in", "link"]) {
          await assertRejects(
            async () =>
              await call(root, A, "open", l, { write: true, createNew: true }),
            Deno.errors.AlreadyExists,
          );
        }
        // 22. trailing slashes.
        await assertRejects(
          async () => await call(root, A, "open", "t/"),
          Deno.errors.NotADirectory,
        );
        {
          await using d = await call(root, A, "open", "l/");
          assert((await d.stat()).isDirectory);
        }
        await assertRejects(
          async () => await call(root, A, "open", "out/"),
          PathEscapesError,
        );
        // followSymlinks: false refuses a final link.
        await assertRejects(
          async () =>
            await call(root, A, "open", "link", { followSymlinks: false }),
          Deno.errors.FilesystemLoop,
        );
        // atomic replaces; truncate; create truncates.
        await call(root, A, "writeTextFile", "a/b/at", "one", { atomic: true });
        await call(root, A, "writeTextFile", "a/b/at", "two!", {
          atomic: true,
        });
        assertEquals(Deno.readTextFileSync(`${R}/a/b/at`), "two!");
        await call(root, A, "truncate", "a/b/at", 2);
        assertEquals(Deno.readTextFileSync(`${R}/a/b/at`), "tw");
        {
          await using c = await call(root, A, "create", "a/b/at");
          assertEquals((await c.stat()).size, 0);
        }
        assertThrows(
          () => root.openSync("t", { dirFd: 3 } as never),
          TypeError,
        );
        await assertRejects(
          async () => await call(root, A, "readFile", "../secret"),
          PathEscapesError,
        );
        assertEquals(snapshot(`${T}/secret`), before);
        assertEquals(Deno.readTextFileSync(`${T}/secret`), "secret");
      });
    }
    // openInRoot: a Root for one call.
    await withTempDir(async (T) => {
      Deno.writeTextFileSync(`${T}/f`, "f");
      using f = openInRootSync(T, "f");
      assertEquals(f.readSync(new Uint8Array(4)), 1);
      await using g = await openInRoot(T, "./f");
      assertEquals((await g.stat()).size, 1);
      assertThrows(() => openInRootSync(T, "../x"), PathEscapesError);
      await assertRejects(
        () => openInRoot(T, "/etc/hostname"),
        PathEscapesError,
      );
    });
  },
});
