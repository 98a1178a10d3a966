// Copyright 2026 the dirfd authors. MIT license.
import assert from "node:assert/strict";
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
          assert.equal(readLinkSync(name, { dirFd: dir }), x);
          assert.equal(Deno.readLinkSync(`${root}/${name}`), x);
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
      assert.equal(Deno.readLinkSync(`${root}/a`), "to/nowhere");
      await symlink(new URL(`file://${root}/abs`), `${root}/b`);
      assert.equal(await readLink(`${root}/b`), `${root}/abs`);
      assert.equal(readLinkSync(new URL(`file://${root}/b`)), `${root}/abs`);
      // targetIsDirectory is accepted (and ignored on POSIX).
      symlinkSync("d", `${root}/c`, { targetIsDirectory: true });
      assert.equal(readLinkSync(`${root}/c`), "d");
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
      assert.equal(r.code, 0);
      const e = thrown(() => readLinkSync(`${root}/bad`));
      assert.ok(e instanceof Deno.errors.InvalidData, String(e));
      assert.match(e.message, /not valid UTF-8/);
      await assert.rejects(readLink(`${root}/bad`), Deno.errors.InvalidData);
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
      assert.ok(e instanceof Deno.errors.AlreadyExists);
      await assert.rejects(symlink("t", `${root}/f`), (a: Error) => {
        assert.equal(a.constructor, e.constructor);
        assert.equal(a.message, e.message);
        return true;
      });
    });
  },
);
