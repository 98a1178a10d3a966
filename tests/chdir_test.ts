// Copyright 2026 the dirfd authors. MIT license.
import { assert, assertEquals, assertThrows } from "@std/assert";
import { addAuditHook, chdir, openDirSync, supportsFd } from "../mod.ts";
import { posixOnly, withTempDir } from "./_helpers.ts";

let events: unknown[][] | null = null;
addAuditHook((event, args) => {
  if (events !== null && event === "os.chdir") events.push([...args]);
});

// Windows: POSIX paths joined with /; Windows chdir(fd) is in windows_test.ts.
Deno.test(
  "chdir(path) and chdir(fd) move the cwd; Deno.cwd agrees",
  posixOnly,
  async () => {
    const start = Deno.cwd();
    try {
      await withTempDir((root) => {
        Deno.mkdirSync(`${root}/a`);
        Deno.mkdirSync(`${root}/b`);
        events = [];
        chdir(`${root}/a`);
        assertEquals(Deno.cwd(), `${root}/a`);
        chdir(new URL(`file://${root}/b`));
        assertEquals(Deno.cwd(), `${root}/b`);
        assert(supportsFd.has(chdir));
        using a = openDirSync(`${root}/a`);
        chdir(a);
        assertEquals(Deno.cwd(), `${root}/a`);
        chdir(start);
        chdir(a.fd);
        assertEquals(Deno.cwd(), `${root}/a`);
        assertEquals(events, [
          [`${root}/a`],
          [new URL(`file://${root}/b`)],
          [a.fd],
          [start],
          [a.fd],
        ]);
      });
    } finally {
      events = null;
      chdir(start);
    }
  },
);

// Windows: Windows cannot remove a directory that is the cwd or open; see windows_test.ts.
Deno.test(
  "chdir(fd) follows the directory, not its old name",
  posixOnly,
  async () => {
    const start = Deno.cwd();
    try {
      await withTempDir((root) => {
        Deno.mkdirSync(`${root}/old`);
        using d = openDirSync(`${root}/old`);
        Deno.renameSync(`${root}/old`, `${root}/new`);
        Deno.mkdirSync(`${root}/old`);
        chdir(d);
        assertEquals(Deno.cwd(), `${root}/new`);
      });
    } finally {
      chdir(start);
    }
  },
);

Deno.test("chdir errors match Deno.chdir", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}/f`, "");
    assertThrows(() => chdir(`${root}/missing`), Deno.errors.NotFound);
    assertThrows(() => chdir(`${root}/f`), Deno.errors.NotADirectory);
    assertThrows(() => chdir(-3), TypeError);
  });
});
