// Copyright 2026 the dirfd authors. MIT license.
// The file primitives' platform logic, run on every OS over stand-in
// symbols: openat's variadic-mode layout (padded on Apple arm64),
// F_FULLFSYNC on macOS, termios raw mode, per-arch O_* values.
import { assert, assertEquals } from "@std/assert";
import {
  DARWIN_FILE_CONSTANTS,
  DARWIN_TERMIOS,
  fileOpen,
  fileReadSmall,
  fileSymbols,
  fileSync,
  fileWriteSmall,
  LINUX_TERMIOS,
  linuxFileConstants,
  openatLayout,
  rawTermios,
} from "../ffi/_file_posix.ts";
import { CString } from "../ffi/_posix.ts";
import { runDeno } from "./_helpers.ts";

/** Stand-in symbols that record every call. */
function recorder(ret: Record<string, unknown> = {}) {
  const calls: [string, unknown[]][] = [];
  const names = [
    "openat_mode",
    "read",
    "write",
    "pread",
    "pwrite",
    "lseek",
    "fsync",
    "fdatasync",
    "flock",
    "isatty",
    "tcgetattr",
    "tcsetattr",
    "fcntl",
    "close",
    "fchmod",
  ];
  const s: Record<string, (...a: any[]) => any> = {};
  for (const n of names) {
    s[n] = (...a: unknown[]) => {
      calls.push([n, a]);
      return ret[n] ?? 0;
    };
  }
  return { s, calls };
}

const noStat = () => -38;

Deno.test("openat layout: mode on the stack on Apple arm64, a fixed 4th argument elsewhere", () => {
  const apple = openatLayout("darwin", "aarch64");
  // x0..x7 hold the eight register arguments; mode is the ninth, the first
  // 8-byte stack slot, where the variadic callee's va_arg reads it.
  assertEquals(apple.parameters.length, 9);
  assertEquals(apple.modeAt, 8);
  assertEquals(apple.parameters.slice(0, 3), ["i32", "buffer", "i32"]);
  assertEquals(apple.parameters[8], "u64", "a full 8-byte slot");
  for (
    const [os, arch] of [["darwin", "x86_64"], ["linux", "x86_64"], [
      "linux",
      "aarch64",
    ]]
  ) {
    const l = openatLayout(os, arch);
    assertEquals(
      l.parameters,
      ["i32", "buffer", "i32", "u32"],
      `${os} ${arch}`,
    );
    assertEquals(l.modeAt, 3);
  }
  assertEquals(
    fileSymbols("darwin", "aarch64").openat_mode.parameters.length,
    9,
  );
  assertEquals(fileSymbols("darwin", "aarch64").openat_mode.name, "openat");
  assertEquals(fileSymbols("linux", "x86_64").openat_mode.parameters.length, 4);
});

