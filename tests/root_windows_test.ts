// Copyright 2026 the dirfd authors. MIT license.
// Root on Windows: the name rules (lexical `..`, both separators, drive,
// UNC and `\\?\` names, device names) as pure logic on every OS; the
// resolver's lexical mode over stand-in primitives on every OS; and, on
// Windows (Wine in CI), the same rules through a real Root, every method
// sync and async on trees without links (Wine has no reparse points), and
// the NtCreateFile calls a resolution makes, recorded (OBJ_DONT_REPARSE and
// FILE_OPEN_REPARSE_POINT, which Wine does not check).
// deno-lint-ignore-file no-explicit-any
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertThrows,
} from "@std/assert";
import fc from "fast-check";
import { openRoot, openRootSync, PathEscapesError, type Root } from "../mod.ts";
import { backend } from "../_backend.ts";
import { setPrimitive } from "../_testing.ts";
import {
  DEVICE,
  ESCAPE,
  resolve,
  resolved,
  type ResolvePrimitives,
} from "../ffi/_resolve.ts";
import {
  WIN_ROOT_TASKS,
  winRootClean,
  winRootName,
  winRootScratch,
} from "../ffi/_root_windows.ts";
import {
  ROOT_OP,
  ROOT_OUT_BYTES,
  rootRequestBytes,
  writeRootRequest,
} from "../ffi/_root_task.ts";
import { encodeSymlinkReparse } from "../ffi/_windows_logic.ts";
import type { TracedCall, WindowsBackend } from "../ffi/windows.ts";
import { withTempDir } from "./_helpers.ts";

const onWindows = Deno.build.os === "windows" &&
  backend()?.name === "windows" && backend()?.rootCall !== undefined;

Deno.test("winRootClean: separators, `.` and lexical `..`", () => {
  const c = (s: string) => winRootClean([], s, false);
  assertEquals(c("a/b"), ["a", "b"]);
  assertEquals(c("a\\b"), ["a", "b"]);
  assertEquals(c("a\\\\b//c"), ["a", "b", "c"]);
  assertEquals(c("./a/./b/."), ["a", "b"]);
  // `..` in the text, whatever `missing` or `file` are on disk.
  assertEquals(c("missing/../t"), ["t"]);
  assertEquals(c("a/b/../../a/b/../b/t"), ["a", "b", "t"]);
  assertEquals(c("a/.."), []);
  assertEquals(c("."), []);
  // A trailing separator: a final "." (must be a directory).
  assertEquals(c("a/"), ["a", "."]);
  assertEquals(c("a\\"), ["a", "."]);
  assertEquals(c("a/b/..\\"), ["a", "."]);
  assertEquals(c(""), -2);
  // Names keep their case, spaces and dots inside.
  assertEquals(c("A b.c/d"), ["A b.c", "d"]);
  // After a link's directory: relative to it.
  assertEquals(winRootClean(["d"], "..\\t", false), ["t"]);
  assertEquals(winRootClean(["a", "b"], "c/", false), ["a", "b", "c", "."]);
});

Deno.test("winRootClean: escapes, absolute names and refusals", () => {
  const c = (s: string) => winRootClean([], s, false);
  for (
    const s of [
      "..",
      "../",
      "a/../..",
      "a\\..\\..\\b",
      "/x",
      "\\x",
      "C:\\x",
      "c:/x",
      "C:x",
      "C:",
      "\\\\server\\share\\x",
      "//server/share/x",
      "\\\\?\\C:\\x",
      "\\\\.\\C:\\x",
      "\\??\\C:\\x",
      "a:b",
      "file.txt:stream",
    ]
  ) assertEquals(c(s), ESCAPE, s);
  assertEquals(winRootClean(["d"], "../../t", false), ESCAPE);
  assertEquals(winRootClean(["d"], "C:\\t", false), ESCAPE);
  // `?` is no file name character (Go: ERROR_INVALID_NAME).
  assertEquals(c("a?b"), -123);
  assertEquals(c("a/*?"), -123);
  for (
    const s of [
      "NUL",
      "nul",
      "nul.txt",
      "NUL .txt",
      "CON",
      "PRN",
      "AUX",
      "COM1",
      "com9.log",
      "LPT1",
      "LPT\u00b9",
      "COM\u00b3",
      "CONIN$",
      "conout$",
      "a/CON",
      "a/NUL/b",
    ]
  ) assertEquals(c(s), DEVICE, s);
  for (const s of ["NULL", "COM10", "COM0", "LPT", "CONX", "a.NUL", "xCON"]) {
    assertEquals(c(s), [s], s);
  }
});

Deno.test("winRootClean: inRoot drops the volume and stops at the root", () => {
  const c = (s: string) => winRootClean(["x"], s, true);
  assertEquals(c("C:\\t\\u"), ["t", "u"]);
  assertEquals(c("C:t"), ["t"]);
  assertEquals(c("\\t"), ["t"]);
  assertEquals(c("/"), ["."]);
  assertEquals(c("\\\\server\\share\\t"), ["t"]);
  assertEquals(c("\\\\?\\C:\\t"), ["t"]);
  assertEquals(c("\\\\?\\UNC\\srv\\share\\t"), ["t"]);
  assertEquals(c("\\??\\C:\\t"), ["t"]);
  assertEquals(c("..\\..\\..\\t"), ["t"]);
  assertEquals(c("t"), ["x", "t"]);
  assertEquals(c("NUL"), DEVICE);
});

