// Copyright 2026 the dirfd authors. MIT license.
/**
 * The POSIX primitives that are one libc call each, described once: the
 * symbol, the constants the call needs, how each portable argument becomes a
 * C argument, and the name errors report. {@linkcode derivePrimitives}
 * builds the sync form (on the calling thread) and the pool form (on a
 * worker, `_pool.ts`) of every description whose symbol resolved and whose
 * constants the platform defines; both retry a call that failed with
 * `EINTR`, the one place such a retry lives.
 *
 * Adding a primitive of this kind is one row of {@linkcode AT_PRIMITIVES}
 * (and its symbol in `POSIX_SYMBOLS`); a per-OS variant is a row the OS file
 * passes as `more` (macOS's and Linux's `lchmodAt`).
 *
 * Each form is compiled from its description into a function of its own
 * (as the pool's workers compile their invokers), so that every call site
 * calls one FFI symbol and V8's fast FFI calls engage, as they do for the
 * hand-written hot paths (`statAt`, `openDirAt`, `readLinkAt`,
 * `readDirChunk`). Nothing here throws.
 *
 * @module
 */
import type { StatvfsResult } from "../_file_info.ts";
import type { CallPool } from "./_pool.ts";
import { strBytes } from "./_pool.ts";
import { hasSymbol, symbolOnUse } from "./_lazy.ts";
import type { CString, PosixConstants, StatvfsLayout } from "./_posix.ts";
import type { OptionalPrimitives, UtimeTimes } from "./_types.ts";

/** An `*at` flag a boolean argument (or a description) may set. */
export type FlagName =
  | "AT_SYMLINK_NOFOLLOW"
  | "AT_SYMLINK_FOLLOW"
  | "AT_REMOVEDIR"
  | "AT_EACCESS";

/**
 * How one portable argument becomes a C argument:
 * - `"int"`: a number as is (a descriptor, a mode);
 * - `"id"`: a uid or gid, `-1` passed as the `u32` `0xffffffff`;
 * - `"path"`: a string, as a NUL-terminated UTF-8 buffer;
 * - `"bigint"`: a 64-bit integer (a length, a device number);
 * - `"times"`: {@linkcode UtimeTimes} or `null` ("now"), as a
 *   `struct timespec[2]`;
 * - `"unused"`: not passed (a portable argument this platform ignores);
 * - `{ on }` / `{ off }`: a boolean that sets the flag when `true` / `false`,
 *   in the trailing `int flags` argument.
 */
export type Arg =
  | "int"
  | "id"
  | "path"
  | "bigint"
  | "times"
  | "unused"
  | { readonly on: FlagName }
  | { readonly off: FlagName };

/** One primitive that is one libc call. */
export interface Description {
  /** The libc symbol called; a pool request names it too. */
  readonly symbol: string;
  /** The name its errors report, when it is not `symbol`. */
  readonly syscall?: string;
  /** C arguments passed before the portable ones (a syscall number). */
  readonly lead?: readonly number[];
  /** How each portable argument, in order, is passed. */
  readonly args: readonly Arg[];
  /**
   * The call ends with an `int flags`: these flags always, plus those of the
   * `{ on }`/`{ off }` arguments (a flag argument implies it).
   */
  readonly flags?: readonly FlagName[];
  /** The call ends with an output `struct statvfs *`, the result. */
  readonly out?: "statvfs";
  /** Constants that must be defined, besides the flags named. */
  readonly needs?: readonly (keyof PosixConstants)[];
}

/** The primitives described here. */
export type DescribedName = Exclude<
  keyof OptionalPrimitives,
  "dupDir" | "readDirChunk"
>;

/** The shared descriptions (the symbols are in `POSIX_SYMBOLS`). */
export const AT_PRIMITIVES: Readonly<
  Partial<Record<DescribedName, Description>>
> = {
  mkdirAt: { symbol: "mkdirat", args: ["int", "path", "int"] },
  unlinkAt: {
    symbol: "unlinkat",
    args: ["int", "path", { on: "AT_REMOVEDIR" }],
  },
  renameAt: { symbol: "renameat", args: ["int", "path", "int", "path"] },
  // renameat replaces an existing target: os.replace is os.rename here.
  replaceAt: { symbol: "renameat", args: ["int", "path", "int", "path"] },
  linkAt: {
    symbol: "linkat",
    args: ["int", "path", "int", "path", { on: "AT_SYMLINK_FOLLOW" }],
  },
  chmodAt: { symbol: "fchmodat", args: ["int", "path", "int"], flags: [] },
  fchmod: { symbol: "fchmod", args: ["int", "int"] },
  chownAt: {
    symbol: "fchownat",
    args: ["int", "path", "id", "id", { off: "AT_SYMLINK_NOFOLLOW" }],
  },
  fchown: { symbol: "fchown", args: ["int", "id", "id"] },
  utimeAt: {
    symbol: "utimensat",
    args: ["int", "path", "times", { off: "AT_SYMLINK_NOFOLLOW" }],
  },
  futimes: { symbol: "futimens", args: ["int", "times"] },
  accessAt: {
    symbol: "faccessat",
    args: ["int", "path", "int", { off: "AT_SYMLINK_NOFOLLOW" }, {
      on: "AT_EACCESS",
    }],
  },
  truncate: { symbol: "truncate", args: ["path", "bigint"] },
  ftruncate: { symbol: "ftruncate", args: ["int", "bigint"] },
  mkfifoAt: { symbol: "mkfifoat", args: ["int", "path", "int"] },
  mknodAt: {
    symbol: "mknodat",
    args: ["int", "path", "int", "bigint"],
    needs: ["MKNOD_DEV_U64"],
  },
  statvfs: { symbol: "statvfs", args: ["path"], out: "statvfs" },
  fstatvfs: { symbol: "fstatvfs", args: ["int"], out: "statvfs" },
};

