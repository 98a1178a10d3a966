// Copyright 2026 the dirfd authors. MIT license.
// Linux only (the ignore reasons below): Windows has no FIFOs, and macOS's
// mkfifoat (macOS 13+) may be absent, so these paths are not exercised there.
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  type Dir,
  mkfifo,
  mkfifoSync,
  openDirSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
} from "../mod.ts";
import {
  assertCode,
  assertFailsLikeDeno,
  basicTree,
  closedFd,
  CREATE_FAILS,
  thrown,
  withTempDir,
} from "./_at_util.ts";

const ignore = Deno.build.os !== "linux";

Deno.test({
  name: "mkfifo: capabilities as in CPython on Linux",
  ignore,
  fn: () => {
    assert(supportsDirFd.has(mkfifo) && supportsDirFd.has(mkfifoSync));
    assert(!supportsFd.has(mkfifo) && !supportsFollowSymlinks.has(mkfifo));
  },
});

Deno.test({
  name: "mkfifo: creates FIFOs by path, URL and relative to a dirFd",
  ignore,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/sub`);
      using sub = openDirSync(`${root}/sub`);
      mkfifoSync("a", { dirFd: sub });
      await mkfifo("b", { dirFd: sub.fd, mode: 0o600 });
      await mkfifo("c", { dirFd: sub });
      mkfifoSync(`${root}/abs`, { dirFd: sub });
      mkfifoSync(new URL(`file://${root}/url`));
      for (const p of ["sub/a", "sub/b", "sub/c", "abs", "url"]) {
        assert(Deno.lstatSync(`${root}/${p}`).isFifo, p);
      }
      assertEquals(Deno.statSync(`${root}/sub/b`).mode! & 0o777, 0o600);
      // The default mode 0o666 less the umask, as for a file Deno creates.
      Deno.writeTextFileSync(`${root}/plain`, "");
      assertEquals(
        Deno.statSync(`${root}/sub/a`).mode! & 0o777,
        Deno.statSync(`${root}/plain`).mode! & 0o777,
      );
    });
  },
});

Deno.test({
  name: "mkfifo: errors are shaped like Deno.mkdir's for the same paths",
  ignore,
  fn: async () => {
    await withTempDir(async (root) => {
      basicTree(root);
      using dir = openDirSync(root);
      await assertFailsLikeDeno(
        root,
        dir,
        CREATE_FAILS,
        (abs) => Deno.mkdirSync(abs),
        "mkfifoat",
        (p, dirFd) => mkfifoSync(p, { dirFd: dirFd as Dir }),
        (p, dirFd) => mkfifo(p, { dirFd: dirFd as Dir }),
      );
      const e = thrown(() => mkfifoSync(`${root}/file`));
      assertCode(e, "EEXIST", "mkfifoat");
      assert(e instanceof Deno.errors.AlreadyExists);
      assert(
        thrown(() => mkfifoSync(`${root}/missing/x`)) instanceof
          Deno.errors.NotFound,
      );
      assertCode(
        thrown(() => mkfifoSync("x", { dirFd: closedFd() })),
        "EBADF",
        "mkfifoat",
      );
    });
  },
});

Deno.test({
  name: "mkfifo: bad input is refused before any syscall",
  ignore,
  fn: async () => {
    await withTempDir(async (root) => {
      const dir = openDirSync(root);
      dir.close();
      assertThrows(() => mkfifoSync(`${root}/a\0b`), TypeError);
      assertThrows(() => mkfifoSync(`${root}/\ud800`), TypeError);
      assertThrows(() => mkfifoSync("x", { dirFd: -1 }), TypeError);
      assertThrows(() => mkfifoSync("x", { mode: 0o10000 }), TypeError);
      assertThrows(() => mkfifoSync("x", { mode: 1.5 }), TypeError);
      assertThrows(() => mkfifoSync(new URL("https://x/y")), TypeError);
      assertThrows(() => mkfifoSync(3 as unknown as string), TypeError);
      assertThrows(
        () => mkfifoSync("x", { dirFd: dir }),
        Deno.errors.BadResource,
      );
      await assertRejects(
        () => mkfifo("x", { dirFd: dir }),
        Deno.errors.BadResource,
      );
      await assertRejects(() => mkfifo("x", { mode: -1 }), TypeError);
      assertEquals([...Deno.readDirSync(root)], []);
    });
  },
});