Deno.test("winRootName: the cleaned name a Root passes on", () => {
  assertEquals(winRootName("a\\b\\", false), "a/b/");
  assertEquals(winRootName("a/b/..", false), "a");
  assertEquals(winRootName("./", false), "./");
  assertEquals(winRootName("a/..", false), ".");
  assertEquals(winRootName("C:\\x", false), ESCAPE);
  assertEquals(winRootName("C:\\x", true), "x");
});

Deno.test("winRootClean: property — a clean result never climbs or holds a separator", () => {
  const part = fc.constantFrom("a", "b", ".", "..", "", "c d", "e.f");
  const sep = fc.constantFrom("/", "\\");
  fc.assert(
    fc.property(
      fc.array(fc.tuple(part, sep), { maxLength: 8 }),
      fc.boolean(),
      (parts, inRoot) => {
        const s = parts.map(([p, x]) => p + x).join("");
        const r = winRootClean([], s, inRoot);
        if (typeof r === "number") {
          // Only an empty name or a climb out can fail here.
          assert(r === -2 || (r === ESCAPE && !inRoot), `${s}: ${r}`);
          return;
        }
        for (const [i, c] of r.entries()) {
          assert(c !== ".." && c !== "" && !/[\\/]/.test(c), `${s}: ${r}`);
          assert(c !== "." || i === r.length - 1, `${s}: ${r}`);
        }
        // Idempotent: cleaning the result again changes nothing.
        const again = winRootName(s, inRoot);
        if (typeof again === "string") {
          assertEquals(winRootName(again, inRoot), again);
        }
      },
    ),
  );
});

/**
 * Stand-in primitives over an in-memory tree (a path → "dir", "file" or
 * "->target"), descriptors being indexes into the paths opened; with the
 * Windows lexical rule. Counts the opens.
 */
function standIn(tree: Record<string, string>) {
  const open: string[] = ["."];
  const at = (d: number, n: string) => open[d] === "." ? n : `${open[d]}/${n}`;
  const opens: string[] = [];
  const p: ResolvePrimitives = {
    statAt(d, n) {
      const e = tree[at(d, n)];
      if (e === undefined) return -2;
      return { isSymlink: e.startsWith("->") };
    },
    openDirAt(d, n) {
      const path = at(d, n);
      opens.push(path);
      const e = tree[path];
      if (e === undefined) return -2;
      if (e.startsWith("->")) return -1921;
      if (e !== "dir") return -267;
      open.push(path);
      return open.length - 1;
    },
    readLinkAt(d, n) {
      const e = tree[at(d, n)];
      return e?.startsWith("->") ? e.slice(2) : -87;
    },
    close: () => 0,
    lexical: winRootClean,
    errno: { ENOENT: 2, ENOTDIR: 267, ELOOP: 1921, EEXIST: 183, EINVAL: 87 },
  };
  const run = (
    name: string,
    symlinks: "beneath" | "inRoot" | "none" = "beneath",
  ) => {
    const r = resolved();
    const e = resolve(p, 0, name, { symlinks, follow: true, mkdirMode: -1 }, r);
    if (e < 0) return e;
    return r.leaf === "." ? [...r.parents] : [...r.parents, r.leaf];
  };
  return { run, opens };
}

Deno.test("resolve (lexical mode): `..` in names and link targets is textual", () => {
  const { run, opens } = standIn({
    "a": "->b\\c",
    "b": "dir",
    "b/c": "dir",
    "b/c/t": "file",
    "t": "file",
    "f": "file",
    "d": "dir",
    "d/up": "->..\\t",
    "d/out": "->..\\..\\t",
    "d/abs": "->C:\\t",
    "d/unc": "->\\\\server\\share\\t",
    "d/dev": "->NUL",
    "d/x": "->y\\..\\..\\t",
    "loop": "->loop",
  });
  // POSIX: a/../t is b/t (through the link); Windows: t, a never opened.
  assertEquals(run("a/../t"), ["t"]);
  assertEquals(opens.includes("a"), false);
  assertEquals(run("missing\\..\\t"), ["t"]);
  assertEquals(run("f/../t"), ["t"]);
  assertEquals(run("a\\t"), ["b", "c", "t"]);
  assertEquals(run("d/up"), ["t"]);
  // y does not exist: the target is cleaned before any open.
  assertEquals(run("d/x"), ["t"]);
  assertEquals(run("d/out"), ESCAPE);
  assertEquals(run("d/abs"), ESCAPE);
  assertEquals(run("d/unc"), ESCAPE);
  assertEquals(run("d/dev"), DEVICE);
  assertEquals(run("d/abs", "inRoot"), ["t"]);
  assertEquals(run("d/out", "inRoot"), ["t"]);
  assertEquals(run("d/up", "none"), -1921);
  assertEquals(run("loop"), -1921);
  assertEquals(run("C:\\t"), ESCAPE);
  assertEquals(run("C:\\t", "inRoot"), ["t"]);
  assertEquals(run("NUL"), DEVICE);
});