/** `symlinkat(target, dirfd, path)`; `targetIsDirectory` is Windows' alone. */
export const SYMLINK_AT: Description = {
  symbol: "symlinkat",
  args: ["path", "int", "path", "unused"],
};

/** What {@linkcode derivePrimitives} builds the forms over. */
export interface DeriveContext {
  /**
   * The bound symbols; a missing optional one is `null`. A symbol still to
   * be bound (a getter, see `_lazy.ts`) is read at its primitive's first
   * call, not here.
   */
  readonly symbols: Readonly<Record<string, unknown>>;
  /** The symbol table (each result type decides how a result is read). */
  readonly table: Deno.ForeignLibraryInterface;
  readonly constants: PosixConstants;
  /** The calling thread's errno. */
  readonly errno: () => number;
  /** The buffers the first and the second path argument are encoded into. */
  readonly paths: readonly [CString, CString];
  /** Decodes a `struct statvfs` (`out: "statvfs"`). */
  readonly decodeStatvfs?: (
    L: StatvfsLayout,
    w: Uint32Array,
    o?: number,
  ) => StatvfsResult;
}

/** The largest integer a pool argument (a double) carries exactly. */
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
/** `EINTR`, 4 on Linux and macOS alike. */
const EINTR = 4;
/**
 * `ENOSYS` for a symbol that could not be bound at its first call (only a
 * lazily bound one can fail then, and only Linux binds lazily): 38.
 */
const ENOSYS = 38;

type AnyFn = (...args: any[]) => any;

/** A derived primitive: its sync form, and its pool form when there is a pool. */
export interface Derived {
  readonly sync: AnyFn;
  readonly pool?: AnyFn;
  readonly syscall: string;
}

/**
 * The C argument list of `d` as expressions over the portable arguments
 * `a0`, `a1`, … (the sync form's), or `null` when the platform lacks a
 * constant it needs.
 */
function plan(d: Description, c: PosixConstants) {
  const defined = (k: keyof PosixConstants) =>
    c[k] !== undefined && c[k] !== false;
  for (const k of d.needs ?? []) if (!defined(k)) return null;
  const cargs: { sync: string; pool: string; bytes: string }[] = [];
  for (const n of d.lead ?? []) {
    cargs.push({ sync: `${n}`, pool: `p.int(${n});`, bytes: "" });
  }
  let flagExpr = "";
  let missing = false;
  let hasFlags = d.flags !== undefined;
  let fixed = 0;
  for (const f of d.flags ?? []) {
    if (!defined(f)) return null;
    fixed |= c[f] as number;
  }
  let paths = 0;
  let bigints: string[] = [];
  d.args.forEach((arg, i) => {
    const a = `a${i}`;
    if (typeof arg === "object") {
      const name = "on" in arg ? arg.on : arg.off;
      hasFlags = true;
      if (!defined(name)) {
        missing = true;
        return;
      }
      const bit = c[name] as number;
      flagExpr += " | " +
        ("on" in arg ? `(${a} ? ${bit} : 0)` : `(${a} ? 0 : ${bit})`);
      return;
    }
    switch (arg) {
      case "int":
        cargs.push({ sync: a, pool: `p.int(${a});`, bytes: "" });
        break;
      case "id":
        cargs.push({
          sync: `${a} >>> 0`,
          pool: `p.int(${a} >>> 0);`,
          bytes: "",
        });
        break;
      case "path": {
        const buf = paths++ === 0 ? "p1" : "p2";
        cargs.push({
          sync: `${buf}.encode(${a})`,
          pool: `p.str(${a});`,
          bytes: ` + strBytes(${a})`,
        });
        break;
      }
      case "bigint":
        bigints.push(a);
        cargs.push({ sync: a, pool: `p.int(Number(${a}));`, bytes: "" });
        break;
      case "times":
        cargs.push({
          sync: `fill(${a})`,
          pool: `p.bytes(timesBytes(${a}));`,
          bytes: " + 32",
        });
        break;
      case "unused":
        break;
    }
  });
  if (missing) return null;
  if (d.args.includes("times") && !defined("UTIME_NOW")) return null;
  if (hasFlags) {
    const expr = `${fixed}${flagExpr}`;
    cargs.push({ sync: expr, pool: `p.int(${expr});`, bytes: "" });
  }
  if (d.out === "statvfs") {
    if (c.STATVFS === undefined) return null;
    cargs.push({
      sync: "out",
      pool: `p.out(${c.STATVFS.size});`,
      bytes: ` + ${c.STATVFS.size}`,
    });
  }
  bigints = bigints.map((a) => `${a} > MAX_EXACT`);
  return { cargs, bigints };
}

