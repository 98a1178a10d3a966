// Copyright 2026 the dirfd authors. MIT license.
// The fuzz's child process (see tests/_fuzz.ts): calls every function that
// mod.ts exports, found by enumerating the module (a new export is fuzzed
// without a change here), with hostile values in every argument position,
// and checks the rules after each call. Before each input it prints
// `I <index> <description>`, so that when the process dies the parent can
// say which input killed it; a broken rule is a `V <json>` line; the last
// line is `DONE <inputs>`.
//
// Usage: deno run -A --no-check tests/_fuzz_child.ts <seed> <count> <dir>
// where <dir> is an empty directory the child owns: it works in <dir>/s
// (the sandbox: fixtures, absolute paths, Dirs, its current directory);
// nothing may appear in <dir> besides it.
//
// Safety (the child may run as root): no value names anything outside
// <dir> (no "/", no "..", raw descriptors only 0-2, which the parent makes
// pipes, and numbers far above anything open); no mode carries the
// character or block device type bits; FIFOs and device nodes made by
// mkfifo/mknod are removed straight after the call, before anything could
// open one.
import * as mod from "../mod.ts";

const [seedArg, countArg, base] = Deno.args;
const seed = Number(seedArg) >>> 0;
const count = Number(countArg);
const sandbox = `${base}/s`;
const cwd = sandbox;
const only = Deno.env.get("FUZZ_ONLY");
const crashAt = Deno.env.get("FUZZ_CRASH_AT");