// The Windows tasks rebuilt from their source text, as a pool worker
// rebuilds them (so a reference outside a task would fail here), run over
// stand-in calls: a tree of entries by path, handles by number.

const rebuilt = (f: unknown) =>
  new Function("return (" + String(f) + ");")() as (...a: any[]) => any;

interface Entry {
  attrs: number;
  tag?: number;
  reparse?: Uint8Array;
}

/** A mount point's REPARSE_DATA_BUFFER (16-byte header, then the names). */
function mountPoint(substitute: string, print: string): Uint8Array {
  const all = substitute + print;
  const out = new Uint8Array(16 + all.length * 2);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa0000003, true);
  v.setUint16(4, 8 + all.length * 2, true);
  v.setUint16(8, 0, true);
  v.setUint16(10, substitute.length * 2, true);
  v.setUint16(12, substitute.length * 2, true);
  v.setUint16(14, print.length * 2, true);
  for (let i = 0; i < all.length; i++) {
    v.setUint16(16 + 2 * i, all.charCodeAt(i), true);
  }
  return out;
}

function standInCalls(tree: Record<string, Entry>) {
  const handles = new Map<number, string>([[1, ""]]);
  let next = 100;
  const closed: number[] = [];
  const text = (name: Uint16Array, bytes: number) =>
    String.fromCharCode(...name.subarray(0, bytes / 2));
  const path = (d: number, n: string) => {
    const base = handles.get(d)!;
    return n === "" ? base : base === "" ? n : `${base}/${n}`;
  };
  const fill = (e: Entry, st: Uint8Array) => {
    const v = new DataView(st.buffer, st.byteOffset);
    v.setUint32(32, e.attrs, true);
    v.setUint32(124, e.tag ?? 0, true);
  };
  let lastError = 0;
  const s: Record<string, any> = {
    winStatAt(
      _s: any,
      d: number,
      n: Uint16Array,
      b: number,
      _f: number,
      st: Uint8Array,
    ) {
      const e = tree[path(d, text(n, b))];
      if (e === undefined) return -3;
      fill(e, st);
      return 0;
    },
    winOpenDirAt(
      _s: any,
      d: number,
      n: Uint16Array,
      b: number,
      _f: number,
      st: Uint8Array,
    ) {
      const p = path(d, text(n, b));
      const e = tree[p];
      if (e === undefined) return -2;
      fill(e, st);
      if (e.tag === 0xa000000c) return -1921;
      if ((e.attrs & 0x10) === 0) return -267;
      handles.set(next, p);
      return next++;
    },
    winOpen(
      _s: any,
      d: number,
      n: Uint16Array,
      b: number,
      follow: number,
      access: number,
    ) {
      assertEquals([follow, access], [0, 0x80]);
      const p = path(d, text(n, b));
      if (tree[p] === undefined) return -2;
      handles.set(next, p);
      return next++;
    },
    winMkdirAt: () => 0,
    GetFileInformationByHandleEx(H: bigint, cls: number, buf: Uint8Array) {
      assertEquals(cls, 9);
      const e = tree[handles.get(Number(H))!];
      const v = new DataView(buf.buffer, buf.byteOffset);
      v.setUint32(0, e.attrs, true);
      v.setUint32(4, e.tag ?? 0, true);
      return 1;
    },
    DeviceIoControl(
      H: bigint,
      code: number,
      _i: null,
      _n: number,
      out: Uint8Array,
      size: number,
      ret: Uint8Array,
    ) {
      assertEquals([code, size], [0x000900a8, 16384]);
      const e = tree[handles.get(Number(H))!];
      if (e.reparse === undefined) {
        lastError = 4390;
        return 0;
      }
      out.set(e.reparse);
      new DataView(ret.buffer, ret.byteOffset).setUint32(
        0,
        e.reparse.length,
        true,
      );
      return 1;
    },
    GetLastError: () => lastError,
    CloseHandle(H: bigint) {
      closed.push(Number(H));
      return 1;
    },
  };
  for (const [name, task] of Object.entries(WIN_ROOT_TASKS)) {
    s[name] = rebuilt(task);
  }
  return { s, handles, closed };
}