/**
 * Builds the forms of each description in `descriptions` whose symbol
 * resolved and whose constants the platform defines. `pool` (when given)
 * returns the pool the async forms write their requests into; an argument a
 * pool cannot carry exactly (a 64-bit integer beyond 2^53) runs the sync
 * form instead, as does the retry of a call that failed with `EINTR`.
 */
export function derivePrimitives(
  descriptions: Readonly<Record<string, Description | undefined>>,
  ctx: DeriveContext,
  pool?: () => CallPool,
): Record<string, Derived> {
  const c = ctx.constants;
  const times = new BigInt64Array(4);
  const bytes = new Uint8Array(times.buffer);
  const fill = (t: UtimeTimes | null): BigInt64Array => {
    if (t === null) {
      times[0] = times[2] = 0n;
      times[1] = times[3] = BigInt(c.UTIME_NOW!);
    } else {
      times[0] = t.atimeSec;
      times[1] = BigInt(t.atimeNsec);
      times[2] = t.mtimeSec;
      times[3] = BigInt(t.mtimeNsec);
    }
    return times;
  };
  const timesBytes = (t: UtimeTimes | null) => (fill(t), bytes);
  const L = c.STATVFS;
  const out = new Uint8Array(L?.size ?? 8);
  const outWords = new Uint32Array(out.buffer);
  const decode = ctx.decodeStatvfs;
  const result: Record<string, Derived> = {};
  for (const [name, d] of Object.entries(descriptions)) {
    if (d === undefined) continue;
    if (!hasSymbol(ctx.symbols, d.symbol)) continue;
    const bind = symbolOnUse<AnyFn>(ctx.symbols, d.symbol);
    const planned = plan(d, c);
    if (planned === null) continue;
    const { cargs, bigints } = planned;
    const params = d.args.map((_, i) => `a${i}`).join(", ");
    const def = ctx.table[d.symbol] as Deno.ForeignFunction | undefined;
    const wide = def?.result === "i64" || def?.result === "isize";
    let call = `sym(${cargs.map((x) => x.sync).join(", ")})`;
    if (wide) call = `Number(${call})`;
    const ok = d.out === "statvfs" ? "decode(L, outWords)" : "0";
    // The symbol is read at the first call (it may be bound only then); one
    // that cannot be bound then fails the call with ENOSYS.
    const syncSrc = `let sym = null;
return function ${name}(${params}) {
  if (sym === null && (sym = bind()) === null) return -${ENOSYS};
  for (;;) {
    if (${call} === 0) return ${ok};
    const e = errno();
    if (e !== ${EINTR}) return -e;
  }
};`;
    const sync = new Function(
      "bind",
      "errno",
      "p1",
      "p2",
      "fill",
      "out",
      "outWords",
      "decode",
      "L",
      syncSrc,
    )(
      bind,
      ctx.errno,
      ctx.paths[0],
      ctx.paths[1],
      fill,
      out,
      outWords,
      decode,
      L,
    ) as AnyFn;
    let poolForm: AnyFn | undefined;
    if (pool !== undefined) {
      const ret = d.out === "statvfs" ? "decode(L, r.u32, r.out)" : "0";
      const poolSrc = `return function ${name}(${params}) {
  ${
        bigints.length > 0
          ? `if (${
            bigints.join(" || ")
          }) return Promise.resolve(sync(${params}));`
          : ""
      }
  const p = pool();
  p.begin(${JSON.stringify(d.symbol)}, 0${cargs.map((x) => x.bytes).join("")});
  ${cargs.map((x) => x.pool).join("\n  ")}
  return p.end((r) => r.ret === 0 ? ${ret} : r.errno === ${EINTR} ? sync(${params}) : -r.errno);
};`;
      poolForm = new Function(
        "pool",
        "sync",
        "strBytes",
        "timesBytes",
        "MAX_EXACT",
        "decode",
        "L",
        poolSrc,
      )(pool, sync, strBytes, timesBytes, MAX_EXACT, decode, L) as AnyFn;
    }
    result[name] = {
      sync,
      pool: poolForm,
      syscall: d.syscall ?? d.symbol,
    };
  }
  return result;
}
