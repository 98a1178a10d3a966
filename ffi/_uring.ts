// Copyright 2026 the dirfd authors. MIT license.
/**
 * Linux io_uring for batches of `statx` calls: the whole batch is written as
 * submission queue entries (plain memory writes into the ring the kernel
 * shares with us) and goes to the kernel in one `io_uring_enter`, made as a
 * `nonblocking` FFI call, which waits on one of Deno's blocking threads until
 * every call of the batch has completed. The kernel runs the `statx` calls on
 * its own io-wq threads and reports each one's result, `-errno` on failure,
 * in its completion entry, so no worker thread is involved and every call
 * keeps its exact error code.
 *
 * Sources: `include/uapi/linux/io_uring.h` (struct io_uring_params, the
 * offsets structs, struct io_uring_sqe and io_uring_cqe, the opcodes and
 * flags), `arch/x86/entry/syscalls/syscall_64.tbl` (425–427), and
 * `io_uring/statx.c` (which SQE fields `IORING_OP_STATX` reads: `fd`, `addr`
 * the path, `len` the mask, `statx_flags`, `addr2` the buffer).
 *
 * Used on x86_64 only: the ring's memory is read on this thread only after
 * the `io_uring_enter` that waited for the completions has returned, which
 * on x86 (TSO) orders the kernel's writes before ours without fences. The
 * ring is set up through `nonblocking` calls too (`io_uring_setup`, `mmap`,
 * and the opcode probe), so an async operation never makes a syscall on the
 * event loop's thread. A kernel or sandbox without io_uring (ENOSYS, EPERM
 * under seccomp or in containers, qemu-user) gives `null`, and the caller
 * keeps its other path. Nothing here throws.
 *
 * @module
 */

const NR_IO_URING_SETUP = 425n;
const NR_IO_URING_ENTER = 426n;
const NR_IO_URING_REGISTER = 427n;
const IORING_OP_STATX = 21;
const IORING_ENTER_GETEVENTS = 1n;
const IORING_REGISTER_PROBE = 8n;
const IO_URING_OP_SUPPORTED = 1;
const IORING_FEAT_SINGLE_MMAP = 1;
const IORING_OFF_SQ_RING = 0n;
const IORING_OFF_CQ_RING = 0x8000000n;
const IORING_OFF_SQES = 0x10000000n;
const PROT_READ_WRITE = 3;
const MAP_SHARED_POPULATE = 0x01 | 0x8000;
/** `sizeof(struct io_uring_params)`; sq_off at 40, cq_off at 80. */
const PARAMS_SIZE = 120;
const SQE_SIZE = 64;
const CQE_SIZE = 16;