Deno.test("openAt passes mode where each layout puts it (sync and pool task)", () => {
  for (
    const [os, arch, want] of [
      ["darwin", "aarch64", [7, "buf", 0x201, 0n, 0n, 0n, 0n, 0n, 0o640n]],
      ["darwin", "x86_64", [7, "buf", 0x201, 0o640]],
      ["linux", "aarch64", [7, "buf", 0x41, 0o640]],
    ] as const
  ) {
    const { s, calls } = recorder({ openat_mode: 9 });
    const c = os === "darwin"
      ? DARWIN_FILE_CONSTANTS
      : linuxFileConstants(arch);
    const f = fileSync(s, c, () => 0, new CString(), noStat, os, arch);
    const flags = c.O_WRONLY | c.O_CREAT;
    assertEquals(f.openAt(7, "name", flags, 0o640), 9);
    const [name, args] = calls[0];
    assertEquals(name, "openat_mode");
    const shown = args.map((a) => a instanceof Uint8Array ? "buf" : a);
    assertEquals(shown, [...want], `${os} ${arch}`);
    const path = args[1] as Uint8Array;
    assertEquals(new TextDecoder().decode(path.subarray(0, 5)), "name\0");
  }
  // The pool tasks take the layout as an argument.
  const { s, calls } = recorder({ openat_mode: 5 });
  const p = new Uint8Array(8);
  assertEquals(fileOpen(s, 3, p, 0x201, 0o600, 1), 5);
  assertEquals(calls[0][1].slice(3), [0n, 0n, 0n, 0n, 0n, 0o600n]);
  calls.length = 0;
  assertEquals(fileOpen(s, 3, p, 0x201, 0o600, 0), 5);
  assertEquals(calls[0][1].slice(3), [0o600]);
  calls.length = 0;
  assertEquals(
    fileWriteSmall(s, 3, p, 0x201, 0o600, new Uint8Array(0), 0, 2 | 1),
    0,
  );
  assertEquals(calls[0][1].length, 9);
  assertEquals(calls.map((c) => c[0]), [
    "openat_mode",
    "lseek",
    "fchmod",
    "close",
  ]);
  // A descriptor that cannot seek (a pipe) comes back open and unwritten,
  // as its number plus one; so does readSmall's, marked at byte 4.
  const pipe = recorder({ openat_mode: 5, lseek: -1 });
  assertEquals(
    fileWriteSmall(pipe.s, 3, p, 0x201, 0o600, new Uint8Array(4), 4, 1),
    6,
  );
  assertEquals(pipe.calls.map((c) => c[0]), ["openat_mode", "lseek"]);
  pipe.calls.length = 0;
  const out = new Uint8Array(16);
  assertEquals(fileReadSmall(pipe.s, 3, p, 0, out, 8, 0), 0);
  assertEquals([...out.subarray(0, 5)], [5, 0, 0, 0, 1]);
  assertEquals(pipe.calls.map((c) => c[0]), ["openat_mode", "lseek"]);
});

Deno.test("sync: F_FULLFSYNC on macOS (as Rust's std), fsync/fdatasync on Linux", () => {
  const mac = recorder();
  const m = fileSync(
    mac.s,
    DARWIN_FILE_CONSTANTS,
    () => 0,
    new CString(),
    noStat,
    "darwin",
    "aarch64",
  );
  m.sync(4);
  m.syncData(4);
  assertEquals(mac.calls, [["fcntl", [4, 51]], ["fcntl", [4, 51]]]);
  const lin = recorder();
  const l = fileSync(
    lin.s,
    linuxFileConstants("x86_64"),
    () => 0,
    new CString(),
    noStat,
    "linux",
    "x86_64",
  );
  l.sync(4);
  l.syncData(4);
  assertEquals(lin.calls, [["fsync", [4]], ["fdatasync", [4]]]);
});

Deno.test("lock: flock operations; EINTR retried, EWOULDBLOCK returned", () => {
  let fails = [4, 11];
  const { s, calls } = recorder();
  s.flock = (...a: unknown[]) => {
    calls.push(["flock", a]);
    return fails.length > 0 ? -1 : 0;
  };
  const errno = () => fails.shift() ?? 0;
  const f = fileSync(
    s,
    linuxFileConstants("x86_64"),
    errno,
    new CString(),
    noStat,
    "linux",
    "x86_64",
  );
  assertEquals(f.lock!(3, true, false), -11);
  assertEquals(
    calls.map((c) => c[1][1]),
    [2 | 4, 2 | 4],
    "LOCK_EX|LOCK_NB, retried after EINTR",
  );
  fails = [];
  calls.length = 0;
  assertEquals(f.lock!(3, false, true), 0);
  assertEquals(f.unlock!(3), 0);
  assertEquals(calls.map((c) => c[1][1]), [1, 8]);
});

Deno.test("setRaw: Deno's raw mode on both termios layouts", () => {
  for (const T of [LINUX_TERMIOS, DARWIN_TERMIOS]) {
    const orig = new Uint8Array(T.size).fill(0xff);
    const v = (t: Uint8Array, off: number) =>
      new DataView(t.buffer).getUint32(off, true);
    for (const cbreak of [false, true]) {
      const raw = rawTermios(T, orig, cbreak);
      assertEquals(raw.length, T.size);
      const iflag = v(raw, T.iflag), lflag = v(raw, T.lflag);
      for (const bit of [T.BRKINT, T.ICRNL, T.INPCK, T.ISTRIP, T.IXON]) {
        assertEquals(iflag & bit, 0);
      }
      for (const bit of [T.ECHO, T.ICANON, T.IEXTEN]) {
        assertEquals(lflag & bit, 0);
      }
      assertEquals((lflag & T.ISIG) !== 0, cbreak, "ISIG kept only in cbreak");
      assertEquals(v(raw, T.cflag) & T.CS8, T.CS8);
      assertEquals(raw[T.cc + T.VMIN], 1);
      assertEquals(raw[T.cc + T.VTIME], 0);
      assertEquals(orig[T.cc + T.VMIN], 0xff, "the original is untouched");
    }
  }
  // macOS tcflag_t is 8 bytes: the flags' upper words are left alone.
  const raw = rawTermios(DARWIN_TERMIOS, new Uint8Array(72).fill(0xff), false);
  assertEquals(
    new DataView(raw.buffer).getUint32(DARWIN_TERMIOS.lflag + 4, true),
    0xffffffff,
  );
});

