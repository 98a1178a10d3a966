// Copyright 2026 the dirfd authors. MIT license.
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStrictEquals,
} from "@std/assert";
import fc from "fast-check";
import {
  openDirSync,
  readLink,
  readLinkSync,
  supportsDirFd,
  symlink,
  symlinkSync,
} from "../mod.ts";
import { posixOnly, thrown, withTempDir } from "./_helpers.ts";

const linux = Deno.build.os === "linux";

Deno.test({
  name: "property: readLink(symlink(x)) === x for every valid string x",
  ignore: !supportsDirFd.has(symlinkSync),
  fn: async () => {
    await withTempDir((root) => {
      using dir = openDirSync(root);
      let n = 0;
      const target = fc.oneof(
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 64 }),
        fc.string({
          unit: fc.constantFrom("a", " ", ".", "/", "..", "é", "😀"),
          minLength: 1,
          maxLength: 200,
        }),
        fc.constantFrom(
          "..",
          "../..",
          " ",
          " lead",
          "trail ",
          "a//b",
          "./x",
          "/",
        ),
        // Long targets, up to the kernel's limit of 4095 bytes.
        fc.integer({ min: 256, max: 4095 }).map((len) => "x".repeat(len)),
        fc.integer({ min: 100, max: 1365 }).map((len) => "€".repeat(len)),
      ).filter((s) => !s.includes("\0"));
      fc.assert(
        fc.property(target, (x) => {
          const name = `l${n++}`;
          symlinkSync(x, name, { dirFd: dir });
          assertEquals(readLinkSync(name, { dirFd: dir }), x);
          assertEquals(Deno.readLinkSync(`${root}/${name}`), x);
        }),
        { numRuns: 600 },
      );
    });
  },
});

// Windows: needs the link on disk (Wine creates none) and POSIX URLs; see windows_test.ts.
Deno.test(
  "symlink and readLink agree with Deno on absolute paths",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      symlinkSync("to/nowhere", `${root}/a`);
      assertEquals(Deno.readLinkSync(`${root}/a`), "to/nowhere");
      await symlink(new URL(`file://${root}/abs`), `${root}/b`);
      assertEquals(await readLink(`${root}/b`), `${root}/abs`);
      assertEquals(readLinkSync(new URL(`file://${root}/b`)), `${root}/abs`);
      // targetIsDirectory is accepted (and ignored on POSIX).
      symlinkSync("d", `${root}/c`, { targetIsDirectory: true });
      assertEquals(readLinkSync(`${root}/c`), "d");
    });
  },
);

Deno.test({
  name: "a target that is not valid UTF-8 is an error, never a lossy string",
  ignore: !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      // Make a link whose target bytes are not UTF-8 with ln(1).
      const r = await new Deno.Command("bash", {
        args: ["-c", `ln -s $'caf\\xe9' "$1/bad"`, "_", root],
      }).output();
      assertEquals(r.code, 0);
      const e = thrown(() => readLinkSync(`${root}/bad`));
      assert(e instanceof Deno.errors.InvalidData, String(e));
      assertMatch(e.message, /not valid UTF-8/);
      await assertRejects(
        () => readLink(`${root}/bad`),
        Deno.errors.InvalidData,
      );
    });
  },
});

// Windows: Wine\'s CreateSymbolicLinkW stub succeeds on an existing path; see windows_test.ts.
Deno.test(
  "an existing path is AlreadyExists for sync and async alike",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      Deno.writeTextFileSync(`${root}/f`, "");
      const e = thrown(() => symlinkSync("t", `${root}/f`));
      assert(e instanceof Deno.errors.AlreadyExists);
      const a = await assertRejects(() => symlink("t", `${root}/f`), Error);
      assertStrictEquals(a.constructor, e.constructor);
      assertEquals(a.message, e.message);
    });
  },
);
