// Copyright 2026 the dirfd authors. MIT license.
// deno-lint-ignore-file no-explicit-any
/**
 * `Root` on Windows: the name rules, the resolver's primitives over
 * `NtCreateFile` relative to a directory handle, the one-call fast path and
 * the pool task behind the async methods.
 *
 * - Names are cleaned lexically ({@linkcode winRootClean}), as the Win32
 *   layer and Go's `os.Root` on Windows do: `/` and `\` both separate, `.`
 *   and `..` are resolved in the text (`a\..\b` is `b` whether or not `a`
 *   exists or is a link), more `..` than components, a rooted, drive,
 *   UNC or `\\?\` name is an escape, a `?` is `ERROR_INVALID_NAME`, a `:`
 *   (drive-relative names, alternate streams) an escape, and a device name
 *   (`NUL`, `CON`, `COM1`, `LPT1`, `CONIN$`, with or without an extension) is
 *   refused. A link's target is cleaned the same way, after the canonical
 *   names of the directory holding the link, and the walk restarts from the
 *   root (Go's `doInRoot`).
 * - Each component is opened relative to its parent's handle with
 *   `FILE_OPEN_REPARSE_POINT`, so a reparse point is opened itself, never
 *   followed; a symlink or junction (`IO_REPARSE_TAG_SYMLINK`,
 *   `IO_REPARSE_TAG_MOUNT_POINT`) is read (`FSCTL_GET_REPARSE_POINT`) and its
 *   target resolved inside the root by `ffi/_resolve.ts`.
 * - Fast path ({@linkcode winOpenBeneath}): the whole parent opened in one
 *   `NtCreateFile` with `OBJ_DONT_REPARSE`, which fails with
 *   `STATUS_REPARSE_POINT_ENCOUNTERED` at any reparse point on the way; then
 *   (or where the flag is unknown, `STATUS_INVALID_PARAMETER`) the
 *   component walk above decides.
 * - `symlink` ({@linkcode winSymlinkAt}): the entry created relative to the
 *   parent's handle, then its reparse point set; undone when that fails.
 *
 * The functions of {@linkcode WIN_ROOT_TASKS} are tasks (plain functions,
 * reached through `s`, that refer to nothing but their parameters and
 * globals), so the sync methods run them on the calling thread and the
 * async ones in one pool request; {@linkcode attachWindowsRoot} hooks them
 * onto the backend. Constants are literals named in comments. Nothing here
 * throws.
 *
 * @module
 */
import type { StatResult } from "../_file_info.ts";
import type { CallPool, PoolTask } from "./_pool.ts";
import { resolve } from "./_resolve.ts";
import { rootCaller } from "./_root_task.ts";
import type { BackendParts } from "./_types.ts";

/**
 * Cleans `s` lexically after the canonical components `base` (see the
 * module doc): the components from the root, a trailing separator kept as a
 * final `"."`; or `-0x20000` (escape), `-0x20002` (device name), `-2`
 * (empty: ERROR_FILE_NOT_FOUND) or `-123` (ERROR_INVALID_NAME, for `?`).
 * With `inRoot`, a rooted or volume-absolute name starts at the root and
 * `..` stops there. Runs on every OS (pure).
 */
