// Copyright 2026 the dirfd authors. MIT license.
// Bad input is rejected with a TypeError before any syscall; random input
// never crashes the process and never reaches a syscall as a different path.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertMatch,
  assertRejects,
  assertThrows,
} from "@std/assert";
import fc from "fast-check";
import {
  access,
  accessSync,
  addAuditHook,
  chdir,
  chmod,
  chmodSync,
  chown,
  chownSync,
  type Dir,
  F_OK,
  link,
  linkSync,
  lstat,
  lstatSync,
  mkdir,
  mkdirSync,
  openDir,
  openDirSync,
  readDir,
  readLink,
  readLinkSync,
  rename,
  renameSync,
  rmdir,
  rmdirSync,
  stat,
  statSync,
  symlink,
  symlinkSync,
  truncate,
  unlink,
  unlinkSync,
  utime,
  utimeSync,
  walk,
  walkSync,
} from "../mod.ts";
import { fileUrlToPath, toFd, toPath } from "../_args.ts";
import { posixOnly, thrown, withTempDir } from "./_helpers.ts";

const posix = Deno.build.os !== "windows";

// Record what reaches the syscall layer: the audit hook runs after argument
// checks and immediately before the call.
let recording: unknown[][] | null = null;
// A test's hook that acts on the call being audited (see "the Dir audited").
let hijack: (() => void) | null = null;
addAuditHook((event, args) => {
  if (recording !== null && event === "os.symlink") recording.push([...args]);
  if (hijack !== null) {
    const h = hijack;
    hijack = null;
    h();
  }
});

Deno.test("a NUL byte or lone surrogate in any path is a TypeError", () => {
  const bad = ["a\0b", "\0", "x\uD800", "\uDC00y", "ok/\uD83D"];
  for (const p of bad) {
    for (
      const f of [
        () => statSync(p),
        () => lstatSync(p),
        () => readLinkSync(p),
        () => symlinkSync(p, "x"),
        () => symlinkSync("x", p),
        () => openDirSync(p),
        () => chdir(p),
      ]
    ) {
      const e = thrown(f);
      assert(e instanceof TypeError, `${JSON.stringify(p)}: ${e}`);
      assertMatch(e.message, /NUL byte|lone UTF-16 surrogate/);
    }
  }
});

Deno.test("wrong types and bad descriptors are TypeErrors", async () => {
  for (const v of [-1, 1.5, NaN, Infinity, -0.5, 2 ** 31, {}, null, true]) {
    assertThrows(() => statSync(v as number), TypeError, undefined, String(v));
    assertThrows(
      () => statSync("x", { dirFd: v as number }),
      v === null ? Error : TypeError,
    );
  }
  for (const v of [undefined, 42n, Symbol("s"), [], () => 1]) {
    assertThrows(() => lstatSync(v as unknown as string), TypeError);
  }
  assertThrows(() => statSync("x", 5 as never), TypeError);
  assertThrows(
    () => statSync("x", { followSymlinks: "no" as never }),
    TypeError,
  );
  assertThrows(
    () => symlinkSync("a", "b", { targetIsDirectory: 1 as never }),
    TypeError,
  );
  await assertRejects(() => stat(-1), TypeError);
  await assertRejects(
    () => openDir(new URL("https://example.com/")),
    TypeError,
  );
});

// Windows: Windows URLs differ: file://host/x is a UNC path there.
Deno.test(
  "URLs: file: URLs are paths, other schemes are TypeErrors",
  posixOnly,
  () => {
    assertEquals(
      fileUrlToPath(new URL("file:///tmp/a%20b"), "f", "p", false),
      "/tmp/a b",
    );
    assertEquals(
      fileUrlToPath(new URL("file:///tmp/%C3%A9"), "f", "p", false),
      "/tmp/é",
    );
    assertEquals(
      fileUrlToPath(new URL("file:///C:/x/y"), "f", "p", true),
      "C:\\x\\y",
    );
    assertEquals(
      fileUrlToPath(new URL("file://server/share/x"), "f", "p", true),
      "\\\\server\\share\\x",
    );
    for (const u of ["http://x/a", "data:,x", "blob:null/1"]) {
      assertThrows(() => toPath(new URL(u), "f"), TypeError, undefined, u);
    }
    // Escapes that are not UTF-8, encoded separators, NUL: never a different path.
    for (
      const u of [
        "file:///a%FFb",
        "file:///a%2Fb",
        "file:///a%00b",
        "file://host/x",
      ]
    ) {
      assertThrows(() => toPath(new URL(u), "f"), TypeError, undefined, u);
    }
  },
);

