// Copyright 2026 the dirfd authors. MIT license.
/**
 * Linux io_uring for batches of `statx` calls: each call is written as a
 * submission queue entry (plain memory writes into the ring the kernel
 * shares with us), and the batch goes to the kernel through `io_uring_enter`
 * made as a `nonblocking` FFI call, which waits on one of Deno's blocking
 * threads until the calls have completed. The kernel runs the `statx` calls
 * on its own io-wq threads and reports each one's result, `-errno` on
 * failure, in its completion entry, so no worker thread is involved and
 * every call keeps its exact error code.
 *
 * Sources: `include/uapi/linux/io_uring.h` (struct io_uring_params, the
 * offsets structs, struct io_uring_sqe and io_uring_cqe, the opcodes and
 * flags), `arch/x86/entry/syscalls/syscall_64.tbl` (425–427), and
 * `io_uring/statx.c` (which SQE fields `IORING_OP_STATX` reads: `fd`, `addr`
 * the path, `len` the mask, `statx_flags`, `addr2` the buffer).
 *
 * Used on x86_64 only: completions are read on this thread only after the
 * `io_uring_enter` that waited for them has returned, and the ring's head
 * and tail indices are aligned 32-bit words read with `Atomics.load`, which
 * on x86 (TSO) sees the kernel's writes in order without fences. The
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
 * A ring that runs `statx` calls: {@linkcode push} queues calls (memory
 * writes only), {@linkcode submit} sends them to the kernel and reports
 * each completion as it is collected.
 */