export function winRootClean(
  base: string[],
  s: string,
  inRoot: boolean,
): string[] | number {
  const ESCAPE = -0x2_0000, DEVICE = -0x2_0002;
  if (s === "") return -2; // ERROR_FILE_NOT_FOUND
  let rest = s;
  let parts = base.slice();
  if (/^[\\/]/.test(s) || /^[A-Za-z]:/.test(s)) {
    if (!inRoot) return ESCAPE;
    // Chroot-style: the volume (drive, UNC share, \\?\ or \??\ device) is
    // dropped and the rest taken from the root.
    const m = s.match(/^[\\/]{2}[?.][\\/]UNC(?:[\\/][^\\/]*){0,2}/i) ??
      s.match(/^[\\/]{2}[?.][\\/][^\\/]*/) ??
      s.match(/^[\\/]\?\?[\\/][^\\/]*/) ??
      s.match(/^[\\/]{2}[^\\/]*(?:[\\/][^\\/]*)?/) ??
      s.match(/^[A-Za-z]:/);
    rest = s.slice(m === null ? 0 : m[0].length);
    parts = [];
  }
  if (rest.includes("?")) return -123; // ERROR_INVALID_NAME
  const names = rest.split(/[\\/]+/);
  for (const c of names) {
    if (c === "" || c === ".") continue;
    if (c === "..") {
      if (parts.length !== 0) parts.pop();
      else if (!inRoot) return ESCAPE;
      continue;
    }
    // A colon: a drive-relative name or an alternate data stream (Go's
    // filepath.IsLocal refuses both).
    if (c.includes(":")) return ESCAPE;
    // A device name, also with an extension or trailing spaces.
    let d = c;
    const cut = d.indexOf(".");
    if (cut >= 0) d = d.slice(0, cut);
    d = d.replace(/ +$/, "").toUpperCase();
    if (
      /^(?:CON|PRN|AUX|NUL|CONIN\$|CONOUT\$)$/.test(d) ||
      /^(?:COM|LPT)[1-9\u00b9\u00b2\u00b3]$/.test(d)
    ) return DEVICE;
    parts.push(c);
  }
  if (/[\\/]$/.test(rest)) parts.push(".");
  return parts;
}

/**
 * Scratch buffers of {@linkcode winRootPrims}: a stat output (`STAT_OUT`,
 * 216 bytes), a reparse buffer (`READLINK_OUT`, 16480), the NT scratch
 * (136), and a growing UTF-16 name.
 */
export interface WinRootScratch {
  stat: Uint8Array;
  link: Uint8Array;
  nt: Uint8Array;
  name: { buf: Uint16Array };
}

/** A fresh {@linkcode WinRootScratch}. */
export function winRootScratch(): WinRootScratch {
  return {
    stat: new Uint8Array(216),
    link: new Uint8Array(16480),
    nt: new Uint8Array(136),
    name: { buf: new Uint16Array(256) },
  };
}

/**
 * The resolver's primitives (`ResolvePrimitives` of `ffi/_resolve.ts`) on
 * Windows, over the tasks of `_windows_tasks.ts` reached through `s`:
 * `statAt` (the entry itself; a junction counts as a link), `openDirAt`
 * (`FILE_OPEN_REPARSE_POINT`; a symlink or junction is
 * ERROR_CANT_RESOLVE_FILENAME, POSIX's ELOOP), `readLinkAt` (relative to
 * the handle; ERROR_INVALID_PARAMETER, POSIX's EINVAL, for anything but a
 * symlink or junction), `mkdirAt`, `close` and `lexical`
 * ({@linkcode winRootClean}). `decode`, when given, turns the stat buffer
 * into the `FileInfo` `statAt` returns (the calling thread's); else a
 * `{ isSymlink, isDirectory }`. Error 3 (ERROR_PATH_NOT_FOUND) is reported
 * as 2, the one "not found" the resolver tells apart.
 */
