// Copyright 2026 the dirfd authors. MIT license.
// Windows open()/File: the flag plan on every OS; real files on Windows
// (run under Wine with `.ci/wine.sh tests/file_windows_test.ts`).
import { assert, assertEquals, assertThrows } from "@std/assert";
import { WIN, windowsOpenPlan } from "../ffi/_file_windows.ts";
import {
  create,
  openDirSync,
  openSync,
  readFile,
  readFileSync,
  readTextFileSync,
  supportsDirFd,
  writeFile,
  writeFileSync,
  writeTextFileSync,
} from "../mod.ts";
import { openFlags } from "../open.ts";
import { WINDOWS_FILE_CONSTANTS as C } from "../ffi/_file_windows.ts";

const windows = { ignore: Deno.build.os !== "windows" };
const enc = new TextEncoder();

Deno.test("windows open plan: Rust std's access and dispositions, Go's NT mapping", () => {
  const plan = (o: Deno.OpenOptions) =>
    windowsOpenPlan(openFlags(o, C, "p").flags);
  assertEquals(plan({ read: true }), {
    access: WIN.GENERIC_READ,
    disposition: WIN.OPEN_EXISTING,
    ntDisposition: WIN.FILE_OPEN,
    truncate: false,
    nofollow: false,
  });
  assertEquals(
    plan({ write: true, create: true, truncate: true }).disposition,
    WIN.CREATE_ALWAYS,
  );
  assertEquals(
    plan({ write: true, create: true }).disposition,
    WIN.OPEN_ALWAYS,
  );
  assertEquals(
    plan({ write: true, truncate: true }).disposition,
    WIN.TRUNCATE_EXISTING,
  );
  const cn = plan({ write: true, createNew: true, truncate: true });
  assertEquals([cn.disposition, cn.ntDisposition, cn.truncate], [
    WIN.CREATE_NEW,
    WIN.FILE_CREATE,
    false,
  ]);
  const t = plan({ read: true, write: true, create: true, truncate: true });
  assertEquals([t.access, t.ntDisposition, t.truncate], [
    (WIN.GENERIC_READ | WIN.GENERIC_WRITE) >>> 0,
    WIN.FILE_OPEN_IF,
    true,
  ]);
  assertEquals(
    plan({ append: true }).access,
    WIN.APPEND,
    "no FILE_WRITE_DATA: writes go to the end",
  );
  assertEquals(
    plan({ read: true, append: true }).access,
    ((WIN.GENERIC_READ | WIN.APPEND) >>> 0) >>> 0,
  );
  assertEquals(
    windowsOpenPlan(openFlags({ followSymlinks: false }, C, "p").flags)
      .nofollow,
    true,
  );
});

Deno.test(
  "windows: open/File read, write, seek, lock, dirFd, whole files",
  windows,
  async () => {
    const root = Deno.makeTempDirSync();
    try {
      using dir = openDirSync(root);
      assert(supportsDirFd.has(openSync));
      {
        using f = openSync("a.txt", {
          dirFd: dir,
          read: true,
          write: true,
          create: true,
        });
        assertEquals(f.writeSync(enc.encode("hello world")), 11);
        assertEquals(f.seekSync(0, Deno.SeekMode.Start), 0);
        const buf = new Uint8Array(5);
        assertEquals(f.readSync(buf), 5);
        assertEquals(new TextDecoder().decode(buf), "hello");
        assertEquals(f.readAtSync(buf, 6), 5);
        assertEquals(new TextDecoder().decode(buf), "world");
        assertEquals(f.statSync().size, 11);
        assertEquals(f.tryLockSync(true), true);
        f.unlockSync();
        f.truncateSync(5);
        f.syncSync();
      }
      assertEquals(Deno.readTextFileSync(`${root}/a.txt`), "hello");
      const e = assertThrows(
        () => openSync("a.txt", { dirFd: dir, write: true, createNew: true }),
        Deno.errors.AlreadyExists,
      );
      assert(e.message.endsWith(": open 'a.txt'"), e.message);
      assertThrows(
        () => openSync("missing", { dirFd: dir }),
        Deno.errors.NotFound,
      );
      assertThrows(() => openSync(`${root}\\missing`), Deno.errors.NotFound);
      // Truncation through dirFd (NT open + set length), append through a path.
      openSync("a.txt", { dirFd: dir, write: true, truncate: true }).close();
      assertEquals(Deno.statSync(`${root}/a.txt`).size, 0);
      writeTextFileSync(`${root}/b.txt`, "x");
      writeTextFileSync(`${root}/b.txt`, "y", { append: true });
      assertEquals(Deno.readTextFileSync(`${root}/b.txt`), "xy");
      writeFileSync("c.bin", new Uint8Array([1, 2, 3]), { dirFd: dir });
      assertEquals(
        readFileSync("c.bin", { dirFd: dir }),
        new Uint8Array([1, 2, 3]),
      );
      await writeFile("d.bin", new Uint8Array(100_000).fill(9), { dirFd: dir });
      assertEquals((await readFile("d.bin", { dirFd: dir })).length, 100_000);
      // atomic needs renameAt/unlinkAt in the Windows backend (issue 14).
      try {
        writeFileSync("e.txt", enc.encode("atomic"), {
          dirFd: dir,
          atomic: true,
        });
        assertEquals(readTextFileSync("e.txt", { dirFd: dir }), "atomic");
      } catch (e) {
        assert(e instanceof Deno.errors.NotSupported, String(e));
      }
      await using g = await create("f.txt", { dirFd: dir });
      assertEquals(await g.write(enc.encode("async")), 5);
      assertEquals(await g.seek(0, Deno.SeekMode.Start), 0);
      const buf = new Uint8Array(8);
      assertEquals(await g.read(buf), 5);
      assertEquals(await g.read(buf), null);
    } finally {
      Deno.removeSync(root, { recursive: true });
    }
  },
);