Deno.test("winRootPrims (rebuilt): links, junctions and targets over stand-ins", () => {
  const { s, handles, closed } = standInCalls({
    d: { attrs: 0x10 },
    "d/f": { attrs: 0x20 },
    "d/sl": {
      attrs: 0x400,
      tag: 0xa000000c,
      reparse: encodeSymlinkReparse("..\\t", "..\\t", true),
    },
    "d/j": {
      attrs: 0x10 | 0x400,
      tag: 0xa0000003,
      reparse: mountPoint("\\??\\C:\\x", "C:\\x"),
    },
    // Another reparse point (a cloud file, say) is no link.
    "d/cloud": { attrs: 0x10 | 0x400, tag: 0x9000001a },
  });
  const p = s.winRootPrims(s, winRootScratch(), null);
  assertEquals(p.readLinkAt(1, "d/sl"), "..\\t");
  // A junction's NT name as Win32 shows it (Python's readlink).
  assertEquals(p.readLinkAt(1, "d/j"), "\\\\?\\C:\\x");
  assertEquals(p.readLinkAt(1, "d/f"), -87);
  assertEquals(p.readLinkAt(1, "d/cloud"), -87);
  assertEquals(p.readLinkAt(1, "nope"), -2);
  assertEquals(p.statAt(1, "d/j"), { isSymlink: true, isDirectory: false });
  assertEquals(p.statAt(1, "d/sl").isSymlink, true);
  assertEquals(p.statAt(1, "d/f"), { isSymlink: false, isDirectory: false });
  assertEquals(p.statAt(1, "d/cloud"), { isSymlink: false, isDirectory: true });
  assertEquals(p.statAt(1, "gone"), -2); // ERROR_PATH_NOT_FOUND as not found
  const d = p.openDirAt(1, "d");
  assertEquals(handles.get(d), "d");
  assertEquals(p.openDirAt(d, "j"), -1921);
  assertEquals(p.openDirAt(d, "sl"), -1921);
  assertEquals(p.openDirAt(d, "f"), -267);
  assert(p.openDirAt(d, "cloud") > 0);
  // Every handle opened but the directories handed out was closed.
  const opened = [...handles.keys()].filter((h) => h >= 100);
  const kept = [d, opened[opened.length - 1]];
  assertEquals(
    opened.filter((h) => !kept.includes(h)).sort(),
    [...new Set(closed)].sort(),
  );
  assertEquals(p.lexical(["d"], "..\\t", false), ["t"]);
});

Deno.test("winSymlinkAt (rebuilt): the reparse buffer, and the undo", () => {
  const task = rebuilt(WIN_ROOT_TASKS.winSymlinkAt);
  const run = (target: string, isDir: number, fail: boolean) => {
    const calls: any[] = [];
    const s = {
      winNtOpen: (...a: any[]) => {
        calls.push({ fn: "open", access: a[4], disp: a[5], options: a[6] });
        return 7;
      },
      DeviceIoControl(
        _h: bigint,
        code: number,
        p: Deno.PointerValue,
        n: number,
      ) {
        const buf = new Uint8Array(
          Deno.UnsafePointerView.getArrayBuffer(p!, n),
        ).slice();
        calls.push({ fn: "fsctl", code, buf });
        return fail ? 0 : 1;
      },
      GetLastError: () => 1314,
      winSetInfo: (
        _s: any,
        h: number,
        info: Uint8Array,
        len: number,
        cls: number,
      ) => calls.push({ fn: "set", h, info: info[0], len, cls }),
      CloseHandle: (h: bigint) => calls.push({ fn: "close", h: Number(h) }),
    };
    const name = new Uint16Array([0x6c, 0]);
    const r = task(s, 3, name, 2, target, isDir, new Uint8Array(136));
    return { r, calls };
  };
  const rel = run("../t", 0, false);
  assertEquals(rel.r, 0);
  assertEquals(rel.calls[0], {
    fn: "open",
    access: 0x2 | 0x100 | 0x10000 | 0x100000,
    disp: 2,
    options: 0x200000 | 0x20 | 0x4000 | 0x40,
  });
  assertEquals(rel.calls[1].code, 0x000900a4);
  assertEquals(
    rel.calls[1].buf,
    encodeSymlinkReparse("..\\t", "..\\t", true),
  );
  assertEquals(rel.calls.map((c) => c.fn), ["open", "fsctl", "close"]);
  const abs = run("C:\\x", 1, false);
  assertEquals(abs.calls[0].options & 0x41, 0x1);
  assertEquals(
    abs.calls[1].buf,
    encodeSymlinkReparse("\\??\\C:\\x", "C:\\x", false),
  );
  assertEquals(
    run("\\\\srv\\s\\x", 0, false).calls[1].buf,
    encodeSymlinkReparse(
      "\\??\\UNC\\srv\\s\\x",
      "\\\\srv\\s\\x",
      false,
    ),
  );
  // No privilege: the entry made is deleted again, the error returned.
  const denied = run("t", 0, true);
  assertEquals(denied.r, -1314);
  assertEquals(denied.calls.slice(2), [
    { fn: "set", h: 7, info: 1, len: 1, cls: 13 },
    { fn: "close", h: 7 },
  ]);
});