export function winRootPrims(
  s: any,
  x: WinRootScratch,
  decode: ((stat: Uint8Array) => unknown) | null,
): any {
  const wide = (str: string): Uint16Array => {
    const n = str.length;
    if (x.name.buf.length < n + 1) x.name.buf = new Uint16Array(n * 2 + 1);
    const b = x.name.buf;
    for (let i = 0; i < n; i++) b[i] = str.charCodeAt(i);
    b[n] = 0;
    return b;
  };
  const notFound = (e: number) => e === -3 ? -2 : e;
  const st = x.stat;
  const view = new DataView(st.buffer, st.byteOffset, 216);
  /** A symlink or junction, from the stat buffer's attributes and tag. */
  const isLink = () => {
    // FILE_ATTRIBUTE_REPARSE_POINT; IO_REPARSE_TAG_SYMLINK,
    // IO_REPARSE_TAG_MOUNT_POINT.
    if ((view.getUint32(32, true) & 0x400) === 0) return false;
    const tag = view.getUint32(124, true);
    return tag === 0xa000000c || tag === 0xa0000003;
  };
  return {
    statAt(d: number, name: string) {
      const e = s.winStatAt(s, d, wide(name), name.length * 2, 0, st);
      if (e < 0) return notFound(e);
      if (isLink()) return { isSymlink: true, isDirectory: false };
      if (decode !== null) return decode(st);
      return {
        isSymlink: false,
        // FILE_ATTRIBUTE_DIRECTORY
        isDirectory: (view.getUint32(32, true) & 0x10) !== 0,
      };
    },
    openDirAt(d: number, name: string) {
      const h = s.winOpenDirAt(s, d, wide(name), name.length * 2, 0, st);
      if (h < 0) return notFound(h);
      if (isLink()) {
        s.CloseHandle(BigInt(h));
        return -1921; // ERROR_CANT_RESOLVE_FILENAME
      }
      return h;
    },
    readLinkAt(d: number, name: string) {
      // Opened itself (FILE_OPEN_REPARSE_POINT), for its attributes and
      // reparse data: FILE_READ_ATTRIBUTES.
      const h = s.winOpen(
        s,
        d,
        wide(name),
        name.length * 2,
        0,
        0x80,
        x.link.subarray(16392),
      );
      if (h < 0) return notFound(h);
      const H = BigInt(h);
      const r = ((): string | number => {
        const tagInfo = x.nt.subarray(128, 136);
        // FileAttributeTagInfo (9): not a symlink or junction → EINVAL.
        if (s.GetFileInformationByHandleEx(H, 9, tagInfo, 8) === 0) {
          return -s.GetLastError();
        }
        const tv = new DataView(tagInfo.buffer, tagInfo.byteOffset, 8);
        const tag = tv.getUint32(4, true);
        if (
          (tv.getUint32(0, true) & 0x400) === 0 ||
          (tag !== 0xa000000c && tag !== 0xa0000003)
        ) return -87; // ERROR_INVALID_PARAMETER
        const out = x.link;
        const returned = out.subarray(16384, 16388);
        // FSCTL_GET_REPARSE_POINT into MAXIMUM_REPARSE_DATA_BUFFER_SIZE.
        if (
          s.DeviceIoControl(
            H,
            0x000900a8,
            null,
            0,
            out.subarray(0, 16384),
            16384,
            returned,
            null,
          ) === 0
        ) return -s.GetLastError();
        const v = new DataView(out.buffer, out.byteOffset, 16392);
        const n = v.getUint32(16384, true);
        // Substitute name: offset and length at 8 and 10, after a header
        // of 20 bytes (symlink: it has Flags) or 16 (mount point).
        const at = (v.getUint32(0, true) === 0xa000000c ? 20 : 16) +
          v.getUint16(8, true);
        const len = v.getUint16(10, true);
        // ERROR_INVALID_REPARSE_DATA
        if (n < 16 || n > 16384 || at + len > n || len % 2 !== 0) return -4392;
        let t = "";
        for (let i = 0; i < len; i += 2) {
          t += String.fromCharCode(v.getUint16(at + i, true));
        }
        // An NT name as the Win32 one (Python's os.readlink).
        return t.startsWith("\\??\\") ? `\\\\?\\${t.slice(4)}` : t;
      })();
      s.CloseHandle(H);
      return r;
    },
    close(fd: number) {
      return s.CloseHandle(BigInt(fd)) !== 0 ? 0 : -s.GetLastError();
    },
    mkdirAt(d: number, name: string) {
      return notFound(
        s.winMkdirAt(s, d, wide(name), name.length * 2, x.nt),
      );
    },
    lexical: (base: string[], str: string, inRoot: boolean) =>
      s.winRootClean(base, str, inRoot),
    // ENOENT ENOTDIR ELOOP EEXIST EINVAL as Windows errors.
    errno: { ENOENT: 2, ENOTDIR: 267, ELOOP: 1921, EEXIST: 183, EINVAL: 87 },
  };
}

