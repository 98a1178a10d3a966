// Copyright 2026 the dirfd authors. MIT license.
/**
 * The hand-written async forms of the POSIX hot paths: the same libc calls
 * as the sync primitives, written into a `CallPool` arena and run on a
 * worker thread, each reporting the errno of its own call. Nothing here
 * throws.
 *
 * @module
 */
import type { StatResult } from "../_file_info.ts";
import { type CallPool, type Reply, strBytes } from "./_pool.ts";
import { dirFlags, type PosixAsync, type PosixConstants } from "./_posix.ts";
import { NOT_UTF8 } from "./_types.ts";

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

/**
 * The hand-written async forms (the hot paths): `statAt`, `fstat`,
 * `openDirAt` and `readLinkAt`, over `getPool`. The one-call primitives'
 * forms are derived from their descriptions (`_posix_at.ts`).
 */
export function posixCoreAsync(
  getPool: () => CallPool,
  c: PosixConstants,
  stat: StatRequests,
): PosixAsync {
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

  return {
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
      p.int(dirFlags(c, follow));
      return p.end(valueOrErrno);
    },
    readLinkAt(dirfd, path) {
      return readLinkOnce(dirfd, path, 4096);
    },
  };
}
