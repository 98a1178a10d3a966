// Copyright 2026 the dirfd authors. MIT license.
/**
 * Test seams, the role of Go's `export_test.go`: what tests may do to the
 * running backend that no operation does (hide a primitive, switch the stat
 * primitive, read the last Windows symlink call, forget the capability
 * probes). None of it is on the production types; only tests import this
 * module, and it is not published.
 *
 * @module
 */
import { backend } from "./_backend.ts";
import type { OptionalName } from "./ffi/_types.ts";
import { seamsOf, type SymlinkCall } from "./ffi/_seams.ts";

export { reprobeCapabilities } from "./_caps.ts";
export type { SymlinkCall };

type Fn = (...args: never[]) => unknown;
const hidden = new Map<string, { sync: Fn; async: Fn | undefined }>();

/**
 * Hides (`on: false`) or restores an optional primitive of the backend, its
 * async form with it, as if the platform lacked it. Returns false when the
 * backend has no such primitive (or there is no backend). Call
 * `reprobeCapabilities` afterwards for the capability sets to follow.
 */
export function setPrimitive(name: OptionalName, on: boolean): boolean {
  const b = backend() as unknown as
    | (Record<string, Fn | undefined> & {
      async: Record<string, Fn | undefined>;
    })
    | null;
  if (b === null) return false;
  const saved = hidden.get(name);
  if (on) {
    if (saved === undefined) return b[name] !== undefined;
    b[name] = saved.sync;
    b.async[name] = saved.async;
    hidden.delete(name);
    return true;
  }
  if (saved !== undefined) return true;
  const sync = b[name];
  if (sync === undefined) return false;
  hidden.set(name, { sync, async: b.async[name] });
  b[name] = undefined;
  b.async[name] = undefined;
  return true;
}

/**
 * Switches the backend's stat primitive (Linux: `"statx"` or `"fstatat"`);
 * false when it is unavailable here.
 */
export function selectStat(via: string): boolean {
  const b = backend();
  return b !== null && (seamsOf(b).selectStat?.(via) ?? false);
}

/** Windows: the `CreateSymbolicLinkW` calls of the last `symlink`, or null. */
export function lastSymlinkCall(): SymlinkCall | null {
  const b = backend();
  return b === null ? null : seamsOf(b).lastSymlinkCall?.() ?? null;
}
