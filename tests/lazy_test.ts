// Copyright 2026 the dirfd authors. MIT license.
// Symbols bound on first use (ffi/_lazy.ts): nothing is bound before it is
// read, a symbol the library lacks is null without being bound, one that
// fails to bind then reads as null, and a primitive built over a symbol not
// bound yet binds it at its first call (or fails it with ENOSYS).
import { assert, assertEquals, assertStrictEquals } from "@std/assert";
import { hasSymbol, lazySymbols, symbolOnUse } from "../ffi/_lazy.ts";
import { AT_PRIMITIVES, derivePrimitives } from "../ffi/_posix_at.ts";
import { CString } from "../ffi/_posix.ts";
import { LIBC, LINUX_SYMBOLS, linuxConstants } from "../ffi/linux.ts";
import { runDeno, withTempDir } from "./_helpers.ts";
import { fromFileUrl } from "@std/path";

const linux = Deno.build.os === "linux";
const TABLE = {
  getpid: { parameters: [], result: "i32" },
  getppid: { parameters: [], result: "i32" },
  // Present in no libc: `exists` is asked, and says so.
  dirfd_no_such_symbol: { parameters: [], result: "i32", optional: true },
  // `exists` wrongly says yes: binding it fails, and it reads as null.
  dirfd_claimed_symbol: { parameters: [], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

Deno.test({
  name: "lazySymbols: each symbol is bound when first read, and only then",
  ignore: !linux,
  fn() {
    const asked: string[] = [];
    const s = lazySymbols(LIBC, TABLE, (name) => {
      asked.push(name);
      return name !== "dirfd_no_such_symbol";
    });
    assertEquals(asked.sort(), Object.keys(TABLE).sort());
    const getter = (k: string) =>
      Object.getOwnPropertyDescriptor(s, k)?.get !== undefined;
    assert(getter("getpid") && getter("getppid"), "nothing bound yet");
    assertStrictEquals(s.dirfd_no_such_symbol, null);
    assert(hasSymbol(s, "getpid") && hasSymbol(s, "getppid"));
    assert(getter("getpid"), "hasSymbol binds nothing");
    assert(!hasSymbol(s, "dirfd_no_such_symbol"));
    assert(!hasSymbol(s, "not_in_the_table"));
    const getpid = s.getpid as () => number;
    assertEquals(getpid(), Deno.pid);
    assert(!getter("getpid"), "bound: a plain value from now on");
    assertStrictEquals(s.getpid, getpid);
    assert(getter("getppid"), "the others are still not bound");
    // A symbol that cannot be bound reads as null, as a missing one does.
    assertStrictEquals(s.dirfd_claimed_symbol, null);
    assert(!hasSymbol(s, "dirfd_claimed_symbol"));
  },
});

Deno.test({
  name: "symbolOnUse reads the symbol at its first call, once",
  fn() {
    let reads = 0;
    const obj = {
      get f() {
        reads++;
        return () => 7;
      },
    } as unknown as Record<string, unknown>;
    const on = symbolOnUse<() => number>(obj, "f");
    assertEquals(reads, 0);
    assertEquals(on()!(), 7);
    assertEquals(on()!(), 7);
    assertEquals(reads, 1);
  },
});

Deno.test({
  name: "a derived primitive binds its symbol at its first call, or fails " +
    "with ENOSYS when it cannot",
  ignore: !linux,
  async fn() {
    await withTempDir((root) => {
      const make = (symbols: Record<string, unknown>) =>
        derivePrimitives({ mkdirAt: AT_PRIMITIVES.mkdirAt }, {
          symbols,
          table: LINUX_SYMBOLS,
          constants: linuxConstants(),
          errno: () => 0,
          paths: [new CString(), new CString()],
        }).mkdirAt!.sync;
      // Bound at the first call: not when the primitive is built.
      let binds = 0;
      const real = Deno.dlopen(LIBC, { mkdirat: LINUX_SYMBOLS.mkdirat });
      try {
        const mkdirAt = make({
          get mkdirat() {
            binds++;
            return real.symbols.mkdirat;
          },
        });
        assertEquals(binds, 0, "building it binds nothing");
        assertEquals(mkdirAt(-100, `${root}/a`, 0o755), 0);
        assertEquals(mkdirAt(-100, `${root}/b`, 0o755), 0);
        assertEquals(binds, 1);
        assert(Deno.statSync(`${root}/b`).isDirectory);
      } finally {
        real.close();
      }
      // A symbol that exists but cannot be bound: ENOSYS, no throw.
      const failing = make({
        get mkdirat() {
          return null;
        },
      });
      assertEquals(failing(-100, `${root}/c`, 0o755), -38);
      // A missing symbol: no primitive at all.
      assertEquals(
        derivePrimitives({ mkdirAt: AT_PRIMITIVES.mkdirAt }, {
          symbols: { mkdirat: null },
          table: LINUX_SYMBOLS,
          constants: linuxConstants(),
          errno: () => 0,
          paths: [new CString(), new CString()],
        }).mkdirAt,
        undefined,
      );
    });
  },
});

Deno.test({
  name: "a symbol first needed after --allow-ffi was revoked: Deno's " +
    "permission error, and the symbols bound before still work",
  ignore: !linux,
  async fn() {
    const mod = new URL("../mod.ts", import.meta.url).href;
    const out = await runDeno([
      "eval",
      "--config",
      fromFileUrl(new URL("../deno.json", import.meta.url)),
      "--ext=ts",
      `
import { mkdirSync, statSync } from ${JSON.stringify(mod)};
const dir = Deno.makeTempDirSync();
statSync(dir);
await Deno.permissions.revoke({ name: "ffi" });
let error = "none";
try {
  mkdirSync(dir + "/x");
} catch (e) {
  error = (e as Error).constructor.name;
}
console.log(JSON.stringify({
  error,
  made: (() => { try { return Deno.statSync(dir + "/x").isDirectory; } catch { return false; } })(),
  statStill: statSync(dir).isDirectory,
}));
Deno.removeSync(dir, { recursive: true });
`,
    ]);
    assertEquals(out.code, 0, out.stderr);
    assertEquals(JSON.parse(out.stdout), {
      error: "NotCapable",
      made: false,
      statStill: true,
    });
  },
});
