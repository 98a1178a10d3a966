// Copyright 2026 the dirfd authors. MIT license.
// Linux only (the ignore reasons below): Windows has no mknod, and on macOS
// dev_t is 32-bit, so dirfd leaves mknod out there. Device special files are
// not created (they need CAP_MKNOD and could touch real hardware): a FIFO
// and a regular file exercise the same call.
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  type Dir,
  mknod,
  mknodSync,
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
const S_IFREG = 0o100000;
const S_IFIFO = 0o010000;

Deno.test({
  name: "mknod: capabilities as in CPython on Linux",
  ignore,
  fn: () => {
    assert(supportsDirFd.has(mknod) && supportsDirFd.has(mknodSync));
    assert(!supportsFd.has(mknod) && !supportsFollowSymlinks.has(mknod));
  },
});

Deno.test({
  name: "mknod: FIFOs and regular files, by path and relative to a dirFd",
  ignore,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/sub`);
      using sub = openDirSync(`${root}/sub`);
      mknodSync("fifo", { dirFd: sub, mode: S_IFIFO | 0o644 });
      await mknod("fifo2", { dirFd: sub.fd, mode: S_IFIFO | 0o600 });
      mknodSync("reg", { dirFd: sub, mode: S_IFREG | 0o640, device: 0n });
      await mknod(`${root}/default`, { dirFd: sub });
      mknodSync(new URL(`file://${root}/url`), { mode: S_IFREG | 0o600 });
      const fifo = Deno.lstatSync(`${root}/sub/fifo`);
      assert(fifo.isFifo);
      // 0o644 less the umask, as for a file Deno creates with that mode.
      Deno.writeFileSync(`${root}/plain`, new Uint8Array(), { mode: 0o644 });
      assertEquals(
        fifo.mode! & 0o777,
        Deno.statSync(`${root}/plain`).mode! & 0o777,
      );
      assert(Deno.lstatSync(`${root}/sub/fifo2`).isFifo);
      assertEquals(Deno.statSync(`${root}/sub/fifo2`).mode! & 0o777, 0o600);
      const reg = Deno.lstatSync(`${root}/sub/reg`);
      assert(reg.isFile);
      assertEquals(reg.size, 0);
      // Python's default mode 0o600: a regular file (type 0 means S_IFREG).
      const def = Deno.lstatSync(`${root}/default`);
      assert(def.isFile);
      assertEquals(def.mode! & 0o777, 0o600);
      assert(Deno.lstatSync(`${root}/url`).isFile);
    });
  },
});

Deno.test({
  name: "mknod: errors are shaped like Deno.mkdir's for the same paths",
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
        "mknodat",
        // A FIFO by path, a regular file by dirFd, the default async.
        (p, dirFd) =>
          mknodSync(
            p,
            dirFd === undefined
              ? { mode: S_IFIFO | 0o644 }
              : { dirFd: dirFd as Dir, mode: S_IFREG },
          ),
        (p, dirFd) => mknod(p, { dirFd: dirFd as Dir }),
      );
      const e = thrown(() => mknodSync(`${root}/file`));
      assertCode(e, "EEXIST", "mknodat");
      assert(e instanceof Deno.errors.AlreadyExists);
      const n = thrown(() => mknodSync(`${root}/missing/x`));
      assertCode(n, "ENOENT", "mknodat");
      assert(n instanceof Deno.errors.NotFound);
      assertCode(
        thrown(() => mknodSync("x", { dirFd: closedFd() })),
        "EBADF",
        "mknodat",
      );
      // A directory type is refused by the kernel (EPERM under Linux's rules).
      assertCode(
        thrown(() => mknodSync(`${root}/d`, { mode: 0o040755 })),
        "EPERM",
        "mknodat",
      );
    });
  },
});

Deno.test({
  name: "mknod: bad input is refused before any syscall",
  ignore,
  fn: async () => {
    await withTempDir(async (root) => {
      const dir = openDirSync(root);
      dir.close();
      assertThrows(() => mknodSync(`${root}/a\0b`), TypeError);
      assertThrows(() => mknodSync("x", { dirFd: -1 }), TypeError);
      assertThrows(() => mknodSync("x", { mode: -1 }), TypeError);
      assertThrows(() => mknodSync("x", { mode: 0o200000 }), TypeError);
      assertThrows(() => mknodSync("x", { device: -1 }), TypeError);
      assertThrows(() => mknodSync("x", { device: 1.5 }), TypeError);
      assertThrows(() => mknodSync("x", { device: 2n ** 64n }), TypeError);
      assertThrows(
        () => mknodSync("x", { device: "1" as unknown as number }),
        TypeError,
      );
      assertThrows(
        () => mknodSync("x", { dirFd: dir }),
        Deno.errors.BadResource,
      );
      await assertRejects(
        () => mknod("x", { dirFd: dir }),
        Deno.errors.BadResource,
      );
      await assertRejects(() => mknod("x", { mode: 0.5 }), TypeError);
      assertEquals([...Deno.readDirSync(root)], []);
    });
  },
});
