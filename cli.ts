// Copyright 2026 the dirfd authors. MIT license.
/**
 * A small command-line tool over dirfd.
 *
 * ```sh
 * deno run --allow-ffi --allow-read jsr:@dirfd/dirfd/cli caps
 * deno run --allow-ffi --allow-read jsr:@dirfd/dirfd/cli stat --json /etc/hostname
 * deno run --allow-ffi --allow-read --allow-write jsr:@dirfd/dirfd/cli tour
 * ```
 *
 * Commands: `caps` (the capability sets and the active backend), `stat
 * [--no-follow] [--json] PATH…`, `bench [N]` (stat throughput against
 * `Deno.lstatSync`), `tour` (the module at work in a temporary directory),
 * `walk [--follow] [--max-depth N] [--long] [--json] ROOT` (a tree listed
 * through descriptors, like `find -P`; `--long` adds each entry's type and
 * mode, size and mtime, like `find -ls`, and `--json` its `info`, both read
 * with the listing (`stat: true`); a progress line on stderr for long walks
 * when stderr is a terminal).
 *
 * @example Print the capability sets
 * ```ts
 * import { main } from "@dirfd/dirfd/cli";
 *
 * await main(["caps"]);
 * ```
 *
 * @module
 */
import {
  chdir,
  lstatSync,
  openDirSync,
  openRootSync,
  readLinkSync,
  statSync,
  supportsDirFd,
  supportsFd,
  supportsFollowSymlinks,
  symlinkSync,
  walkSync,
} from "./mod.ts";
import { parseArgs } from "@std/cli/parse-args";
import { format as formatBytes } from "@std/fmt/bytes";
import { bold, cyan, setColorEnabled } from "@std/fmt/colors";
import { backend } from "./_backend.ts";
import { FILE_INFO_KEYS, type FileInfo } from "./_file_info.ts";

/** Writes one line of output. */
type Out = (line: string) => void;

/** Parsed flags of one command, by name. */
type Flags = Record<string, unknown>;

/** One command: its usage, its flags, and what it does. */
interface Command {
  /** `name [flags] ARGS`, shown by `--help` and on bad usage. */
  readonly usage: string;
  /** One line saying what the command does. */
  readonly summary: string;
  /** Flags without a value. */
  readonly boolean?: readonly string[];
  /** Flags with a value. */
  readonly string?: readonly string[];
  /** How many positional arguments it takes: `[min, max]`. */
  readonly args: readonly [number, number];
  /** Runs the command; returns the exit status. */
  run(flags: Flags, args: string[], out: Out): number | Promise<number>;
}

function names(set: ReadonlySet<{ name: string }>): string {
  return [...set].map((f) => f.name).filter((n) => !n.endsWith("Sync"))
    .sort().join(", ") || "(none)";
}

/** The active backend, or why there is none. */
export function backendName(): string {
  const b = backend();
  if (b === null) {
    return "none (Deno.* fallback: no --allow-ffi, or no backend)";
  }
  return `${b.name} (${Deno.build.arch}, stat via ${b.statVia})`;
}

function caps(_f: Flags, _args: string[], out: Out): number {
  out(`backend:                ${backendName()}`);
  out(`supportsDirFd:          ${names(supportsDirFd)}`);
  out(`supportsFd:             ${names(supportsFd)}`);
  out(`supportsFollowSymlinks: ${names(supportsFollowSymlinks)}`);
  out("(each async function's Sync twin is in the same sets)");
  return 0;
}

function typeOf(info: FileInfo): string {
  if (info.isFile) return "regular file";
  if (info.isDirectory) return "directory";
  if (info.isSymlink) return "symbolic link";
  if (info.isFifo) return "fifo";
  if (info.isSocket) return "socket";
  if (info.isCharDevice) return "character special file";
  if (info.isBlockDevice) return "block special file";
  return "unknown";
}