/** mulberry32: a small seeded generator, the same sequence everywhere. */
function rng(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Opens up every directory under `dir` (the fuzz sets modes such as 0). */
function openUp(dir: string): void {
  try {
    Deno.chmodSync(dir, 0o755);
    for (const e of Deno.readDirSync(dir)) {
      if (e.isDirectory) openUp(`${dir}/${e.name}`);
    }
  } catch { /* gone, or not a directory any more */ }
}

/** Empties the sandbox and makes its fixtures again: f, d/g, d/e, l -> f. */
function fixtures(): void {
  Deno.mkdirSync(sandbox, { recursive: true });
  openUp(sandbox);
  for (const e of Deno.readDirSync(sandbox)) {
    Deno.removeSync(`${sandbox}/${e.name}`, { recursive: true });
  }
  Deno.mkdirSync(`${sandbox}/d/e`, { recursive: true });
  Deno.writeTextFileSync(`${sandbox}/f`, "data");
  Deno.writeTextFileSync(`${sandbox}/d/g`, "data");
  Deno.symlinkSync("f", `${sandbox}/l`);
  Deno.chdir(cwd);
}

/** Removes FIFOs, sockets and device nodes anywhere in the sandbox. */
function removeSpecials(dir: string): void {
  for (const e of Deno.readDirSync(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) removeSpecials(p);
    else if (!e.isFile && !e.isSymlink) Deno.removeSync(p);
  }
}

Deno.mkdirSync(sandbox, { recursive: true });
fixtures();

// Audit events of the current call.
let events: [string, readonly unknown[]][] = [];
mod.addAuditHook((event, args) => {
  events.push([event, args]);
});

// ---- the values ----------------------------------------------------------

type Maker = [string, () => unknown];
const openDirs: mod.Dir[] = [];
/** Instances made to call methods on, closed after each input. */
const openThings: Record<string, Fn>[] = [];
const dirOn = (p: string) => {
  let d: mod.Dir;
  try {
    d = mod.openDirSync(p);
  } catch {
    d = mod.openDirSync(sandbox); // a fixture the fuzz removed
  }
  openDirs.push(d);
  return d;
};
const closedDir = () => {
  const d = mod.openDirSync(sandbox);
  d.close();
  return d;
};
const closedFile = () => {
  const f = Deno.openSync(sandbox);
  f.close();
  return f;
};
const throwing = () => {
  throw new Error("getter");
};

const STRINGS: Maker[] = [
  ['"f"', () => "f"],
  ['"d"', () => "d"],
  ['"l"', () => "l"],
  ['"new"', () => "new"],
  ['"d/new"', () => "d/new"],
  ['"."', () => "."],
  ["sandbox/f", () => `${sandbox}/f`],
  ["sandbox/d", () => `${sandbox}/d`],
  ["sandbox/new", () => `${sandbox}/new`],
  ['""', () => ""],
  ['"a\\0b"', () => "a\0b"],
  ['"\\0"', () => "\0"],
  ['"x\\uD800"', () => "x\uD800"],
  ['"\\uDC00"', () => "\uDC00"],
  ['"é/ü"', () => "é"],
  ["5000 chars", () => "n".repeat(5000)],
  ["300k chars", () => "h".repeat(300_000)],
  ["1M chars", () => "a".repeat(1_000_000)],
  ['"%2f"', () => "%2f"],
];
const URLS: Maker[] = [
  ["file:sandbox/f", () => new URL(`file://${sandbox}/f`)],
  ["file:sandbox/new", () => new URL(`file://${sandbox}/new`)],
  ["http URL", () => new URL("http://example.com/f")],
  ["file://host/x", () => new URL("file://remote-host/x")],
  ["file:%2F", () => new URL(`file://${sandbox}/a%2Fb`)],
  ["file:%FF", () => new URL(`file://${sandbox}/%FF`)],
  ["file:%00", () => new URL(`file://${sandbox}/a%00b`)],
  ["URL proxy", () => new Proxy(new URL(`file://${sandbox}/f`), {})],
  ["URL subclass", () =>
    new (class extends URL {
      override get pathname() {
        return "/nonexistent-dirfd-fuzz/subclass";
      }
    })(`file://${sandbox}/f`)],
];
const NUMBERS: Maker[] = [
  ["0", () => 0],
  ["-0", () => -0],
  ["1", () => 1],
  ["2", () => 2],
  ["-1", () => -1],
  ["0.5", () => 0.5],
  ["NaN", () => NaN],
  ["Infinity", () => Infinity],
  ["-Infinity", () => -Infinity],
  ["2^31", () => 2 ** 31],
  ["2^31-1", () => 2 ** 31 - 1],
  ["2^32", () => 2 ** 32],
  ["2^53", () => 2 ** 53],
  ["-2^53", () => -(2 ** 53)],
  ["1e300", () => 1e300],
  ["0o644", () => 0o644],
  ["0o777", () => 0o777],
  ["0o100644", () => 0o100644],
  ["0o10644", () => 0o10644],
  ["65535", () => 65535],
  ["100000 (fd)", () => 100_000],
];
const OTHERS: Maker[] = [
  ["undefined", () => undefined],
  ["null", () => null],
  ["true", () => true],
  ["false", () => false],
  ["0n", () => 0n],
  ["-1n", () => -1n],
  ["2^64n", () => 2n ** 64n],
  ["2^63n-1", () => 2n ** 63n - 1n],
  ["symbol", () => Symbol("s")],
  ["Date(0)", () => new Date(0)],
  ["Date(NaN)", () => new Date(NaN)],
  ["{}", () => ({})],
  ["[]", () => []],
  ["null-proto", () => Object.create(null)],
  ["throwing proxy", () =>
    new Proxy({}, {
      get: throwing,
      has: throwing,
      getPrototypeOf: throwing,
      ownKeys: throwing,
    })],
  ["Dir(sandbox)", () => dirOn(sandbox)],
  ["Dir(sandbox/d)", () => dirOn(`${sandbox}/d`)],
  ["Dir(closed)", closedDir],
  ["Dir proxy", () => new Proxy(dirOn(sandbox), {})],
  ["fake Dir", () => Object.create(mod.Dir.prototype)],
  ["FsFile(closed)", closedFile],
];
const BASIC: Maker[] = [...STRINGS, ...URLS, ...NUMBERS, ...OTHERS];

const OPTION_KEYS = [
  "dirFd",
  "followSymlinks",
  "mode",
  "srcDirFd",
  "dstDirFd",
  "effectiveIds",
  "targetIsDirectory",
  "device",
  "maxDepth",
  "includeFiles",
  "includeDirs",
  "exts",
  "match",
  "skip",
  "recursive",
  "create",
  "write",
  "append",
  "truncate",
  "flags",
  "stat",
];

/** An options object: a few keys from the pool, some behind getters. */
function options(r: () => number): [string, () => unknown] {
  const n = Math.floor(r() * 3) + 1;
  const parts: [string, string, () => unknown, number][] = [];
  for (let i = 0; i < n; i++) {
    const k = OPTION_KEYS[Math.floor(r() * OPTION_KEYS.length)];
    const [name, make] = BASIC[Math.floor(r() * BASIC.length)];
    parts.push([k, name, make, Math.floor(r() * 4)]);
  }
  const desc = `{${
    parts.map(([k, name, , g]) =>
      `${k}${["", " get", " get-once", " get-throws"][g]}: ${name}`
    ).join(", ")
  }}`;
  return [desc, () => {
    const o: Record<string, unknown> = {};
    for (const [k, , make, g] of parts) {
      const v = make();
      if (g === 0) {
        Object.defineProperty(o, k, {
          value: v,
          enumerable: true,
          configurable: true,
          writable: true,
        });
      } else {
        let reads = 0;
        Object.defineProperty(o, k, {
          enumerable: true,
          configurable: true,
          get: () => {
            reads++;
            if (g === 3) throw new Error(`getter ${k}`);
            // get-once: the value first, then something else entirely.
            return g === 2 && reads > 1 ? (reads & 1 ? -0 : "x\0") : v;
          },
        });
      }
    }
    return o;
  }];
}

const pick = (names: string[]): Maker[] =>
  names.map((n) => BASIC.find(([d]) => d === n)!);
/** Values that make calls succeed, so that the fuzz reaches past checks. */
const PLAUSIBLE: Maker[][] = [
  pick([
    '"f"',
    '"d"',
    '"l"',
    '"new"',
    "sandbox/f",
    "file:sandbox/f",
    "Dir(sandbox)",
    "sandbox/d",
  ]),
  pick(['"new"', '"d/new"', "0o644", "1", "Date(0)", "0o777", "sandbox/new"]),
  pick(["0", "1", "Date(0)", "null", "0o644"]),
];
const PLAUSIBLE_OPTIONS: Maker[] = [
  ["{dirFd: Dir(sandbox)}", () => ({ dirFd: dirOn(sandbox) })],
  ["{dirFd: Dir(sandbox/d)}", () => ({ dirFd: dirOn(`${sandbox}/d`) })],
  ["{followSymlinks: false}", () => ({ followSymlinks: false })],
  ["{mode: 0o700}", () => ({ mode: 0o700 })],
  ["{srcDirFd, dstDirFd: Dir(sandbox)}", () => {
    const d = dirOn(sandbox);
    return { srcDirFd: d, dstDirFd: d };
  }],
];

function value(r: () => number, pos: number): Maker {
  const x = r();
  if (x < 0.4) {
    if (pos > 0 && x < 0.12) {
      return PLAUSIBLE_OPTIONS[Math.floor(r() * PLAUSIBLE_OPTIONS.length)];
    }
    const set = PLAUSIBLE[Math.min(pos, PLAUSIBLE.length - 1)];
    return set[Math.floor(r() * set.length)];
  }
  // Options are usually last; any position may get any value.
  if (pos > 0 && r() < 0.35) return options(r);
  return BASIC[Math.floor(r() * BASIC.length)];
}

// ---- the functions -------------------------------------------------------

type Fn = (...a: unknown[]) => unknown;
const isClass = (f: Fn) => /^class\b/.test(Function.prototype.toString.call(f));
// Every exported function (and class), in a stable order.
const FUNCTIONS = Object.entries(mod)
  .filter(([, v]) => typeof v === "function")
  .sort(([a], [b]) => a < b ? -1 : 1) as [string, Fn][];
// The methods of every exported class that mod.ts can make an instance of
// (`open<Class>Sync(sandbox)`: Dir, Root, and any class added the same
// way), called on a fresh instance over the sandbox.
for (const [cname, cls] of [...FUNCTIONS]) {
  const make = (mod as Record<string, unknown>)[`open${cname}Sync`];
  if (!isClass(cls) || typeof make !== "function") continue;
  const proto = cls.prototype as Record<string, unknown>;
  for (const m of Object.getOwnPropertyNames(proto).sort()) {
    const d = Object.getOwnPropertyDescriptor(proto, m)!;
    if (m === "constructor" || typeof d.value !== "function") continue;
    const method = function (this: unknown, ...args: unknown[]) {
      const self = (make as Fn)(sandbox) as Record<string, Fn>;
      openThings.push(self);
      events = []; // the method's own audit events, not the factory's
      return self[m](...args);
    };
    Object.defineProperty(method, "length", { value: d.value.length });
    FUNCTIONS.push([`${cname}#${m}`, method as Fn]);
  }
}
const BY_NAME = new Map(FUNCTIONS);

// Calls that take no path (arg 0 is a hook, or nothing to check).
const NO_PATH = new Set(["addAuditHook"]);

// ---- running one input ---------------------------------------------------

const violations: unknown[] = [];
/** Outcomes by kind, for the report: a fuzz that only errors tests little. */
const tally = { ok: 0, argError: 0, osError: 0 };
function violation(i: number, desc: string, rule: string, detail: unknown) {
  const v = { i, input: desc, rule, detail: String(detail).slice(0, 300) };
  violations.push(v);
  console.log(`V ${JSON.stringify(v)}`);
}

/** A settled outcome: a value, or what was thrown. */
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const HANG_MS = 20_000; // a generous upper bound, never a speed assumption

async function settle(x: unknown): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("HANG")), HANG_MS);
    });
    let v = await Promise.race([Promise.resolve(x), hang]);
    // Drain iterators a little: lazy ones do their work in next().
    if (v !== null && typeof v === "object") {
      const it = v as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
      const out: unknown[] = [];
      if (typeof it[Symbol.asyncIterator] === "function") {
        const iter = it[Symbol.asyncIterator]!();
        for (let k = 0; k < 20; k++) {
          const s = await Promise.race([iter.next(), hang]);
          if (s.done) break;
          out.push(s.value);
        }
        await iter.return?.();
        v = out;
      } else if (
        typeof it[Symbol.iterator] === "function" && !Array.isArray(v)
      ) {
        const iter = it[Symbol.iterator]!();
        for (let k = 0; k < 20; k++) {
          const s = iter.next();
          if (s.done) break;
          out.push(s.value);
        }
        iter.return?.();
        v = out;
      }
    }
    if (v instanceof mod.Dir) v.close();
    const closable = v as { close?: () => void } | null;
    if (
      closable !== null && typeof closable === "object" &&
      typeof closable.close === "function" && !(v instanceof mod.Dir)
    ) {
      try {
        closable.close();
      } catch { /* already closed */ }
    }
    return { ok: true, value: v };
  } catch (e) {
    return { ok: false, error: e };
  } finally {
    clearTimeout(timer);
  }
}

