// Copyright 2026 the dirfd authors. MIT license.
import { loadBackend } from "./ffi/_load.ts";
import type { Backend } from "./ffi/_types.ts";

let cached: Backend | null | undefined;

/**
 * The platform backend, opened on first use; `null` means "no FFI here", in
 * which case path-only calls fall back to `Deno.*`.
 */
export function backend(): Backend | null {
  return cached !== undefined ? cached : (cached = loadBackend());
}
