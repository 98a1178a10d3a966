// Copyright 2026 the dirfd authors. MIT license.
/**
 * Chooses and opens the platform backend on first use. Importing this module
 * does nothing; {@linkcode loadBackend} opens the library when first called
 * and returns `null` when FFI is not permitted or no backend fits this
 * platform, so that callers fall back to Deno's own APIs.
 *
 * @module
 */
import { type Backend, type BackendParts, completeBackend } from "./_types.ts";
import { openLinux } from "./linux.ts";
import { openDarwin } from "./darwin.ts";
import { openWindows } from "./windows.ts";
import {
  DARWIN_FILE_CONSTANTS,
  type FileConstants,
  linuxFileConstants,
} from "./_file_posix.ts";
import { linkTargetProbePath } from "./_windows_logic.ts";

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
  let parts: BackendParts | null;
  try {
    switch (Deno.build.os) {
      case "linux":
        parts = openLinux();
        break;
      case "darwin":
        parts = openDarwin();
        break;
      case "windows":
        parts = openWindows();
        break;
      default:
        return null;
    }
  } catch {
    return null;
  }
  return parts === null ? null : completeBackend(parts);
}

/**
 * What `Deno.symlink` needs to be told when there is no backend: on Windows
 * the type Python's rule gives (an existing target, resolved against the
 * link's directory, decides; else `targetIsDirectory`); elsewhere nothing.
 */
export function symlinkFallbackOptions(
  target: string,
  path: string,
  targetIsDirectory: boolean,
): Deno.SymlinkOptions | undefined {
  if (Deno.build.os !== "windows") return undefined;
  let dir = targetIsDirectory;
  try {
    dir = Deno.lstatSync(linkTargetProbePath(target, path)).isDirectory;
  } catch {
    // A missing target: targetIsDirectory decides.
  }
  return { type: dir ? "dir" : "file" };
}

/**
 * The platform's `O_*` values for `open()`, as data (no library opened):
 * `undefined` where `open()` takes no raw flags (Windows).
 */
export function platformFileConstants(
  os: string = Deno.build.os,
  arch: string = Deno.build.arch,
): FileConstants | undefined {
  if (os === "linux") return linuxFileConstants(arch);
  if (os === "darwin") return DARWIN_FILE_CONSTANTS;
  return undefined;
}
