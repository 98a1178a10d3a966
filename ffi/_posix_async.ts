// Copyright 2026 the dirfd authors. MIT license.
/**
 * The async twins of the POSIX primitives: the same libc calls, written into
 * a {@linkcode CallPool} arena and run on a worker thread, each reporting the
 * errno of its own call. Nothing here throws.
 *
 * @module
 */
import type { StatResult } from "../_file_info.ts";
import {
  CallPool,
  type LocalLibrary,
  type PoolLibrary,
  type Reply,
  strBytes,
} from "./_pool.ts";
import { decodeStatvfs, type PosixConstants } from "./_posix.ts";
import { type AsyncBackend, NOT_UTF8, type UtimeTimes } from "./_types.ts";

/** How the platform asks for a stat in a pool request and decodes it. */
export interface StatRequests {
  /** Writes a stat-by-path request; decode with `decode`. */
  statAt(pool: CallPool, dirfd: number, path: string, follow: boolean): void;
  /** Writes a stat-by-descriptor request. */
  fstat(pool: CallPool, fd: number): void;
  /** Decodes the output buffer of a successful request. */
  decode(r: Reply): StatResult;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** 0 on success, else `-errno`. */
export const zeroOrErrno = (r: Reply): number => r.ret === 0 ? 0 : -r.errno;
/** A descriptor or count on success, else `-errno`. */
export const valueOrErrno = (r: Reply): number => r.ret >= 0 ? r.ret : -r.errno;

/** Builds the async primitives over a lazily started worker pool. */
export function posixAsync(
  lib: PoolLibrary,
  local: LocalLibrary,
  c: PosixConstants,
  stat: StatRequests,
): AsyncBackend & { pool(): CallPool } {
  let pool: CallPool | null = null;
  const getPool = () => pool ??= new CallPool(lib, local);
  const dirFlags = c.O_RDONLY | c.O_DIRECTORY | c.O_CLOEXEC;
  const statReply = (r: Reply): StatResult | number =>
    r.ret === 0 ? stat.decode(r) : -r.errno;

  function readLinkOnce(
    dirfd: number,
    path: string,
    size: number,
  ): Promise<string | number> {
    const p = getPool();
    p.begin("readlinkat", strBytes(path) + size + 8);
    p.int(dirfd);
    p.str(path);
    p.out(size);
    p.int(size);
    return p.end((r): string | number | null => {
      if (r.ret < 0) return -r.errno;
      if (r.ret >= size) return null; // maybe truncated: retry larger
      try {
        return strictUtf8.decode(r.u8.slice(r.out, r.out + r.ret));
      } catch {
        return NOT_UTF8;
      }
    }).then((v) => v === null ? readLinkOnce(dirfd, path, size * 4) : v);
  }

  const twins: AsyncBackend & { pool(): CallPool } = {
    pool: getPool,
    statAt(dirfd, path, follow) {
      const p = getPool();
      stat.statAt(p, dirfd, path, follow);
      return p.end(statReply);
    },
    fstat(fd) {
      const p = getPool();
      stat.fstat(p, fd);
      return p.end(statReply);
    },
    openDirAt(dirfd, path, follow) {
      const p = getPool();
      p.begin("openat", strBytes(path));
      p.int(dirfd);
      p.str(path);
      p.int(follow ? dirFlags : dirFlags | c.O_NOFOLLOW);
      return p.end(valueOrErrno);
    },
    symlinkAt(target, dirfd, path) {
      const p = getPool();
      p.begin("symlinkat", strBytes(target) + strBytes(path));
      p.str(target);
      p.int(dirfd);
      p.str(path);
      return p.end(zeroOrErrno);
    },
    readLinkAt(dirfd, path) {
      return readLinkOnce(dirfd, path, 4096);
    },
    // `openat(fd, ".")`, exactly as the sync `dupDir`.
    dupDir(fd) {
      return twins.openDirAt!(fd, ".", true);
    },
  };
  addAtTwins(twins, getPool, local, c);
  return twins;
}

/** The largest length a pool argument (a double) carries exactly. */
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const utf8 = new TextEncoder();

/**
 * Adds the async twins of the optional `*at` primitives of `posixBackend`
 * (`_posix.ts`), under the same conditions (the symbol resolved, the
 * constants exist) and with the same flags and argument conversions.
 */
function addAtTwins(
  a: AsyncBackend,
  getPool: () => CallPool,
  local: LocalLibrary,
  c: PosixConstants,
): void {
  const has = (sym: string) => local.symbols[sym] != null;
  const nofollow = c.AT_SYMLINK_NOFOLLOW;
  // utimensat/futimens take a `struct timespec[2]`: four 64-bit words,
  // copied into the arena at once, so one scratch array serves every call.
  const times = new BigInt64Array(4);
  const timesBytes = new Uint8Array(times.buffer);
  const fill = (t: UtimeTimes | null): Uint8Array => {
    if (t === null) {
      times[0] = times[2] = 0n;
      times[1] = times[3] = BigInt(c.UTIME_NOW!);
    } else {
      times[0] = t.atimeSec;
      times[1] = BigInt(t.atimeNsec);
      times[2] = t.mtimeSec;
      times[3] = BigInt(t.mtimeNsec);
    }
    return timesBytes;
  };
  // A length beyond 2^53 does not survive the arena's doubles: such a call
  // runs here, through the i64 binding, with its own errno.
  const here = (sym: string, ...args: unknown[]): Promise<number> => {
    const fn = local.symbols[sym] as (...a: unknown[]) => number;
    return Promise.resolve(fn(...args) === 0 ? 0 : -local.errno());
  };
  const cstr = (p: string) => utf8.encode(`${p}\0`);

  if (has("mkdirat")) {
    a.mkdirAt = (dirfd, path, mode) => {
      const p = getPool();
      p.begin("mkdirat", strBytes(path));
      p.int(dirfd);
      p.str(path);
      p.int(mode);
      return p.end(zeroOrErrno);
    };
  }
  if (has("unlinkat") && c.AT_REMOVEDIR !== undefined) {
    const rm = c.AT_REMOVEDIR;
    a.unlinkAt = (dirfd, path, dir) => {
      const p = getPool();
      p.begin("unlinkat", strBytes(path));
      p.int(dirfd);
      p.str(path);
      p.int(dir ? rm : 0);
      return p.end(zeroOrErrno);
    };
  }
  if (has("renameat")) {
    a.renameAt = (sd, src, dd, dst) => {
      const p = getPool();
      p.begin("renameat", strBytes(src) + strBytes(dst));
      p.int(sd);
      p.str(src);
      p.int(dd);
      p.str(dst);
      return p.end(zeroOrErrno);
    };
  }
  if (has("linkat") && c.AT_SYMLINK_FOLLOW !== undefined) {
    const fl = c.AT_SYMLINK_FOLLOW;
    a.linkAt = (sd, src, dd, dst, follow) => {
      const p = getPool();
      p.begin("linkat", strBytes(src) + strBytes(dst));
      p.int(sd);
      p.str(src);
      p.int(dd);
      p.str(dst);
      p.int(follow ? fl : 0);
      return p.end(zeroOrErrno);
    };
  }
  if (has("fchmodat")) {
    a.chmodAt = (dirfd, path, mode) => {
      const p = getPool();
      p.begin("fchmodat", strBytes(path));
      p.int(dirfd);
      p.str(path);
      p.int(mode);
      p.int(0);
      return p.end(zeroOrErrno);
    };
  }
  if (has("fchmod")) {
    a.fchmod = (fd, mode) => {
      const p = getPool();
      p.begin("fchmod");
      p.int(fd);
      p.int(mode);
      return p.end(zeroOrErrno);
    };
  }
  if (has("fchownat") && nofollow !== undefined) {
    a.chownAt = (dirfd, path, uid, gid, follow) => {
      const p = getPool();
      p.begin("fchownat", strBytes(path));
      p.int(dirfd);
      p.str(path);
      p.int(uid >>> 0);
      p.int(gid >>> 0);
      p.int(follow ? 0 : nofollow);
      return p.end(zeroOrErrno);
    };
  }
  if (has("fchown")) {
    a.fchown = (fd, uid, gid) => {
      const p = getPool();
      p.begin("fchown");
      p.int(fd);
      p.int(uid >>> 0);
      p.int(gid >>> 0);
      return p.end(zeroOrErrno);
    };
  }
  if (
    has("utimensat") && nofollow !== undefined && c.UTIME_NOW !== undefined
  ) {
    a.utimeAt = (dirfd, path, t, follow) => {
      const p = getPool();
      p.begin("utimensat", strBytes(path) + 32);
      p.int(dirfd);
      p.str(path);
      p.bytes(fill(t));
      p.int(follow ? 0 : nofollow);
      return p.end(zeroOrErrno);
    };
  }
  if (has("futimens") && c.UTIME_NOW !== undefined) {
    a.futimes = (fd, t) => {
      const p = getPool();
      p.begin("futimens", 32);
      p.int(fd);
      p.bytes(fill(t));
      return p.end(zeroOrErrno);
    };
  }
  if (
    has("faccessat") && nofollow !== undefined && c.AT_EACCESS !== undefined
  ) {
    const eaccess = c.AT_EACCESS;
    a.accessAt = (dirfd, path, mode, follow, effectiveIds) => {
      const p = getPool();
      p.begin("faccessat", strBytes(path));
      p.int(dirfd);
      p.str(path);
      p.int(mode);
      p.int((follow ? 0 : nofollow) | (effectiveIds ? eaccess : 0));
      return p.end(zeroOrErrno);
    };
  }
  if (has("truncate")) {
    a.truncate = (path, length) => {
      if (length > MAX_EXACT) return here("truncate", cstr(path), length);
      const p = getPool();
      p.begin("truncate", strBytes(path));
      p.str(path);
      p.int(Number(length));
      return p.end(zeroOrErrno);
    };
  }
  if (has("mkfifoat")) {
    a.mkfifoAt = (dirfd, path, mode) => {
      const p = getPool();
      p.begin("mkfifoat", strBytes(path));
      p.int(dirfd);
      p.str(path);
      p.int(mode);
      return p.end(zeroOrErrno);
    };
  }
  if (has("mknodat") && c.MKNOD_DEV_U64 === true) {
    a.mknodAt = (dirfd, path, mode, device) => {
      // A device number beyond 2^53 runs here, like a long truncate.
      if (device > MAX_EXACT) {
        return here("mknodat", dirfd, cstr(path), mode, device);
      }
      const p = getPool();
      p.begin("mknodat", strBytes(path));
      p.int(dirfd);
      p.str(path);
      p.int(mode);
      p.int(Number(device));
      return p.end(zeroOrErrno);
    };
  }
  const L = c.STATVFS;
  if (L !== undefined) {
    // The struct lands in the arena and is decoded here, on the main thread.
    const reply = (r: Reply) =>
      r.ret === 0 ? decodeStatvfs(L, r.u32, r.out) : -r.errno;
    if (has("statvfs")) {
      a.statvfs = (path) => {
        const p = getPool();
        p.begin("statvfs", strBytes(path) + L.size);
        p.str(path);
        p.out(L.size);
        return p.end(reply);
      };
    }
    if (has("fstatvfs")) {
      a.fstatvfs = (fd) => {
        const p = getPool();
        p.begin("fstatvfs", L.size);
        p.int(fd);
        p.out(L.size);
        return p.end(reply);
      };
    }
  }
  if (has("ftruncate")) {
    a.ftruncate = (fd, length) => {
      if (length > MAX_EXACT) return here("ftruncate", fd, length);
      const p = getPool();
      p.begin("ftruncate");
      p.int(fd);
      p.int(Number(length));
      return p.end(zeroOrErrno);
    };
  }
}
