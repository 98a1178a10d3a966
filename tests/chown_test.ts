// Copyright 2026 the dirfd authors. MIT license.
import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  chown,
  chownSync,
  openDirSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
} from "../mod.ts";
import {
  assertCode,
  assertLikeDeno,
  basicTree,
  canRunAsNobody,
  closedFd,
  euid,
  MOD,
  rejected,
  runAsNobody,
  thrown,
  withTempDir,
} from "./_at_util.ts";
import { posixOnly } from "./_helpers.ts";

const owner = (p: string) => {
  const i = Deno.lstatSync(p);
  return [i.uid, i.gid];
};

// POSIX only: uids and gids: no chown on Windows (nor in CPython there).
Deno.test("chown: capabilities as in CPython on Linux", posixOnly, () => {
  for (const f of [chown, chownSync]) {
    assert(supportsDirFd.has(f) && supportsFd.has(f));
    assert(supportsFollowSymlinks.has(f));
  }
});

Deno.test({
  name: "chown: dirFd, descriptors, -1 and followSymlinks (as root)",
  ignore: euid() !== 0, // changing owners needs root (CAP_CHOWN)
  fn: async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      using dir = openDirSync(root);
      chownSync("file", 65534, 65534, { dirFd: dir });
      assertEquals(owner(`${root}/file`), [65534, 65534]);
      await chown(`${root}/file`, 1, -1); // -1 keeps the group
      assertEquals(owner(`${root}/file`), [1, 65534]);
      chownSync(new URL(`file://${root}/file`), -1, 2);
      assertEquals(owner(`${root}/file`), [1, 2]);
      // followSymlinks: false changes the link itself, not its target.
      chownSync("link-file", 3, 3, { dirFd: dir.fd, followSymlinks: false });
      assertEquals(owner(`${root}/link-file`), [3, 3]);
      assertEquals(owner(`${root}/file`), [1, 2]);
      // A dangling link itself can be changed too.
      chownSync("dangling", 4, 4, { dirFd: dir, followSymlinks: false });
      assertEquals(owner(`${root}/dangling`), [4, 4]);
      // Followed (default): the target changes, as with Deno.chown.
      chownSync("link-file", 5, 5, { dirFd: dir });
      assertEquals(owner(`${root}/file`), [5, 5]);
      assertEquals(owner(`${root}/link-file`), [3, 3]);
      Deno.writeTextFileSync(`${root}/other`, "");
      Deno.chownSync(`${root}/other`, 5, 5);
      assertEquals(owner(`${root}/other`), owner(`${root}/file`));
      // Descriptors (fchown): a Dir and a raw number.
      using sub = openDirSync(`${root}/dir`);
      chownSync(sub, 6, 7);
      assertEquals(owner(`${root}/dir`), [6, 7]);
      await chown(sub.fd, -1, -1);
      assertEquals(owner(`${root}/dir`), [6, 7]);
    });
  },
});

Deno.test({
  name: "chown: EPERM for an unprivileged process, like Deno.chown",
  ignore: !canRunAsNobody(), // needs root and setpriv to drop to nobody
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/f`, "");
      Deno.chmodSync(root, 0o755);
      const out = await runAsNobody(`
        import { chownSync } from ${JSON.stringify(MOD)};
        const show = (f) => { try { f(); return null; } catch (e) {
          return { cls: e.constructor.name, name: e.name, code: e.code,
            syscall: e.syscall, path: e.path }; } };
        console.log(JSON.stringify([
          show(() => chownSync(${JSON.stringify(`${root}/f`)}, 65534, -1)),
          show(() => Deno.chownSync(${
        JSON.stringify(`${root}/f`)
      }, 65534, null)),
        ]));`);
      const [ours, deno] = JSON.parse(out!);
      assertEquals(ours, {
        cls: deno.cls,
        name: deno.name,
        code: deno.code,
        syscall: "fchownat",
        path: `${root}/f`,
      });
      assertEquals(ours.code, "EPERM");
      assertEquals(ours.cls, "PermissionDenied");
      assertEquals(owner(`${root}/f`), [0, 0]);
    });
  },
});

// POSIX only: uids and gids: no chown on Windows.
Deno.test(
  "chown: errors are Deno's (ENOENT, ENOTDIR, ELOOP), EBADF",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      using dir = openDirSync(root);
      for (const rel of ["missing", "dangling", "loop", "file/x"]) {
        const deno = thrown(() => Deno.chownSync(`${root}/${rel}`, null, null));
        assertLikeDeno(
          thrown(() => chownSync(`${root}/${rel}`, -1, -1)),
          deno,
          "fchownat",
          `${root}/${rel}`,
        );
        assertLikeDeno(
          await rejected(chown(rel, -1, -1, { dirFd: dir })),
          deno,
          "fchownat",
          rel,
        );
      }
      // Not following: a loop or a dangling link is the link itself and works.
      chownSync("loop", -1, -1, { dirFd: dir, followSymlinks: false });
      const bad = closedFd();
      assertCode(thrown(() => chownSync(bad, -1, -1)), "EBADF", "fchown");
      assertCode(
        thrown(() => chownSync("file", -1, -1, { dirFd: bad })),
        "EBADF",
        "fchownat",
      );
    });
  },
);

// POSIX only: uids and gids: no chown on Windows.
Deno.test(
  "chown: Python's misuse rules and bad input, before any syscall",
  posixOnly,
  async () => {
    await withTempDir((root) => {
      Deno.writeTextFileSync(`${root}/f`, "");
      using dir = openDirSync(root);
      const both = assertThrows(
        () => chownSync(dir, -1, -1, { dirFd: dir }),
        TypeError,
      );
      assertEquals(both.name, "TypeError");
      assertEquals(both.message, "chown: can't specify both dirFd and fd");
      const fdFollow = assertThrows(
        () => chownSync(dir, -1, -1, { followSymlinks: false }),
        TypeError,
      );
      assertEquals(fdFollow.name, "TypeError");
      assertEquals(
        fdFollow.message,
        "chown: cannot use fd and followSymlinks together",
      );
      assertThrows(() => chownSync(`${root}/f\0`, -1, -1), TypeError);
      assertThrows(() => chownSync(`${root}/\udc00`, -1, -1), TypeError);
      assertThrows(() => chownSync(-5, -1, -1), TypeError);
      assertThrows(() => chownSync(`${root}/f`, -2, -1), TypeError, "uid");
      assertThrows(() => chownSync(`${root}/f`, 0, 2 ** 32), TypeError, "gid");
      assertThrows(() => chownSync(`${root}/f`, 1.5, 0), TypeError, "uid");
      const closed = openDirSync(root);
      closed.close();
      assertThrows(() => chownSync(closed, -1, -1), Deno.errors.BadResource);
    });
  },
);
