// Copyright 2026 the dirfd authors. MIT license.
import {
  assert,
  assertEquals,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import {
  lstat,
  lstatSync,
  openDirSync,
  stat,
  statSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
} from "../mod.ts";
import {
  assertSameInfo,
  bindUnixSocket,
  posixOnly,
  thrown,
  withTempDir,
} from "./_helpers.ts";

const posix = Deno.build.os !== "windows";

/**
 * Builds one of every file type Deno can describe and returns their paths.
 * The Unix socket stays bound until `root` is removed: it is added to
 * `listeners`.
 */
const listeners: { close(): void }[] = [];
function closeListeners(): void {
  for (const l of listeners.splice(0)) l.close();
}
async function kinds(root: string): Promise<Record<string, string>> {
  Deno.writeTextFileSync(`${root}/file`, "hello");
  Deno.mkdirSync(`${root}/dir`);
  Deno.symlinkSync("file", `${root}/link`);
  Deno.symlinkSync("missing", `${root}/dangling`);
  const out: Record<string, string> = {
    file: `${root}/file`,
    dir: `${root}/dir`,
    link: `${root}/link`,
    dangling: `${root}/dangling`,
  };
  if (posix) {
    const r = await new Deno.Command("mkfifo", { args: [`${root}/fifo`] })
      .output();
    assertEquals(r.code, 0);
    out.fifo = `${root}/fifo`;
    listeners.push(bindUnixSocket(`${root}/sock`));
    out.sock = `${root}/sock`;
    out.devnull = "/dev/null";
  }
  return out;
}

// Windows: FIFOs, sockets and typeless relative symlinks; Windows parity is in windows_test.ts.
Deno.test(
  "lstatSync matches Deno.lstatSync on every field, every kind",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      using _ = { [Symbol.dispose]: closeListeners };
      for (const [kind, p] of Object.entries(await kinds(root))) {
        assertSameInfo(lstatSync(p), Deno.lstatSync(p), `lstat ${kind}`);
        assertSameInfo(
          statSync(p, { followSymlinks: false }),
          Deno.lstatSync(p),
          `stat nofollow ${kind}`,
        );
      }
    });
  },
);

// Windows: typeless relative symlinks; Windows parity is in windows_test.ts.
Deno.test(
  "statSync follows links and matches Deno.statSync",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      using _ = { [Symbol.dispose]: closeListeners };
      for (const [kind, p] of Object.entries(await kinds(root))) {
        if (kind === "dangling") continue;
        assertSameInfo(statSync(p), Deno.statSync(p), `stat ${kind}`);
      }
    });
  },
);

// Windows: FIFOs, sockets and symlinks on disk.
Deno.test("kinds are told apart", posixOnly, async () => {
  await withTempDir(async (root) => {
    using _ = { [Symbol.dispose]: closeListeners };
    const k = await kinds(root);
    assert(lstatSync(k.file).isFile);
    assert(lstatSync(k.dir).isDirectory);
    assert(lstatSync(k.link).isSymlink);
    assert(statSync(k.link).isFile);
    if (posix) {
      assert(lstatSync(k.fifo).isFifo);
      assert(lstatSync(k.sock).isSocket);
      assert(lstatSync(k.devnull).isCharDevice);
      assertEquals(lstatSync(k.devnull).isBlockDevice, false);
    }
  });
});

Deno.test(
  "nanosecond fields agree with the Date fields and with utime",
  async () => {
    await withTempDir((root) => {
      const p = `${root}/f`;
      Deno.writeTextFileSync(p, "");
      Deno.utimeSync(p, 1_000_000_000, 1_234_567_890);
      const info = lstatSync(p);
      assertEquals(info.atimeNs, 1_000_000_000n * 1_000_000_000n);
      assertEquals(info.mtimeNs, 1_234_567_890n * 1_000_000_000n);
      assertEquals(typeof info.ctimeNs, "bigint");
      assertEquals(
        BigInt(info.mtime!.getTime()),
        info.mtimeNs! / 1_000_000n,
      );
      // Deno reports ctime in whole seconds; the ns field keeps everything.
      assertEquals(
        BigInt(info.ctime!.getTime()) / 1000n,
        info.ctimeNs! / 1_000_000_000n,
      );
      if (info.birthtime !== null) {
        assertEquals(typeof info.birthtimeNs, "bigint");
      }
    });
  },
);

// Windows: uses touch(1).
Deno.test(
  "pre-epoch times truncate toward zero like Deno",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      const p = `${root}/old`;
      Deno.writeTextFileSync(p, "");
      const r = await new Deno.Command("touch", {
        args: ["-m", "-d", "1969-12-31 23:59:58.5009 UTC", p],
      }).output();
      assertEquals(r.code, 0);
      const mine = lstatSync(p);
      assertEquals(mine.mtime!.getTime(), Deno.lstatSync(p).mtime!.getTime());
      assertEquals(mine.mtimeNs, -1_499_100_000n);
    });
  },
);

