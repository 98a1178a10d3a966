// Copyright 2026 the dirfd authors. MIT license.
/**
 * Attaches the Root task (`_root_task.ts`) to a POSIX backend: the pool
 * request that runs it, the platform facts its requests carry, and the
 * decoder of the stat buffer it leaves behind.
 *
 * @module
 */
import type { StatResult } from "../_file_info.ts";
import type { CallPool, PoolTask } from "./_pool.ts";
import { resolve } from "./_resolve.ts";
import { rootCaller, type RootPlatform, rootTask } from "./_root_task.ts";
import type { BackendParts } from "./_types.ts";

/** The pool tasks a POSIX backend ships for Root. */
export const ROOT_TASKS: Record<string, PoolTask> = {
  // Not a request of its own: rootTask calls it as `s.resolve`.
  resolve: resolve as unknown as PoolTask,
  rootTask: rootTask as unknown as PoolTask,
};

/** What {@linkcode attachRoot} needs from the backend's builder. */
export interface RootHooks {
  /** The backend's pool (started lazily). */
  pool(): CallPool;
  /** The facts for a request, read at each call (the stat call may change). */
  platform(): RootPlatform;
  /** Decodes the raw stat buffer of the active stat call. */
  decodeStat(raw: Uint8Array): StatResult;
}

/** Adds `rootCall`, `rootPlatform` and `decodeStat` to `b`. */
export function attachRoot(b: BackendParts, hooks: RootHooks): void {
  Object.defineProperty(b, "rootPlatform", {
    get: hooks.platform,
    enumerable: true,
  });
  Object.assign(b, {
    decodeStat: hooks.decodeStat,
    rootCall: rootCaller(hooks.pool, "rootTask"),
  });
}

/** The error numbers a root request carries, in its order. */
export const ROOT_ERRNO_NAMES = [
  "ENOENT",
  "ENOTDIR",
  "ELOOP",
  "EEXIST",
  "EINVAL",
  "EISDIR",
  "EPERM",
  "ENOTEMPTY",
] as const;