/**
 * The fast path: opens the directory `name` (cleaned, `\`-separated, no
 * `.` or `..`; `""` for `root` itself) beneath the handle `root` in one
 * `NtCreateFile` with `OBJ_DONT_REPARSE`, so that any reparse point on the
 * way fails the call instead of being followed.
 *
 * @returns The handle; `-5` (ERROR_ACCESS_DENIED, POSIX's EPERM: "walk
 * instead") at a reparse point (`STATUS_REPARSE_POINT_ENCOUNTERED`), for a
 * path not found, or where the flag is unknown (`STATUS_INVALID_PARAMETER`:
 * then `state[0]` becomes 1 and later calls return -5 at once); else
 * `-error`.
 */
export function winOpenBeneath(
  s: any,
  root: number,
  name: Uint16Array,
  nameBytes: number,
  scratch: Uint8Array,
  state: Uint8Array,
): number {
  if (state[0] !== 0) return -5;
  // FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES |
  // SYNCHRONIZE; FILE_OPEN; FILE_DIRECTORY_FILE |
  // FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT;
  // OBJ_CASE_INSENSITIVE | OBJ_DONT_REPARSE.
  const h = s.winNtOpen(
    s,
    root,
    name,
    nameBytes,
    0x1 | 0x20 | 0x80 | 0x100000,
    1,
    0x1 | 0x20 | 0x4000,
    scratch,
    0x40 | 0x1000,
  );
  // ERROR_REPARSE_POINT_ENCOUNTERED (4395), ERROR_INVALID_PARAMETER (87);
  // ERROR_PATH_NOT_FOUND (3): a component missing or not a directory, which
  // the walk tells apart (ENOENT or ENOTDIR, as on POSIX).
  if (h === -87) state[0] = 1;
  if (h === -4395 || h === -87 || h === -3) return -5;
  return h;
}

/**
 * Creates the symlink `name` (UTF-16, `nameBytes` bytes) relative to the
 * directory handle `dir`, pointing at `target`, as Go's `os.Root` does on
 * Windows: `NtCreateFile` with `FILE_CREATE` and `FILE_OPEN_REPARSE_POINT`
 * (a directory when `isDir`), then `FSCTL_SET_REPARSE_POINT` with an
 * `IO_REPARSE_TAG_SYMLINK` buffer: a relative target stored as given (`/`
 * as `\`) with `SYMLINK_FLAG_RELATIVE`; an absolute one (`C:\x`,
 * `\\server\x`, `\\?\X`) as the NT name `\??\…`, printed as given. When
 * the reparse point cannot be set, the new entry is deleted again.
 * Setting a symlink reparse point takes `SeCreateSymbolicLinkPrivilege`
 * (ERROR_PRIVILEGE_NOT_HELD without it).
 *
 * @returns 0, or `-error` (ERROR_ALREADY_EXISTS when `name` exists).
 */
