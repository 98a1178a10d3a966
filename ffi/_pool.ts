// Copyright 2026 the dirfd authors. MIT license.
/**
 * Runs FFI calls off the main thread, in batches, with each call's own errno.
 *
 * A small pool of `node:worker_threads` workers (unref'd, so an idle pool
 * never keeps the process alive) each opens the same library with the same
 * symbol table and serves requests written into SharedArrayBuffer "arenas":
 * the symbol, the arguments (numbers, or offsets of C strings and output
 * buffers inside the arena), and slots for the result and the `errno` the
 * worker read on its own thread right after the call. Calls made in the same
 * tick fill the same arenas and go out together on a microtask, in chunks
 * spread over the workers; the main thread learns of completion through
 * `Atomics.waitAsync`, which keeps the event loop alive exactly while calls
 * are in flight.
 *
 * Where one operation is several calls (Windows: open a handle, query it,
 * close it), a request names a task ({@linkcode PoolTask}) instead of a
 * symbol: a plain function whose source the workers receive and run with
 * their own bindings, the same function the sync backend runs here.
 *
 * The worker's code is a string in this module, so it survives bundling, JSR
 * and `deno compile` without extra files. Nothing here throws: a failure to
 * start a worker (or to open the library in it) makes the pool run the same
 * requests on the calling thread instead: slower, never wrong.
 *
 * Why this design (measured, see README): one thread hand-off per batch
 * rather than per call; exact errno (a `nonblocking` FFI call's errno is
 * lost); and it covers every syscall, unlike io_uring's op list. Where the
 * library offers a kernel submission ring ({@linkcode LocalLibrary.ring}:
 * Linux io_uring on x86_64), requests for its one symbol (`statx`) go there
 * instead: no worker has to start or wake for a batch of stats, and each
 * call still gets its own errno. Requests that are whole units of work
 * (`begin(…, alone)`: a directory entered and described) get arenas of
 * their own, spread over the workers.
 *
 * @module
 */
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";

/** How a worker reads the error code after a call. */
export interface ErrnoSource {
  /** `"pointer"`: `sym()` returns a pointer to errno; `"call"`: `sym()` returns the code. */
  kind: "pointer" | "call";
  sym: string;
}

/**
 * A sequence of calls run as one request (open, query, close), for platforms
 * whose primitives are more than one call. It receives the bound symbols of
 * the thread it runs on, then the request's arguments (numbers, and buffer
 * arguments as views of the arena), and returns its result, negative for
 * `-error` (it reads the error code itself, before any clean-up call can
 * overwrite it).
 *
 * A task travels to the worker as its source text (`Function.prototype.
 * toString`), so it must be a plain `function` that refers to nothing but
 * its parameters and globals: no imports, no constants from its module.
 * `S` types the symbols it calls (the backend's bound symbol table).
 */
// deno-lint-ignore no-explicit-any
export type PoolTask<S = any> = (s: S, ...args: any[]) => number;

/** The library a pool serves: what `Deno.dlopen` needs, plus errno access. */
export interface PoolLibrary {
  path: string;
  symbols: Deno.ForeignLibraryInterface;
  errno: ErrnoSource;
  /**
   * Multi-call requests, named like symbols (see {@linkcode PoolTask}). A
   * task sees the symbols, those of `more`, and the other tasks, by name.
   */
  tasks?: Record<string, PoolTask>;
  /** Further libraries whose symbols only tasks call. */
  more?: { path: string; symbols: Deno.ForeignLibraryInterface }[];
  /**
   * Symbols and tasks that never wait without end (they open nothing but
   * directories, take no lock, read no pipe): while no worker of a fresh
   * pool is ready, the pool may run them on the calling thread, within
   * {@linkcode COLD_MS} in all (see `CallPool.#dispatch`).
   */
  coldSafe?: readonly string[];
}

/** A completed call as the decoder sees it. */
export interface Reply {
  /** The call's return value. */
  ret: number;
  /** The error code read on the worker thread right after the call. */
  errno: number;
  /** The arena's bytes (valid only during the decoder call). */
  u8: Uint8Array;
  /** The arena as 32-bit words. */
  u32: Uint32Array;
  /** The arena as signed 32-bit words. */
  i32: Int32Array;
  /** Byte offset of this call's output buffer, if it asked for one. */
  out: number;
}

/** The calling thread's own view of the library, for running requests here. */
export interface LocalLibrary {
  /**
   * The symbols of {@linkcode PoolLibrary.symbols}, and of
   * {@linkcode PoolLibrary.more} when there are tasks.
   */
  symbols: Record<string, unknown>;
  /** Reads the calling thread's error code. */
  errno: () => number;
  /**
   * `nonblocking` bindings of side-effect-free symbols (stat, readlink, open
   * of a directory). A lone request for one of them runs through this
   * binding on Deno's own blocking pool, the lowest-latency hand-off Deno
   * has; its errno is lost there, so a failed call is run again on a worker,
   * whose result and errno are the ones reported.
   */
  direct?: Record<string, (...args: never[]) => Promise<number | bigint>>;
  /**
   * Opens a kernel submission ring for batches of one symbol's calls (Linux
   * io_uring's `statx`, see `_uring.ts`), or gives `null` where there is
   * none. Opened on the first request the ring can run; while it is open and
   * idle, requests for its symbol go to it rather than to the workers.
   */
  ring?: () => Promise<BatchRing | null>;
}

/**
 * A kernel submission ring as the pool uses it ({@linkcode LocalLibrary.ring}):
 * calls of {@linkcode BatchRing.sym}, with that symbol's five arguments
 * (dirfd, path, flags, mask, buffer; buffers as addresses), queued by
 * `push` and sent on by `submit`, which never waits.
 */
export interface BatchRing {
  /** The symbol whose calls it runs. */
  readonly sym: string;
  /** It failed or was closed (it takes no more calls). */
  readonly failed: boolean;
  /** Calls it can take now (0 once it failed). */
  room(): number;
  /** Queues one call, identified by `tag` in its completion. */
  push(
    dirfd: number,
    path: number,
    flags: number,
    mask: number,
    buf: number,
    tag: number,
  ): void;
  /**
   * Sends the queued calls on; each completion comes later as `done(tag,
   * res)` (`res`: the call's result, or `-errno`), and a call it could not
   * take (it failed) as `back(tag)`, never run.
   */
  submit(
    done: (tag: number, res: number) => void,
    back: (tag: number) => void,
  ): void;
  /** Releases it (once the calls in flight have completed). */
  close(): void;
}

