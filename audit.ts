// Copyright 2026 the dirfd authors. MIT license.
import { type AuditHook, hooks } from "./_audit.ts";

export type { AuditHook };

/**
 * Installs an audit hook, like Python's `sys.addaudithook`. Every operation
 * that Python audits calls each hook with the event of the same name and the
 * same arguments, in the same order, before any system call (`-1` stands
 * where Python passes `dir_fd=None`). A hook that throws aborts the
 * operation with its error. Hooks cannot be removed.
 *
 * @param hook Called as `hook(event, args)`; `args` is frozen.
 * @throws {TypeError} When `hook` is not a function.
 *
 * @example Log every symlink a program creates
 * ```ts
 * import { addAuditHook, symlinkSync } from "@dirfd/dirfd";
 * import { assertEquals } from "@std/assert";
 *
 * const seen: unknown[] = [];
 * addAuditHook((event, args) => {
 *   if (event === "os.symlink") seen.push(args);
 * });
 * const root = Deno.makeTempDirSync();
 * symlinkSync("t", `${root}/l`);
 * assertEquals(seen, [["t", `${root}/l`, -1]]);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function addAuditHook(hook: AuditHook): void {
  if (typeof hook !== "function") {
    throw new TypeError("addAuditHook: hook must be a function");
  }
  hooks.push(hook);
}
