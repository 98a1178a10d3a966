// Copyright 2026 the dirfd authors. MIT license.
// Reads and writes that wait on a pipe (a FIFO with no data, a full FIFO)
// never hold a pool worker: the pool has two, and more waits than that
// must leave the process's other async calls served.
import { assert, assertEquals } from "@std/assert";
import { mkdir, mkfifoSync, open, readTextFile, writeFile } from "../mod.ts";
import { servedWhileWaiting, withTempDir } from "./_helpers.ts";

// FIFOs are POSIX (mkfifo); Windows named pipes are another API.
const posix = { ignore: Deno.build.os === "windows" };
const enc = new TextEncoder();
const dec = new TextDecoder();
/** More waiters than the pool has workers (two). */
const WAITERS = 4;

Deno.test(
  "File: reads that wait on FIFOs hold no pool worker",
  posix,
  async () => {
    await withTempDir(async (root) => {
      const names = Array.from({ length: WAITERS }, (_, i) => `p${i}`);
      for (const n of names) mkfifoSync(`${root}/${n}`);
      // read+write: the open itself does not wait for a writer.
      const files = await Promise.all(
        names.map((n) => open(`${root}/${n}`, { read: true, write: true })),
      );
      try {
        const reads = files.map(async (f) => {
          const buf = new Uint8Array(16);
          const n = await f.read(buf);
          return dec.decode(buf.subarray(0, n ?? 0));
        });
        await servedWhileWaiting(
          () => Promise.all([mkdir(`${root}/d1`), mkdir(`${root}/d2`)]),
          () => {
            for (const n of names) {
              Deno.writeFileSync(`${root}/${n}`, enc.encode(`to ${n}`));
            }
          },
        );
        assertEquals(await Promise.all(reads), names.map((n) => `to ${n}`));
        assertEquals(Deno.statSync(`${root}/d2`).isDirectory, true);
      } finally {
        for (const f of files) f.close();
      }
    });
  },
);

Deno.test(
  "File: writes that wait on full FIFOs hold no pool worker",
  posix,
  async () => {
    await withTempDir(async (root) => {
      const names = Array.from({ length: WAITERS }, (_, i) => `w${i}`);
      for (const n of names) mkfifoSync(`${root}/${n}`);
      const files = await Promise.all(
        names.map((n) => open(`${root}/${n}`, { read: true, write: true })),
      );
      // More than a pipe holds (64 KiB on Linux, 16–64 KiB on macOS): each
      // write waits until a reader drains it.
      const big = new Uint8Array(256 * 1024).fill(7);
      try {
        const writes = files.map((f) => f.write(big));
        const drained: Promise<number>[] = [];
        await servedWhileWaiting(
          () => Promise.all([mkdir(`${root}/d1`), mkdir(`${root}/d2`)]),
          () => {
            for (const f of files) {
              drained.push((async () => {
                let total = 0;
                const buf = new Uint8Array(64 * 1024);
                while (total < big.length) total += (await f.read(buf)) ?? 0;
                return total;
              })());
            }
          },
        );
        const wrote = await Promise.all(writes);
        for (const n of wrote) assert(n > 0 && n <= big.length);
        // The readers drain what was written (a blocking pipe write of
        // this size completes in full).
        assertEquals(wrote, names.map(() => big.length));
        assertEquals(await Promise.all(drained), wrote);
      } finally {
        for (const f of files) f.close();
      }
    });
  },
);

Deno.test(
  "readFile: reads of FIFOs wait off the pool",
  posix,
  async () => {
    await withTempDir(async (root) => {
      const names = Array.from({ length: WAITERS }, (_, i) => `q${i}`);
      for (const n of names) mkfifoSync(`${root}/${n}`);
      // A writer that keeps each FIFO open but writes nothing yet: the
      // readers' opens pair with it at once, their reads wait.
      const holders = names.map((n) =>
        Deno.openSync(`${root}/${n}`, { read: true, write: true })
      );
      try {
        const reads = names.map((n) => readTextFile(`${root}/${n}`));
        await servedWhileWaiting(
          () => Promise.all([mkdir(`${root}/d1`), mkdir(`${root}/d2`)]),
          () => {
            for (const [i, h] of holders.entries()) {
              h.writeSync(enc.encode(`from ${names[i]}`));
            }
          },
        );
        // End of file comes when the last writer closes.
        for (const h of holders) h.close();
        holders.length = 0;
        assertEquals(await Promise.all(reads), names.map((n) => `from ${n}`));
      } finally {
        for (const h of holders) h.close();
      }
    });
  },
);

Deno.test(
  "writeFile: writes to full FIFOs wait off the pool",
  posix,
  async () => {
    await withTempDir(async (root) => {
      const names = Array.from({ length: WAITERS }, (_, i) => `v${i}`);
      for (const n of names) mkfifoSync(`${root}/${n}`);
      // Readers that keep each FIFO open but read nothing yet: the writers'
      // opens pair with them at once, their writes wait (more than a pipe
      // holds, less than one pool request).
      const holders = names.map((n) =>
        Deno.openSync(`${root}/${n}`, { read: true, write: true })
      );
      const data = new Uint8Array(200 * 1024).fill(9);
      try {
        const writes = names.map((n) => writeFile(`${root}/${n}`, data));
        const drained: Promise<number>[] = [];
        await servedWhileWaiting(
          () => Promise.all([mkdir(`${root}/d1`), mkdir(`${root}/d2`)]),
          () => {
            for (const h of holders) {
              drained.push((async () => {
                let total = 0;
                const buf = new Uint8Array(64 * 1024);
                while (total < data.length) {
                  total += (await h.read(buf)) ?? 0;
                }
                return total;
              })());
            }
          },
        );
        await Promise.all(writes);
        assertEquals(await Promise.all(drained), names.map(() => data.length));
      } finally {
        for (const h of holders) h.close();
      }
    });
  },
);
