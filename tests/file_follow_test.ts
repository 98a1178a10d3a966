// Copyright 2026 the dirfd authors. MIT license.
// readFile/writeFile with followSymlinks: false refuse a final symlink
// (O_NOFOLLOW), as open does; links earlier in the path are followed.
import { assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  openDirSync,
  readFile,
  readFileSync,
  supportsDirFd,
  writeFile,
  writeFileSync,
} from "../mod.ts";
import { withTempDir } from "./_helpers.ts";

Deno.test({
  name: "readFile/writeFile: followSymlinks: false refuses a final link",
  ignore: Deno.build.os === "windows" || !supportsDirFd.has(readFileSync),
  async fn() {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/d`);
      Deno.writeTextFileSync(`${root}/d/f`, "f");
      Deno.symlinkSync("f", `${root}/d/l`);
      Deno.symlinkSync("d", `${root}/dl`);
      using dir = openDirSync(root);
      const no = { dirFd: dir, followSymlinks: false } as const;
      assertThrows(() => readFileSync("d/l", no), Deno.errors.FilesystemLoop);
      await assertRejects(
        () => readFile("d/l", no),
        Deno.errors.FilesystemLoop,
      );
      assertThrows(
        () => writeFileSync("d/l", new Uint8Array([1]), no),
        Deno.errors.FilesystemLoop,
      );
      await assertRejects(
        () => writeFile("d/l", new Uint8Array([1]), no),
        Deno.errors.FilesystemLoop,
      );
      assertEquals(Deno.readTextFileSync(`${root}/d/f`), "f");
      // A link earlier in the path is followed; the default follows too.
      assertEquals(readFileSync("dl/f", no), new TextEncoder().encode("f"));
      assertEquals(readFileSync("d/l", { dirFd: dir }).length, 1);
      // With atomic, the link itself is replaced, never written through.
      writeFileSync("d/l", new TextEncoder().encode("new"), {
        ...no,
        atomic: true,
      });
      assertEquals(Deno.lstatSync(`${root}/d/l`).isFile, true);
      assertEquals(Deno.readTextFileSync(`${root}/d/f`), "f");
      assertThrows(
        () => readFileSync("d/f", { followSymlinks: "no" as never }),
        TypeError,
      );
    });
  },
});