Deno.test("a closed Dir is BadResource, before any syscall", async () => {
  await withTempDir((root) => {
    const dir = openDirSync(root);
    dir.close();
    assertThrows(() => statSync("x", { dirFd: dir }), Deno.errors.BadResource);
    assertThrows(() => statSync(dir), Deno.errors.BadResource);
    assertThrows(() => chdir(dir), Deno.errors.BadResource);
    assertThrows(() => toFd(dir, "f"), Deno.errors.BadResource);
    assertThrows(() => dir.fd, Deno.errors.BadResource);
  });
});

// Windows: uses symlink with dirFd, not available on Windows.
Deno.test(
  "fuzz: any value as a path never crashes, errors are typed",
  posixOnly,
  () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withMap: true, withSet: true }),
        (v) => {
          try {
            statSync(v as string, { followSymlinks: false });
          } catch (e) {
            assert(
              e instanceof TypeError || e instanceof Deno.errors.NotFound ||
                e instanceof Deno.errors.NotADirectory ||
                e instanceof Deno.errors.PermissionDenied ||
                (e as { code?: string }).code === "ENAMETOOLONG" ||
                e instanceof Deno.errors.BadResource,
              `unexpected ${e}`,
            );
          }
        },
      ),
      { numRuns: 2000 },
    );
  },
);

// Windows: uses symlink with dirFd, not available on Windows.
Deno.test(
  "fuzz: a string path reaches the syscall exactly, or is refused",
  posixOnly,
  async () => {
    await withTempDir((root) => {
      using dir = openDirSync(root);
      let n = 0;
      fc.assert(
        fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
          const name = `f${n++}${s.replaceAll("/", "_")}`;
          recording = [];
          let err: unknown = null;
          try {
            symlinkSync(s || ".", name, { dirFd: dir });
          } catch (e) {
            err = e;
          } finally {
            const seen = recording;
            recording = null;
            const clean = !name.includes("\0") && name.isWellFormed() &&
              !s.includes("\0") && s.isWellFormed();
            if (!clean) {
              assert(
                err instanceof TypeError,
                `must refuse ${JSON.stringify(s)}`,
              );
              assertEquals(seen.length, 0, "refused before the syscall");
            } else {
              assertEquals(seen, [[s || ".", name, dir.fd]]);
              if (err === null) {
                assertEquals(readLinkSync(name, { dirFd: dir }), s || ".");
              } else {
                // Only a name the kernel itself refuses (too long) may fail.
                assertEquals((err as { code?: string }).code, "ENAMETOOLONG");
              }
            }
          }
        }),
        { numRuns: posix ? 1500 : 200 },
      );
    });
  },
);

// ---- Every argument converted once (issue 16, item 2) ----

