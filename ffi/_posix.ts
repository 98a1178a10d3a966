// Copyright 2026 the dirfd authors. MIT license.
/**
 * What every POSIX backend shares: the common libc symbols, reusable C-string
 * buffers, errno access, and the primitives whose shape does not depend on the
 * platform. Per-OS files (`linux.ts`, `darwin.ts`) add their constants, their
 * stat layout and their errno table. Nothing here throws.
 *
 * @module
 */
import type { StatResult } from "../_file_info.ts";
import { type Backend, NOT_UTF8 } from "./_types.ts";

/** libc symbols with the same C signature on every POSIX platform. */
export const POSIX_SYMBOLS = {
  // openat(int, const char *, int, ...): called without O_CREAT, so the
  // variadic mode is never passed (it goes elsewhere on Apple arm64).
  openat: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  symlinkat: { parameters: ["buffer", "i32", "buffer"], result: "i32" },
  readlinkat: {
    parameters: ["i32", "buffer", "buffer", "usize"],
    result: "isize",
  },
  fchdir: { parameters: ["i32"], result: "i32" },
  strerror: { parameters: ["i32"], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The bound functions of {@linkcode POSIX_SYMBOLS}. */
export type PosixSymbols = Deno.StaticForeignLibraryInterface<
  typeof POSIX_SYMBOLS
>;

/** Platform constants used by the shared primitives. */
export interface PosixConstants {
  readonly AT_FDCWD: number;
  readonly O_RDONLY: number;
  readonly O_DIRECTORY: number;
  readonly O_NOFOLLOW: number;
  readonly O_CLOEXEC: number;
}

/** The platform's stat primitives, already bound to its layout. */
export interface StatPrimitives {
  statAt(dirfd: number, path: Uint8Array, follow: boolean): StatResult | number;
  fstat(fd: number): StatResult | number;
  via: string;
  select?(via: string): boolean;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A reusable NUL-terminated UTF-8 buffer. ASCII is copied by hand (no
 * allocation); anything else goes through `TextEncoder.encodeInto`. Callers
 * have already rejected NUL bytes and lone surrogates.
 */
export class CString {
  #buf: Uint8Array;
  constructor(size = 1024) {
    this.#buf = new Uint8Array(size);
  }
  /** Encodes `s` and returns the buffer, valid until the next call. */
  encode(s: string): Uint8Array {
    const n = s.length;
    let buf = this.#buf;
    if (n * 3 + 1 > buf.length) {
      buf = this.#buf = new Uint8Array(Math.max(n * 3 + 1, buf.length * 2));
    }
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        const { written } = utf8.encodeInto(s, buf);
        buf[written] = 0;
        return buf;
      }
      buf[i] = c;
    }
    buf[n] = 0;
    return buf;
  }
}

/** Reads `errno` of the calling thread through the pointer libc gives us. */
export function errnoReader(location: Deno.PointerValue): () => number {
  if (location === null) return () => 0;
  const view = new Deno.UnsafePointerView(location);
  return () => view.getInt32(0);
}

/** Builds the platform-independent part of a POSIX backend. */
export function posixBackend(
  name: string,
  s: PosixSymbols,
  c: PosixConstants,
  errno: () => number,
  errnoNames: Readonly<Record<number, string>>,
  stat: StatPrimitives,
  path: CString,
  has: Record<string, boolean>,
): Backend {
  const path2 = new CString(256);
  let linkBuf = new Uint8Array(4096);
  const dirFlags = c.O_RDONLY | c.O_DIRECTORY | c.O_CLOEXEC;
  const descriptions = new Map<number, string>();

  return {
    name,
    AT_FDCWD: c.AT_FDCWD,
    has,
    get statVia() {
      return stat.via;
    },
    statAt(dirfd, p, follow) {
      return stat.statAt(dirfd, path.encode(p), follow);
    },
    fstat: (fd) => stat.fstat(fd),
    openDirFlags: (follow) => follow ? dirFlags : dirFlags | c.O_NOFOLLOW,
    openDirAt(dirfd, p, follow) {
      const flags = follow ? dirFlags : dirFlags | c.O_NOFOLLOW;
      const fd = s.openat(dirfd, path.encode(p), flags);
      return fd < 0 ? -errno() : fd;
    },
    close(fd) {
      return s.close(fd) === 0 ? 0 : -errno();
    },
    symlinkAt(target, dirfd, p) {
      const r = s.symlinkat(path2.encode(target), dirfd, path.encode(p));
      return r === 0 ? 0 : -errno();
    },
    readLinkAt(dirfd, p) {
      const cpath = path.encode(p);
      for (;;) {
        const n = Number(
          s.readlinkat(dirfd, cpath, linkBuf, BigInt(linkBuf.length)),
        );
        if (n < 0) return -errno();
        if (n < linkBuf.length) {
          try {
            return strictUtf8.decode(linkBuf.subarray(0, n));
          } catch {
            return NOT_UTF8;
          }
        }
        // The target may have been truncated: retry with a larger buffer.
        linkBuf = new Uint8Array(linkBuf.length * 2);
      }
    },
    fchdir(fd) {
      return s.fchdir(fd) === 0 ? 0 : -errno();
    },
    describe(code) {
      let d = descriptions.get(code);
      if (d === undefined) {
        const p = s.strerror(code);
        d = p === null
          ? `Unknown error ${code}`
          : Deno.UnsafePointerView.getCString(p);
        descriptions.set(code, d);
      }
      return d;
    },
    errnoName(code) {
      return errnoNames[code];
    },
    selectStat: (via) => stat.select?.(via) ?? false,
  };
}

/** Reads an unsigned 64-bit field (two 32-bit words, little-endian) as a number. */
export function u64(w: Uint32Array, i: number): number {
  return w[i] + w[i + 1] * 4294967296;
}

/** Reads a signed 64-bit field as a number. */
export function i64(w: Uint32Array, s: Int32Array, i: number): number {
  return w[i] + s[i + 1] * 4294967296;
}
