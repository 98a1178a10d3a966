// Copyright 2026 the dirfd authors. MIT license.
/**
 * A library's symbols bound one at a time, on first use. `Deno.dlopen` costs
 * about 0.15–0.2 ms per symbol it binds (measured on Deno 2.9: 7 ms for
 * libc's 42, 1.7 ms for 7), which a short script pays before its first call;
 * bound lazily, a process pays only for the calls it makes.
 *
 * @module
 */

/**
 * Binds `table`'s symbols of `path` lazily: each property of the result is
 * `null` where `exists` says the library lacks the symbol, and otherwise a
 * getter that binds that symbol alone (one `Deno.dlopen`) when first read,
 * then becomes the bound function. A symbol that then fails to bind reads
 * as `null`, as a missing optional one does, except when `--allow-ffi` was
 * revoked in the meantime: it is then a function that throws Deno's own
 * permission error when called (the one case where a call through `ffi/`
 * throws; Deno's calls throw the same without the permission). Reading a
 * property never throws.
 */
export function lazySymbols(
  path: string,
  table: Deno.ForeignLibraryInterface,
  exists: (name: string) => boolean,
): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  for (const [k, def] of Object.entries(table)) {
    const name = (def as { name?: string }).name ?? k;
    if (!exists(name)) {
      s[k] = null;
      continue;
    }
    Object.defineProperty(s, k, {
      configurable: true,
      enumerable: true,
      get: () => {
        let fn: unknown = null;
        try {
          fn = Deno.dlopen(path, { [k]: def }).symbols[k] ?? null;
        } catch (e) {
          // `--allow-ffi` revoked since the backend opened: each call says
          // so, as Deno's own calls do without the permission (a symbol
          // bound earlier still works). Anything else: as if it were missing.
          fn = e instanceof Deno.errors.NotCapable ||
              e instanceof Deno.errors.PermissionDenied
            ? () => {
              throw e;
            }
            : null;
        }
        Object.defineProperty(s, k, {
          value: fn,
          writable: true,
          configurable: true,
          enumerable: true,
        });
        return fn;
      },
    });
  }
  return s;
}

/**
 * Whether `obj` has symbol `k`, bound or still to be bound, without binding
 * it (see {@linkcode lazySymbols}).
 */
export function hasSymbol(obj: Record<string, unknown>, k: string): boolean {
  const d = Object.getOwnPropertyDescriptor(obj, k);
  if (d === undefined) return false;
  return d.get !== undefined || (d.value ?? null) !== null;
}

/**
 * `obj[k]` read on first use: a function that reads (and so binds) the
 * symbol when first called, then calls it directly; for code built before
 * its first call (see {@linkcode lazySymbols}).
 */
export function symbolOnUse<F extends (...a: never[]) => unknown>(
  obj: Record<string, unknown>,
  k: string,
): () => F | null {
  let fn: F | null | undefined;
  return () => fn === undefined ? (fn = (obj[k] ?? null) as F | null) : fn;
}