Deno.test(
  "-0 is 0 for descriptors, modes, ids and lengths, sync and async",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      using dir = openDirSync(root);
      // Descriptor 0 is this process's stdin: whatever it is, -0 means it.
      const same = (f: () => unknown) => {
        try {
          return [
            true,
            JSON.stringify(
              f(),
              (_, v) => typeof v === "bigint" ? String(v) : v,
            ),
          ];
        } catch (e) {
          return [false, (e as Error).constructor.name, (e as Error).message];
        }
      };
      const sameAsync = async (f: () => Promise<unknown>) => {
        try {
          return [
            true,
            JSON.stringify(
              await f(),
              (_, v) => typeof v === "bigint" ? String(v) : v,
            ),
          ];
        } catch (e) {
          return [false, (e as Error).constructor.name, (e as Error).message];
        }
      };
      const noTimes = (i: Deno.FileInfo) => ({
        ...i,
        atime: 0,
        mtime: 0,
        ctime: 0,
        atimeNs: 0,
        mtimeNs: 0,
        ctimeNs: 0,
      });
      assertEquals(
        same(() => noTimes(statSync(-0))),
        same(() => noTimes(statSync(0))),
      );
      assertEquals(
        await sameAsync(async () => noTimes(await stat(-0))),
        await sameAsync(async () => noTimes(await stat(0))),
      );
      assertEquals(
        await sameAsync(async () =>
          (await Array.fromAsync(readDir(-0))).length
        ),
        await sameAsync(async () => (await Array.fromAsync(readDir(0))).length),
      );
      assertEquals(
        same(() => lstatSync("x", { dirFd: -0 })),
        same(() => lstatSync("x", { dirFd: 0 })),
      );
      assertEquals(
        await sameAsync(() => lstat("x", { dirFd: -0 })),
        await sameAsync(() => lstat("x", { dirFd: 0 })),
      );
      mkdirSync("a", { dirFd: dir, mode: -0 });
      await mkdir("b", { dirFd: dir, mode: -0 });
      assertEquals(Deno.statSync(`${root}/a`).mode! & 0o777, 0);
      assertEquals(Deno.statSync(`${root}/b`).mode! & 0o777, 0);
      Deno.writeTextFileSync(`${root}/f`, "data");
      await truncate(`${root}/f`, -0);
      assertEquals(Deno.statSync(`${root}/f`).size, 0);
      await chmod(`${root}/f`, -0);
      chmodSync(`${root}/f`, -0);
      assertEquals(Deno.statSync(`${root}/f`).mode! & 0o777, 0);
      const { uid, gid } = Deno.statSync(`${root}/f`);
      if (uid === 0 && gid === 0) {
        chownSync(`${root}/f`, -0, -0);
        await chown(`${root}/f`, -0, -0);
      }
      await utime(`${root}/f`, -0, -0);
      assertEquals(Deno.statSync(`${root}/f`).mtime!.getTime(), 0);
      assertEquals(await access(`${root}/f`, -0), true);
    });
  },
);

Deno.test(
  "each option is read once: a getter that changes its answer cannot split check from use",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      using dir = openDirSync(root);
      // Answers a Dir the first time; any second read throws.
      const once = (value: unknown, extra: Record<string, unknown> = {}) => {
        let reads = 0;
        return Object.defineProperty({ ...extra }, "dirFd", {
          get() {
            if (++reads > 1) throw new Error("dirFd read twice");
            return value;
          },
        });
      };
      Deno.writeTextFileSync(`${root}/f`, "");
      Deno.symlinkSync("f", `${root}/l`);
      const calls: [string, () => unknown][] = [
        ["stat", () => stat("f", once(dir))],
        ["statSync", () => statSync("f", once(dir))],
        ["lstat", () => lstat("f", once(dir))],
        ["lstatSync", () => lstatSync("f", once(dir))],
        ["access", () => access("f", F_OK, once(dir))],
        ["accessSync", () => accessSync("f", F_OK, once(dir))],
        ["mkdir", () => mkdir("d1", once(dir))],
        ["mkdirSync", () => mkdirSync("d2", once(dir))],
        ["chmod", () => chmod("f", 0o644, once(dir))],
        ["chmodSync", () => chmodSync("f", 0o644, once(dir))],
        ["utime", () => utime("f", 1, 1, once(dir))],
        ["utimeSync", () => utimeSync("f", 1, 1, once(dir))],
        ["readLink", () => readLink("l", once(dir))],
        ["readLinkSync", () => readLinkSync("l", once(dir))],
        ["openDir", () => openDir("d1", once(dir)).then((d) => d.close())],
        ["openDirSync", () => openDirSync("d2", once(dir)).close()],
        ["symlink", () => symlink("f", "s1", once(dir))],
        ["symlinkSync", () => symlinkSync("f", "s2", once(dir))],
        ["unlink", () => unlink("s1", once(dir))],
        ["unlinkSync", () => unlinkSync("s2", once(dir))],
        ["rmdir", () => rmdir("d1", once(dir))],
        ["rmdirSync", () => rmdirSync("d2", once(dir))],
        ["walkSync", () => [...walkSync(".", once(dir))]],
        ["walk", () => Array.fromAsync(walk(".", once(dir)))],
      ];
      for (const [name, call] of calls) {
        try {
          await call();
        } catch (e) {
          throw new Error(`${name}: ${(e as Error).message}`);
        }
      }
      // Two-directory options too.
      const twice = () => {
        const reads = { srcDirFd: 0, dstDirFd: 0 };
        const o = {};
        for (const k of ["srcDirFd", "dstDirFd"] as const) {
          Object.defineProperty(o, k, {
            get() {
              if (++reads[k] > 1) throw new Error(`${k} read twice`);
              return dir;
            },
          });
        }
        return o;
      };
      await rename("f", "g", twice());
      renameSync("g", "f", twice());
      await link("f", "h1", twice());
      linkSync("f", "h2", twice());
    });
  },
);