export function winSymlinkAt(
  s: any,
  dir: number,
  name: Uint16Array,
  nameBytes: number,
  target: string,
  isDir: number,
  scratch: Uint8Array,
): number {
  const print = target.replaceAll("/", "\\");
  let sub = print;
  let relative = 1;
  if (/^[A-Za-z]:\\/.test(print)) sub = `\\??\\${print}`;
  else if (/^\\\\[?.]\\/.test(print)) sub = `\\??\\${print.slice(4)}`;
  else if (/^\\\\/.test(print)) sub = `\\??\\UNC\\${print.slice(2)}`;
  if (sub !== print) relative = 0;
  // REPARSE_DATA_BUFFER: ReparseTag, ReparseDataLength, Reserved;
  // SubstituteName offset/length, PrintName offset/length, Flags (20 bytes),
  // then the substitute and print names.
  const subBytes = sub.length * 2, printBytes = print.length * 2;
  if (subBytes + printBytes + 20 > 16384) return -4392; // INVALID_REPARSE_DATA
  const buf = new Uint8Array(20 + subBytes + printBytes);
  const v = new DataView(buf.buffer);
  v.setUint32(0, 0xa000000c, true); // IO_REPARSE_TAG_SYMLINK
  v.setUint16(4, 12 + subBytes + printBytes, true);
  v.setUint16(8, 0, true);
  v.setUint16(10, subBytes, true);
  v.setUint16(12, subBytes, true);
  v.setUint16(14, printBytes, true);
  v.setUint32(16, relative, true); // SYMLINK_FLAG_RELATIVE
  const all = sub + print;
  for (let i = 0; i < all.length; i++) {
    v.setUint16(20 + 2 * i, all.charCodeAt(i), true);
  }
  // FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES | DELETE | SYNCHRONIZE;
  // FILE_CREATE; FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT |
  // FILE_OPEN_FOR_BACKUP_INTENT, plus FILE_DIRECTORY_FILE or
  // FILE_NON_DIRECTORY_FILE.
  const h = s.winNtOpen(
    s,
    dir,
    name,
    nameBytes,
    0x2 | 0x100 | 0x10000 | 0x100000,
    2,
    0x200000 | 0x20 | 0x4000 | (isDir ? 0x1 : 0x40),
    scratch,
  );
  if (h < 0) return h;
  const H = BigInt(h);
  const returned = scratch.subarray(128, 132);
  // FSCTL_SET_REPARSE_POINT: the buffer in, nothing out.
  const ok = s.DeviceIoControl(
    H,
    0x000900a4,
    Deno.UnsafePointer.of(buf),
    buf.length,
    scratch.subarray(132, 132),
    0,
    returned,
    null,
  );
  let r = 0;
  if (ok === 0) {
    r = -s.GetLastError();
    // Not a link after all: the entry made goes again
    // (FileDispositionInformation, 13: DeleteFile = TRUE).
    scratch[88] = 1;
    s.winSetInfo(s, h, scratch.subarray(88, 89), 1, 13, scratch);
  }
  s.CloseHandle(H);
  return r;
}

/**
 * The pool task behind the async methods of a Windows `Root`: the request
 * of `ffi/_root_task.ts` (`writeRootRequest`; its errno words are not
 * used), resolved with `s.resolve` over {@linkcode winRootPrims} and
 * performed on the directory it leads to, in one request. The operations
 * are those of `ROOT_OP` (`SYMLINK` through {@linkcode winSymlinkAt}, `a1`
 * telling a directory link); `CHOWN` gives ERROR_NOT_SUPPORTED.
 *
 * @returns ≥ 0 on success (a count of output bytes, or a handle), or a
 * negative code (`-error`, `ESCAPE`, `DEVICE`, `NOT_UTF8`).
 */