const ARENA_BYTES = 1 << 20;
const HEADER_BYTES = 64;
const MAX_REQ = 1024;
const REQ_F64 = 12; // sym, kinds, nargs, ret, errno, 7 args
const DATA_START = HEADER_BYTES + MAX_REQ * REQ_F64 * 8;
/** Requests per chunk before the next worker gets the following ones. */
const CHUNK = 64;
const RING = 64;
const IDLE_MS = 10_000;
/** Reported when a symbol is missing on this thread too (never expected). */
const ENOSYS_ANY = 38;
const CTL_RING = 8;
/**
 * Milliseconds of requests a fresh pool may run on the calling thread, in
 * all, while no worker is ready: less than starting a worker blocks this
 * thread (25–45 ms measured for Deno 2.9's `node:worker_threads`, which
 * returns only once the worker's runtime has started), so that a short
 * script's first walk never waits for a worker.
 */
export const COLD_MS = 20;
/**
 * Calls a cold pool makes through direct bindings before it starts its
 * workers without waiting for a quiet moment: each costs the calling thread
 * about 6–11 µs (Deno's hand-off to its blocking threads) against about
 * 1.4 µs in a warm worker's batch, and starting two workers blocks it for
 * 50–90 ms, so that the start pays for itself after some 16 batches of
 * 1,024. (Batches through the ring take 1.5–1.9 ms against 1.3–1.4 ms on
 * warm workers: those wait for a quiet moment.)
 */
const DIRECT_CALLS = 16384;
/** A spell without requests after which the workers are taken as asleep. */
const QUIET_MS = 10;
/**
 * How long after a cold request a worker's start waits for a quiet moment:
 * a short script whose work is done by then exits without paying for it.
 */
const START_DELAY_MS = 10;

const WORKER_SOURCE = `
"use strict";
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { path, symbols, tasks, more, errno, ctl: ctlBuf, port } = workerData;
const ctl = new Int32Array(ctlBuf);
let fns = null, getErr = () => 0;
// One invoker per symbol, specialised on its parameter types, so that every
// call site is monomorphic and V8's fast FFI calls engage.
function invoker(fn, def) {
  const args = def.parameters.map((t, k) =>
    t === "buffer" ? "u8.subarray(f64[b + " + (5 + k) + "])" : "f64[b + " + (5 + k) + "]");
  return new Function("fn", "return (f64, u8, b) => fn(" + args.join(", ") + ");")(fn);
}
// A task gets the bound symbols, then its arguments, buffers as arena views.
function taskInvoker(task, syms) {
  return (f64, u8, b) => {
    const args = [syms];
    for (let k = 0, kinds = f64[b + 1]; k < f64[b + 2]; k++) {
      const v = f64[b + 5 + k];
      args.push(((kinds >> k) & 1) === 1 ? u8.subarray(v) : v);
    }
    return task.apply(null, args);
  };
}
const nsym = Object.keys(symbols).length;
try {
  const lib = Deno.dlopen(path, symbols);
  fns = Object.keys(symbols).map((k) =>
    lib.symbols[k] === null ? null : invoker(lib.symbols[k], symbols[k]));
  // What tasks see: every symbol, then the tasks themselves, by name.
  const env = Object.assign({}, lib.symbols);
  for (const m of more) Object.assign(env, Deno.dlopen(m.path, m.symbols).symbols);
  for (const [name, src] of tasks) {
    env[name] = new Function("return (" + src + ");")();
    fns.push(taskInvoker(env[name], env));
  }
  if (errno.kind === "pointer") {
    const view = new Deno.UnsafePointerView(lib.symbols[errno.sym]());
    getErr = () => view.getInt32(0);
  } else {
    const f = lib.symbols[errno.sym];
    getErr = () => Number(f());
  }
} catch (_) { fns = null; }
Atomics.store(ctl, 3, fns === null ? -1 : 1);
const arenas = [];
const nap = new Int32Array(new SharedArrayBuffer(4));
function arena(id) {
  while (arenas[id] === undefined) {
    const m = receiveMessageOnPort(port);
    if (m === undefined) { Atomics.wait(nap, 0, 0, 1); continue; }
    const sab = m.message.sab;
    arenas[m.message.id] = { i32: new Int32Array(sab), f64: new Float64Array(sab), u8: new Uint8Array(sab) };
  }
  return arenas[id];
}
function run(a) {
  const { i32, f64, u8 } = a;
  const n = i32[1];
  for (let r = 0; r < n; r++) {
    const b = ${HEADER_BYTES / 8} + r * ${REQ_F64};
    const fn = fns === null ? null : fns[f64[b]];
    if (fn == null) { f64[b + 3] = NaN; continue; }
    let ret;
    try { ret = fn(f64, u8, b); } catch (_) { f64[b + 3] = NaN; continue; }
    f64[b + 4] = f64[b] < nsym ? getErr() : ret < 0 ? -ret : 0;
    f64[b + 3] = typeof ret === "number" ? ret : Number(ret);
  }
  Atomics.store(i32, 0, 0);
  Atomics.notify(i32, 0);
}
for (;;) {
  const tail = ctl[1];
  if (Atomics.load(ctl, 0) === tail) {
    if (ctl[2] !== 0) break;
    Atomics.wait(ctl, 0, tail);
    continue;
  }
  const id = ctl[${CTL_RING} + (tail % ${RING})];
  Atomics.store(ctl, 1, tail + 1);
  run(arena(id));
}
`;

type Decoder<T> = (r: Reply) => T;

class Arena {
  readonly id: number;
  readonly sab: SharedArrayBuffer | ArrayBuffer;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly f64: Float64Array;
  readonly u8: Uint8Array;
  n = 0;
  top = DATA_START;
  readonly resolvers: ((v: unknown) => void)[] = [];
  readonly rejecters: ((e: unknown) => void)[] = [];
  readonly decoders: Decoder<unknown>[] = [];
  readonly outs: number[] = [];
  /** The address of the arena's memory, once a ring needed it. */
  base = -1;
  /** Calls of the arena the ring has not reported yet. */
  ringLeft = 0;
  /** The ring gave calls of the arena back (it failed). */
  ringBack = false;
  /**
   * A shared arena (`id` ≥ 0) goes to the workers; a private one (`id` -1,
   * any size, see {@linkcode CallPool.begin}) holds one request that does
   * not fit a shared arena, run on the calling thread.
   */
  constructor(id: number, bytes = ARENA_BYTES) {
    this.id = id;
    this.sab = id >= 0
      ? new SharedArrayBuffer(bytes)
      : new ArrayBuffer((bytes + 7) & ~7);
    this.i32 = new Int32Array(this.sab);
    this.u32 = new Uint32Array(this.sab);
    this.f64 = new Float64Array(this.sab);
    this.u8 = new Uint8Array(this.sab);
  }
  reset(): void {
    this.i32[1] = 0;
    this.n = 0;
    this.top = DATA_START;
    this.resolvers.length = 0;
    this.rejecters.length = 0;
    this.decoders.length = 0;
    this.outs.length = 0;
  }
}

