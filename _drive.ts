// Copyright 2026 the dirfd authors. MIT license.
/**
 * Sans-IO cores and their two drivers, so that an iterating operation
 * (`readDir`, `walk`) is written once for its sync and async twins.
 *
 * A core is a generator that yields two kinds of values: {@linkcode Call}s,
 * primitive calls it wants performed (it receives the primitive's result as
 * the value of the `yield`), and items for the caller. It does everything
 * else itself: argument-free logic, errors, audit events, and closing its
 * descriptors (`close` is cheap and stays sync, so a core's `finally` can
 * release everything whichever way the iteration ends). The sync driver
 * answers a call with `b[op](...)`; the async driver awaits its async form
 * (`b.async[op]`, which every primitive has). Nothing else differs between
 * the twins.
 *
 * @module
 */
import type { AsyncPrimitive, Backend } from "./ffi/_types.ts";

type Primitive<K extends AsyncPrimitive> = NonNullable<Backend[K]>;
type AnyFn = (...args: unknown[]) => unknown;

/** A primitive call requested by a core. */
export class Call {
  /** The primitive's name. */
  readonly op: AsyncPrimitive;
  /** Its arguments. */
  readonly args: unknown[];
  constructor(op: AsyncPrimitive, args: unknown[]) {
    this.op = op;
    this.args = args;
  }
}

/**
 * A call started ahead of its use ({@linkcode ahead}): the driver answers
 * with a {@linkcode Pending} at once, and the result later, to a
 * {@linkcode Join} of it.
 */
export class Ahead {
  readonly call: Call;
  constructor(c: Call) {
    this.call = c;
  }
}

/** A request for the result of a call started {@linkcode Ahead}. */
export class Join {
  readonly handle: Pending;
  constructor(h: Pending) {
    this.handle = h;
  }
}

/**
 * A call started ahead: its result once settled (sync: at once), or the
 * promise of it. {@linkcode settle} runs a function on the result however
 * it ends (for a core that must release what the call returns when it was
 * never joined).
 */
export interface Pending {
  done: boolean;
  value?: unknown;
  promise?: Promise<unknown>;
}

/** Runs `f` on the result of `h` once it has one (never on a failure). */
export function settle(h: Pending, f: (v: unknown) => void): void {
  if (h.done) f(h.value);
  else h.promise!.then(f, () => {});
}

/** A core yielding items of type `T` (see the module doc). */
export type Core<T> = Generator<T | Call | Ahead | Join, undefined, unknown>;

/** Starts `b[op](...args)` now; its result comes from `yield* join(h)`. */
export function* ahead<K extends AsyncPrimitive>(
  op: K,
  ...args: Parameters<Primitive<K>>
): Generator<Ahead, Pending, unknown> {
  return (yield new Ahead(new Call(op, args))) as Pending;
}

/** The result of a call started with {@linkcode ahead}. */
export function* join<K extends AsyncPrimitive>(
  _op: K,
  h: Pending,
): Generator<Join, ReturnType<Primitive<K>>, unknown> {
  return (yield new Join(h)) as ReturnType<Primitive<K>>;
}

/**
 * Requests `b[op](...args)` from the driver: `yield* call(...)` evaluates to
 * the primitive's result, typed as the sync primitive's.
 */
export function* call<K extends AsyncPrimitive>(
  op: K,
  ...args: Parameters<Primitive<K>>
): Generator<Call, ReturnType<Primitive<K>>, unknown> {
  return (yield new Call(op, args)) as ReturnType<Primitive<K>>;
}

/** Performs `c` with the sync primitive. */
export function perform(b: Backend, c: Call): unknown {
  return (b[c.op] as AnyFn)(...c.args);
}

/** Performs `c` with its async form. */
export function performAsync(b: Backend, c: Call): Promise<unknown> {
  return (b.async[c.op] as (...a: unknown[]) => Promise<unknown>)(...c.args);
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({
  done: true,
  value: undefined,
});

/**
 * Drives a core on the calling thread: an iterator of its items. Ending
 * early (`return`, `break`, dispose) returns the core, which runs its
 * `finally` blocks.
 */
export class SyncDriver<T> implements IterableIterator<T>, Disposable {
  #b: Backend;
  #core: Core<T>;
  constructor(b: Backend, core: Core<T>) {
    this.#b = b;
    this.#core = core;
  }

  next(): IteratorResult<T, undefined> {
    const core = this.#core;
    let r = core.next();
    while (r.done !== true) {
      const v = r.value;
      if (v instanceof Call) r = core.next(perform(this.#b, v));
      else if (v instanceof Ahead) {
        const h: Pending = { done: true, value: perform(this.#b, v.call) };
        r = core.next(h);
      } else if (v instanceof Join) r = core.next(v.handle.value);
      else break;
    }
    return r as IteratorResult<T, undefined>;
  }

  return(): IteratorResult<T, undefined> {
    this.#core.return(undefined);
    return DONE;
  }

  [Symbol.iterator](): this {
    return this;
  }

  [Symbol.dispose](): void {
    this.#core.return(undefined);
  }
}

/**
 * Drives a core asynchronously: every call goes to the primitive's async
 * form (off the main thread where the backend has a worker form, with the
 * call's own errno). The core is returned however the iteration ends.
 */
export async function* driveAsync<T>(
  b: Backend,
  core: Core<T>,
): AsyncGenerator<T, undefined> {
  const forms = b.async as Record<string, AnyFn>;
  const started: Pending[] = [];
  try {
    let r = core.next();
    while (r.done !== true) {
      const v = r.value;
      if (v instanceof Call) {
        r = core.next(await forms[v.op](...v.args));
      } else if (v instanceof Ahead) {
        const h: Pending = { done: false };
        const p = forms[v.call.op](...v.call.args) as Promise<unknown>;
        h.promise = p.then((x) => {
          h.value = x;
          h.done = true;
          return x;
        });
        // Never an unhandled rejection: a join awaits it and sees it.
        h.promise.catch(() => {});
        started.push(h);
        if (started.length > 64) {
          // Only those still in flight matter (see the finally).
          const live = started.filter((x) => !x.done);
          started.length = 0;
          started.push(...live);
        }
        r = core.next(h);
      } else if (v instanceof Join) {
        const h = v.handle;
        r = core.next(h.done ? h.value : await h.promise);
      } else {
        yield v;
        r = core.next();
      }
    }
  } finally {
    core.return(undefined);
    // What the core's clean-up attached to calls still in flight (closing
    // what they open) has run by the time the iteration is over.
    for (const h of started) if (!h.done) await h.promise!.catch(() => {});
  }
}