Deno.test({
  name: "dirFd: relative to the directory, ignored for absolute paths",
  ignore: !supportsDirFd.has(statSync),
  fn: async () => {
    await withTempDir((root) => {
      Deno.mkdirSync(`${root}/sub`);
      Deno.writeTextFileSync(`${root}/sub/f`, "12345");
      Deno.writeTextFileSync(`${root}/f`, "1");
      using dir = openDirSync(`${root}/sub`);
      assertEquals(statSync("f", { dirFd: dir }).size, 5);
      assertEquals(statSync("f", { dirFd: dir.fd }).size, 5);
      assertEquals(lstatSync("f", { dirFd: dir }).size, 5);
      // An absolute path ignores dirFd (POSIX *at semantics).
      assertEquals(statSync(`${root}/f`, { dirFd: dir }).size, 1);
      if (Deno.build.os === "windows") {
        // NT relative opens do not resolve `..`: refused, never guessed.
        assertThrows(
          () => statSync("../f", { dirFd: dir }),
          Deno.errors.NotSupported,
        );
      } else {
        // `..` is resolved from the directory, not the cwd.
        assertEquals(statSync("../f", { dirFd: dir }).size, 1);
      }
    });
  },
});

Deno.test({
  name: "dirFd survives a rename of the directory's path",
  ignore: !supportsDirFd.has(statSync),
  fn: async () => {
    await withTempDir((root) => {
      Deno.mkdirSync(`${root}/a`);
      Deno.writeTextFileSync(`${root}/a/f`, "abc");
      using dir = openDirSync(`${root}/a`);
      Deno.renameSync(`${root}/a`, `${root}/b`);
      Deno.mkdirSync(`${root}/a`);
      assertEquals(statSync("f", { dirFd: dir }).size, 3);
    });
  },
});

Deno.test({
  name: "a descriptor in place of a path describes the open file",
  ignore: !supportsFd.has(statSync),
  fn: async () => {
    await withTempDir((root) => {
      using dir = openDirSync(root);
      assertSameInfo(statSync(dir), Deno.statSync(root), "fstat Dir");
      assertSameInfo(statSync(dir.fd), Deno.statSync(root), "fstat number");
    });
  },
});

Deno.test("Python's consistency rules for descriptors", async () => {
  await withTempDir((root) => {
    using dir = openDirSync(root);
    const a = thrown(() => statSync(dir, { dirFd: dir }));
    assert(a instanceof TypeError);
    assertEquals(a.message, "stat: can't specify both dirFd and fd");
    const b = thrown(() => statSync(dir.fd, { followSymlinks: false }));
    assert(b instanceof TypeError);
    assertEquals(b.message, "stat: cannot use fd and followSymlinks together");
    // followSymlinks: true is always accepted.
    assert(statSync(dir, { followSymlinks: true }).isDirectory);
    assert(supportsFollowSymlinks.has(stat));
  });
});

// Windows: typeless relative symlinks and dirFd.
Deno.test(
  "async variants give the same results and errors as sync",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      using _ = { [Symbol.dispose]: closeListeners };
      const k = await kinds(root);
      using dir = openDirSync(root);
      for (const p of Object.values(k)) {
        assertSameInfo(await lstat(p), lstatSync(p), `lstat ${p}`, ["atime"]);
      }
      assertSameInfo(
        await stat("file", { dirFd: dir }),
        statSync("file", { dirFd: dir }),
        "stat dirFd",
        ["atime"],
      );
      const syncErr = thrown(() => statSync("nope", { dirFd: dir }));
      const e = await assertRejects(() => stat("nope", { dirFd: dir }), Error);
      assertStrictEquals(e.constructor, syncErr.constructor);
      assertEquals(e.message, syncErr.message);
      assertEquals((e as Deno.errors.NotFound & { errno: number }).errno, 2);
      await assertRejects(() => stat("a\0b"), TypeError);
    });
  },
);

Deno.test("FileInfo serialises every field to JSON", async () => {
  await withTempDir((root) => {
    const info = statSync(root);
    const json = JSON.parse(JSON.stringify(info));
    for (
      const k of [
        "isDirectory",
        "size",
        "mtime",
        "ino",
        "mtimeNs",
        "birthtimeNs",
      ]
    ) {
      assert(k in json, k);
    }
    assertEquals(json.mtimeNs, String(info.mtimeNs));
  });
});