/** An error from argument checking (no OS error code behind it). */
function argError(e: unknown): boolean {
  return e instanceof Error && !("errno" in e) &&
    (e instanceof TypeError || e instanceof Deno.errors.BadResource);
}

function kind(o: Outcome): string {
  if (o.ok) return "ok";
  const e = o.error as Error;
  return argError(e) ? `${e.constructor.name}: ${e.message}` : "other";
}

/** The messages of Deno's OpenOptions checks (plain `Error`s). */
const DENO_OPEN_ERRORS = [
  "'options' requires at least one option to be true",
  "'truncate' option requires 'write' to be true",
  "'create' or 'createNew' options require 'write' or 'append' to be true",
];

/** What may be thrown: an Error of a known kind, never a pool failure. */
function acceptable(e: unknown): string | null {
  if (!(e instanceof Error)) return `threw a non-Error: ${String(e)}`;
  if (e.message === "HANG") return "did not settle";
  if (/failed in the pool|Invalid FFI|is not a function/.test(e.message)) {
    return `internal failure: ${e.message}`;
  }
  if (e.message === "getter" || /^getter /.test(e.message)) return null;
  if (e instanceof TypeError || e instanceof RangeError) return null;
  for (const cls of Object.values(Deno.errors)) {
    if (e instanceof cls) return null;
  }
  if ("code" in e || "errno" in e) return null; // a SystemError of class Error
  // Deno.open's own validation errors, which open() repeats text for text
  // (plain Errors in Deno too; tests/file_test.ts compares them).
  if (DENO_OPEN_ERRORS.some((m) => e.message.startsWith(m))) return null;
  return `unexpected error: ${e.constructor.name}: ${e.message}`;
}