export class StatxRing {
  /** The symbol whose calls this ring runs, with that symbol's arguments. */
  readonly sym = "statx";
  readonly #s: UringLib;
  readonly #fd: number;
  readonly #maps: [Deno.PointerObject, number][];
  readonly #r32: Uint32Array;
  readonly #sqe32: Uint32Array;
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
  /** The tail as pushed (the kernel sees it from the next submission). */
  #tail: number;
  /** Calls pushed, and completions collected, since the ring was opened. */
  #pushed = 0;
  #reaped = 0;
  /** Tags of the calls pushed and not yet taken by the kernel, in order. */
  #unsentTags: number[] = [];
  #sqTaken: number;
  /** An `io_uring_enter` that waits for completions is in flight. */
  #waiting = false;
  /** Submit-only `io_uring_enter` calls in flight. */
  #submitting = 0;
  #misses = 0;
  #dead = false;
  #closing = false;
  #done: RingDone = () => {};
  #back: (tag: number) => void = () => {};
  /** Waits made (for tests). */
  waits = 0;

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
    this.#sqTaken = this.#r32[this.#sqHead];
    this.#cqEntries = u(4);
  }
  readonly #cqEntries: number;

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

  /** Calls that can be pushed now (0 once failed or closed). */
  room(): number {
    if (this.#dead || this.#closing) return 0;
    const unsent = (this.#tail - Atomics.load(this.#r32, this.#sqHead)) >>> 0;
    return Math.min(
      this.#entries - unsent,
      this.#cqEntries - (this.#pushed - this.#reaped),
    );
  }

  /**
   * Queues `statx(dirfd, path, flags, mask, buf)`, the path and buffer given
   * as addresses (which must stay valid until the call's completion has been
   * reported). Only when {@linkcode room} is not 0.
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
    const s32 = this.#sqe32;
    s32.fill(0, w, w + SQE_SIZE / 4);
    s32[w] = IORING_OP_STATX; // opcode (u8), flags, ioprio: 0
    s32[w + 1] = dirfd >>> 0; // fd
    // addr2 (struct statx *) and addr (const char *), as 32-bit halves
    // (user-space addresses fit a double exactly; no BigInt per call).
    s32[w + 2] = buf >>> 0;
    s32[w + 3] = Math.floor(buf / 4294967296);
    s32[w + 4] = path >>> 0;
    s32[w + 5] = Math.floor(path / 4294967296);
    s32[w + 6] = mask >>> 0; // len: the mask
    s32[w + 7] = flags >>> 0; // statx_flags
    s32[w + 8] = tag >>> 0; // user_data (low half)
    this.#r32[this.#sqArray + idx] = idx;
    this.#tail = (this.#tail + 1) >>> 0;
    this.#pushed++;
    this.#unsentTags.push(tag);
  }

  /**
   * Sends the calls pushed so far to the kernel, as one `nonblocking`
   * `io_uring_enter`; it returns at once, and each call's completion is
   * reported later as `done(tag, res)` (`res`: 0, or `-errno`). Calls the
   * ring can no longer take (it failed) are reported as `back(tag)`, never
   * run. Nothing here waits on this thread.
   *
   * One enter at a time waits for completions, for every call the kernel
   * had been given when it started; no completion is collected while it
   * waits (so the number it waits for is always reached). Calls pushed in
   * the meantime go in by submit-only enters, so the kernel starts on a
   * batch's first calls while the rest are still being written.
   */
  submit(done: RingDone, back: (tag: number) => void): void {
    this.#done = done;
    this.#back = back;
    if (this.#dead) return this.#fail();
    Atomics.store(this.#r32, this.#sqTail, this.#tail);
    if (!this.#waiting) return this.#wait();
    const unsent = (this.#tail - Atomics.load(this.#r32, this.#sqHead)) >>> 0;
    if (unsent === 0) return;
    this.#submitting++;
    this.#enter(unsent, 0, 0n).then(() => {
      this.#submitting--;
      this.#settle();
    });
  }

  /** io_uring_enter as a `nonblocking` call: its result, -1 on failure. */
  #enter(toSubmit: number, min: number, flags: bigint): Promise<number> {
    try {
      return this.#s.syscall(
        NR_IO_URING_ENTER,
        BigInt(this.#fd),
        BigInt(toSubmit),
        BigInt(min),
        flags,
        0n,
        0n,
      ).then(Number, () => -1);
    } catch {
      return Promise.resolve(-1);
    }
  }

  /** Starts the enter that submits what is unsent and waits for it all. */
  #wait(): void {
    // Publish what was pushed since the last submission, which this enter
    // submits too.
    Atomics.store(this.#r32, this.#sqTail, this.#tail);
    const head = Atomics.load(this.#r32, this.#sqHead);
    const unsent = (this.#tail - head) >>> 0;
    const min = this.#pushed - this.#reaped;
    if (min === 0) return;
    this.#waiting = true;
    this.waits++;
    this.#enter(unsent, min, IORING_ENTER_GETEVENTS).then((ret) => {
      this.#waiting = false;
      const got = this.#reap();
      if (ret >= 0 || got !== 0) this.#misses = 0;
      // Failed with nothing done, again and again: interrupted, or the
      // descriptor is gone (closed by someone else).
      else if (++this.#misses >= 8) this.#dead = true;
      if (this.#dead) return this.#fail();
      if (this.#pushed !== this.#reaped) this.#wait();
      else this.#settle();
    });
  }

  /** Reports every completion posted so far; returns how many. */
  #reap(): number {
    const cq = this.#cq32;
    let head = cq[this.#cqHead];
    const tail = Atomics.load(cq, this.#cqTail);
    let n = 0;
    this.#forgetTaken();
    while (head !== tail) {
      const c = this.#cqes + (head & this.#cqMask) * (CQE_SIZE / 4);
      const tag = cq[c], res = this.#cqI32[c + 2];
      head = (head + 1) >>> 0;
      n++;
      try {
        this.#done(tag, res);
      } catch {
        // The caller's own failure: the ring goes on.
      }
    }
    Atomics.store(cq, this.#cqHead, head);
    this.#reaped += n;
    return n;
  }

  /** Drops the tags of the calls the kernel has taken. */
  #forgetTaken(): void {
    const head = Atomics.load(this.#r32, this.#sqHead);
    const taken = (head - this.#sqTaken) >>> 0;
    if (taken !== 0) {
      this.#unsentTags.splice(0, taken);
      this.#sqTaken = head;
    }
  }

  /**
   * The ring failed: once no enter is in flight, calls never taken go back,
   * and the completions of those taken are collected by polling.
   */
  #fail(): void {
    this.#dead = true;
    if (this.#waiting || this.#submitting !== 0) return;
    this.#forgetTaken();
    const back = this.#unsentTags;
    this.#unsentTags = [];
    this.#tail = this.#sqTaken;
    Atomics.store(this.#r32, this.#sqTail, this.#tail);
    this.#pushed -= back.length;
    for (const t of back) {
      try {
        this.#back(t);
      } catch {
        // As in #reap.
      }
    }
    this.#drain();
  }

  /** Polls for the completions of calls the failed ring had taken. */
  #drain(): void {
    if (this.#pushed === this.#reaped) return this.#settle();
    this.#waiting = true;
    setTimeout(() => {
      this.#waiting = false;
      this.#reap();
      this.#drain();
    }, 1);
  }

  /** Releases a closed ring once nothing of it is in flight. */
  #settle(): void {
    if (
      this.#closing && !this.#waiting && this.#submitting === 0 &&
      this.#pushed === this.#reaped
    ) this.#release();
  }

  /** Releases the ring (once what is in flight has completed). */
  close(): void {
    this.#closing = true;
    this.#settle();
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
