// Copyright 2026 the dirfd authors. MIT license.
/**
 * The pool task behind the async methods of `Root`: resolves a name beneath
 * the root (with the same `resolve` function the sync methods use, which the
 * pool ships beside it as a task of its own) and performs the operation on
 * the directory it leads to, in one request — one thread hand-off per call,
 * not one per component.
 *
 * POSIX (Linux and macOS): raw libc symbols only. Everything that differs
 * between platforms (flag values, errno numbers, the stat call and where its
 * mode field lies) arrives in the request's header, written by
 * {@linkcode writeRootRequest}; being shipped as source text, the task
 * refers to nothing but its parameters and globals.
 *
 * @module
 */

/** Operations of {@linkcode rootTask}. */
export const ROOT_OP = {
  /** Resolve only: returns the parent's descriptor (dup'ed), leaf in out. */
  PARENT: 0,
  /** `fstatat`/`statx` of the leaf, following as asked; raw buffer in out. */
  STAT: 1,
  /** `readlinkat` of the leaf; the bytes in out, their count returned. */
  READLINK: 2,
  /** `mkdirat`; with `mkdirMode` ≥ 0 parents too, and EEXIST is fine. */
  MKDIR: 3,
  /** `unlinkat` of a file or link, else of an empty directory. */
  REMOVE: 4,
  /** `renameat` from name 1 to name 2. */
  RENAME: 5,
  /** `linkat` from name 1 to name 2, not following. */
  LINK: 6,
  /** `symlinkat(name 2, …, name 1)`. */
  SYMLINK: 7,
  /** `fchmodat2(AT_SYMLINK_NOFOLLOW)` through `syscall`. */
  CHMOD: 8,
  /** `fchownat(AT_SYMLINK_NOFOLLOW)`. */
  CHOWN: 9,
  /** `utimensat(AT_SYMLINK_NOFOLLOW)` with the request's times. */
  UTIME: 10,
  /** The canonical name, UTF-8 in out, its length returned. */
  REALPATH: 11,
  /** `openat(O_DIRECTORY|O_NOFOLLOW)` of the leaf: the descriptor. */
  OPENDIR: 12,
} as const;

/**
 * The request header, 32-bit words (then times, then strings):
 * op, policy, follow, mkdirMode, a1, a2, statx, modeOffset, modeSize,
 * dirFlags, AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, 8 errno numbers, nrFchmodat2,
 * name1, name2 (byte offsets), noXdev, devOffset, devSize, lchmod; times
 * (4 × i64) at byte 120; strings from 152.
 * The output goes to a second buffer of {@linkcode ROOT_OUT_BYTES}.
 */
export const ROOT_HEADER = {
  words: 29,
  times: 120,
  strings: 152,
} as const;

/** Platform facts a request carries (from the backend's own constants). */
export interface RootPlatform {
  statx: boolean;
  modeOffset: number;
  modeSize: 2 | 4;
  dirFlags: number;
  AT_SYMLINK_NOFOLLOW: number;
  AT_REMOVEDIR: number;
  /** ENOENT ENOTDIR ELOOP EEXIST EINVAL EISDIR EPERM ENOTEMPTY. */
  errno: readonly number[];
  /** `__NR_fchmodat2`, or 0 where there is none. */
  nrFchmodat2: number;
  /**
   * Whether `fchmodat(AT_SYMLINK_NOFOLLOW)` changes a link's own mode
   * instead of failing (macOS): then it is the chmod that never follows.
   */
  lchmod: boolean;
  /** Where the device number lies in the stat buffer, and its size. */
  devOffset: number;
  devSize: number;
}

/** A request's arguments. */
export interface RootRequest {
  op: number;
  policy: 0 | 1 | 2;
  follow: boolean;
  mkdirMode: number;
  a1: number;
  a2: number;
  name1: string;
  name2?: string;
  /** atime s, atime ns, mtime s, mtime ns (UTIME). */
  times?: [bigint, number, bigint, number];
  /** Refuse to enter a directory on another device than the root. */
  noXdev: boolean;
}

/** What a root request returns: its result and a copy of its output. */
export interface RootReply {
  /** ≥ 0 on success; a negative errno, `ESCAPE`, `XDEV` or `NOT_UTF8`. */
  ret: number;
  /** The output buffer ({@linkcode ROOT_OUT_BYTES}). */
  out: Uint8Array;
}

/** Bytes of a request's output buffer (a link target, or a stat buffer). */
export const ROOT_OUT_BYTES = 4096 + 256;

