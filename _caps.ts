// Copyright 2026 the dirfd authors. MIT license.
/**
 * The capability registry behind `supportsFd`, `supportsDirFd` and
 * `supportsFollowSymlinks`. Each operation file declares, for its async and
 * sync functions, a probe per capability over the backend that opened (or
 * `null` for the no-FFI fallback) — Python's `_add(HAVE_X, "fn")` pattern. The
 * probes run once, when a set or an operation first needs them, so importing
 * the module opens no library.
 *
 * @module
 */
import { backend } from "./_backend.ts";
import type { Backend } from "./ffi/_types.ts";

// deno-lint-ignore ban-types
type Fn = Function;
/** Decides from the backend (null: no FFI) whether a capability works. */
export type Probe = (b: Backend | null) => boolean;

/** The capabilities an operation may have. */
export interface CapabilityProbes {
  fd?: Probe;
  dirFd?: Probe;
  followSymlinks?: Probe;
}

/** The evaluated capabilities of one operation. */
export interface Capabilities {
  readonly fd: boolean;
  readonly dirFd: boolean;
  readonly followSymlinks: boolean;
}

type Kind = keyof CapabilityProbes;
const declared: { fns: Fn[]; caps: Capabilities }[] = [];
/** Forgets one operation's probe results (see reprobeCapabilities). */
const resets: (() => void)[] = [];
// Bumped on every declaration and re-probe; the sets refill when it changes.
let version = 0;

/**
 * Tests only: forget every probe result (after a test hid or restored a
 * backend primitive), so the sets and operations probe again on next use.
 */
export function reprobeCapabilities(): void {
  for (const reset of resets) reset();
  version++;
}

/**
 * Declares the capabilities of `fns` (an operation and its `Sync` twin) and
 * returns them, evaluated lazily and once, for the operation's own checks.
 */
export function declareCapabilities(
  fns: Fn[],
  probes: CapabilityProbes,
): Capabilities {
  const probe = (k: Kind): boolean =>
    probes[k] !== undefined && probes[k]!(backend());
  // One variable per capability, not a record indexed by name: these
  // getters run on every call of the operation, and a keyed lookup shared
  // by three names costs more than a stat's own argument checks.
  let fd: boolean | undefined;
  let dirFd: boolean | undefined;
  let followSymlinks: boolean | undefined;
  const caps: Capabilities = {
    get fd() {
      return fd ??= probe("fd");
    },
    get dirFd() {
      return dirFd ??= probe("dirFd");
    },
    get followSymlinks() {
      return followSymlinks ??= probe("followSymlinks");
    },
  };
  declared.push({ fns, caps });
  resets.push(() => fd = dirFd = followSymlinks = undefined);
  version++;
  return caps;
}

const add = Set.prototype.add;
const clear = Set.prototype.clear;

/**
 * A `Set` of functions filled from the registry on first use and read-only
 * afterwards: every read refreshes it if operations were declared since.
 */
class CapabilitySet extends Set<Fn> {
  #kind: Kind;
  #seen = -1;
  constructor(kind: Kind) {
    super();
    this.#kind = kind;
  }
  #fill(): void {
    if (this.#seen === version) return;
    this.#seen = version;
    clear.call(this);
    for (const { fns, caps } of declared) {
      if (caps[this.#kind]) { for (const f of fns) add.call(this, f); }
    }
  }
  override get size(): number {
    this.#fill();
    return super.size;
  }
  override has(value: Fn): boolean {
    this.#fill();
    return super.has(value);
  }
  override forEach(
    cb: (value: Fn, key: Fn, set: Set<Fn>) => void,
    thisArg?: unknown,
  ): void {
    this.#fill();
    super.forEach(cb, thisArg);
  }
  override entries(): SetIterator<[Fn, Fn]> {
    this.#fill();
    return super.entries();
  }
  override keys(): SetIterator<Fn> {
    this.#fill();
    return super.keys();
  }
  override values(): SetIterator<Fn> {
    this.#fill();
    return super.values();
  }
  override [Symbol.iterator](): SetIterator<Fn> {
    return this.values();
  }
  override union<U>(other: ReadonlySetLike<U>): Set<Fn | U> {
    this.#fill();
    return new Set<Fn | U>([...this, ...setLikeValues(other)]);
  }
  override intersection<U>(other: ReadonlySetLike<U>): Set<Fn & U> {
    this.#fill();
    return new Set([...this].filter((f) => other.has(f as Fn & U))) as Set<
      Fn & U
    >;
  }
  override difference<U>(other: ReadonlySetLike<U>): Set<Fn> {
    this.#fill();
    return new Set([...this].filter((f) => !other.has(f as unknown as U)));
  }
  override symmetricDifference<U>(other: ReadonlySetLike<U>): Set<Fn | U> {
    this.#fill();
    const out = new Set<Fn | U>(this.difference(other));
    for (const v of setLikeValues(other)) if (!super.has(v as Fn)) out.add(v);
    return out;
  }
  override isSubsetOf(other: ReadonlySetLike<unknown>): boolean {
    this.#fill();
    return [...this].every((f) => other.has(f));
  }
  override isSupersetOf(other: ReadonlySetLike<unknown>): boolean {
    this.#fill();
    return [...setLikeValues(other)].every((v) => super.has(v as Fn));
  }
  override isDisjointFrom(other: ReadonlySetLike<unknown>): boolean {
    this.#fill();
    return [...this].every((f) => !other.has(f));
  }
  override add(_value: Fn): this {
    throw new TypeError("capability sets are read-only");
  }
  override delete(_value: Fn): boolean {
    throw new TypeError("capability sets are read-only");
  }
  override clear(): void {
    throw new TypeError("capability sets are read-only");
  }
  [Symbol.for("Deno.customInspect")](
    inspect: (v: unknown, o: unknown) => string,
    options: unknown,
  ): string {
    return `Set(${this.size}) ${
      inspect([...this].map((f) => f.name), options)
    }`;
  }
}

function* setLikeValues<U>(other: ReadonlySetLike<U>): Generator<U> {
  const it = other.keys();
  for (let r = it.next(); !r.done; r = it.next()) yield r.value;
}

/** Functions that accept an open descriptor in place of a path. */
// deno-lint-ignore ban-types
export const supportsFd: ReadonlySet<Function> = new CapabilitySet("fd");
/** Functions that accept a `dirFd` option. */
// deno-lint-ignore ban-types
export const supportsDirFd: ReadonlySet<Function> = new CapabilitySet("dirFd");
/** Functions that accept `followSymlinks: false`. */
// deno-lint-ignore ban-types
export const supportsFollowSymlinks: ReadonlySet<Function> = new CapabilitySet(
  "followSymlinks",
);
