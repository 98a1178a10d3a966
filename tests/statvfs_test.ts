// Copyright 2026 the dirfd authors. MIT license.
// Linux only (the ignore reasons below): Windows has no statvfs, and macOS's
// struct statvfs has another layout, so dirfd leaves statvfs out there.
import {
  assert,
  assertEquals,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import {
  openDirSync,
  statvfs,
  type StatvfsResult,
  statvfsSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
} from "../mod.ts";
import { assertCode, rejected, thrown, withTempDir } from "./_at_util.ts";

const ignore = Deno.build.os !== "linux";
const FIELDS = [
  "bsize",
  "frsize",
  "blocks",
  "bfree",
  "bavail",
  "files",
  "ffree",
  "favail",
  "fsid",
  "flag",
  "namemax",
] as const;

/** Python's `os.statvfs(path)` as strings, or null without python3. */
async function python(path: string): Promise<Record<string, string> | null> {
  const script = `import json, os, sys
s = os.statvfs(sys.argv[1])
print(json.dumps({k[2:]: str(getattr(s, k)) for k in dir(s) if k.startswith("f_")}))`;
  try {
    const out = await new Deno.Command("python3", {
      args: ["-c", script, path],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (!out.success) return null;
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** The fields that change under concurrent writes by other processes. */
const VOLATILE = new Set(["bfree", "bavail", "ffree", "favail"]);

function assertSameFs(a: StatvfsResult, b: StatvfsResult): void {
  for (const k of FIELDS) if (!VOLATILE.has(k)) assertEquals(a[k], b[k], k);
}

Deno.test({
  name: "statvfs: capabilities as in CPython on Linux",
  ignore,
  fn: () => {
    assert(supportsFd.has(statvfs) && supportsFd.has(statvfsSync));
    assert(!supportsDirFd.has(statvfs));
    assert(!supportsFollowSymlinks.has(statvfs));
  },
});

Deno.test({
  name: "statvfs: a plain object with Python's fields, sane values",
  ignore,
  fn: async () => {
    await withTempDir(async (root) => {
      const s = statvfsSync(root);
      assertEquals(Object.keys(s), [...FIELDS]);
      assertStrictEquals(Object.getPrototypeOf(s), Object.prototype);
      assertEquals(typeof s.fsid, "bigint");
      for (const k of FIELDS) {
        if (k !== "fsid") assert(Number.isSafeInteger(s[k]) && s[k] >= 0);
      }
      assert(s.bsize > 0 && s.frsize > 0 && s.namemax > 0);
      assert(s.bavail <= s.bfree && s.bfree <= s.blocks);
      assertSameFs(await statvfs(root), s);
      assertSameFs(statvfsSync(new URL(`file://${root}`)), s);
    });
  },
});

Deno.test({
  name: "statvfs: equals python3's os.statvfs for the same path",
  ignore,
  fn: async (t) => {
    for (const path of ["/", Deno.cwd(), "/proc", "/dev/shm"]) {
      let py: Record<string, string> | null;
      try {
        Deno.statSync(path);
        py = await python(path);
      } catch {
        continue; // not present in this sandbox
      }
      if (py === null) {
        // Stated reason: the comparison needs a python3 on PATH.
        await t.step({ name: "python3 absent", ignore: true, fn: () => {} });
        return;
      }
      const ours = statvfsSync(path);
      for (const k of FIELDS) {
        if (VOLATILE.has(k) && path !== "/proc") continue;
        assertEquals(String(ours[k]), py[k], `${path}: ${k}`);
      }
    }
  },
});

Deno.test({
  name: "statvfs: the fd form (number or Dir) equals the path form",
  ignore,
  fn: async () => {
    await withTempDir(async (root) => {
      const byPath = statvfsSync(root);
      using dir = openDirSync(root);
      assertSameFs(statvfsSync(dir), byPath);
      assertSameFs(statvfsSync(dir.fd), byPath);
      assertSameFs(await statvfs(dir), byPath);
      assertSameFs(await statvfs(dir.fd), byPath);
    });
  },
});

Deno.test({
  name: "statvfs: errors are Deno's (ENOENT, ENOTDIR, ELOOP, EBADF)",
  ignore,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/file`, "");
      Deno.symlinkSync("loop", `${root}/loop`);
      for (
        const [rel, code, cls] of [
          ["missing", "ENOENT", Deno.errors.NotFound],
          ["file/x", "ENOTDIR", Deno.errors.NotADirectory],
          ["loop", "ELOOP", Deno.errors.FilesystemLoop],
        ] as const
      ) {
        const deno = thrown(() => Deno.statSync(`${root}/${rel}`));
        for (
          const e of [
            thrown(() => statvfsSync(`${root}/${rel}`)),
            await rejected(statvfs(`${root}/${rel}`)),
          ]
        ) {
          assertCode(e, code, "statvfs");
          assertEquals(e.path, `${root}/${rel}`);
          assert(e.message.endsWith(`): statvfs '${root}/${rel}'`));
          assertEquals(e.name, deno.name);
          assertStrictEquals(e.constructor, deno.constructor);
          assert(e instanceof cls);
        }
      }
      const dir = openDirSync(root);
      const fd = dir.fd;
      dir.close();
      assertCode(thrown(() => statvfsSync(fd)), "EBADF", "fstatvfs");
      assertCode(await rejected(statvfs(fd)), "EBADF", "fstatvfs");
      assertThrows(() => statvfsSync(dir), Deno.errors.BadResource);
      await assertRejects(() => statvfs(dir), Deno.errors.BadResource);
    });
  },
});

Deno.test({
  name: "statvfs: bad input is refused before any syscall",
  ignore,
  fn: async () => {
    assertThrows(() => statvfsSync("a\0b"), TypeError);
    assertThrows(() => statvfsSync("\ud800"), TypeError);
    assertThrows(() => statvfsSync(-1), TypeError);
    assertThrows(() => statvfsSync(1.5), TypeError);
    assertThrows(() => statvfsSync(new URL("https://x/y")), TypeError);
    assertThrows(() => statvfsSync(null as unknown as string), TypeError);
    await assertRejects(() => statvfs("a\0b"), TypeError);
  },
});