class PoolWorker {
  readonly ctl = new Int32Array(new SharedArrayBuffer(4 * (CTL_RING + RING)));
  readonly port1: MessagePort;
  readonly worker: Worker | null = null;
  /** Arenas whose memory this worker has been sent. */
  readonly sent = new Set<number>();
  head = 0;
  /** Arenas posted and not yet done. */
  busy = 0;
  /** A worker over `lib`; `null` makes a stand-in that runs nothing. */
  constructor(lib: PoolLibrary | null) {
    const { port1, port2 } = new MessageChannel();
    this.port1 = port1;
    if (lib === null) {
      this.ctl[3] = -1;
      return;
    }
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        path: lib.path,
        symbols: lib.symbols,
        tasks: Object.entries(lib.tasks ?? {}).map((
          [k, t],
        ) => [k, t.toString()]),
        more: lib.more ?? [],
        errno: lib.errno,
        ctl: this.ctl.buffer,
        port: port2,
      },
      // deno-lint-ignore no-explicit-any
      transferList: [port2 as any],
    });
    this.worker.unref();
  }
  /** Arenas posted while the ring was full, sent as slots free up. */
  readonly backlog: Arena[] = [];
  post(a: Arena): void {
    Atomics.store(a.i32, 0, 1);
    a.i32[1] = a.n;
    // The ring holds RING arenas the worker has not dequeued yet: one more
    // would overwrite a slot (and that arena would never run).
    if (this.backlog.length !== 0 || !this.#room()) {
      this.backlog.push(a);
      return;
    }
    this.#send(a);
  }
  /** Sends backlogged arenas while the ring has room (after a completion). */
  drain(): void {
    while (this.backlog.length !== 0 && this.#room()) {
      this.#send(this.backlog.shift()!);
    }
  }
  #room(): boolean {
    return this.head - Atomics.load(this.ctl, 1) < RING;
  }
  #send(a: Arena): void {
    this.ctl[CTL_RING + (this.head % RING)] = a.id;
    this.head++;
    Atomics.store(this.ctl, 0, this.head);
    Atomics.notify(this.ctl, 0);
  }
  stop(): void {
    this.ctl[2] = 1;
    Atomics.notify(this.ctl, 0);
    this.worker?.terminate();
    this.port1.close();
  }
}

const enc = new TextEncoder();

/** A pool of FFI workers for one library. */
export class CallPool {
  #lib: PoolLibrary;
  #size: number;
  #workers: (PoolWorker | undefined)[] = [];
  #symIndex = new Map<string, number>();
  #nextArena = 0;
  /** Arenas not in use (see #takeArena). */
  #free: Arena[] = [];
  /** The arena being filled, and its worker's index. */
  #cur: Arena | null = null;
  #curWorker = 0;
  /** The arena being filled holds one request begun `alone`. */
  #curAlone = false;
  /** See #wantMore. */
  #contended = 0;
  #flushQueued = false;
  #inFlight = 0;
  #ranHere = 0;
  /** Shared arenas sent and not done, and when the last was done. */
  #sent = 0;
  #lastDone = -Infinity;
  /** The current burst of requests goes to the ring (see #ringFirst). */
  #burstRing = true;
  /** Calls run through direct bindings while cold (see #dispatch). */
  #directCalls = 0;
  /** Whether each request index may run here while cold (see coldSafe). */
  #coldSafe: boolean[];
  /** Milliseconds spent running cold requests here, and the allowance. */
  #coldSpent = 0;
  #coldMs: number;
  #directRuns = 0;
  /** A worker has reported ready (see #warm). */
  #ready = false;
  /** Workers to start on a later turn (see #startSoon), and its timer. */
  #pendingStarts = new Set<number>();
  #startTimer: number | undefined;
  /** Schedules the pending starts again (set by #startSoon). */
  #startPending: () => void = () => {};
  #local: LocalLibrary;
  /** Symbols come first in the index, then tasks. */
  #nsym: number;
  /**
   * What {@linkcode CallPool.#runLocal} calls, by index, resolved on first
   * use (undefined until then): reading `local.symbols` may bind symbols a
   * backend binds lazily, which a pool that never runs here should not do.
   */
  #localFns: (((...a: unknown[]) => unknown) | null | undefined)[];
  #localEnv: Record<string, unknown> | undefined;
  #directFns: (((...a: unknown[]) => Promise<number | bigint>) | null)[];
  /** A full chunk of this tick's requests was already sent (see #flush). */
  #sealedThisTick = false;
  #broken = false;
  #idle: number | undefined;
  #idleMs: number;
  #lastIdle = 0;
  // One request being built (begin → args → end), into arena #tgt: the
  // shared arena being filled, or a private one (see begin()).
  #tgt: Arena | null = null;
  #req = 0;
  #nargs = 0;
  #kinds = 0;
  #out = -1;
  /** Where #tgt's data stood at begin(), to take the request back out. */
  #top0 = DATA_START;
  /** Why the request being built cannot run (a private arena too large). */
  #failed: unknown = null;
  /** Symbol and task names by index, for error messages. */
  #names: string[];
  /**
   * The submission ring (see {@linkcode LocalLibrary.ring}): its state (0
   * not opened yet, 1 opening, 2 open, 3 none), the symbol index it runs,
   * the arenas sealed while it opened (with their worker index), and the
   * arenas of the run being gathered, with the tags of their calls.
   */
  #ring: BatchRing | null = null;
  #ringState = 0;
  #ringSym = -2;
  #ringWait: [Arena, number][] = [];
  #ringWaitCalls = 0;
  #ringBatch: Arena[] = [];
  #ringTags: number[] = [];
  #ringRuns = 0;
  /** Calls pushed in this tick (#ringTick) and not submitted yet. */
  #ringTick = false;
  #ringUnsent = 0;
  /** Arenas by id while the ring has their calls. */
  #ringArenas: Arena[] = [];
  /** Bumped by close(): a ring opened for an earlier generation is dropped. */
  #gen = 0;

