// Copyright 2026 the dirfd authors. MIT license.
import { loadBackend } from "./ffi/_load.ts";
import {
  type Backend,
  hasPrimitive,
  type OptionalName,
  type With,
} from "./ffi/_types.ts";
import { notSupported } from "./_errors.ts";

export { hasPrimitive };

let cached: Backend | null | undefined;

/**
 * The platform backend, opened on first use; `null` means "no FFI here", in
 * which case path-only calls fall back to `Deno.*`.
 */
export function backend(): Backend | null {
  return cached !== undefined ? cached : (cached = loadBackend());
}

/**
 * The backend, narrowed to one that has the optional primitive `name`, for
 * a call whose capability check already passed; should it not have it, the
 * `NotSupported` error that check throws (`fn: what unavailable…`).
 */
export function backendWith<K extends OptionalName>(
  name: K,
  fn: string,
  what: string,
): With<K> {
  const b = backend();
  if (!hasPrimitive(b, name)) throw notSupported(fn, what);
  return b;
}

/**
 * The backend, for a call whose capability check already passed (it needs
 * one); should there be none, the `NotSupported` error that check throws.
 */
export function backendFor(fn: string, what: string): Backend {
  const b = backend();
  if (b === null) throw notSupported(fn, what);
  return b;
}
