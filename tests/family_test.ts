// Copyright 2026 the dirfd authors. MIT license.
// The *at family relative to an open directory with plain files and
// directories only (no symlinks, no POSIX modes), so that every test here
// runs on Linux, macOS and Windows (under Wine in CI). Where Python's `os`
// differs on Windows, the expectation says so beside the POSIX one. Each
// test gates itself on the capability it needs.
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  access,
  accessSync,
  addAuditHook,
  chmod,
  chmodSync,
  F_OK,
  link,
  linkSync,
  mkdir,
  mkdirSync,
  openDirSync,
  readDirSync,
  rename,
  renameSync,
  replace,
  replaceSync,
  rmdir,
  rmdirSync,
  statSync,
  supportsDirFd,
  unlink,
  unlinkSync,
  utime,
  utimeSync,
  W_OK,
  walkSync,
} from "../mod.ts";
import { isRoot, WINDOWS, withTempDir } from "./_helpers.ts";

const read = (p: string) => Deno.readTextFileSync(p);
const names = (p: string) => [...Deno.readDirSync(p)].map((e) => e.name).sort();

Deno.test({
  name: "family: mkdir relative to dirFd; exists, missing parent, '..'",
  ignore: !supportsDirFd.has(mkdirSync),
  fn: async () => {
    await withTempDir(async (root) => {
      using dir = openDirSync(root);
      mkdirSync("a", { dirFd: dir });
      await mkdir("a/b", { dirFd: dir });
      mkdirSync(`${root}/abs`, { dirFd: dir }); // absolute: dirFd ignored
      assertEquals(names(root), ["a", "abs"]);
      assertEquals(names(`${root}/a`), ["b"]);
      assertThrows(
        () => mkdirSync("a", { dirFd: dir }),
        Deno.errors.AlreadyExists,
      );
      await assertRejects(
        () => mkdir("a/b", { dirFd: dir }),
        Deno.errors.AlreadyExists,
      );
      assertThrows(
        () => mkdirSync("missing/x", { dirFd: dir }),
        Deno.errors.NotFound,
      );
      using a = openDirSync("a", { dirFd: dir });
      if (WINDOWS) {
        // NT resolves no '..' relative to a handle; dirfd refuses it.
        assertThrows(
          () => mkdirSync("../up", { dirFd: a }),
          Deno.errors.NotSupported,
        );
      } else {
        mkdirSync("../up", { dirFd: a });
        assert(statSync(`${root}/up`).isDirectory);
      }
    });
  },
});

