// Copyright 2026 the dirfd authors. MIT license.
// Bad input is rejected with a TypeError before any syscall; random input
// never crashes the process and never reaches a syscall as a different path.
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertThrows,
} from "@std/assert";
import fc from "fast-check";
import {
  addAuditHook,
  chdir,
  lstatSync,
  openDir,
  openDirSync,
  readLinkSync,
  stat,
  statSync,
  symlinkSync,
} from "../mod.ts";
import { fileUrlToPath, toFd, toPath } from "../_args.ts";
import { posixOnly, thrown, withTempDir } from "./_helpers.ts";

const posix = Deno.build.os !== "windows";

// Record what reaches the syscall layer: the audit hook runs after argument
// checks and immediately before the call.
let recording: unknown[][] | null = null;
addAuditHook((event, args) => {
  if (recording !== null && event === "os.symlink") recording.push([...args]);
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