export function winRootTask(
  s: any,
  io: Uint8Array,
  outBuf: Uint8Array,
  root: number,
): number {
  const v = new DataView(io.buffer, io.byteOffset, io.byteLength);
  const word = (i: number) => v.getInt32(i * 4, true);
  const op = word(0);
  const out = outBuf.subarray(0, 4096 + 256); // ROOT_OUT_BYTES
  const g = globalThis as any;
  const K = Symbol.for("dirfd.winRootTask.scratch");
  const k = g[K] ??= {
    x: {
      stat: new Uint8Array(216),
      link: new Uint8Array(16480),
      nt: new Uint8Array(136),
      name: { buf: new Uint16Array(256) },
    },
    dec: new TextDecoder("utf-8", { fatal: true }),
    enc: new TextEncoder(),
    times: new Uint8Array(16),
  };
  const p = s.winRootPrims(s, k.x, null);
  const wide = (str: string): [Uint16Array, number] => {
    const b = new Uint16Array(str.length + 1);
    for (let i = 0; i < str.length; i++) b[i] = str.charCodeAt(i);
    return [b, str.length * 2];
  };
  const cstr = (at: number) => {
    let end = at;
    while (io[end] !== 0) end++;
    return k.dec.decode(io.slice(at, end));
  };
  let name1: string, name2: string | undefined;
  try {
    name1 = cstr(word(21));
    name2 = word(22) === 0 ? undefined : cstr(word(22));
  } catch {
    return -0x1_0000; // NOT_UTF8
  }
  if (word(25) === 1) {
    // noXdev: the volume serial (BY_HANDLE_FILE_INFORMATION @28, at 64 in
    // the stat buffer) of each directory entered against the root's.
    const st = k.x.stat;
    const serial = () =>
      new DataView(st.buffer, st.byteOffset).getUint32(64 + 28, true);
    const e0 = s.winStatHandle(s, root, st);
    if (e0 < 0) return e0;
    const rootSerial = serial();
    p.crosses = (fd: number) =>
      s.winStatHandle(s, fd, st) < 0 || serial() !== rootSerial;
  }
  const req = {
    symlinks: ["beneath", "inRoot", "none"][word(1)],
    follow: word(2) === 1,
    mkdirMode: word(3),
  };
  const r1 = { dir: -1, owned: false, leaf: ".", info: null, parents: [] };
  const e = s.resolve(p, root, name1, req, r1);
  if (e < 0) return e;
  const done = (x: number) => {
    if (r1.owned) s.CloseHandle(BigInt(r1.dir));
    return x;
  };
  const d = r1.dir;
  const leaf: string = r1.leaf;
  const [L, LB] = wide(leaf === "." ? "" : leaf);
  const nt = k.x.nt;
  const a1 = word(4);
  /** A FILE_RENAME/LINK_INFORMATION naming `n` under the handle `dir`. */
  const info = (dir: number, n: string) => {
    const b = new Uint8Array(24 + n.length * 2 + 2);
    const iv = new DataView(b.buffer);
    iv.setBigInt64(8, BigInt(dir), true);
    iv.setUint32(16, n.length * 2, true);
    for (let i = 0; i < n.length; i++) {
      iv.setUint16(20 + 2 * i, n.charCodeAt(i), true);
    }
    return b;
  };
  switch (op) {
    case 0: { // PARENT: the parent's handle (handed over), the leaf in out.
      let h = d;
      if (r1.owned) r1.owned = false;
      else h = s.winDupDir(s, root, nt);
      if (h < 0) return h;
      const n = k.enc.encodeInto(leaf, out).written;
      out[n] = 0;
      return h;
    }
    case 1: { // STAT: the stat buffer (STAT_OUT) at the start of out.
      const r = s.winStatAt(s, d, L, LB, 0, out);
      return done(r === -3 ? -2 : r);
    }
    case 2: { // READLINK: UTF-8 of the target.
      const t = p.readLinkAt(d, leaf);
      if (typeof t === "number") return done(t);
      const { read, written } = k.enc.encodeInto(t, out);
      return done(read < t.length ? -87 : written);
    }
    case 3: { // MKDIR
      const r = p.mkdirAt(d, leaf);
      return done(r === -183 && word(3) >= 0 ? 1 : r);
    }
    case 4: { // REMOVE: a file or link, else an empty directory.
      if (leaf === ".") return done(-87);
      let r = s.winUnlinkAt(s, d, L, LB, 0, 0, nt);
      // ERROR_ACCESS_DENIED: a directory (or a refusal the rmdir repeats);
      // ERROR_DIRECTORY from the rmdir: not one after all.
      if (r === -5) {
        const rd = s.winUnlinkAt(s, d, L, LB, 1, 0, nt);
        r = rd === -267 ? r : rd;
      }
      return done(r === -3 ? -2 : r);
    }
    case 5: // RENAME (replacing, as rename(2))
    case 6: { // LINK
      const r2 = { dir: -1, owned: false, leaf: ".", info: null, parents: [] };
      const e2 = s.resolve(p, root, name2!, { ...req, follow: false }, r2);
      if (e2 < 0) return done(e2);
      if (leaf === "." || r2.leaf === ".") {
        if (r2.owned) s.CloseHandle(BigInt(r2.dir));
        return done(-87);
      }
      const i = info(r2.dir, r2.leaf);
      const r = op === 5
        ? s.winRenameAt(s, d, L, LB, i, 1, nt)
        : s.winLinkAt(s, d, L, LB, 0, i, nt);
      if (r2.owned) s.CloseHandle(BigInt(r2.dir));
      return done(r === -3 ? -2 : r);
    }
    case 8: // CHMOD: the entry itself (never following a link).
      return done(s.winChmodAt(s, d, L, LB, 0, a1, nt));
    case 10: { // UTIME: FILETIME ticks from the header's times.
      const t = k.times;
      const tv = new DataView(t.buffer);
      for (let i = 0; i < 2; i++) {
        const sec = v.getBigInt64(120 + 16 * i, true);
        const nsec = v.getBigInt64(128 + 16 * i, true);
        // 11644473600 s from 1601 to 1970; 100 ns ticks.
        const ticks = (sec + 11644473600n) * 10_000_000n + nsec / 100n;
        if (ticks <= 0n || ticks > 0x7fffffffffffffffn) return done(-87);
        tv.setBigInt64(8 * i, ticks, true);
      }
      return done(s.winUtimeAt(s, d, L, LB, 0, t, nt));
    }
    case 11: { // REALPATH
      if (leaf !== "." && r1.info === null) {
        const r = p.statAt(d, leaf);
        if (typeof r === "number") return done(r);
      }
      const parts = leaf === "." ? r1.parents : [...r1.parents, leaf];
      const text = parts.length === 0 ? "." : parts.join("/");
      const { read, written } = k.enc.encodeInto(text, out);
      return done(read < text.length ? -87 : written);
    }
    case 12: // OPENDIR
      return done(leaf === "." ? s.winDupDir(s, d, nt) : p.openDirAt(d, leaf));
    case 7: // SYMLINK: name2 is the target, a1 whether a directory link.
      if (leaf === ".") return done(-183); // ERROR_ALREADY_EXISTS
      return done(s.winSymlinkAt(s, d, L, LB, name2!, a1, nt));
  }
  return done(-50); // ERROR_NOT_SUPPORTED (CHOWN)
}