Deno.test("winRootTask (rebuilt): resolve and operate in one request", () => {
  const { s, closed } = standInCalls({
    d: { attrs: 0x10 },
    "d/t": { attrs: 0x20 },
    t: { attrs: 0x20 },
    "d/up": {
      attrs: 0x400,
      tag: 0xa000000c,
      reparse: encodeSymlinkReparse("..\\t", "..\\t", true),
    },
    "d/j": {
      attrs: 0x10 | 0x400,
      tag: 0xa0000003,
      reparse: mountPoint("\\??\\C:\\x", "C:\\x"),
    },
  });
  s.resolve = rebuilt(resolve);
  const plat = {
    statx: false,
    modeOffset: 0,
    modeSize: 4 as const,
    devOffset: 0,
    devSize: 0,
    dirFlags: 0,
    AT_SYMLINK_NOFOLLOW: 0,
    AT_REMOVEDIR: 0,
    errno: [2, 267, 1921, 183, 87, 5, 5, 145],
    nrFchmodat2: 0,
    lchmod: true,
  };
  const task = (op: number, name1: string, policy: 0 | 1 | 2 = 0) => {
    const req = {
      op,
      policy,
      // As the Root's methods ask: readLink acts on the link itself.
      follow: op !== ROOT_OP.READLINK,
      mkdirMode: -1,
      a1: 0,
      a2: 0,
      name1,
      noXdev: false,
    };
    const io = new Uint8Array(rootRequestBytes(req));
    writeRootRequest(io, plat, req);
    const out = new Uint8Array(ROOT_OUT_BYTES);
    const r = s.winRootTask(s, io, out, 1);
    return r < 0 ? r : new TextDecoder().decode(out.subarray(0, r));
  };
  const REALPATH = ROOT_OP.REALPATH, READLINK = ROOT_OP.READLINK;
  assertEquals(task(REALPATH, "d\\up"), "t");
  assertEquals(task(REALPATH, "d/../d/./t"), "d/t");
  assertEquals(task(REALPATH, "x/../t"), "t");
  assertEquals(task(REALPATH, "d/j"), ESCAPE);
  assertEquals(task(REALPATH, "d/j", 1), -2); // inRoot: R/x, absent
  assertEquals(task(REALPATH, "COM1"), DEVICE);
  assertEquals(task(READLINK, "d/up"), "..\\t");
  assertEquals(task(ROOT_OP.CHOWN, "t"), -50);
  // Every directory handle the resolutions opened was closed.
  assertEquals(closed.filter((h) => h >= 100).length > 0, true);
});

// ---------------------------------------------------------------- Windows

/** Calls `m` (async when `A`) on `root`. */
// deno-lint-ignore no-explicit-any
function call(root: Root, A: boolean, m: string, ...args: unknown[]): any {
  // deno-lint-ignore no-explicit-any
  const r = root as any;
  return A ? r[m](...args) : r[`${m}Sync`](...args);
}

/** Expects `f` (sync or async) to throw an instance of `E`. */
async function throws<E extends Error>(
  f: () => unknown,
  E: new (...a: never[]) => E,
  msg?: string,
): Promise<E> {
  let e: unknown;
  try {
    await f();
  } catch (x) {
    e = x;
  }
  assertInstanceOf(e, E, msg);
  return e as E;
}

