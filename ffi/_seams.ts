// Copyright 2026 the dirfd authors. MIT license.
/**
 * Test seams, kept off the production types: a backend registers here what
 * only tests may reach (switching its stat primitive, the record of its last
 * Windows symlink call), and the testing module (`_testing.ts`, the role of
 * Go's `export_test.go`) reads it. No operation uses this.
 *
 * @module
 */

/** The arguments of the last `CreateSymbolicLinkW` calls of one `symlink`. */
export interface SymlinkCall {
  /** The link path as passed (after path conversion). */
  link: string;
  /** The target as passed (exactly as given). */
  target: string;
  /** The path whose type decided the link type. */
  probe: string;
  /** The flags of every attempt, in order. */
  attempts: number[];
  /** The final Windows error code; 0 on success. */
  error: number;
}

/** What a backend lets tests do. */
export interface Seams {
  /** Switches the stat primitive; false if `via` is unavailable. */
  selectStat?(via: string): boolean;
  /** Windows: the `CreateSymbolicLinkW` calls of the last `symlinkAt`. */
  lastSymlinkCall?(): SymlinkCall | null;
}

const seams = new WeakMap<object, Seams>();

/** Records (adds to) the seams of `backend`. */
export function registerSeams(backend: object, s: Seams): void {
  seams.set(backend, { ...seams.get(backend), ...s });
}

/** The seams `backend` registered (none: `{}`). */
export function seamsOf(backend: object): Seams {
  return seams.get(backend) ?? {};
}