function statCmd(flags: Flags, paths: string[], out: Out): number {
  const follow = !flags["no-follow"];
  const json = flags.json === true;
  let status = 0;
  for (const p of paths) {
    try {
      const info = statSync(p, { followSymlinks: follow });
      if (json) {
        const fields = Object.fromEntries(
          FILE_INFO_KEYS.map((k) => [k, info[k]]),
        );
        out(
          JSON.stringify(
            { path: p, ...fields },
            (_k, v) => typeof v === "bigint" ? v.toString() : v,
          ),
        );
      } else {
        const mode = info.mode === null
          ? "-"
          : (info.mode & 0o7777).toString(8).padStart(4, "0");
        out(`  File: ${heading(p)}`);
        out(
          `  Size: ${info.size} (${
            formatBytes(info.size, { binary: true })
          })\tBlocks: ${info.blocks}\tIO Block: ${info.blksize}\t${
            typeOf(info)
          }`,
        );
        out(`Device: ${info.dev}\tInode: ${info.ino}\tLinks: ${info.nlink}`);
        out(`Access: (${mode})\tUid: ${info.uid}\tGid: ${info.gid}`);
        out(`Access: ${info.atime?.toISOString()} (${info.atimeNs} ns)`);
        out(`Modify: ${info.mtime?.toISOString()} (${info.mtimeNs} ns)`);
        out(`Change: ${info.ctime?.toISOString()} (${info.ctimeNs} ns)`);
        out(` Birth: ${info.birthtime?.toISOString() ?? "-"}`);
      }
    } catch (e) {
      console.error(`stat: cannot stat '${p}': ${(e as Error).message}`);
      status = 1;
    }
  }
  return status;
}