/**
 * A backend's `rootCall`: one request to the pool's root task `task`
 * (`rootTask` on POSIX, `winRootTask` on Windows) with the encoded request,
 * its output area and the root's descriptor; the reply's return value and
 * output. The pool is a structural type here so that this module, which
 * ships its tasks as source, imports nothing.
 */
export function rootCaller(
  pool: () => {
    begin(name: string, bytes: number): void;
    bytes(b: Uint8Array): void;
    out(n: number): number;
    int(v: number): void;
    end<T>(
      decode: (r: { ret: number; u8: Uint8Array; out: number }) => T,
    ): Promise<T>;
  },
  task: string,
): (
  root: number,
  request: Uint8Array,
) => Promise<{ ret: number; out: Uint8Array }> {
  return (root, request) => {
    const p = pool();
    p.begin(task, request.length + ROOT_OUT_BYTES + 16);
    p.bytes(request);
    p.out(ROOT_OUT_BYTES);
    p.int(root);
    return p.end((r) => ({
      ret: r.ret,
      out: r.u8.slice(r.out, r.out + ROOT_OUT_BYTES),
    }));
  };
}

/**
 * Writes a request into `io` (which must hold {@linkcode rootRequestBytes});
 * returns the bytes used.
 */
export function writeRootRequest(
  io: Uint8Array,
  p: RootPlatform,
  r: RootRequest,
): number {
  const v = new DataView(io.buffer, io.byteOffset, io.byteLength);
  const w = (i: number, x: number) => v.setInt32(i * 4, x, true);
  w(0, r.op);
  w(1, r.policy);
  w(2, r.follow ? 1 : 0);
  w(3, r.mkdirMode);
  w(4, r.a1);
  w(5, r.a2);
  w(6, p.statx ? 1 : 0);
  w(7, p.modeOffset);
  w(8, p.modeSize);
  w(9, p.dirFlags);
  w(10, p.AT_SYMLINK_NOFOLLOW);
  w(11, p.AT_REMOVEDIR);
  for (let i = 0; i < 8; i++) w(12 + i, p.errno[i]);
  w(20, p.nrFchmodat2);
  const t = r.times;
  if (t === null || t === undefined) {
    // UTIME_NOW for both (Linux and macOS agree on the tv_nsec marker only
    // in meaning; the backend passes its own value in a1 when times are null).
    for (let i = 0; i < 4; i++) {
      v.setBigInt64(ROOT_HEADER.times + 8 * i, 0n, true);
    }
  } else {
    v.setBigInt64(ROOT_HEADER.times, t[0], true);
    v.setBigInt64(ROOT_HEADER.times + 8, BigInt(t[1]), true);
    v.setBigInt64(ROOT_HEADER.times + 16, t[2], true);
    v.setBigInt64(ROOT_HEADER.times + 24, BigInt(t[3]), true);
  }
  let at = ROOT_HEADER.strings;
  const put = (s: string) => {
    const start = at;
    at += enc.encodeInto(s, io.subarray(at)).written;
    io[at++] = 0;
    return start;
  };
  w(21, put(r.name1));
  w(22, r.name2 === undefined ? 0 : put(r.name2));
  return at;
}

const enc = new TextEncoder();

/** The size of `io` a request needs. */
export function rootRequestBytes(r: RootRequest): number {
  return ROOT_HEADER.strings + 3 * (r.name1.length + (r.name2?.length ?? 0)) +
    2;
}

/**
 * The task. `s` holds the thread's libc symbols and the `resolve` task; `io`
 * is the request (see {@linkcode writeRootRequest}); `out` receives the
 * output ({@linkcode ROOT_OUT_BYTES}); `root` is the root's descriptor.
 *
 * @returns ≥ 0 on success (a count of output bytes, or a descriptor), a
 * negative errno, or `ESCAPE` (-0x20000) / `NOT_UTF8` (-0x10000).
 */