Deno.test({
  name: "family: rmdir and unlink relative to dirFd, with Python's errors",
  ignore: !supportsDirFd.has(rmdirSync) || !supportsDirFd.has(unlinkSync),
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/d/full`, { recursive: true });
      Deno.mkdirSync(`${root}/e`);
      Deno.writeTextFileSync(`${root}/d/full/f`, "x");
      Deno.writeTextFileSync(`${root}/f`, "x");
      Deno.writeTextFileSync(`${root}/g`, "x");
      using dir = openDirSync(root);
      rmdirSync("e", { dirFd: dir });
      const e = assertThrows(() => rmdirSync("d", { dirFd: dir })) as Error & {
        code: string;
      };
      assertEquals(e.code, "ENOTEMPTY");
      assertThrows(
        () => rmdirSync("f", { dirFd: dir }),
        Deno.errors.NotADirectory,
      );
      assertThrows(
        () => rmdirSync("gone", { dirFd: dir }),
        Deno.errors.NotFound,
      );
      // unlink of a directory: EISDIR on POSIX; Windows refuses it as
      // DeleteFileW (and so Python's os.remove) does, with ERROR_ACCESS_DENIED.
      assertThrows(
        () => unlinkSync("d", { dirFd: dir }),
        WINDOWS ? Deno.errors.PermissionDenied : Deno.errors.IsADirectory,
      );
      unlinkSync("f", { dirFd: dir });
      await unlink(`${root}/g`, { dirFd: dir });
      {
        using d = openDirSync(`${root}/d`);
        const e = await assertRejects(() => rmdir("full", { dirFd: d }));
        assertEquals((e as Error & { code: string }).code, "ENOTEMPTY");
      }
      unlinkSync("d/full/f", { dirFd: dir });
      await rmdir("d/full", { dirFd: dir });
      assertEquals(names(root), ["d"]);
      await assertRejects(
        () => unlink("f", { dirFd: dir }),
        Deno.errors.NotFound,
      );
    });
  },
});

Deno.test({
  name:
    "family: unlink of a read-only file (Python: refused on Windows) and of an open file",
  ignore: !supportsDirFd.has(unlinkSync) || !supportsDirFd.has(chmodSync),
  fn: async () => {
    await withTempDir((root) => {
      Deno.writeTextFileSync(`${root}/ro`, "x");
      Deno.writeTextFileSync(`${root}/open`, "x");
      using dir = openDirSync(root);
      chmodSync("ro", 0o444, { dirFd: dir });
      if (WINDOWS) {
        assertThrows(
          () => unlinkSync("ro", { dirFd: dir }),
          Deno.errors.PermissionDenied,
        );
        chmodSync("ro", 0o666, { dirFd: dir });
      }
      unlinkSync("ro", { dirFd: dir });
      // An open file goes (Windows: POSIX delete semantics; Deno's files
      // share delete access).
      using f = Deno.openSync(`${root}/open`, { read: true });
      unlinkSync("open", { dirFd: dir });
      assertEquals(names(root), []);
      assertEquals(f.statSync().size, 1);
    });
  },
});

Deno.test({
  name:
    "family: rename across two dirFds; onto an existing file: POSIX replaces, Windows refuses",
  ignore: !supportsDirFd.has(renameSync),
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/in`);
      Deno.mkdirSync(`${root}/out`);
      Deno.writeTextFileSync(`${root}/in/a`, "a");
      Deno.writeTextFileSync(`${root}/in/b`, "b");
      Deno.writeTextFileSync(`${root}/out/taken`, "old");
      using src = openDirSync(`${root}/in`);
      using dst = openDirSync(`${root}/out`);
      renameSync("a", "a2", { srcDirFd: src, dstDirFd: dst });
      await rename("a2", "a3", { srcDirFd: dst, dstDirFd: dst });
      assertEquals(read(`${root}/out/a3`), "a");
      if (WINDOWS) {
        // Python on Windows: "if dst exists a FileExistsError is always raised".
        const e = assertThrows(() =>
          renameSync("b", "taken", { srcDirFd: src, dstDirFd: dst })
        ) as Error & { code: string; dest: string };
        assert(e instanceof Deno.errors.AlreadyExists);
        assertEquals([e.code, e.dest], ["EEXIST", "taken"]);
        await assertRejects(
          () => rename("b", "taken", { srcDirFd: src, dstDirFd: dst }),
          Deno.errors.AlreadyExists,
        );
        assertEquals(read(`${root}/out/taken`), "old");
      } else {
        renameSync("b", "taken", { srcDirFd: src, dstDirFd: dst });
        assertEquals(read(`${root}/out/taken`), "b");
      }
      // A directory moves too.
      Deno.mkdirSync(`${root}/in/sub`);
      renameSync("sub", "sub2", { srcDirFd: src, dstDirFd: dst });
      assert(statSync(`${root}/out/sub2`).isDirectory);
    });
  },
});

Deno.test({
  name:
    "family: replace (os.replace) replaces on every platform, raising os.rename",
  ignore: !supportsDirFd.has(replaceSync),
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/new`, "new");
      Deno.writeTextFileSync(`${root}/new2`, "new2");
      Deno.writeTextFileSync(`${root}/cur`, "old");
      Deno.mkdirSync(`${root}/d`);
      Deno.writeTextFileSync(`${root}/d/x`, "x");
      using dir = openDirSync(root);
      const events: [string, unknown[]][] = [];
      let on = true;
      addAuditHook((e, a) => {
        if (on && e.startsWith("os.")) events.push([e, [...a]]);
      });
      replaceSync("new", "cur", { srcDirFd: dir, dstDirFd: dir });
      assertEquals(read(`${root}/cur`), "new");
      await replace(`${root}/new2`, "cur", { dstDirFd: dir });
      assertEquals(read(`${root}/cur`), "new2");
      // A missing target: a plain rename.
      replaceSync("cur", "fresh", { srcDirFd: dir, dstDirFd: dir });
      // Onto a directory: EISDIR on POSIX, ERROR_ACCESS_DENIED on Windows.
      assertThrows(
        () => replaceSync("fresh", "d", { srcDirFd: dir, dstDirFd: dir }),
        WINDOWS ? Deno.errors.PermissionDenied : Deno.errors.IsADirectory,
      );
      on = false;
      assertEquals(names(root), ["d", "fresh"]);
      assertEquals(events, [
        ["os.rename", ["new", "cur", dir.fd, dir.fd]],
        ["os.rename", [`${root}/new2`, "cur", -1, dir.fd]],
        ["os.rename", ["cur", "fresh", dir.fd, dir.fd]],
        ["os.rename", ["fresh", "d", dir.fd, dir.fd]],
      ]);
      assertThrows(() => replaceSync("x\0", "y"), TypeError);
      await assertRejects(
        () => replace("gone", "y", { srcDirFd: dir }),
        Deno.errors.NotFound,
      );
    });
  },
});

Deno.test({
  name: "family: link across two dirFds; exists; a directory",
  ignore: !supportsDirFd.has(linkSync),
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/in`);
      Deno.mkdirSync(`${root}/out`);
      Deno.writeTextFileSync(`${root}/in/f`, "f");
      using src = openDirSync(`${root}/in`);
      using dst = openDirSync(`${root}/out`);
      linkSync("f", "g", { srcDirFd: src, dstDirFd: dst });
      await link("f", `${root}/h`, { srcDirFd: src });
      assertEquals(statSync(`${root}/in/f`).nlink, 3);
      assertEquals(read(`${root}/out/g`), "f");
      assertThrows(
        () => linkSync("f", "g", { srcDirFd: src, dstDirFd: dst }),
        Deno.errors.AlreadyExists,
      );
      // Hard links to directories: EPERM on POSIX, ERROR_ACCESS_DENIED on
      // Windows; both are PermissionDenied.
      assertThrows(
        () => linkSync(".", "dirlink", { srcDirFd: src, dstDirFd: dst }),
        WINDOWS ? Error : Deno.errors.PermissionDenied,
      );
      assertThrows(
        () => linkSync(`${root}/in`, "dirlink", { dstDirFd: dst }),
        Deno.errors.PermissionDenied,
      );
    });
  },
});