Deno.test(
  "the Dir audited is the Dir used: a hook that closes it aborts the call",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/a`);
      Deno.mkdirSync(`${root}/b`);
      let victim: Dir | null = null;
      let other: Dir | null = null;
      // Close the Dir being audited, and open another, which may well get
      // the very same number.
      const hook = () => {
        victim!.close();
        other = openDirSync(`${root}/b`);
      };
      const calls = [
        ["mkdirSync", (d: Dir) => mkdirSync("x", { dirFd: d })],
        ["mkdir", (d: Dir) => mkdir("x", { dirFd: d })],
        ["symlinkSync", (d: Dir) => symlinkSync("t", "x", { dirFd: d })],
        ["symlink", (d: Dir) => symlink("t", "x", { dirFd: d })],
        ["utimeSync", (d: Dir) => utimeSync(d, 1, 1)],
        ["chmod", (d: Dir) => chmod(d, 0o700)],
        ["rename", (d: Dir) => rename("x", "y", { srcDirFd: d, dstDirFd: d })],
      ] as const;
      try {
        for (const [name, call] of calls) {
          victim = openDirSync(`${root}/a`);
          hijack = hook;
          const e = await Promise.resolve().then(() => call(victim!)).then(
            () => null,
            (e) => e,
          );
          assertInstanceOf(e, Deno.errors.BadResource, name);
          (other as Dir | null)?.close();
          assertEquals([...Deno.readDirSync(`${root}/b`)], [], name);
          assertEquals(
            Deno.statSync(`${root}/b`).mtime!.getTime() > 1000,
            true,
          );
        }
      } finally {
        hijack = null;
      }
    });
  },
);

Deno.test("a wrong-typed option is a TypeError whatever the first argument is", async () => {
  using dir = openDirSync(Deno.cwd());
  for (const first of [dir, 0, ".", new URL(`file://${Deno.cwd()}`)]) {
    const what = String(first);
    assertThrows(
      () => statSync(first, { followSymlinks: "no" as never }),
      TypeError,
      undefined,
      what,
    );
    await assertRejects(
      () => stat(first, { followSymlinks: 1 as never }),
      TypeError,
      undefined,
      what,
    );
    assertThrows(
      () => chmodSync(first, 0o755, { followSymlinks: "x" as never }),
      TypeError,
      undefined,
      what,
    );
    assertThrows(
      () => chownSync(first, -1, -1, { followSymlinks: null as never }),
      TypeError,
      undefined,
      what,
    );
    assertThrows(
      () => utimeSync(first, null, null, { followSymlinks: 0 as never }),
      TypeError,
      undefined,
      what,
    );
    assertThrows(
      () => statSync(first, { dirFd: "3" as never }),
      TypeError,
      undefined,
      what,
    );
  }
});

Deno.test(
  "a URL is read through URL.prototype: a subclass cannot answer twice",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/real`, "");
      let n = 0;
      class Shifty extends URL {
        override get pathname() {
          return n++ === 0 ? `${root}/real` : "/etc/passwd";
        }
      }
      const u = new Shifty(`file://${root}/real`);
      assertEquals(statSync(u).size, 0);
      assertEquals((await stat(u)).size, 0);
      assertEquals(n, 0, "the subclass's getter is never asked");
      const proxy = new Proxy(new URL(`file://${root}/real`), {});
      assertThrows(() => statSync(proxy), TypeError);
    });
  },
);