/** The tasks a Windows backend ships for Root. */
export const WIN_ROOT_TASKS: Record<string, PoolTask> = {
  // Not a request of its own: the tasks call it as `s.resolve`.
  resolve: resolve as unknown as PoolTask,
  winRootClean: winRootClean as unknown as PoolTask,
  winRootPrims: winRootPrims as unknown as PoolTask,
  winOpenBeneath: winOpenBeneath as unknown as PoolTask,
  winSymlinkAt: winSymlinkAt as unknown as PoolTask,
  winRootTask: winRootTask as unknown as PoolTask,
};

/**
 * The name `rootName` passes on (see {@linkcode winRootClean}): the cleaned
 * components joined with `/`, a trailing separator kept, `"."` for the root
 * itself; or the refusal's negative code.
 */
export function winRootName(name: string, inRoot: boolean): string | number {
  const parts = winRootClean([], name, inRoot);
  if (typeof parts === "number") return parts;
  const dirOnly = parts.length !== 0 && parts[parts.length - 1] === ".";
  if (dirOnly) parts.pop();
  const text = parts.join("/");
  return dirOnly ? `${text === "" ? "." : text}/` : text === "" ? "." : text;
}

/** What {@linkcode attachWindowsRoot} needs from the Windows backend. */
export interface WinRootHooks {
  /** The symbols and tasks, by name, on the calling thread. */
  env: Record<string, unknown>;
  /** The backend's pool (started lazily). */
  pool(): CallPool;
  /** Decodes a stat buffer (`STAT_OUT`) into the backend's `FileInfo`. */
  decodeStat(raw: Uint8Array): StatResult;
}

