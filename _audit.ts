// Copyright 2026 the dirfd authors. MIT license.

/** An audit hook: receives Python's event name and its arguments. */
export type AuditHook = (event: string, args: readonly unknown[]) => void;

/**
 * The installed hooks. Call sites test `hooks.length !== 0` before building
 * the argument array, so with no hooks auditing costs one length check.
 */
export const hooks: AuditHook[] = [];

/** Runs every hook in order; a hook that throws aborts the operation. */
export function audit(event: string, args: unknown[]): void {
  const frozen = Object.freeze(args);
  for (let i = 0; i < hooks.length; i++) hooks[i](event, frozen);
}