  /**
   * @param lib The library each worker opens.
   * @param local The same library opened on this thread, used when a worker
   * cannot run a request.
   * @param size Workers to use at most (default: 2, or 1 on one core).
   * @param idleMs Quiet time after which the workers are stopped.
   * @param coldMs Milliseconds of cold-safe requests it may run on this
   * thread while no worker is ready (see {@linkcode COLD_MS}).
   */
  constructor(
    lib: PoolLibrary,
    local: LocalLibrary,
    size?: number,
    idleMs = IDLE_MS,
    coldMs = 0,
  ) {
    this.#lib = lib;
    this.#idleMs = idleMs;
    this.#local = local;
    this.#nsym = Object.keys(lib.symbols).length;
    this.#localFns = new Array(
      this.#nsym + Object.keys(lib.tasks ?? {}).length,
    ).fill(undefined);
    this.#directFns = Object.keys(lib.symbols).map((k) =>
      (local.direct?.[k] ?? null) as
        | ((...a: unknown[]) => Promise<number | bigint>)
        | null
    );
    this.#size = size ??
      Math.max(1, Math.min(2, navigator.hardwareConcurrency ?? 1));
    this.#names = [
      ...Object.keys(lib.symbols),
      ...Object.keys(lib.tasks ?? {}),
    ];
    this.#names.forEach((k, i) => this.#symIndex.set(k, i));
    const safe = new Set(lib.coldSafe ?? []);
    this.#coldSafe = this.#names.map((k) => safe.has(k));
    this.#coldMs = coldMs;
    if (local.ring === undefined) this.#ringState = 3;
  }

  /** The library the workers open (for tests). */
  get library(): PoolLibrary {
    return this.#lib;
  }

  /**
   * Milliseconds of cold-safe requests left to run on this thread before
   * a worker starts (see {@linkcode COLD_MS}); tests that must see every
   * request on a worker set it to 0.
   */
  get coldLeft(): number {
    return Math.max(0, this.#coldMs - this.#coldSpent);
  }
  set coldLeft(ms: number) {
    this.#coldMs = this.#coldSpent + Math.max(0, ms);
  }

  /** Arenas sent to the submission ring (for tests). */
  get ringRuns(): number {
    return this.#ringRuns;
  }

  /**
   * Takes arena `a` into the ring's next run when the ring can run all of
   * its requests (opening the ring on first use); false sends it the other
   * way.
   */
  #ringTake(a: Arena, i: number): boolean {
    if (this.#ringState === 3 || this.#broken) return false;
    this.#ringSymbol();
    for (let r = 0; r < a.n; r++) {
      const b = HEADER_BYTES / 8 + r * REQ_F64;
      // The ring's symbol, with its five arguments: path and buffer.
      if (
        a.f64[b] !== this.#ringSym || a.f64[b + 2] !== 5 ||
        a.f64[b + 1] !== 0b10010
      ) return false;
    }
    if (this.#ringState === 0) this.#openRing();
    if (this.#ringState === 1) {
      if (this.#ringWaitCalls + a.n > MAX_REQ) return false;
      this.#ringWait.push([a, i]);
      this.#ringWaitCalls += a.n;
      return true;
    }
    const ring = this.#ring;
    if (ring === null || ring.room() < a.n) return false;
    this.#ringPush(ring, a);
    return true;
  }

  /** The index of the symbol the ring runs (-1: none in this library). */
  #ringSymbol(): number {
    if (this.#ringSym === -2) {
      this.#ringSym = this.#symIndex.get("statx") ?? -1;
    }
    return this.#ringSym;
  }

  #openRing(): void {
    this.#ringState = 1;
    const gen = this.#gen;
    const settled = (ring: BatchRing | null) => {
      if (gen !== this.#gen) {
        // The pool was closed meanwhile: this ring is not its to keep.
        ring?.close();
      } else {
        this.#ring = ring !== null && ring.sym === "statx" ? ring : null;
        this.#ringState = this.#ring === null ? 3 : 2;
      }
      const wait = this.#ringWait;
      this.#ringWait = [];
      this.#ringWaitCalls = 0;
      for (const [a, i] of wait) {
        if (!this.#ringTake(a, i)) this.#dispatchAway(a, i);
      }
    };
    let p: Promise<BatchRing | null>;
    try {
      p = this.#local.ring!();
    } catch {
      p = Promise.resolve(null);
    }
    p.then(settled, () => settled(null));
  }

  /** {@linkcode #dispatch} without the ring. */
  #dispatchAway(a: Arena, i: number): void {
    const state = this.#ringState;
    this.#ringState = 3;
    try {
      this.#dispatch(a, i);
    } finally {
      this.#ringState = state;
    }
  }

  /** Writes the requests of `a` into the ring, and sends them. */
  #ringPush(ring: BatchRing, a: Arena): void {
    if (a.base < 0) {
      a.base = Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(a.u8)));
    }
    this.#ringArenas[a.id] = a;
    a.ringLeft = a.n;
    a.ringBack = false;
    const f64 = a.f64;
    for (let r = 0; r < a.n; r++) {
      const b = HEADER_BYTES / 8 + r * REQ_F64 + 5;
      ring.push(
        f64[b],
        a.base + f64[b + 1],
        f64[b + 2],
        f64[b + 3],
        a.base + f64[b + 4],
        a.id * MAX_REQ + r,
      );
    }
    this.#ringRuns++;
    // Calls go to the kernel as soon as a tick has made 256 (the first
    // 64 at once, to start it), and the rest at the tick's end: the kernel
    // runs a batch's first calls while the rest are still being written,
    // and each submission (a `nonblocking` call) costs this thread more than
    // the kernel takes to run 64 calls.
    this.#ringUnsent += a.n;
    if (!this.#ringTick || this.#ringUnsent >= 256) {
      this.#ringUnsent = 0;
      ring.submit(this.#ringDone, this.#ringBack);
    }
    if (this.#ringTick) return;
    this.#ringTick = true;
    queueMicrotask(() => {
      this.#ringTick = false;
      if (this.#ringUnsent === 0) return;
      this.#ringUnsent = 0;
      ring.submit(this.#ringDone, this.#ringBack);
    });
  }

  /** A call the ring completed: its result, and its arena once complete. */
  #ringDone = (tag: number, res: number): void => {
    const a = this.#ringArenas[Math.floor(tag / MAX_REQ)];
    if (a === undefined || a.ringLeft <= 0) return;
    const b = HEADER_BYTES / 8 + (tag % MAX_REQ) * REQ_F64;
    a.f64[b + 3] = res < 0 ? -1 : res;
    a.f64[b + 4] = res < 0 ? -res : 0;
    if (--a.ringLeft === 0) this.#ringFinish(a);
  };

  /** A call the ring could not take (it failed): its arena runs elsewhere. */
  #ringBack = (tag: number): void => {
    const a = this.#ringArenas[Math.floor(tag / MAX_REQ)];
    if (a === undefined || a.ringLeft <= 0) return;
    a.ringBack = true;
    if (--a.ringLeft === 0) this.#ringFinish(a);
  };

  #ringFinish(a: Arena): void {
    if (this.#ring !== null && this.#ring.failed) {
      this.#ring = null;
      this.#ringState = 3;
    }
    if (!a.ringBack) return this.#done(null, a);
    // Its calls run again on a worker, the whole arena (statx has no side
    // effect, so the ones that ran may run twice).
    this.#dispatchAway(a, 0);
  }

  /** Number of workers started (for tests). */
  get workers(): number {
    return this.#workers.filter((w) => w !== undefined).length;
  }

  /**
   * Requests run on the calling thread because no worker could run them
   * (for tests: 0 means every request so far ran on a worker or direct).
   */
  get ranHere(): number {
    return this.#ranHere;
  }

  /**
   * Arenas run through direct bindings because their worker was still
   * starting (for tests).
   */
  get directRuns(): number {
    return this.#directRuns;
  }

  /** Calls in flight (for tests). */
  get inFlight(): number {
    return this.#inFlight;
  }

  #worker(i: number): PoolWorker {
    let w = this.#workers[i];
    if (w === undefined) {
      try {
        w = new PoolWorker(this.#lib);
      } catch {
        this.#broken = true;
        w = new PoolWorker(null);
      }
      this.#workers[i] = w;
    }
    return w;
  }

  /**
   * An arena to fill. Arenas belong to the pool, not to a worker: a lone
   * call that goes direct needs one but no worker, so none is started for
   * it; a worker is sent an arena's memory the first time it is posted one.
   */
  #takeArena(): Arena {
    return this.#free.pop() ?? new Arena(this.#nextArena++);
  }

  /** Sends the arena being filled to its worker (chunks go out as they fill). */
  #seal(): void {
    const a = this.#cur;
    this.#cur = null;
    this.#curAlone = false;
    if (a === null) return;
    if (a.n === 0) {
      this.#free.push(a);
      return;
    }
    this.#sending();
    this.#dispatch(a, this.#curWorker);
  }

  /**
   * Whether the ring is to take what it can of the arena being sent: while
   * no worker is ready, and for a burst of requests that began after a
   * quiet spell (the workers asleep by then wake slower than the kernel's
   * own threads: a batch after a pause took 2.7–2.9 ms through the ring,
   * 3.2–3.7 ms on the workers); the workers take a burst that follows
   * another closely (1.3–1.4 ms a batch against 1.5–1.9 ms).
   */
  #ringFirst(): boolean {
    return this.#burstRing || !this.#warm();
  }

  /** Counts a shared arena sent on its way (see #ringFirst). */
  #sending(): void {
    if (this.#sent <= 0) {
      this.#sent = 0;
      this.#burstRing = performance.now() - this.#lastDone > QUIET_MS;
    }
    this.#sent++;
  }

  /** Sends a sealed arena on its way: to the ring, direct, or worker `i`. */
  #dispatch(a: Arena, i: number): void {
    if (this.#ringFirst() && this.#ringTake(a, i)) {
      // The workers still start at the pool's first quiet moment (below),
      // ready for what the ring cannot run.
      if (!this.#warm()) this.#startSoon(i);
      return;
    }
    // A cold pool (a fresh process's first batches): no worker is ready,
    // and starting one blocks this thread for tens of milliseconds (Deno
    // builds its isolate before `new Worker` returns). Requests that have a
    // direct binding run through it now, on Deno's blocking threads, and the
    // worker is started once the pool is quiet (nothing in flight on a
    // later turn of the event loop), where its start delays no request.
    if (!this.#broken && !this.#warm() && this.#allDirect(a)) {
      this.#startCold(i, a.n);
      this.#runAllDirect(a);
      return;
    }
    // Still cold, and only requests that never wait without end (a walk
    // entering directories): run here, while the allowance lasts, rather
    // than block this thread longer starting a worker right now. The
    // worker starts at the pool's first quiet moment, as above.
    if (!this.#broken && !this.#warm() && this.#coldSpent < this.#coldMs) {
      if (this.#allColdSafe(a)) {
        this.#startSoon(i);
        queueMicrotask(() => {
          const t0 = performance.now();
          try {
            this.#done(null, a); // runs each request here
          } finally {
            this.#coldSpent += performance.now() - t0;
          }
        });
        return;
      }
    }
    this.#post(this.#worker(i), a);
  }

  /** Whether every request of `a` may run here while cold (coldSafe). */
  #allColdSafe(a: Arena): boolean {
    for (let r = 0; r < a.n; r++) {
      if (this.#coldSafe[a.f64[HEADER_BYTES / 8 + r * REQ_F64]] !== true) {
        return false;
      }
    }
    return true;
  }

  /**
   * Starts worker `i` at the pool's first quiet moment, after `n` more calls
   * served without one. Batches that keep coming leave no quiet moment:
   * past {@linkcode DIRECT_CALLS} such calls (each costs this thread more
   * than on a worker), it starts on the next turn all the same.
   */
  #startCold(i: number, n: number): void {
    this.#directCalls += n;
    if (this.#directCalls < DIRECT_CALLS) return this.#startSoon(i);
    this.#directCalls = -Infinity; // once
    this.#startNextTurn(i);
  }

  /** Whether a worker of this pool has started (and stays, until close). */
  #warm(): boolean {
    if (this.#ready) return true;
    for (const w of this.#workers) {
      if (w !== undefined && Atomics.load(w.ctl, 3) === 1) {
        return this.#ready = true;
      }
    }
    return false;
  }

  /**
   * Starts worker `i` on a later turn of the event loop when nothing is in
   * flight then (else once the pool is next quiet), unless it exists by
   * then. The timer never holds the process.
   */
  #startSoon(i: number): void {
    if (this.#workers[i] !== undefined) return;
    this.#pendingStarts.add(i);
    if (this.#startTimer !== undefined) return;
    const tick = () => {
      this.#startTimer = undefined;
      // Busy: try again when the requests in flight have completed.
      if (this.#inFlight !== 0 || this.#cur !== null) return;
      // All of them now: each start blocks this thread, better in one
      // quiet moment than in the middle of later requests.
      for (const i of this.#pendingStarts) {
        if (this.#workers[i] === undefined) this.#worker(i);
      }
      this.#pendingStarts.clear();
    };
    this.#startPending = () => {
      if (this.#startTimer === undefined && this.#pendingStarts.size !== 0) {
        schedule();
      }
    };
    const schedule = () => {
      const id = setTimeout(tick, START_DELAY_MS) as unknown as number;
      Deno.unrefTimer(id);
      this.#startTimer = id;
    };
    schedule();
  }

  #post(w: PoolWorker, a: Arena): void {
    if (this.#broken || w.ctl[3] === -1) {
      queueMicrotask(() => this.#done(w, a));
      return;
    }

    if (!w.sent.has(a.id)) {
      // Before the arena's id can reach the worker through its ring.
      try {
        w.port1.postMessage({ id: a.id, sab: a.sab });
      } catch {
        // The worker cannot be reached: its requests run here.
        queueMicrotask(() => this.#done(null, a));
        return;
      }
      w.sent.add(a.id);
    }
    // Hold the event loop open while this worker has work in flight.
    if (w.busy++ === 0) w.worker?.ref();
    w.post(a);
    const r = Atomics.waitAsync(a.i32, 0, 1);
    if (r.async) r.value.then(() => this.#done(w, a));
    else queueMicrotask(() => this.#done(w, a));
  }

  /**
   * Starts a request for `sym`; `dataBytes` is room needed for strings and
   * output.
   *
   * Building a request is all-or-nothing: a request that was begun and not
   * ended (its builder threw) is taken back out of the arena at the next
   * begin() or flush, and never runs. A request that cannot fit an empty
   * arena (a path of a million characters) is never written into one: it
   * is built in a private buffer of its own size and run on the calling
   * thread, exactly as the sync twin runs it (so an over-long path fails
   * with the kernel's own `ENAMETOOLONG`). Writing past the room asked for
   * moves the request to such a buffer too, never past an arena's end.
   *
   * `alone` marks a request that is a whole unit of work (a task that
   * enters and describes a directory): it gets an arena of its own, sent to
   * the least busy worker, so that such requests run in parallel rather
   * than one after the other in a shared arena.
   */
  begin(sym: string, dataBytes = 0, alone = false): void {
    if (this.#tgt !== null) this.#abandon();
    this.#failed = null;
    if (!(DATA_START + dataBytes <= ARENA_BYTES)) {
      this.#beginPrivate(sym, dataBytes);
      return;
    }
    let a = this.#cur;
    if (a !== null && a.n > 0 && (alone || this.#curAlone)) {
      // A request that is a whole unit of work goes in an arena of its own.
      this.#sealedThisTick = true;
      this.#seal();
      a = null;
    }
    if (alone) {
      this.#curAlone = true;
      this.#curWorker = this.#leastBusy();
      this.#wantMore();
    } else if (
      a !== null &&
      (a.n >= MAX_REQ || a.top + dataBytes > ARENA_BYTES ||
        (a.n >= CHUNK && this.#size > 1))
    ) {
      const next = a.n >= CHUNK
        ? (this.#curWorker + 1) % this.#size
        : this.#curWorker;
      // This tick's requests are no longer alone (see #flush).
      this.#sealedThisTick = true;
      this.#seal();
      this.#curWorker = next;
      a = null;
    }
    if (a === null) a = this.#cur = this.#takeArena();
    this.#tgt = a;
    this.#top0 = a.top;
    this.#req = a.n++;
    const b = HEADER_BYTES / 8 + this.#req * REQ_F64;
    a.f64[b] = this.#symIndex.get(sym) ?? -1;
    a.f64[b + 3] = NaN; // "not run yet"
    this.#nargs = 0;
    this.#kinds = 0;
    this.#out = -1;
  }

  /**
   * The ready worker with the fewest arenas in flight (0 when none is
   * ready: the usual start applies).
   */
  #leastBusy(): number {
    let best = 0, least = Infinity;
    for (let i = 0; i < this.#size; i++) {
      const w = this.#workers[i];
      if (w === undefined || Atomics.load(w.ctl, 3) !== 1) continue;
      if (w.busy < least) {
        least = w.busy;
        best = i;
      }
    }
    return best;
  }

  /**
   * Requests begun `alone` keep finding every ready worker busy while a
   * worker of the pool has not started: it starts on the next turn of the
   * event loop even with requests in flight (its start blocks this thread
   * for tens of milliseconds, once; the work that keeps coming then runs on
   * both). Counted, so that a short burst (a small walk) starts nothing.
   */
  #wantMore(): void {
    const w = this.#workers[this.#curWorker];
    if (w === undefined || w.busy === 0) return;
    if (++this.#contended < 8) return;
    for (let i = 0; i < this.#size; i++) {
      if (this.#workers[i] !== undefined) continue;
      this.#contended = 0;
      this.#startNextTurn(i);
      return;
    }
  }

  /**
   * Starts worker `i` on the next turn of the event loop, requests in
   * flight or not (unless it exists by then, or the pool was closed).
   */
  #startNextTurn(i: number): void {
    const gen = this.#gen;
    const id = setTimeout(() => {
      if (this.#workers[i] === undefined && this.#gen === gen) {
        this.#worker(i);
      }
    }, 0) as unknown as number;
    Deno.unrefTimer(id);
  }

  /** begin() for a request too large for a shared arena. */
  #beginPrivate(sym: string, dataBytes: number): void {
    let a: Arena;
    try {
      a = new Arena(-1, DATA_START + Math.max(0, dataBytes) + 8);
    } catch (e) {
      // Out of memory for it (or a nonsense size): the request fails alone.
      this.#failed = e;
      a = new Arena(-1, DATA_START + 64);
    }
    this.#tgt = a;
    this.#top0 = a.top;
    this.#req = a.n++;
    const b = HEADER_BYTES / 8;
    a.f64[b] = this.#symIndex.get(sym) ?? -1;
    a.f64[b + 3] = NaN;
    this.#nargs = 0;
    this.#kinds = 0;
    this.#out = -1;
  }

  /**
   * Room for `bytes` more data in the request being built: when #tgt has
   * too little, the request moves to a private arena with room (taken back
   * out of the shared one). False when no such arena could be made.
   */
  #room(bytes: number): boolean {
    const a = this.#tgt!;
    if (a.top + bytes <= a.u8.length) return true;
    if (this.#failed !== null) return false;
    let p: Arena;
    try {
      const need = a.top + bytes;
      p = new Arena(-1, need + (need >> 1));
    } catch (e) {
      this.#failed = e;
      return false;
    }
    // Same offsets: the request's slots and data as written so far.
    p.u8.set(a.u8.subarray(0, a.top));
    p.top = a.top;
    p.n = this.#req + 1;
    if (a.id >= 0) {
      // Out of the shared arena, which is as if it had never been begun.
      a.n--;
      a.top = this.#top0;
    }
    this.#tgt = p;
    return true;
  }

  /** Takes a request that was begun but never ended back out of its arena. */
  #abandon(): void {
    const a = this.#tgt!;
    this.#tgt = null;
    this.#failed = null;
    if (a.id >= 0 && a.n === this.#req + 1) {
      a.n--;
      a.top = this.#top0;
    }
  }

  #arg(v: number, isBuffer: boolean): void {
    const a = this.#tgt!;
    if (this.#nargs >= REQ_F64 - 5) {
      this.#failed ??= new RangeError("too many arguments");
      return;
    }
    if (isBuffer) this.#kinds |= 1 << this.#nargs;
    a.f64[HEADER_BYTES / 8 + this.#req * REQ_F64 + 5 + this.#nargs] = v;
    this.#nargs++;
  }

  /** Replaces integer argument `i` of the request being built. */
  setInt(i: number, v: number): void {
    if (i >= 0 && i < this.#nargs) {
      this.#tgt!.f64[HEADER_BYTES / 8 + this.#req * REQ_F64 + 5 + i] = v;
    }
  }

  /** Adds an integer argument. */
  int(v: number): void {
    this.#arg(v, false);
  }

  /**
   * Adds a NUL-terminated UTF-16 string argument (Windows' wide strings),
   * with `/` written as `\` when `slashes` is true.
   */
  wstr(s: string, slashes = false): void {
    const n = s.length;
    if (!this.#room(2 * n + 9)) return this.#arg(0, true);
    const a = this.#tgt!;
    const at = a.top;
    const u8 = a.u8;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (slashes && c === 0x2f) c = 0x5c;
      u8[at + 2 * i] = c & 0xff;
      u8[at + 2 * i + 1] = c >> 8;
    }
    u8[at + 2 * n] = 0;
    u8[at + 2 * n + 1] = 0;
    a.top = (at + 2 * n + 2 + 7) & ~7;
    this.#arg(at, true);
  }

  /** Adds a NUL-terminated UTF-8 string argument. */
  str(s: string): void {
    const n = s.length;
    if (!this.#room(3 * n + 8)) return this.#arg(0, true);
    const a = this.#tgt!;
    const at = a.top;
    const u8 = a.u8;
    let written = 0;
    for (; written < n; written++) {
      const c = s.charCodeAt(written);
      if (c >= 0x80) break;
      u8[at + written] = c;
    }
    if (written < n) {
      written = enc.encodeInto(s, u8.subarray(at, at + 3 * n)).written;
    }
    u8[at + written] = 0;
    a.top = (at + written + 8) & ~7;
    this.#arg(at, true);
  }

  /** Adds an output buffer argument of `bytes` (8-aligned) and returns its offset. */
  out(bytes: number): number {
    if (!this.#room(bytes + 8)) {
      this.#arg(0, true);
      return 0;
    }
    const a = this.#tgt!;
    const at = a.top;
    a.top = (at + bytes + 7) & ~7;
    this.#out = at;
    this.#arg(at, true);
    return at;
  }

  /** Adds an output buffer argument of `bytes` whose contents are given. */
  bytes(data: Uint8Array): void {
    if (!this.#room(data.length + 8)) return this.#arg(0, true);
    const a = this.#tgt!;
    const at = a.top;
    a.u8.set(data, at);
    a.top = (at + data.length + 7) & ~7;
    this.#arg(at, true);
  }

  /**
   * Finishes the request; `decode` turns the reply into the result. The
   * promise never rejects for the call's own failure (that is the reply's
   * errno); it rejects only when the pool itself could not run the request
   * or the decoder threw, with an error that says so.
   */
  end<T>(decode: Decoder<T>): Promise<T> {
    const a = this.#tgt;
    if (a === null) {
      return Promise.reject(new Error("dirfd: pool end() without begin()"));
    }
    this.#tgt = null;
    const req = this.#req;
    const b = HEADER_BYTES / 8 + req * REQ_F64;
    const failed = this.#failed;
    if (failed !== null) {
      this.#failed = null;
      if (a.id >= 0 && a.n === req + 1) {
        a.n--;
        a.top = this.#top0;
      }
      return Promise.reject(this.#failure(a.f64[b], failed));
    }
    a.f64[b + 1] = this.#kinds;
    a.f64[b + 2] = this.#nargs;
    if (a.id < 0) return this.#runPrivate(a, b, this.#out, decode);
    a.outs[req] = this.#out;
    a.decoders[req] = decode as Decoder<unknown>;
    const p = new Promise<T>((resolve, reject) => {
      a.resolvers[req] = resolve as (v: unknown) => void;
      a.rejecters[req] = reject;
    });
    this.#inFlight++;
    // The ring opens in the background from the first request it can run
    // on (its set-up calls are `nonblocking`), ready by the first batch's
    // end; a walk's requests (tasks) never open it.
    if (
      this.#ringState === 0 && this.#ringSymbol() >= 0 &&
      a.f64[b] === this.#ringSym
    ) {
      this.#openRing();
    }
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.#flush());
    }
    return p;
  }

  /** The error a request's promise rejects with when the pool fails it. */
  #failure(sym: number, cause: unknown): Error {
    const name = this.#names[sym] ?? "unknown";
    const why = cause instanceof Error ? cause.message : String(cause);
    return new Error(`dirfd: the ${name} call failed in the pool: ${why}`, {
      cause,
    });
  }

  /** A request in a private arena: run here, in its own promise. */
  #runPrivate<T>(
    a: Arena,
    b: number,
    out: number,
    decode: Decoder<T>,
  ): Promise<T> {
    return Promise.resolve().then(() => {
      try {
        this.#runLocal(a, b);
        return decode({
          ret: a.f64[b + 3],
          errno: a.f64[b + 4],
          u8: a.u8,
          u32: a.u32,
          i32: a.i32,
          out,
        });
      } catch (e) {
        throw this.#failure(a.f64[b], e);
      }
    });
  }

  #flush(): void {
    this.#flushQueued = false;
    // A request whose builder threw (begun, never ended) never goes out.
    if (this.#tgt !== null) this.#abandon();
    const a = this.#cur;
    // Alone: the only request made since the last flush. Set only by
    // begin(), never by a post, so that neither this flush's own post nor a
    // retry of a failed direct call makes the next lone request look batched.
    const alone = !this.#sealedThisTick && a !== null && a.n === 1;
    this.#sealedThisTick = false;
    const direct = alone
      ? this.#directFns[a.f64[HEADER_BYTES / 8]] ?? null
      : null;
    if (direct !== null && !this.#broken) {
      this.#cur = null;
      this.#sending();
      this.#runDirect(a!, direct);
    } else {
      this.#seal();
    }
    this.#curWorker = 0;
  }

  /** A lone side-effect-free request: see {@linkcode LocalLibrary.direct}. */
  #runDirect(
    a: Arena,
    fn: (...a: unknown[]) => Promise<number | bigint>,
  ): void {
    const b = HEADER_BYTES / 8;
    // Only now, for a failure's exact errno, is a worker needed.
    const retry = () => {
      a.f64[b + 3] = NaN;
      // The ring reports the exact errno without a worker.
      if (this.#ringTake(a, 0)) return;
      try {
        this.#post(this.#worker(0), a);
      } catch {
        this.#done(null, a); // runs it here
      }
    };
    let p: Promise<number | bigint>;
    try {
      p = fn(...this.#args(a, b));
    } catch {
      return retry();
    }
    p.then((ret) => {
      const r = Number(ret);
      if (r < 0) return retry();
      a.f64[b + 3] = r;
      a.f64[b + 4] = 0;
      this.#done(null, a);
    }, retry);
  }

  /** Whether every request of `a` has a direct binding. */
  #allDirect(a: Arena): boolean {
    for (let r = 0; r < a.n; r++) {
      const i = a.f64[HEADER_BYTES / 8 + r * REQ_F64];
      if ((this.#directFns[i] ?? null) === null) return false;
    }
    return true;
  }

  /**
   * Runs every request of `a` through its direct binding, together. A call
   * that fails (or could not be made) is left "not run", so that completing
   * the arena runs it once more on this thread, as the sync twin would, for
   * its own errno (the direct symbols have no side effect when they fail).
   */
  #runAllDirect(a: Arena): void {
    this.#directRuns++;
    let pending = a.n;
    const finish = () => {
      if (--pending === 0) this.#done(null, a);
    };
    for (let r = 0; r < a.n; r++) {
      const b = HEADER_BYTES / 8 + r * REQ_F64;
      const fn = this.#directFns[a.f64[b]]!;
      let p: Promise<number | bigint>;
      try {
        p = fn(...this.#args(a, b));
      } catch {
        finish();
        continue;
      }
      p.then((ret) => {
        const v = Number(ret);
        if (v >= 0) {
          a.f64[b + 3] = v;
          a.f64[b + 4] = 0;
        }
        finish();
      }, finish);
    }
  }

  #args(a: Arena, b: number): unknown[] {
    const nargs = a.f64[b + 2], kinds = a.f64[b + 1];
    const args: unknown[] = [];
    for (let k = 0; k < nargs; k++) {
      const v = a.f64[b + 5 + k];
      args.push(((kinds >> k) & 1) === 1 ? a.u8.subarray(v) : v);
    }
    return args;
  }

  /** Completes arena `a`, run by `w` (null: went direct). */
  #done(w: PoolWorker | null, a: Arena): void {
    if (a.id >= 0 && --this.#sent <= 0) this.#lastDone = performance.now();
    try {
      if (w !== null) {
        if (a.i32[1] !== 0 && --w.busy === 0) w.worker?.unref();
        w.drain();
      }
    } finally {
      // Settles every request of `a`, whatever happened above; never throws.
      this.#complete(a);
      a.reset();
      this.#free.push(a);
      if (this.#inFlight === 0) {
        this.#armIdle();
        this.#startPending();
      }
    }
  }

  /**
   * Releases the workers after a quiet period. One timer per period at most
   * (re-arming a timer on every completion costs more than a stat); it never
   * holds the process open.
   */
  #armIdle(): void {
    this.#lastIdle = performance.now();
    if (this.#idle !== undefined) return;
    const check = (delay: number) => {
      const id = setTimeout(() => {
        this.#idle = undefined;
        if (this.#inFlight !== 0 || this.#cur !== null) return;
        const quiet = performance.now() - this.#lastIdle;
        if (quiet >= this.#idleMs) this.close();
        else check(this.#idleMs - quiet);
      }, delay) as unknown as number;
      Deno.unrefTimer(id);
      this.#idle = id;
    };
    check(this.#idleMs);
  }

  /** The function {@linkcode CallPool.#runLocal} calls for index `i`. */
  #localFn(i: number): ((...a: unknown[]) => unknown) | null {
    const name = this.#names[i];
    if (name === undefined) return null;
    if (i < this.#nsym) {
      return (this.#local.symbols[name] ?? null) as
        | ((...a: unknown[]) => unknown)
        | null;
    }
    const t = this.#lib.tasks?.[name];
    if (t === undefined) return null;
    return (...a: unknown[]) => {
      // `local.symbols` holds those of `lib.more` too (see LocalLibrary).
      // The symbols through the prototype, not copied: reading one a
      // backend binds lazily (see `local.symbols`) binds only that one.
      const env = this.#localEnv ??= Object.assign(
        Object.create(this.#local.symbols),
        this.#lib.tasks,
      );
      return t(env, ...a);
    };
  }

  /** Runs request `r` of `a` on this thread, exactly as a worker would. */
  #runLocal(a: Arena, b: number): void {
    this.#ranHere++;
    const i = a.f64[b];
    let fn = this.#localFns[i];
    if (fn === undefined) fn = this.#localFns[i] = this.#localFn(i);
    const ret = fn === null ? -1 : Number(fn(...this.#args(a, b)));
    a.f64[b + 4] = fn === null
      ? ENOSYS_ANY
      : i < this.#nsym
      ? this.#local.errno()
      : ret < 0
      ? -ret
      : 0;
    a.f64[b + 3] = ret;
  }

  #complete(a: Arena): void {
    const reply: Reply = {
      ret: 0,
      errno: 0,
      u8: a.u8,
      u32: a.u32,
      i32: a.i32,
      out: -1,
    };
    for (let r = 0; r < a.n; r++) {
      const b = HEADER_BYTES / 8 + r * REQ_F64;
      // Each request settles alone: a failure here (a call the FFI refused
      // on this thread too, a decoder that threw) rejects its own promise.
      try {
        // Not run by a worker (it could not start, or was never posted to).
        if (Number.isNaN(a.f64[b + 3])) this.#runLocal(a, b);
        reply.ret = a.f64[b + 3];
        reply.errno = a.f64[b + 4];
        reply.out = a.outs[r];
        a.resolvers[r](a.decoders[r](reply));
      } catch (e) {
        a.rejecters[r]?.(this.#failure(a.f64[b], e));
      }
    }
    this.#inFlight -= a.n;
  }

  /** Stops the workers; later calls start new ones. */
  close(): void {
    if (this.#idle !== undefined) clearTimeout(this.#idle);
    this.#idle = undefined;
    if (this.#startTimer !== undefined) clearTimeout(this.#startTimer);
    this.#startTimer = undefined;
    this.#pendingStarts.clear();
    for (const w of this.#workers) w?.stop();
    this.#workers = [];
    this.#gen++;
    this.#directCalls = 0;
    this.#sent = 0;
    this.#ring?.close();
    this.#ring = null;
    // A ring that failed, or none, stays off; an open one opens again.
    if (this.#ringState !== 3) this.#ringState = 0;
    this.#ready = false;
    this.#free = [];
  }
}

/** Room to reserve for a string argument. */
export function strBytes(s: string): number {
  return s.length * 3 + 8;
}