Deno.test({
  name:
    "family: chmod's owner write bit and access(W_OK), by dirFd and by path",
  ignore: !supportsDirFd.has(chmodSync) || !supportsDirFd.has(accessSync),
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/f`, "x");
      Deno.mkdirSync(`${root}/d`);
      using dir = openDirSync(root);
      const writable = () => (statSync(`${root}/f`).mode! & 0o200) !== 0;
      chmodSync("f", 0o444, { dirFd: dir });
      assertEquals(writable(), false);
      assertEquals(accessSync("f", F_OK, { dirFd: dir }), true);
      // Root passes every W_OK check on POSIX; Windows reads the attribute.
      assertEquals(accessSync("f", W_OK, { dirFd: dir }), !WINDOWS && isRoot);
      assertEquals(await access(`${root}/f`, W_OK), !WINDOWS && isRoot);
      await chmod("f", 0o666, { dirFd: dir });
      assertEquals(writable(), true);
      assertEquals(accessSync("f", W_OK, { dirFd: dir }), true);
      chmodSync(`${root}/f`, 0o400);
      assertEquals(writable(), false);
      chmodSync(`${root}/f`, 0o600);
      assertEquals(writable(), true);
      // A directory is writable for access() on Windows whatever its
      // attribute (Python's rule).
      assertEquals(accessSync("d", W_OK, { dirFd: dir }), true);
      assertEquals(accessSync("missing", F_OK, { dirFd: dir }), false);
      assertEquals(await access("missing/x", W_OK, { dirFd: dir }), false);
      assertThrows(
        () => chmodSync("missing", 0o600, { dirFd: dir }),
        Deno.errors.NotFound,
      );
    });
  },
});

Deno.test({
  name: "family: utime to 100 ns by dirFd and by path; read-only survives",
  ignore: !supportsDirFd.has(utimeSync),
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/f`, "x");
      using dir = openDirSync(root);
      // Multiples of 100 ns: exact on NTFS (and Wine) and on ext4.
      const a = 1_234_567_800n, m = 1_700_000_000_123_456_700n;
      utimeSync("f", a, m, { dirFd: dir });
      let st = statSync(`${root}/f`);
      assertEquals([st.atimeNs, st.mtimeNs], [a, m]);
      await utime(`${root}/f`, 1.5, 2.25);
      st = statSync(`${root}/f`);
      assertEquals([st.atimeNs, st.mtimeNs], [1_500_000_000n, 2_250_000_000n]);
      // Now (both null): within a generous window around the clock.
      const before = Date.now();
      utimeSync("f", null, null, { dirFd: dir });
      const now = statSync(`${root}/f`).mtime!.getTime();
      assert(now >= before - 5_000 && now <= Date.now() + 5_000, `${now}`);
      // The read-only attribute survives a utime (Wine reads an attribute
      // of 0 as "writable": the backend passes the current one back).
      chmodSync(`${root}/f`, 0o444);
      utimeSync("f", a, m, { dirFd: dir });
      assertEquals(statSync(`${root}/f`).mode! & 0o222, 0);
      assertEquals(statSync(`${root}/f`).mtimeNs, m);
      chmodSync(`${root}/f`, 0o644);
    });
  },
});

Deno.test({
  name:
    "family: readDir and walk of an open directory see entries made after it was opened",
  ignore: !supportsDirFd.has(walkSync),
  fn: async () => {
    await withTempDir((root) => {
      using dir = openDirSync(root);
      Deno.writeTextFileSync(`${root}/one`, "");
      assertEquals([...readDirSync(dir)].map((e) => e.name), ["one"]);
      Deno.mkdirSync(`${root}/two`);
      Deno.writeTextFileSync(`${root}/two/ünï 文件`, "");
      assertEquals(
        [...readDirSync(dir)].map((e) => e.name).sort(),
        ["one", "two"],
      );
      const walked = [...walkSync(".", { dirFd: dir })].map((e) => e.name)
        .sort();
      assertEquals(walked, [".", "one", "two", "ünï 文件"]);
      assertEquals(dir.closed, false);
    });
  },
});
