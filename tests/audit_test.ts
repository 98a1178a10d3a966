// Copyright 2026 the dirfd authors. MIT license.
import {
  assert,
  assertEquals,
  assertNotEquals,
  assertRejects,
  assertThrows,
} from "@std/assert";
import {
  addAuditHook,
  openDir,
  openDirSync,
  symlink,
  symlinkSync,
} from "../mod.ts";
import { posixOnly, withTempDir } from "./_helpers.ts";

// Hooks cannot be removed, so this file installs them once and switches them
// on and off with variables.
let events: [string, unknown[]][] | null = null;
let veto: string | null = null;
addAuditHook((event, args) => {
  if (events !== null) events.push([event, [...args]]);
});
addAuditHook((event) => {
  if (event === veto) throw new Error(`vetoed ${event}`);
});

Deno.test("addAuditHook rejects a non-function", () => {
  assertThrows(() => addAuditHook(42 as never), TypeError);
});

// Windows: uses symlink with dirFd, not available on Windows.
Deno.test("events and argument order follow Python", posixOnly, async () => {
  await withTempDir(async (root) => {
    events = [];
    using dir = openDirSync(root);
    const flags = events[0][1][2];
    symlinkSync("t", `${root}/a`);
    symlinkSync("t", "b", { dirFd: dir });
    await symlink("t", "c", { dirFd: dir.fd });
    using _d2 = await openDir(root, { followSymlinks: false });
    const got = events;
    events = null;
    assertEquals(got, [
      ["open", [root, null, flags]],
      ["os.symlink", ["t", `${root}/a`, -1]],
      ["os.symlink", ["t", "b", dir.fd]],
      ["os.symlink", ["t", "c", dir.fd]],
      ["open", [root, null, got[4][1][2]]],
    ]);
    assertEquals(typeof flags, "number");
    assertNotEquals(got[4][1][2], flags, "O_NOFOLLOW shows in the flags");
  });
});

Deno.test("a throwing hook aborts the call before any syscall", async () => {
  await withTempDir(async (root) => {
    veto = "os.symlink";
    try {
      assertThrows(
        () => symlinkSync("t", `${root}/x`),
        Error,
        "vetoed os.symlink",
      );
      await assertRejects(() => symlink("t", `${root}/y`), Error, "vetoed");
    } finally {
      veto = null;
    }
    assertThrows(() => Deno.lstatSync(`${root}/x`), Deno.errors.NotFound);
    assertThrows(() => Deno.lstatSync(`${root}/y`), Deno.errors.NotFound);
    veto = "open";
    try {
      assertThrows(() => openDirSync(root), Error, "vetoed open");
    } finally {
      veto = null;
    }
  });
});

Deno.test("audit args are frozen", async () => {
  await withTempDir((root) => {
    let seen: readonly unknown[] | null = null;
    addAuditHook((e, a) => {
      if (e === "os.symlink" && seen === null) seen = a;
    });
    symlinkSync("t", `${root}/z`);
    assert(Object.isFrozen(seen));
  });
});