/**
 * Adds Root's members to the Windows backend `b`: `rootCall` (the
 * {@linkcode winRootTask} request), `rootPlatform` (Windows error numbers;
 * chmod never follows), `decodeStat`, `rootResolve` (the resolver's
 * primitives on this thread), `rootName`, `rootSymlink`
 * ({@linkcode winSymlinkAt}) and `openBeneath` (the
 * `OBJ_DONT_REPARSE` fast path, for directories only: with `flags` it
 * answers ERROR_ACCESS_DENIED, POSIX's EPERM, so the walk runs).
 */
export function attachWindowsRoot(b: BackendParts, hooks: WinRootHooks): void {
  const { env } = hooks;
  const scratch = new Uint8Array(136);
  const state = new Uint8Array(1);
  const name = { buf: new Uint16Array(256) };
  Object.assign(b, {
    rootPlatform: Object.freeze({
      statx: false,
      modeOffset: 0,
      modeSize: 4,
      devOffset: 0,
      devSize: 0,
      dirFlags: 0,
      AT_SYMLINK_NOFOLLOW: 0,
      AT_REMOVEDIR: 0,
      // ENOENT ENOTDIR ELOOP EEXIST EINVAL EISDIR EPERM ENOTEMPTY: the
      // Windows errors that mean them here (a file unlink of a directory,
      // and a refusal, are both ERROR_ACCESS_DENIED).
      errno: Object.freeze([2, 267, 1921, 183, 87, 5, 5, 145]),
      nrFchmodat2: 0,
      lchmod: true,
    }),
    decodeStat: hooks.decodeStat,
    rootResolve: winRootPrims(env, winRootScratch(), hooks.decodeStat),
    rootName: winRootName,
    rootSymlink(target: string, dir: number, leaf: string, isDir: boolean) {
      if (leaf === ".") return -183; // ERROR_ALREADY_EXISTS
      const n = leaf.length;
      if (name.buf.length < n + 1) name.buf = new Uint16Array(n * 2 + 1);
      for (let i = 0; i < n; i++) name.buf[i] = leaf.charCodeAt(i);
      name.buf[n] = 0;
      return winSymlinkAt(
        env,
        dir,
        name.buf,
        n * 2,
        target,
        isDir ? 1 : 0,
        scratch,
      );
    },
    openBeneath(
      fd: number,
      parent: string,
      _symlinks: string,
      _noXdev: boolean,
      flags?: number,
    ) {
      // Directories only: a whole-name open with flags (a file) is left to
      // the walk (-5, "walk instead").
      if (flags !== undefined) return -5;
      // NT takes neither `.` nor a trailing separator: the components only
      // (FILE_DIRECTORY_FILE asks for a directory).
      const p = parent.split("/").filter((c) => c !== "" && c !== ".")
        .join("\\");
      const n = p.length;
      if (name.buf.length < n + 1) name.buf = new Uint16Array(n * 2 + 1);
      for (let i = 0; i < n; i++) name.buf[i] = p.charCodeAt(i);
      name.buf[n] = 0;
      return winOpenBeneath(env, fd, name.buf, n * 2, scratch, state);
    },
    rootCall: rootCaller(hooks.pool, "winRootTask"),
  });
}