/** Values that must never be accepted as a path. */
const BAD_PATHS = new Set([
  '"a\\0b"',
  '"\\0"',
  '"x\\uD800"',
  '"\\uDC00"',
  "http URL",
  "file://host/x",
  "file:%2F",
  "file:%FF",
  "URL proxy",
  "NaN",
  "0.5",
  "-1",
  "Infinity",
  "-Infinity",
  "2^53",
  "1e300",
  "symbol",
  "0n",
  "Date(0)",
  "{}",
  "[]",
  "null-proto",
  "throwing proxy",
  "Dir(closed)",
  "Dir proxy",
  "fake Dir",
  "FsFile(closed)",
]);

async function runOne(i: number, r: () => number): Promise<void> {
  const [name, fn] = FUNCTIONS[Math.floor(r() * FUNCTIONS.length)];
  const arity = Math.floor(r() * (fn.length + 2));
  const makers: Maker[] = [];
  for (let p = 0; p < arity; p++) makers.push(value(r, p));
  const desc = `${name}(${makers.map(([d]) => d).join(", ")})`;
  console.log(`I ${i} ${desc}`);
  // For the runner's own test: a crash at a known input.
  if (crashAt === String(i)) Deno.exit(70);

  // The sync twin (or async twin) of `name`, run with the same input.
  const twinName = name.endsWith("Sync")
    ? name.slice(0, -4)
    : BY_NAME.has(`${name}Sync`)
    ? `${name}Sync`
    : null;
  const twin = twinName === null ? undefined : BY_NAME.get(twinName);

  const call = async (f: Fn, fname: string): Promise<Outcome> => {
    const args = makers.map(([, make]) => make());
    events = [];
    let o: Outcome;
    try {
      o = await settle(isClass(f) ? Reflect.construct(f, args) : f(...args));
    } catch (e) {
      o = { ok: false, error: e };
    } finally {
      Deno.chdir(cwd);
      if (/^mk(fifo|nod)/.test(fname)) removeSpecials(sandbox);
    }
    if (o.ok) tally.ok++;
    else if (argError(o.error)) tally.argError++;
    else tally.osError++;
    if (!o.ok) {
      const bad = acceptable(o.error);
      if (bad !== null) violation(i, desc, "error kind", `${fname}: ${bad}`);
    }
    // A bad path is refused, with a TypeError (or BadResource), by
    // functions that take a path first.
    const first = makers[0]?.[0];
    if (
      first !== undefined && BAD_PATHS.has(first) && !NO_PATH.has(fname) &&
      !isClass(f) && f.length > 0 && o.ok
    ) {
      violation(i, desc, "bad path accepted", fname);
    }
    // The path audited is the very value given.
    const a0 = args[0];
    let pathLike = typeof a0 === "string";
    try {
      pathLike ||= a0 instanceof URL;
    } catch { /* a proxy whose traps throw */ }
    // (Module functions: a Root method audits the call it makes inside.)
    if (
      !fname.includes("#") &&
      pathLike && events.length !== 0 && events[0][1].length !== 0 &&
      !Object.is(events[0][1][0], a0)
    ) {
      violation(
        i,
        desc,
        "audited path",
        `${fname}: ${String(events[0][1][0])}`,
      );
    }
    return o;
  };

  const o1 = await call(fn, name);
  if (twin !== undefined && twinName !== null) {
    const o2 = await call(twin, twinName);
    const k1 = kind(o1), k2 = kind(o2);
    // Argument errors are decided before any state matters: the same.
    if ((k1 !== "other" && k1 !== "ok") || (k2 !== "other" && k2 !== "ok")) {
      if (k1 !== k2) {
        violation(
          i,
          desc,
          "twins disagree",
          `${name}: ${k1} / ${twinName}: ${k2}`,
        );
      }
    }
  }
  for (const d of openDirs.splice(0)) d.close();
  for (const t of openThings.splice(0)) {
    try {
      t.close?.();
    } catch { /* closed by the call */ }
  }
}

const r = rng(seed);
for (let i = 0; i < count; i++) {
  if (i % 25 === 0) fixtures();
  // Each input draws from its own stream, so FUZZ_ONLY replays exactly.
  const sub = rng(Math.floor(r() * 2 ** 32));
  if (only !== undefined && String(i) !== only) continue;
  await runOne(i, sub);
}
console.log(`DONE ${count} ${violations.length} ${JSON.stringify(tally)}`);