export function rootTask(
  // deno-lint-ignore no-explicit-any
  s: any,
  io: Uint8Array,
  outBuf: Uint8Array,
  root: number,
): number {
  const v = new DataView(io.buffer, io.byteOffset, io.byteLength);
  const word = (i: number) => v.getInt32(i * 4, true);
  const op = word(0);
  const useStatx = word(6) === 1;
  const modeOffset = word(7), modeSize = word(8);
  const dirFlags = word(9);
  const NOFOLLOW = word(10), REMOVEDIR = word(11);
  const E = {
    ENOENT: word(12),
    ENOTDIR: word(13),
    ELOOP: word(14),
    EEXIST: word(15),
    EINVAL: word(16),
    EISDIR: word(17),
    EPERM: word(18),
    ENOTEMPTY: word(19),
  };
  const nrFchmodat2 = word(20);
  // ROOT_OUT_BYTES (a literal: the task refers to nothing outside itself).
  const outSize = 4096 + 256;
  const out = outBuf.subarray(0, outSize);
  // Per-thread scratch, made once: the task runs many times on a thread.
  // deno-lint-ignore no-explicit-any
  const g = globalThis as any;
  const K = Symbol.for("dirfd.rootTask.scratch");
  const scratch = g[K] ??= {
    errnoView: new Int32Array(
      Deno.UnsafePointerView.getArrayBuffer(
        (s.__errno_location ?? s.__error)(),
        4,
      ),
    ),
    dec: new TextDecoder("utf-8", { fatal: true }),
    enc: new TextEncoder(),
    // C strings for the calls, each into a buffer of its own.
    c1: new Uint8Array(4096 * 3 + 1),
    c2: new Uint8Array(4096 * 3 + 1),
    linkBuf: new Uint8Array(4097),
    ts: new BigInt64Array(4),
  };
  const { errnoView, dec, enc, c1, c2, linkBuf } = scratch;
  const err = () => -errnoView[0];
  const cstr = (at: number) => {
    let end = at;
    while (io[end] !== 0) end++;
    return dec.decode(io.slice(at, end));
  };
  const c = (str: string, into = c1) => {
    const n = enc.encodeInto(str, into).written;
    into[n] = 0;
    return into;
  };
  // The stat buffer: the out region's first 256 bytes.
  const st = out.subarray(0, 256);
  const stView = new DataView(st.buffer, st.byteOffset, 256);
  const modeOf = () =>
    modeSize === 2
      ? stView.getUint16(modeOffset, true)
      : stView.getUint32(modeOffset, true);
  const lstatRaw = (d: number, name: string): number =>
    (useStatx
        ? s.statx(d, c(name), NOFOLLOW, 0xfff, st)
        : s.fstatat(d, c(name), st, NOFOLLOW)) === 0
      ? 0
      : err();
  const p = {
    statAt(d: number, name: string) {
      const r = lstatRaw(d, name);
      if (r < 0) return r;
      const m = modeOf() & 0o170000;
      return { isSymlink: m === 0o120000, isDirectory: m === 0o040000 };
    },
    openDirAt: (d: number, name: string) => {
      const fd = s.openat(d, c(name), dirFlags);
      return fd < 0 ? err() : fd;
    },
    readLinkAt: (d: number, name: string) => {
      const n = Number(s.readlinkat(d, c(name), linkBuf, 4096n));
      if (n < 0) return err();
      if (n >= 4096) return -E.EINVAL;
      try {
        return dec.decode(linkBuf.subarray(0, n));
      } catch {
        return -0x1_0000;
      }
    },
    close: (fd: number) => s.close(fd),
    mkdirAt: (d: number, name: string, mode: number) =>
      s.mkdirat(d, c(name), mode) === 0 ? 0 : err(),
    errno: E,
  };
  let name1: string, name2: string | undefined;
  try {
    name1 = cstr(word(21));
    name2 = word(22) === 0 ? undefined : cstr(word(22));
  } catch {
    return -0x1_0000;
  }
  // noXdev: the root's device bytes, compared with each directory entered.
  let crosses: ((fd: number) => boolean) | undefined;
  if (word(25) === 1) {
    const devAt = word(26), devSize = word(27);
    const fst = (fd: number) =>
      (useStatx
        ? s.statx(fd, c(""), 0x1000, /* AT_EMPTY_PATH */ 0xfff, st)
        : s.fstat != null
        ? s.fstat(fd, st)
        : s.fstatat(fd, c(""), st, 0x1000 /* AT_EMPTY_PATH (Linux) */)) === 0;
    if (!fst(root)) return err();
    const rootDev = st.slice(devAt, devAt + devSize);
    crosses = (fd) => {
      if (!fst(fd)) return true;
      for (let i = 0; i < devSize; i++) {
        if (st[devAt + i] !== rootDev[i]) return true;
      }
      return false;
    };
  }
  (p as Record<string, unknown>).crosses = crosses;
  const req = {
    symlinks: ["beneath", "inRoot", "none"][word(1)],
    follow: word(2) === 1,
    mkdirMode: word(3),
  };
  const r1 = { dir: -1, owned: false, leaf: ".", info: null, parents: [] };
  let e = s.resolve(p, root, name1, req, r1);
  if (e < 0) return e;
  const done = (x: number) => {
    if (r1.owned) s.close(r1.dir);
    return x;
  };
  const leaf = r1.leaf;
  const d = r1.dir;
  const a1 = word(4), a2 = word(5);
  switch (op) {
    case 0: { // PARENT
      const fd = s.openat(d, c("."), dirFlags);
      if (fd < 0) return done(err());
      const n = enc.encodeInto(leaf, out).written;
      out[n] = 0;
      return done(fd);
    }
    case 1: // STAT
      if (r1.info !== null) return done(0);
      return done(lstatRaw(d, leaf));
    case 2: { // READLINK
      const n = Number(s.readlinkat(d, c(leaf), out, BigInt(outSize)));
      if (n < 0) return done(err());
      return done(n >= outSize ? -E.EINVAL : n);
    }
    case 3: { // MKDIR
      const r = s.mkdirat(d, c(leaf), a1) === 0 ? 0 : err();
      // With parents (mkdirMode ≥ 0), an existing leaf is checked by the
      // caller (it must lead, inside the root, to a directory).
      return done(r === -E.EEXIST && word(3) >= 0 ? 1 : r);
    }
    case 4: { // REMOVE
      if (leaf === ".") return done(-E.EINVAL);
      let r = s.unlinkat(d, c(leaf), 0) === 0 ? 0 : err();
      if (r === -E.EISDIR || r === -E.EPERM) {
        const rd = s.unlinkat(d, c(leaf), REMOVEDIR) === 0 ? 0 : err();
        r = rd === -E.ENOTDIR ? r : rd;
      }
      return done(r);
    }
    case 5: // RENAME
    case 6: { // LINK
      const r2 = { dir: -1, owned: false, leaf: ".", info: null, parents: [] };
      e = s.resolve(p, root, name2!, { ...req, follow: false }, r2);
      if (e < 0) return done(e);
      const r =
        (op === 5
            ? s.renameat(d, c(leaf), r2.dir, c(r2.leaf, c2))
            : s.linkat(d, c(leaf), r2.dir, c(r2.leaf, c2), 0)) === 0
          ? 0
          : err();
      if (r2.owned) s.close(r2.dir);
      return done(r);
    }
    case 7: // SYMLINK: name2 is the target
      return done(
        s.symlinkat(c(name2!, c2), d, c(leaf)) === 0 ? 0 : err(),
      );
    case 8: // CHMOD
      if (word(28) === 1) {
        return done(s.fchmodat(d, c(leaf), a1, NOFOLLOW) === 0 ? 0 : err());
      }
      if (nrFchmodat2 === 0) return done(-E.EINVAL);
      return done(
        Number(
            s.syscall(
              BigInt(nrFchmodat2),
              BigInt(d),
              c(leaf),
              BigInt(a1),
              BigInt(NOFOLLOW),
            ),
          ) === 0
          ? 0
          : err(),
      );
    case 9: // CHOWN
      // Ids travel as int32 words (-1: unchanged; above 2^31: negative);
      // fchownat takes them as u32, as the sync backend passes them.
      return done(
        s.fchownat(d, c(leaf), a1 >>> 0, a2 >>> 0, NOFOLLOW) === 0 ? 0 : err(),
      );
    case 10: { // UTIME: struct timespec[2] from the header's times
      const ts: BigInt64Array = scratch.ts;
      // ROOT_HEADER.times: 120.
      for (let i = 0; i < 4; i++) ts[i] = v.getBigInt64(120 + 8 * i, true);
      const tsb = new Uint8Array(ts.buffer);
      return done(
        s.utimensat(d, c(leaf), tsb, NOFOLLOW) === 0 ? 0 : err(),
      );
    }
    case 11: { // REALPATH
      if (leaf !== "." && r1.info === null) {
        const r = lstatRaw(d, leaf);
        if (r < 0) return done(r);
      }
      const parts = leaf === "." ? r1.parents : [...r1.parents, leaf];
      const text = parts.length === 0 ? "." : parts.join("/");
      const { read, written } = enc.encodeInto(text, out);
      return done(read < text.length ? -E.EINVAL : written);
    }
    case 12: { // OPENDIR
      const fd = s.openat(d, c(leaf), dirFlags);
      return done(fd < 0 ? err() : fd);
    }
  }
  return done(-E.EINVAL);
}