Deno.test("O_* values per platform and architecture", () => {
  const x = linuxFileConstants("x86_64"), a = linuxFileConstants("aarch64");
  assertEquals([x.O_DIRECTORY, x.O_NOFOLLOW, x.O_DIRECT], [
    0o200000,
    0o400000,
    0o40000,
  ]);
  assertEquals([a.O_DIRECTORY, a.O_NOFOLLOW, a.O_DIRECT], [
    0o40000,
    0o100000,
    0o200000,
  ]);
  assertEquals(x.O_TMPFILE, 0o20000000 | 0o200000);
  assertEquals(a.O_TMPFILE, 0o20000000 | 0o40000);
  assertEquals(DARWIN_FILE_CONSTANTS.O_CREAT, 0x200);
  assertEquals(DARWIN_FILE_CONSTANTS.O_PATH, undefined);
  assertEquals(DARWIN_FILE_CONSTANTS.F_FULLFSYNC, 51);
  assertEquals(x.F_FULLFSYNC, undefined);
});

Deno.test("fileReadSmall: reads to the end, or hands back the open descriptor", () => {
  const content = new Uint8Array(20).map((_, i) => i);
  let off = 0;
  const { s, calls } = recorder({ openat_mode: 6 });
  s.read = (_fd: number, buf: Uint8Array, n: number) => {
    const k = Math.min(n, 7, content.length - off);
    buf.set(content.subarray(off, off + k));
    off += k;
    return k;
  };
  const out = new Uint8Array(8 + 64);
  assertEquals(fileReadSmall(s, 3, new Uint8Array(4), 0, out, 64, 0), 20);
  assertEquals(new Int32Array(out.buffer, 0, 1)[0], -1, "read to the end");
  assertEquals(out.subarray(8, 28), content);
  assert(calls.some((c) => c[0] === "close"));
  off = 0;
  calls.length = 0;
  assertEquals(fileReadSmall(s, 3, new Uint8Array(4), 0, out, 14, 0), 14);
  assertEquals(new Int32Array(out.buffer, 0, 1)[0], 6, "still open");
  assertEquals(calls.some((c) => c[0] === "close"), false);
});

Deno.test({
  name: "Linux: the file symbols are bound on first use, not when stats start",
  // The lazy file table is the Linux loader's (openLinux).
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dir = Deno.makeTempDirSync();
    try {
      Deno.writeTextFileSync(`${dir}/f`, "abc");
      const mod = new URL("../mod.ts", import.meta.url).href;
      const back = new URL("../_backend.ts", import.meta.url).href;
      const script = `
        import { readFileSync, stat, statSync } from ${JSON.stringify(mod)};
        import { backend } from ${JSON.stringify(back)};
        const d = ${JSON.stringify(dir)};
        statSync(d + "/f");
        await Promise.all([stat(d + "/f"), stat(d + "/f"), stat(d)]);
        const lazy = (k) =>
          typeof Object.getOwnPropertyDescriptor(backend(), k)?.get === "function";
        const before = [lazy("file"), lazy("fileAsync")];
        const text = new TextDecoder().decode(readFileSync(d + "/f"));
        const after = [lazy("file"), lazy("fileAsync")];
        console.log(JSON.stringify({ before, text, after }));`;
      const r = await runDeno([
        "eval",
        "--config",
        new URL("../deno.json", import.meta.url).pathname,
        script,
      ]);
      assertEquals(r.code, 0, r.stderr);
      assertEquals(JSON.parse(r.stdout), {
        before: [true, true],
        text: "abc",
        after: [false, false],
      });
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