/** Every file under `dir`, by relative path, with its contents. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (p: string, rel: string) => {
    for (const e of Deno.readDirSync(p)) {
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory) {
        out[r] = "dir";
        visit(`${p}/${e.name}`, r);
      } else out[r] = Deno.readTextFileSync(`${p}/${e.name}`);
    }
  };
  visit(dir, "");
  return out;
}

for (const A of [false, true]) {
  const twin = A ? " (async)" : "";
  Deno.test({
    name: `Root on Windows${twin}: lexical \`..\` and backslashes`,
    ignore: !onWindows,
    async fn() {
      await withTempDir(async (T) => {
        const R = `${T}/R`;
        Deno.mkdirSync(`${R}/a/b`, { recursive: true });
        Deno.writeTextFileSync(`${R}/t`, "top");
        Deno.writeTextFileSync(`${R}/f`, "file");
        Deno.writeTextFileSync(`${R}/a/b/t`, "deep");
        await using root = await openRoot(R);
        // `missing` does not exist and `f` is a file: POSIX fails both;
        // Windows cleans the text first, as Go's os.Root does there.
        assertEquals(
          await call(root, A, "readTextFile", "missing/../t"),
          "top",
        );
        assertEquals(await call(root, A, "readTextFile", "f\\..\\t"), "top");
        assertEquals(await call(root, A, "readTextFile", "a\\b\\t"), "deep");
        assertEquals(
          await call(root, A, "realPath", "a\\b\\..\\b\\.\\t"),
          "a/b/t",
        );
        assertEquals(await call(root, A, "realPath", "a/.."), ".");
        assertEquals((await call(root, A, "stat", "a\\b\\")).isDirectory, true);
        await throws(
          () => call(root, A, "stat", "t\\"),
          Deno.errors.NotADirectory,
        );
        await call(root, A, "mkdir", "x\\y\\z", { recursive: true });
        assert(Deno.statSync(`${R}/x/y/z`).isDirectory);
        await call(root, A, "writeTextFile", "x\\y\\..\\w", "w");
        assertEquals(Deno.readTextFileSync(`${R}/x/w`), "w");
        await call(root, A, "rename", "x\\w", "a\\b\\..\\w2");
        assertEquals(Deno.readTextFileSync(`${R}/a/w2`), "w");
        await call(root, A, "remove", "x\\y\\z\\");
        assertEquals(Deno.readDirSync(`${R}/x/y`).next().done, true);
        await call(root, A, "remove", "x", { recursive: true });
        assertThrows(() => Deno.statSync(`${R}/x`), Deno.errors.NotFound);
        // More `..` than components: an escape, in the text alone.
        await throws(
          () => call(root, A, "stat", "a\\..\\..\\R\\t"),
          PathEscapesError,
        );
        await throws(() => call(root, A, "stat", "..\\R\\t"), PathEscapesError);
      });
    },
  });

  Deno.test({
    name:
      `Root on Windows${twin}: drive, UNC, \\\\?\\ and device names are refused`,
    ignore: !onWindows,
    async fn() {
      await withTempDir(async (T) => {
        const R = `${T}/R`;
        Deno.mkdirSync(R);
        Deno.writeTextFileSync(`${R}/t`, "t");
        Deno.writeTextFileSync(`${T}/t`, "outside");
        const before = tree(T);
        await using root = await openRoot(R);
        const abs = `${R}\\t`.replaceAll("/", "\\");
        for (
          const n of [
            abs,
            "C:\\t",
            "C:t",
            "\\t",
            "/t",
            "\\\\server\\share\\t",
            "\\\\?\\" + abs,
            "\\\\.\\C:\\t",
            "t:stream",
          ]
        ) {
          for (
            const op of [
              () => call(root, A, "stat", n),
              () => call(root, A, "readFile", n),
              () => call(root, A, "writeTextFile", n, "x"),
              () => call(root, A, "mkdir", n),
              () => call(root, A, "remove", n),
            ]
          ) await throws(op, PathEscapesError, n);
        }
        for (const n of ["NUL", "nul.txt", "COM1", "a/CON", "LPT9.log"]) {
          const e = await throws(
            () => call(root, A, "writeTextFile", n, "x"),
            PathEscapesError,
            n,
          );
          assert(e.message.includes("device"), e.message);
          await throws(() => call(root, A, "stat", n), PathEscapesError, n);
          await throws(
            () => call(root, A, "readFile", n),
            PathEscapesError,
            n,
          );
        }
        // `?` is no file name character: Windows' own error, no escape.
        const q = await throws(
          () => call(root, A, "writeTextFile", "a?b", "x"),
          Error,
        );
        assert(!(q instanceof PathEscapesError), q.message);
        assertEquals(tree(T), before);
        // chroot-style: the volume is dropped, `..` stops at the root.
        await using chroot = await openRoot(R, { symlinks: "inRoot" });
        assertEquals(await call(chroot, A, "readTextFile", "C:\\t"), "t");
        assertEquals(await call(chroot, A, "readTextFile", "\\t"), "t");
        assertEquals(await call(chroot, A, "readTextFile", "..\\..\\t"), "t");
        assertEquals(await call(chroot, A, "realPath", "\\\\?\\C:\\t"), "t");
        await throws(() => call(chroot, A, "stat", "NUL"), PathEscapesError);
      });
    },
  });

  Deno.test({
    name:
      `Root on Windows${twin}: every method on a tree without links; chown is NotSupported`,
    ignore: !onWindows,
    async fn() {
      await withTempDir(async (T) => {
        const R = `${T}/R`;
        Deno.mkdirSync(`${R}/d/e`, { recursive: true });
        Deno.writeTextFileSync(`${R}/d/f`, "abc");
        Deno.writeTextFileSync(`${T}/secret`, "secret");
        await using root = await openRoot(R);
        assertEquals((await call(root, A, "stat", "d/f")).size, 3);
        assertEquals((await call(root, A, "lstat", "d\\f")).isFile, true);
        // Not a link: EINVAL's TypeError, as readlinkat's on POSIX.
        await throws(() => call(root, A, "readLink", "d/f"), TypeError);
        await call(root, A, "mkdir", "n/m/", { recursive: true });
        await call(root, A, "mkdir", "n/m", { recursive: true });
        await throws(
          () => call(root, A, "mkdir", "d/f", { recursive: true }),
          Deno.errors.AlreadyExists,
        );
        await throws(
          () => call(root, A, "mkdir", "d"),
          Deno.errors.AlreadyExists,
        );
        await call(root, A, "writeFile", "d/w", new Uint8Array([1, 2]), {
          atomic: true,
        });
        assertEquals(Deno.readFileSync(`${R}/d/w`), new Uint8Array([1, 2]));
        await call(root, A, "truncate", "d/w", 1);
        assertEquals(Deno.statSync(`${R}/d/w`).size, 1);
        {
          await using f = await call(root, A, "open", "d/g", {
            write: true,
            createNew: true,
          });
          assertEquals(f.path, `${R}/d/g`);
        }
        await throws(
          () => call(root, A, "open", "d/g", { write: true, createNew: true }),
          Deno.errors.AlreadyExists,
        );
        {
          await using c = await call(root, A, "create", "d/c");
          assertEquals((await c.stat()).size, 0);
        }
        // rename replaces, as rename(2) does.
        await call(root, A, "rename", "d/c", "d/w");
        assertEquals(Deno.statSync(`${R}/d/w`).size, 0);
        await call(root, A, "link", "d/f", "d/h");
        assertEquals(Deno.readTextFileSync(`${R}/d/h`), "abc");
        await call(root, A, "chmod", "d/h", 0o444);
        assertEquals(Deno.statSync(`${R}/d/h`).mode! & 0o777, 0o444);
        await call(root, A, "chmod", "d/h", 0o644);
        await call(root, A, "utime", "d/f", 1000, 2000);
        assertEquals(Deno.statSync(`${R}/d/f`).mtime?.getTime(), 2_000_000);
        assertEquals(
          (await Array.fromAsync<{ name: string }>(
            call(root, A, "readDir", "d"),
          )).map((e) => e.name).sort(),
          ["e", "f", "g", "h", "w"],
        );
        Deno.writeTextFileSync(`${R}/d/e/deep`, "");
        assertEquals(
          (await Array.fromAsync<{ path: string }>(
            call(root, A, "walk", "d\\e\\.."),
          )).map((e) => e.path).sort(),
          ["d", "d/e", "d/e/deep", "d/f", "d/g", "d/h", "d/w"],
        );
        // From the root itself too: `/` on every platform, as realPath.
        assert(
          (await Array.fromAsync<{ path: string }>(call(root, A, "walk")))
            .some((e) => e.path === "d/e/deep"),
        );
        {
          await using sub = await call(root, A, "openRoot", "d\\e\\");
          assertEquals(sub.path, `${R}/d/e/`);
          await throws(() => call(sub, A, "stat", "../f"), PathEscapesError);
        }
        await throws(
          () => call(root, A, "chown", "d/f", 0, 0),
          Deno.errors.NotSupported,
        );
        // A symlink needs SeCreateSymbolicLinkPrivilege, and Wine has no
        // reparse points: it is made, or the call fails leaving nothing.
        try {
          await call(root, A, "symlink", "f", "d/l");
          assertEquals(Deno.readLinkSync(`${R}/d/l`), "f");
          assertEquals(await call(root, A, "readTextFile", "d/l"), "abc");
          Deno.removeSync(`${R}/d/l`);
        } catch {
          assertThrows(() => Deno.lstatSync(`${R}/d/l`), Deno.errors.NotFound);
        }
        await throws(
          () => call(root, A, "symlink", "f", "d/f"),
          Deno.errors.AlreadyExists,
        );
        // An escape stays an escape, before NotSupported.
        await throws(
          () => call(root, A, "symlink", "f", "../l"),
          PathEscapesError,
        );
        await throws(() => call(root, A, "remove", "."), TypeError);
        await throws(() => call(root, A, "remove", "d"), Error);
        await call(root, A, "remove", "d", { recursive: true });
        await call(root, A, "remove", "d", { recursive: true });
        assertEquals(tree(R), { n: "dir", "n/m": "dir" });
        assertEquals(Deno.readTextFileSync(`${T}/secret`), "secret");
      });
    },
  });
}

Deno.test({
  name: "Root on Windows: 32 concurrent mkdir recursive of one path",
  ignore: !onWindows,
  async fn() {
    await withTempDir(async (T) => {
      await using root = await openRoot(T);
      await Promise.all(
        Array.from(
          { length: 32 },
          (_, i) => root.mkdir(`a\\b/c/${i % 4}/`, { recursive: true }),
        ),
      );
      assertEquals(
        [...Deno.readDirSync(`${T}/a/b/c`)].map((e) => e.name).sort(),
        ["0", "1", "2", "3"],
      );
    });
  },
});

const wb = () => backend() as unknown as WindowsBackend;
const NT = {
  OBJ_DONT_REPARSE: 0x1000,
  FILE_OPEN_REPARSE_POINT: 0x200000,
  FILE_DIRECTORY_FILE: 0x1,
};

/** The NtCreateFile calls relative to a handle that `fn` makes. */
function opens(fn: () => void): Extract<TracedCall, { fn: "NtCreateFile" }>[] {
  const log = wb().trace!(true);
  try {
    fn();
  } finally {
    wb().trace!(false);
  }
  return log.filter((c): c is Extract<TracedCall, { fn: "NtCreateFile" }> =>
    c.fn === "NtCreateFile" && c.root !== 0
  );
}

