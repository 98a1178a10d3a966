// Copyright 2026 the dirfd authors. MIT license.
/**
 * Chooses and opens the platform backend on first use. Importing this module
 * does nothing; {@linkcode loadBackend} opens the library when first called
 * and returns `null` when FFI is not permitted or no backend fits this
 * platform, so that callers fall back to Deno's own APIs.
 *
 * @module
 */
import type { Backend } from "./_types.ts";
import { openLinux } from "./linux.ts";
import { openDarwin } from "./darwin.ts";
import { openWindows } from "./windows.ts";

/** Whether `--allow-ffi` was granted (without prompting). */
export function ffiGranted(): boolean {
  try {
    return Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  } catch {
    return false;
  }
}

/** Opens the backend for `Deno.build.os`, or returns null. Never throws. */
export function loadBackend(): Backend | null {
  if (!ffiGranted()) return null;
  try {
    switch (Deno.build.os) {
      case "linux":
        return openLinux();
      case "darwin":
        return openDarwin();
      case "windows":
        return openWindows();
      default:
        return null;
    }
  } catch {
    return null;
  }
}