/** Times `n` calls of `fn`, returning nanoseconds per call. */
function perCall(n: number, fn: () => unknown): number {
  for (let i = 0; i < Math.min(n, 2000); i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return ((performance.now() - t0) * 1e6) / n;
}

function throughput(
  root: string,
  n: number,
  out: (line: string) => void,
): void {
  const abs = `${root}/file.txt`;
  using dir = openDirSync(root);
  const deno = perCall(n, () => Deno.lstatSync(abs));
  const mine = perCall(n, () => lstatSync(abs));
  const rel = perCall(n, () => statSync("file.txt", { dirFd: dir }));
  const f = (ns: number) => `${(ns / 1000).toFixed(2)} µs`;
  out(`  Deno.lstatSync(abs)            ${f(deno)}`);
  out(
    `  dirfd lstatSync(abs)           ${f(mine)}  (${
      (deno / mine).toFixed(2)
    }× Deno)`,
  );
  out(
    `  dirfd statSync(name, {dirFd})  ${f(rel)}  (${
      (deno / rel).toFixed(2)
    }× Deno)`,
  );
  out(`  (${n} calls each; a quick look — see \`deno task bench\`)`);
}

function bench(_f: Flags, args: string[], out: Out): number {
  const n = Number(args[0] ?? 200_000);
  if (!Number.isInteger(n) || n <= 0) {
    return usageError("bench", "N must be a positive integer");
  }
  if (backend() === null) {
    console.error("bench: needs --allow-ffi");
    return 1;
  }
  const root = Deno.makeTempDirSync({ prefix: "dirfd_bench_" });
  try {
    Deno.writeTextFileSync(`${root}/file.txt`, "x");
    throughput(root, n, out);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
  return 0;
}

function tour(_f: Flags, _args: string[], out: Out): number {
  out(heading(`dirfd tour — backend: ${backendName()}`));
  if (backend() === null) {
    out("Run with --allow-ffi to see descriptors at work.");
    return 1;
  }
  const root = Deno.realPathSync(
    Deno.makeTempDirSync({ prefix: "dirfd_tour_" }),
  );
  const cwd = Deno.cwd();
  try {
    Deno.mkdirSync(`${root}/project/src`, { recursive: true });
    Deno.writeTextFileSync(`${root}/project/src/main.ts`, "console.log(1);\n");
    out(`\n1. Open a directory once; resolve names against it (dirFd).`);
    using project = openDirSync(`${root}/project`, { followSymlinks: false });
    out(`   openDirSync("${root}/project") -> ${Deno.inspect(project)}`);
    symlinkSync("src/main.ts", "entry", { dirFd: project });
    out(`   symlinkSync("src/main.ts", "entry", { dirFd }) created a link`);
    out(
      `   readLinkSync("entry", { dirFd }) = ${
        JSON.stringify(readLinkSync("entry", { dirFd: project }))
      }`,
    );
    const link = statSync("entry", { dirFd: project, followSymlinks: false });
    const target = statSync("entry", { dirFd: project });
    out(
      `   statSync("entry", { dirFd, followSymlinks: false }).isSymlink = ${link.isSymlink}`,
    );
    out(
      `   statSync("entry", { dirFd }).size = ${target.size} (the target), mtimeNs = ${target.mtimeNs}`,
    );

    out(`\n2. The directory handle survives a rename of its path.`);
    Deno.renameSync(`${root}/project`, `${root}/renamed`);
    Deno.mkdirSync(`${root}/project`);
    out(`   renamed project/ -> renamed/ and made a new, empty project/`);
    out(
      `   statSync("src/main.ts", { dirFd }) still finds the file: size ${
        statSync("src/main.ts", { dirFd: project }).size
      }`,
    );

    out(
      `\n3. fchdir: chdir(dir) goes where the handle is, not where the name is.`,
    );
    chdir(project);
    out(`   chdir(project) -> Deno.cwd() = ${Deno.cwd()}`);
    chdir(cwd);

    out(`\n4. Capability sets (like Python's os.supports_*):`);
    out(`   supportsDirFd.has(statSync) = ${supportsDirFd.has(statSync)}`);
    out(`   supportsFd.has(chdir) = ${supportsFd.has(chdir)}`);
    caps({}, [], (l) => out(`   ${l}`));

    out(`\n5. A Root: names resolved beneath a directory, or refused.`);
    Deno.symlinkSync("../../..", `${root}/renamed/src/up`);
    using site = openRootSync(`${root}/renamed`);
    out(`   openRootSync("${root}/renamed") -> Root`);
    out(
      `   root.realPathSync("src/../src/./main.ts") = ${
        JSON.stringify(site.realPathSync("src/../src/./main.ts"))
      }`,
    );
    for (const name of ["../../etc/passwd", "src/up/etc/passwd", "/etc"]) {
      try {
        site.statSync(name);
        out(`   root.statSync(${JSON.stringify(name)}) was NOT refused`);
      } catch (e) {
        out(
          `   root.statSync(${JSON.stringify(name)}) -> ${(e as Error).name}: ${
            (e as Error).message
          }`,
        );
      }
    }

    out(`\n6. Stat throughput against Deno.lstatSync:`);
    Deno.writeTextFileSync(`${root}/file.txt`, "x");
    throughput(root, 100_000, (l) => out(` ${l}`));
  } finally {
    chdir(cwd);
    Deno.removeSync(root, { recursive: true });
  }
  return 0;
}

/** The `ls -l` mode string of `info`: type, then permissions. */
export function modeString(info: Deno.FileInfo): string {
  const type = info.isDirectory
    ? "d"
    : info.isSymlink
    ? "l"
    : info.isFile
    ? "-"
    : info.isFifo
    ? "p"
    : info.isSocket
    ? "s"
    : info.isBlockDevice
    ? "b"
    : info.isCharDevice
    ? "c"
    : "?";
  const m = info.mode;
  if (m === null) return `${type}?????????`;
  const rwx = (shift: number, special: number, on: string, off: string) => {
    const bits = (m >> shift) & 7;
    const x = (bits & 1) !== 0;
    const exec = (m & special) !== 0 ? (x ? on : off) : x ? "x" : "-";
    return `${bits & 4 ? "r" : "-"}${bits & 2 ? "w" : "-"}${exec}`;
  };
  return type + rwx(6, 0o4000, "s", "S") + rwx(3, 0o2000, "s", "S") +
    rwx(0, 0o1000, "t", "T");
}

/** One `walk --long` line: mode, size, mtime (UTC) and path, like `find -ls`. */
export function longLine(
  path: string,
  info: Deno.FileInfo,
  target?: string,
): string {
  const mtime = info.mtime === null
    ? "-".padEnd(20)
    : info.mtime.toISOString().replace(/\.\d+Z$/, "Z");
  const arrow = target === undefined ? "" : ` -> ${target}`;
  return `${modeString(info)} ${
    String(info.size).padStart(10)
  } ${mtime} ${path}${arrow}`;
}

/**
 * A progress line for long walks: nothing for the first `delayMs`, then, at
 * most every `everyMs`, the count and the current path on one line,
 * rewritten in place (`\r`), and erased by {@linkcode Progress.done}.
 */
export class Progress {
  #write: (text: string) => void;
  #now: () => number;
  #start: number;
  #next: number;
  #everyMs: number;
  #shown = false;
  constructor(
    write: (text: string) => void,
    now: () => number = () => performance.now(),
    delayMs = 500,
    everyMs = 100,
  ) {
    this.#write = write;
    this.#now = now;
    this.#start = now();
    this.#next = this.#start + delayMs;
    this.#everyMs = everyMs;
  }
  /** Notes the `count`th entry, at `path`. */
  tick(count: number, path: string): void {
    if ((count & 63) !== 0) return; // the clock is read every 64 entries
    const t = this.#now();
    if (t < this.#next) return;
    this.#next = t + this.#everyMs;
    const cols = 78;
    const head = `${count} entries, ${
      ((t - this.#start) / 1000).toFixed(1)
    } s: `;
    const room = cols - head.length;
    const p = path.length > room ? `…${path.slice(-(room - 1))}` : path;
    this.#write(`\r\x1b[K${head}${p}`);
    this.#shown = true;
  }
  /** Erases the line, if one was shown. */
  done(): void {
    if (this.#shown) this.#write("\r\x1b[K");
    this.#shown = false;
  }
}

/** JSON of a FileInfo: its fields, dates as ISO strings. */
function infoFields(info: FileInfo): Record<string, unknown> {
  return Object.fromEntries(FILE_INFO_KEYS.map((k) => [k, info[k]]));
}

function walkCmd(flags: Flags, [root]: string[], out: Out): number {
  const follow = flags.follow === true, json = flags.json === true;
  const long = flags.long === true;
  let maxDepth = Infinity;
  if (flags["max-depth"] !== undefined) {
    maxDepth = Number(flags["max-depth"]);
    if (!Number.isInteger(maxDepth) || maxDepth < 0) {
      return usageError("walk", "--max-depth needs a non-negative integer");
    }
  }
  const stat = long || json;
  const enc = new TextEncoder();
  const progress = Deno.stderr.isTerminal()
    ? new Progress((t) => Deno.stderr.writeSync(enc.encode(t)))
    : null;
  let n = 0;
  try {
    for (
      const e of walkSync(root, { followSymlinks: follow, maxDepth, stat })
    ) {
      progress?.tick(++n, e.path);
      if (json) {
        out(JSON.stringify(
          {
            path: e.path,
            name: e.name,
            isFile: e.isFile,
            isDirectory: e.isDirectory,
            isSymlink: e.isSymlink,
            info: infoFields(e.info!),
          },
          (_k, v) => typeof v === "bigint" ? v.toString() : v,
        ));
      } else if (long) {
        let target: string | undefined;
        if (e.isSymlink) {
          try {
            target = readLinkSync(e.name, { dirFd: e.dir });
          } catch {
            target = "?";
          }
        }
        out(longLine(e.path, e.info!, target));
      } else out(e.path);
    }
  } catch (e) {
    progress?.done();
    console.error(`walk: ${(e as Error).message}`);
    return 1;
  }
  progress?.done();
  return 0;
}

/** The commands by name. */
export const commands: Readonly<Record<string, Command>> = {
  caps: {
    usage: "caps",
    summary: "capability sets and the active backend",
    args: [0, 0],
    run: caps,
  },
  stat: {
    usage: "stat [--no-follow] [--json] PATH...",
    summary: "describe files (like stat(1))",
    boolean: ["no-follow", "json"],
    args: [1, Infinity],
    run: statCmd,
  },
  bench: {
    usage: "bench [N]",
    summary: "N lstats of one file: dirfd vs Deno.lstatSync",
    args: [0, 1],
    run: bench,
  },
  tour: {
    usage: "tour",
    summary: "dirfd at work in a temporary directory",
    args: [0, 0],
    run: tour,
  },
  walk: {
    usage: "walk [--follow] [--max-depth N] [--long] [--json] ROOT",
    summary:
      "list a tree through descriptors (like find -P; --long: mode, size, mtime like find -ls)",
    boolean: ["follow", "json", "long"],
    string: ["max-depth"],
    args: [1, 1],
    run: walkCmd,
  },
};

/** The usage text of the whole tool. */
function usage(): string {
  const width = Math.max(...Object.values(commands).map((c) => c.usage.length));
  const lines = Object.values(commands).map((c) =>
    `  ${c.usage.padEnd(width)}  ${c.summary}`
  );
  return [
    "usage: dirfd <command> [flags] [args]",
    "",
    "commands:",
    ...lines,
    `  ${"help".padEnd(width)}  this text (and \`<command> --help\`)`,
  ].join("\n");
}

/** The usage text of one command. */
function commandUsage(name: string): string {
  const c = commands[name];
  return `usage: dirfd ${c.usage}\n\n${c.summary}`;
}

/** Prints `message` and the command's usage to stderr; returns 2. */
function usageError(name: string, message: string): number {
  console.error(`${name}: ${message}\n${commandUsage(name)}`);
  return 2;
}

/** A heading, bold and coloured when colours are on. */
function heading(text: string): string {
  return bold(cyan(text));
}

/**
 * Runs the command line `args` and returns the exit status. Colours are used
 * only when output goes to `console.log` on a terminal and `NO_COLOR` is not
 * set.
 *
 * @param args The arguments after the program name.
 * @param out Where output lines go (default: `console.log`).
 * @returns The exit status: 0 on success, 1 on failure, 2 on bad usage.
 */
export async function main(
  args: string[],
  out: Out = console.log,
): Promise<number> {
  setColorEnabled(
    out === console.log && !Deno.noColor && Deno.stdout.isTerminal(),
  );
  const [name, ...rest] = args;
  if (name === undefined) {
    console.error(usage());
    return 2;
  }
  if (name === "help" || name === "--help" || name === "-h") {
    out(usage());
    return 0;
  }
  const cmd = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (cmd === undefined) {
    console.error(`dirfd: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  let unknown: string | undefined;
  const flags = parseArgs(rest, {
    boolean: ["help", ...(cmd.boolean ?? [])],
    // "_": positional arguments stay strings ("007" is a path, not 7).
    string: ["_", ...(cmd.string ?? [])],
    alias: { h: "help" },
    unknown: (arg) => {
      if (!arg.startsWith("-") || arg === "-") return true;
      unknown ??= arg;
      return false;
    },
  });
  if (flags.help) {
    out(commandUsage(name));
    return 0;
  }
  if (unknown !== undefined) {
    return usageError(name, `unknown flag '${unknown}'`);
  }
  for (const s of cmd.string ?? []) {
    if (flags[s] === "" && !rest.some((a) => a.startsWith(`--${s}=`))) {
      return usageError(name, `--${s} needs a value`);
    }
  }
  const positional = flags._.map(String);
  const [min, max] = cmd.args;
  if (positional.length < min) return usageError(name, "missing argument");
  if (positional.length > max) {
    return usageError(name, `unexpected argument '${positional[max]}'`);
  }
  return await cmd.run(flags, positional, out);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