Deno.test({
  name:
    "Root on Windows: the calls — OBJ_DONT_REPARSE for the parent, FILE_OPEN_REPARSE_POINT per component",
  ignore: !onWindows || wb().trace === undefined,
  async fn() {
    await withTempDir((T) => {
      Deno.mkdirSync(`${T}/a/b`, { recursive: true });
      Deno.writeTextFileSync(`${T}/a/b/t`, "t");
      using root = openRootSync(T);
      // Fast path: the parent in one call that no reparse point passes.
      const fast = opens(() => assertEquals(root.statSync("a\\b/t").size, 1));
      const parent = fast.find((c) => c.name === "a\\b")!;
      assert(parent !== undefined, JSON.stringify(fast));
      assertEquals(parent.objAttributes & NT.OBJ_DONT_REPARSE, 0x1000);
      assertEquals(parent.options & NT.FILE_DIRECTORY_FILE, 1);
      assertEquals(parent.root, root.fd);
      // The leaf: opened itself, never followed.
      const leaf = fast.filter((c) => c.name === "t");
      assert(leaf.length !== 0, JSON.stringify(fast));
      for (const c of leaf) {
        assertEquals(c.options & NT.FILE_OPEN_REPARSE_POINT, 0x200000);
      }
      // A trailing separator or a `.`: the components only (NT takes
      // neither), FILE_DIRECTORY_FILE asking for a directory.
      for (const [n, want] of [["a/b/", "a\\b"], ["./a\\", "a"], ["./", ""]]) {
        const calls = opens(() => assert(root.statSync(n).isDirectory));
        const dir = calls.find((c) => (c.objAttributes & 0x1000) !== 0);
        assertEquals(dir?.name, want, JSON.stringify(calls));
      }
      // The walk (the fast path off): one component per call, each opened
      // as itself (FILE_OPEN_REPARSE_POINT), none followed.
      assert(setPrimitive("openBeneath", false));
      try {
        const walk = opens(() => assertEquals(root.statSync("a\\b/t").size, 1));
        assertEquals(walk.map((c) => c.name), ["a", "b", "t"]);
        for (const c of walk) {
          assertEquals(c.options & NT.FILE_OPEN_REPARSE_POINT, 0x200000);
          assertEquals(c.objAttributes & NT.OBJ_DONT_REPARSE, 0);
        }
        assertEquals(walk[0].root, root.fd);
      } finally {
        setPrimitive("openBeneath", true);
      }
      // Refused names make no call at all.
      assertEquals(
        opens(() => assertThrows(() => root.statSync("NUL"), PathEscapesError)),
        [],
      );
      assertEquals(
        opens(() =>
          assertThrows(() => root.statSync("C:\\x"), PathEscapesError)
        ),
        [],
      );
    });
  },
});

