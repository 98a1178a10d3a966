// Copyright 2026 the dirfd authors. MIT license.
import { assert, assertEquals, assertThrows } from "@std/assert";
import * as dirfd from "../mod.ts";
import { backend } from "../_backend.ts";

const { supportsDirFd, supportsFd, supportsFollowSymlinks } = dirfd;
const linux = Deno.build.os === "linux";

function has(set: ReadonlySet<unknown>, names: string[]): void {
  const fns = dirfd as unknown as Record<string, unknown>;
  for (const n of names) {
    assert(fns[n], `${n} is exported`);
    assert(set.has(fns[n]), `${n} in set`);
    if (n !== "chdir") assert(set.has(fns[`${n}Sync`]), `${n}Sync in set`);
  }
}

Deno.test({
  name: "Linux: the sets hold at least the core operations",
  ignore: !linux,
  fn: () => {
    assertEquals(backend()?.name, "linux");
    has(supportsDirFd, ["openDir", "stat", "lstat", "symlink", "readLink"]);
    has(supportsFd, ["stat", "chdir"]);
    has(supportsFollowSymlinks, ["openDir", "stat"]);
  },
});

Deno.test({
  name: "Linux: CPython's mkfifo, mknod (dir_fd) and statvfs (fd) entries",
  ignore: !linux,
  fn: () => {
    has(supportsDirFd, ["mkfifo", "mknod"]);
    has(supportsFd, ["statvfs"]);
    for (const n of ["mkfifo", "mknod", "statvfs"]) {
      const f = (dirfd as unknown as Record<string, () => void>)[n];
      assert(!supportsFollowSymlinks.has(f), n);
    }
    assert(!supportsFd.has(dirfd.mkfifo) && !supportsFd.has(dirfd.mknod));
    assert(!supportsDirFd.has(dirfd.statvfs));
  },
});

Deno.test("the sets hold only exported functions, async and Sync together", () => {
  const exported = new Set(Object.values(dirfd));
  for (const set of [supportsDirFd, supportsFd, supportsFollowSymlinks]) {
    // CPython on Windows has an empty supports_dir_fd; so may dirfd there.
    if (Deno.build.os !== "windows" || set !== supportsDirFd) {
      assert(set.size > 0);
    }
    for (const f of set) {
      assert(exported.has(f as never), `${f.name} exported`);
      const twin = f.name.endsWith("Sync")
        ? f.name.slice(0, -4)
        : `${f.name}Sync`;
      const other = (dirfd as unknown as Record<string, unknown>)[twin];
      if (other !== undefined) assert(set.has(other as never), twin);
    }
  }
});

Deno.test("the sets are read-only Sets", () => {
  assert(supportsFd instanceof Set);
  assertThrows(() => (supportsFd as Set<unknown>).add(() => 1), TypeError);
  assertThrows(
    () => (supportsFd as Set<unknown>).delete(dirfd.stat),
    TypeError,
  );
  assertThrows(() => (supportsFd as Set<unknown>).clear(), TypeError);
  assert(supportsFd.has(dirfd.stat));
  assertEquals([...supportsFd].length, supportsFd.size);
  assert(supportsFd.isSubsetOf(new Set([...supportsFd, 1])));
  assertEquals(supportsFd.union(new Set([1])).size, supportsFd.size + 1);
  assertEquals(supportsFd.intersection(new Set([dirfd.stat])).size, 1);
  assertEquals(supportsFd.difference(supportsFd).size, 0);
});

Deno.test("every member works: a membership is a promise the call keeps", () => {
  // Exercised for real per operation in the operation's own tests; here:
  // anything absent from supportsDirFd must throw NotSupported for dirFd.
  const root = Deno.makeTempDirSync();
  try {
    using dir = dirfd.openDirSync(root);
    const fns = dirfd as unknown as Record<
      string,
      (...a: unknown[]) => unknown
    >;
    for (const name of ["stat", "lstat", "readLink"]) {
      const f = fns[`${name}Sync`];
      try {
        f("x", { dirFd: dir });
      } catch (e) {
        if (supportsDirFd.has(f)) {
          assert(!(e instanceof Deno.errors.NotSupported), name);
        } else {
          assert(e instanceof Deno.errors.NotSupported, name);
        }
      }
    }
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
