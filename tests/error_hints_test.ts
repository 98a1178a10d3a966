// Copyright 2026 the dirfd authors. MIT license.
// Error classes and hints come from the backend (errorClass, hint), not from
// a branch on the OS name in the portable layer: the Windows symlink
// privilege error is PermissionDenied with the how-to text, and only for
// CreateSymbolicLinkW; elsewhere no hint is added.
import { assert, assertEquals, assertInstanceOf } from "@std/assert";
import { backend } from "../_backend.ts";
import { systemError } from "../_errors.ts";
import { SYMLINK_PRIVILEGE_HINT } from "../ffi/_windows_logic.ts";

const b = backend();

Deno.test({
  name:
    "error hints: ERROR_PRIVILEGE_NOT_HELD from CreateSymbolicLinkW says how to get it",
  // The Windows backend's own answer (under Wine on Linux CI).
  ignore: b === null || Deno.build.os !== "windows",
  fn: () => {
    const e = systemError(b!, -1314, b!.syscall.symlinkAt, "t", "l");
    assertEquals(b!.syscall.symlinkAt, "CreateSymbolicLinkW");
    assertInstanceOf(e, Deno.errors.PermissionDenied);
    assert(e.message.endsWith(`: ${SYMLINK_PRIVILEGE_HINT}`), e.message);
    assertEquals([e.errno, e.syscall, e.path, e.dest], [
      1314,
      "CreateSymbolicLinkW",
      "t",
      "l",
    ]);
    // The same code from another call: Deno's class, no hint.
    const other = systemError(b!, -1314, "CreateFileW", "t");
    assertEquals(other.constructor, Error);
    assertEquals(other.message.includes(SYMLINK_PRIVILEGE_HINT), false);
  },
});

Deno.test({
  name: "error hints: a POSIX backend adds none and classes by errno name",
  ignore: b === null || Deno.build.os === "windows",
  fn: () => {
    for (const call of ["symlinkat", "openat", "mkdirat"]) {
      assertEquals(b!.hint(1, call), undefined);
    }
    const e = systemError(b!, -1, b!.syscall.symlinkAt, "t", "l");
    assertEquals(b!.syscall.symlinkAt, "symlinkat");
    assertInstanceOf(e, Deno.errors.PermissionDenied); // EPERM
    assertEquals(e.message.endsWith("'t' -> 'l'"), true);
  },
});