Deno.test({
  name:
    "Root on Windows: symlink is FILE_CREATE with FILE_OPEN_REPARSE_POINT, undone when the reparse point cannot be set",
  ignore: !onWindows || wb().trace === undefined,
  async fn() {
    await withTempDir((T) => {
      Deno.mkdirSync(`${T}/d`);
      using root = openRootSync(T);
      for (
        const [target, dir] of [["t", false], ["d", true], ["C:\\x", false]]
      ) {
        const log = wb().trace!(true);
        let made = true;
        try {
          root.symlinkSync(target as string, "l");
        } catch {
          made = false;
        } finally {
          wb().trace!(false);
        }
        const create = log.find((c) =>
          c.fn === "NtCreateFile" && c.name === "l"
        ) as Extract<TracedCall, { fn: "NtCreateFile" }>;
        assert(create !== undefined, JSON.stringify(log));
        assertEquals(create.disposition, 2); // FILE_CREATE
        assertEquals(create.root, root.fd);
        assertEquals(create.options & NT.FILE_OPEN_REPARSE_POINT, 0x200000);
        // FILE_DIRECTORY_FILE for a directory target, else
        // FILE_NON_DIRECTORY_FILE.
        assertEquals(create.options & 0x41, dir ? 0x1 : 0x40, `${target}`);
        // FILE_WRITE_ATTRIBUTES and DELETE (to undo it).
        assertEquals(create.access & 0x10100, 0x10100);
        const undo = log.filter((c) =>
          c.fn === "NtSetInformationFile" && c.cls === 13
        );
        assertEquals(undo.length, made ? 0 : 1);
        if (made) Deno.removeSync(`${T}/l`);
        else assertThrows(() => Deno.lstatSync(`${T}/l`), Deno.errors.NotFound);
      }
    });
  },
});

Deno.test({
  name: "Root on Windows: an escape rejects from the async twins too",
  ignore: !onWindows,
  async fn() {
    await withTempDir(async (T) => {
      await using root = await openRoot(T);
      await assertRejects(() => root.stat("C:\\x"), PathEscapesError);
      await assertRejects(() => root.readFile("..\\x"), PathEscapesError);
    });
  },
});

Deno.test({
  name:
    "Root on Windows: the fast path and the walk fail alike; noXdev on one volume",
  ignore: !onWindows,
  async fn() {
    await withTempDir(async (T) => {
      Deno.mkdirSync(`${T}/d/e`, { recursive: true });
      Deno.writeTextFileSync(`${T}/f`, "f");
      const outcome = (root: Root, n: string) => {
        try {
          return `size ${root.statSync(n).size}`;
        } catch (e) {
          return (e as Error).constructor.name;
        }
      };
      const names = ["f/x", "f/x/y", "missing/x", "d/missing", "f/", "d/e/"];
      using root = openRootSync(T);
      const fast = names.map((n) => outcome(root, n));
      assert(setPrimitive("openBeneath", false));
      let walk: string[];
      try {
        walk = names.map((n) => outcome(root, n));
      } finally {
        setPrimitive("openBeneath", true);
      }
      assertEquals(fast, walk);
      assertEquals(fast[3], "NotFound");
      // A name within one volume never crosses: noXdev changes nothing.
      await using strict = await openRoot(T, { noXdev: true });
      assertEquals(strict.statSync("d/e").isDirectory, true);
      assertEquals((await strict.stat("d\\e")).isDirectory, true);
      assertEquals(await strict.readTextFile("d/../f"), "f");
    });
  },
});