/** The libc calls a ring needs, all but the clean-up ones `nonblocking`. */
const URING_SYMBOLS = {
  // long syscall(long number, ...): io_uring_setup/enter/register, whose
  // arguments are all integers or pointers (passed as integers), which the
  // x86_64 calling convention passes alike to a variadic function.
  syscall: {
    parameters: ["i64", "i64", "i64", "i64", "i64", "i64", "i64"],
    result: "i64",
    nonblocking: true,
  },
  // void *mmap(void *addr, size_t length, int prot, int flags, int fd,
  //            off_t offset)
  mmap: {
    parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"],
    result: "pointer",
    nonblocking: true,
  },
  // int munmap(void *addr, size_t length)
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
  // int close(int fd)
  close: { parameters: ["i32"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

type UringLib = Deno.StaticForeignLibraryInterface<typeof URING_SYMBOLS>;

/** What a completed call reports: its tag, and `statx`'s `-errno` or 0. */
export type RingDone = (tag: number, res: number) => void;

/**
 * A ring that runs `statx` calls in batches: {@linkcode push} queues calls
 * (memory writes only), {@linkcode run} submits them all and resolves once
 * each has completed. One batch at a time: while a run is in flight
 * ({@linkcode busy}), the caller sends its calls elsewhere.
 */
export class StatxRing {
  /** The symbol whose calls this ring runs, with that symbol's arguments. */
  readonly sym = "statx";
  readonly #s: UringLib;
  readonly #fd: number;
  readonly #maps: [Deno.PointerObject, number][];
  readonly #r32: Uint32Array;
  readonly #sqe32: Uint32Array;
  readonly #sqe64: BigUint64Array;
  readonly #cq32: Uint32Array;
  readonly #cqI32: Int32Array;
  readonly #sqHead: number;
  readonly #sqTail: number;
  readonly #sqMask: number;
  readonly #sqArray: number;
  readonly #entries: number;
  readonly #cqHead: number;
  readonly #cqTail: number;
  readonly #cqMask: number;
  readonly #cqes: number;
  /** Calls pushed since the last run. */
  #queued = 0;
  /** The tail as pushed (the kernel sees it when a run starts). */
  #tail: number;
  #busy = false;
  #dead = false;
  #closing = false;
  /** Batches run (for tests). */
  runs = 0;

  private constructor(
    s: UringLib,
    fd: number,
    params: DataView,
    ring: ArrayBuffer,
    cq: ArrayBuffer,
    sqes: ArrayBuffer,
    maps: [Deno.PointerObject, number][],
  ) {
    this.#s = s;
    this.#fd = fd;
    this.#maps = maps;
    this.#r32 = new Uint32Array(ring);
    this.#cq32 = new Uint32Array(cq);
    this.#cqI32 = new Int32Array(cq);
    this.#sqe32 = new Uint32Array(sqes);
    this.#sqe64 = new BigUint64Array(sqes);
    const u = (o: number) => params.getUint32(o, true);
    this.#entries = u(0);
    this.#sqHead = u(40) >> 2;
    this.#sqTail = u(44) >> 2;
    this.#sqMask = this.#r32[u(48) >> 2];
    this.#sqArray = u(64) >> 2;
    this.#cqHead = u(80) >> 2;
    this.#cqTail = u(84) >> 2;
    this.#cqMask = this.#cq32[u(88) >> 2];
    this.#cqes = u(100) >> 2;
    this.#tail = this.#r32[this.#sqTail];
  }

  /**
   * Sets up a ring of `entries` submission slots through `nonblocking`
   * calls, or gives `null` where io_uring or its `statx` is unavailable.
   * Never rejects.
   */
  static async open(entries = 1024): Promise<StatxRing | null> {
    if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64") return null;
    let lib: Deno.DynamicLibrary<typeof URING_SYMBOLS>;
    try {
      lib = Deno.dlopen("libc.so.6", URING_SYMBOLS);
    } catch {
      return null;
    }
    const s = lib.symbols;
    const maps: [Deno.PointerObject, number][] = [];
    let fd = -1;
    try {
      const params = new Uint8Array(PARAMS_SIZE);
      fd = Number(
        await s.syscall(
          NR_IO_URING_SETUP,
          BigInt(entries),
          addr(params),
          0n,
          0n,
          0n,
          0n,
        ),
      );
      if (fd < 0) {
        lib.close();
        return null;
      }
      const pv = new DataView(params.buffer);
      const u = (o: number) => pv.getUint32(o, true);
      const sqBytes = u(64) + u(0) * 4;
      const cqBytes = u(100) + u(4) * CQE_SIZE;
      const single = (u(20) & IORING_FEAT_SINGLE_MMAP) !== 0;
      const map = async (bytes: number, off: bigint) => {
        const p = await s.mmap(
          null,
          BigInt(bytes),
          PROT_READ_WRITE,
          MAP_SHARED_POPULATE,
          fd,
          off,
        );
        const v = p === null ? 0n : Deno.UnsafePointer.value(p);
        if (p === null || v === 0n || v >= 1n << 63n) return null;
        maps.push([p, bytes]);
        return Deno.UnsafePointerView.getArrayBuffer(p, bytes);
      };
      // The kernel's statx must be an io_uring operation (Linux 5.6). The
      // probe and the mappings go out together (one hand-off, not four).
      const probe = new Uint8Array(16 + 256 * 8);
      const [pr, ring, cq, sqes] = await Promise.all([
        s.syscall(
          NR_IO_URING_REGISTER,
          BigInt(fd),
          IORING_REGISTER_PROBE,
          addr(probe),
          256n,
          0n,
          0n,
        ).then(Number, () => -1),
        map(
          single ? Math.max(sqBytes, cqBytes) : sqBytes,
          IORING_OFF_SQ_RING,
        ).catch(() => null),
        single ? null : map(cqBytes, IORING_OFF_CQ_RING).catch(() => null),
        map(u(0) * SQE_SIZE, IORING_OFF_SQES).catch(() => null),
      ]);
      if (
        pr < 0 || probe[0] < IORING_OP_STATX ||
        (probe[16 + IORING_OP_STATX * 8 + 2] & IO_URING_OP_SUPPORTED) === 0 ||
        ring === null || sqes === null || (!single && cq === null)
      ) {
        throw new Error("no usable ring");
      }
      return new StatxRing(s, fd, pv, ring, cq ?? ring, sqes, maps);
    } catch {
      for (const [p, n] of maps) s.munmap(p, BigInt(n));
      if (fd >= 0) s.close(fd);
      lib.close();
      return null;
    }
  }

  /** The ring failed or was closed: it takes no more calls. */
  get failed(): boolean {
    return this.#dead || this.#closing;
  }

  /** A run is in flight. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Calls that can still be pushed before the next run (0 once failed). */
  room(): number {
    return this.#busy || this.#dead || this.#closing
      ? 0
      : this.#entries - this.#queued;
  }

  /**
   * Queues `statx(dirfd, path, flags, mask, buf)`, the path and buffer given
   * as addresses (which must stay valid until the run resolves). Only when
   * {@linkcode room} is not 0.
   */
  push(
    dirfd: number,
    path: number,
    flags: number,
    mask: number,
    buf: number,
    tag: number,
  ): void {
    const idx = this.#tail & this.#sqMask;
    const w = idx * (SQE_SIZE / 4);
    const q = idx * (SQE_SIZE / 8);
    const s32 = this.#sqe32, s64 = this.#sqe64;
    s32.fill(0, w, w + SQE_SIZE / 4);
    s32[w] = IORING_OP_STATX; // opcode (u8), flags, ioprio: 0
    s32[w + 1] = dirfd >>> 0; // fd
    s64[q + 1] = BigInt(buf); // addr2: struct statx *
    s64[q + 2] = BigInt(path); // addr: const char *
    s32[w + 6] = mask >>> 0; // len: the mask
    s32[w + 7] = flags >>> 0; // statx_flags
    s32[w + 8] = tag >>> 0; // user_data (low half)
    this.#r32[this.#sqArray + idx] = idx;
    this.#tail = (this.#tail + 1) >>> 0;
    this.#queued++;
  }

  /**
   * Submits every queued call and waits (on a blocking thread) until each
   * has completed, reporting each through `done`. Resolves with the tags of
   * calls that the kernel never took (only when the ring failed: the caller
   * runs those elsewhere); every call it took has completed by then. Never
   * rejects.
   */
  async run(done: RingDone, tags: number[]): Promise<number[]> {
    const n = this.#queued;
    this.#queued = 0;
    if (n === 0) return [];
    this.#busy = true;
    this.runs++;
    const r32 = this.#r32;
    const head0 = Atomics.load(r32, this.#sqHead);
    Atomics.store(r32, this.#sqTail, this.#tail);
    let left = n;
    let misses = 0;
    try {
      while (left > 0) {
        const unsent = (this.#tail - Atomics.load(r32, this.#sqHead)) >>> 0;
        let ret = -1;
        if (!this.#dead) {
          try {
            ret = Number(
              await this.#s.syscall(
                NR_IO_URING_ENTER,
                BigInt(this.#fd),
                BigInt(unsent),
                BigInt(left),
                IORING_ENTER_GETEVENTS,
                0n,
                0n,
              ),
            );
          } catch {
            ret = -1;
          }
        }
        const got = this.#reap(done);
        left -= got;
        if (ret >= 0 || got !== 0) {
          misses = 0;
          continue;
        }
        // Failed with nothing done: interrupted (EINTR), or the ring's
        // descriptor is gone (closed by someone else). Taken calls still
        // complete in the kernel, so wait for them by polling; calls it
        // never took are taken back and handed to the caller.
        if (!this.#dead && ++misses < 8) continue;
        this.#dead = true;
        const taken = (Atomics.load(r32, this.#sqHead) - head0) >>> 0;
        if (taken < n && tags.length === n) {
          Atomics.store(r32, this.#sqTail, (head0 + taken) >>> 0);
          this.#tail = (head0 + taken) >>> 0;
          const back = tags.slice(taken);
          left -= back.length;
          if (left === 0) return back;
          await this.#drain(done, left);
          return back;
        }
        await this.#drain(done, left);
        return [];
      }
      return [];
    } finally {
      this.#busy = false;
      if (this.#closing) this.#release();
    }
  }

  /** Polls for the completions of `left` calls the kernel took. */
  async #drain(done: RingDone, left: number): Promise<void> {
    while (left > 0) {
      await new Promise((r) => setTimeout(r, 1));
      left -= this.#reap(done);
    }
  }

  /** Reports every completion posted so far; returns how many. */
  #reap(done: RingDone): number {
    const cq = this.#cq32;
    let head = cq[this.#cqHead];
    const tail = Atomics.load(cq, this.#cqTail);
    let n = 0;
    while (head !== tail) {
      const c = this.#cqes + (head & this.#cqMask) * (CQE_SIZE / 4);
      done(cq[c], this.#cqI32[c + 2]);
      head = (head + 1) >>> 0;
      n++;
    }
    Atomics.store(cq, this.#cqHead, head);
    return n;
  }

  /** Releases the ring (at once, or when the run in flight has ended). */
  close(): void {
    this.#closing = true;
    if (!this.#busy) this.#release();
  }

  #release(): void {
    if (this.#maps.length === 0) return;
    for (const [p, n] of this.#maps) this.#s.munmap(p, BigInt(n));
    this.#maps.length = 0;
    this.#s.close(this.#fd);
    this.#dead = true;
  }
}

/** The address of `b`'s memory, as an integer argument. */
function addr(b: Uint8Array): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(b)));
}
