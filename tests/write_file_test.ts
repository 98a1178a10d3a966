// Copyright 2026 the dirfd authors. MIT license.
// writeFile/writeTextFile (+Sync) against Deno's; atomic replacement, with
// a writer killed mid-write.
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  openDir,
  openDirSync,
  supportsDirFd,
  writeFile,
  writeFileSync,
  writeTextFile,
  writeTextFileSync,
} from "../mod.ts";
import { openFdsIn, ROOT, warmPool, withTempDir } from "./_helpers.ts";

const posix = { ignore: Deno.build.os === "windows" };
const enc = new TextEncoder();
const slow = Deno.build.arch === "aarch64";

interface Outcome {
  error?: string;
  content?: string | null;
  mode?: number | null;
}

async function outcome(
  root: string,
  name: string,
  fn: () => unknown,
): Promise<Outcome> {
  try {
    await fn();
  } catch (e) {
    return {
      error: `${(e as Error).name} ${(e as { code?: string }).code}: ${
        (e as Error).message.replaceAll(root, "ROOT")
      }`,
    };
  }
  let content: string | null = null, mode: number | null = null;
  try {
    content = Deno.readTextFileSync(`${root}/${name}`);
    mode = Deno.statSync(`${root}/${name}`).mode;
  } catch {
    // absent
  }
  return { content, mode };
}

Deno.test(
  "writeFile: Deno's outcome for every option combination",
  posix,
  async () => {
    await withTempDir(async (root) => {
      const deno = `${root}/deno`, mine = `${root}/mine`;
      Deno.mkdirSync(deno);
      Deno.mkdirSync(mine);
      await using dir = await openDir(mine);
      const vals = [undefined, false, true];
      let n = 0;
      for (const append of vals) {
        for (const create of vals) {
          for (const createNew of vals) {
            for (const mode of [undefined, 0o600]) {
              for (const exists of [false, true]) {
                const o = { append, create, createNew, mode };
                for (const variant of ["sync", "async", "dirFd"] as const) {
                  const name = `f${n++}`;
                  for (const r of [deno, mine]) {
                    if (exists) {
                      Deno.writeTextFileSync(`${r}/${name}`, "old", {
                        mode: 0o644,
                      });
                    }
                  }
                  const data = enc.encode("new");
                  const a = await outcome(
                    deno,
                    name,
                    () =>
                      variant === "sync"
                        ? Deno.writeFileSync(`${deno}/${name}`, data, o)
                        : Deno.writeFile(`${deno}/${name}`, data, o),
                  );
                  const b = await outcome(
                    mine,
                    name,
                    () =>
                      variant === "sync"
                        ? writeFileSync(`${mine}/${name}`, data, o)
                        : variant === "async"
                        ? writeFile(`${mine}/${name}`, data, o)
                        : writeFileSync(name, data, { ...o, dirFd: dir }),
                  );
                  const want = variant === "dirFd" && a.error !== undefined
                    ? { error: a.error.replace(`ROOT/${name}`, name) }
                    : a;
                  assertEquals(
                    b,
                    want,
                    `${variant} ${JSON.stringify(o)} exists=${exists}`,
                  );
                }
              }
            }
          }
        }
      }
      assert(
        supportsDirFd.has(writeFile) && supportsDirFd.has(writeTextFileSync),
      );
    });
  },
);

Deno.test(
  "writeFile: streams, text, large data, signal, bad input",
  posix,
  async () => {
    await withTempDir(async (root) => {
      using dir = openDirSync(root);
      await warmPool(root);
      const base = openFdsIn(root);
      await writeFile(
        "s",
        ReadableStream.from([enc.encode("ab"), enc.encode("cd")]),
        { dirFd: dir },
      );
      assertEquals(Deno.readTextFileSync(`${root}/s`), "abcd");
      await writeTextFile("t", ReadableStream.from(["x", "y"]), { dirFd: dir });
      assertEquals(Deno.readTextFileSync(`${root}/t`), "xy");
      writeTextFileSync("u", "héllo", { dirFd: dir });
      assertEquals(Deno.readTextFileSync(`${root}/u`), "héllo");
      const big = new Uint8Array(3_000_000).map((_, i) => i & 0xff);
      await writeFile("big", big, { dirFd: dir });
      assertEquals(Deno.readFileSync(`${root}/big`), big);
      writeFileSync("big2", big, { dirFd: dir });
      assertEquals(Deno.readFileSync(`${root}/big2`), big);
      const ac = new AbortController();
      ac.abort(new RangeError("stop"));
      await assertRejects(
        () =>
          writeFile("ab", enc.encode("x"), { dirFd: dir, signal: ac.signal }),
        RangeError,
      );
      const bad: unknown[] = [
        { append: "yes" },
        { mode: -1 },
        { mode: 1.5 },
        { create: 1 },
        { atomic: "y" },
        { dirFd: -1 },
        { signal: {} },
        { atomic: true, append: true },
      ];
      for (const o of bad) {
        assertThrows(
          () => writeFileSync(`${root}/bad`, enc.encode("x"), o as never),
          TypeError,
          undefined,
          JSON.stringify(o),
        );
        await assertRejects(
          () => writeFile(`${root}/bad`, enc.encode("x"), o as never),
          TypeError,
        );
      }
      assertThrows(
        () => writeFileSync(`${root}/bad`, "str" as never),
        TypeError,
      );
      assertThrows(
        () => writeTextFileSync(`${root}/bad`, 5 as never),
        TypeError,
      );
      assertEquals(
        Deno.readDirSync(root).some((e) => e.name === "bad" || e.name === "ab"),
        false,
      );
      assert(openFdsIn(root) <= base, "no descriptor leaked");
    });
  },
);

Deno.test(
  "writeFile atomic: replaces, keeps nothing behind, honours createNew/create",
  posix,
  async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/sub`);
      using dir = openDirSync(root);
      await warmPool(root);
      const base = openFdsIn(root);
      Deno.writeTextFileSync(`${root}/sub/f`, "old");
      const ino = Deno.statSync(`${root}/sub/f`).ino;
      writeFileSync("sub/f", enc.encode("new"), {
        dirFd: dir,
        atomic: true,
        mode: 0o640,
      });
      assertEquals(Deno.readTextFileSync(`${root}/sub/f`), "new");
      assert(
        Deno.statSync(`${root}/sub/f`).ino !== ino,
        "a new file renamed over",
      );
      assertEquals(Deno.statSync(`${root}/sub/f`).mode! & 0o777, 0o640);
      await writeTextFile("sub/g", "async", { dirFd: dir, atomic: true });
      assertEquals(Deno.readTextFileSync(`${root}/sub/g`), "async");
      await writeTextFile(`${root}/abs`, "abs", { atomic: true });
      assertEquals(Deno.readTextFileSync(`${root}/abs`), "abs");
      // createNew: refused on an existing target, which stays as it was.
      assertThrows(
        () =>
          writeFileSync("sub/f", enc.encode("x"), {
            dirFd: dir,
            atomic: true,
            createNew: true,
          }),
        Deno.errors.AlreadyExists,
        "writefile 'sub/f'",
      );
      writeFileSync("sub/n", enc.encode("n"), {
        dirFd: dir,
        atomic: true,
        createNew: true,
      });
      assertEquals(Deno.readTextFileSync(`${root}/sub/n`), "n");
      // create: false needs the target.
      assertThrows(
        () =>
          writeFileSync("sub/none", enc.encode("x"), {
            dirFd: dir,
            atomic: true,
            create: false,
          }),
        Deno.errors.NotFound,
      );
      // A missing directory: Deno's error, nothing created.
      assertThrows(
        () =>
          writeFileSync("nodir/f", enc.encode("x"), {
            dirFd: dir,
            atomic: true,
          }),
        Deno.errors.NotFound,
      );
      // The async path: the same outcomes.
      await assertRejects(
        () =>
          writeFile("sub/f", enc.encode("x"), {
            dirFd: dir,
            atomic: true,
            createNew: true,
          }),
        Deno.errors.AlreadyExists,
        "writefile 'sub/f'",
      );
      await assertRejects(
        () =>
          writeFile("sub/none", enc.encode("x"), {
            dirFd: dir,
            atomic: true,
            create: false,
          }),
        Deno.errors.NotFound,
      );
      await writeFile("sub/n2", new Uint8Array(1_500_000).fill(3), {
        dirFd: dir,
        atomic: true,
        createNew: true,
        mode: 0o600,
      });
      assertEquals(Deno.statSync(`${root}/sub/n2`).size, 1_500_000);
      assertEquals(Deno.statSync(`${root}/sub/n2`).mode! & 0o777, 0o600);
      Deno.removeSync(`${root}/sub/n2`);
      assertEquals(
        [...Deno.readDirSync(`${root}/sub`)].map((e) => e.name).sort(),
        ["f", "g", "n"],
        "no temporary file left",
      );
      assert(openFdsIn(root) <= base, "no descriptor leaked");
    });
  },
);

Deno.test(
  "writeFile atomic: a writer killed mid-write never leaves a torn target",
  posix,
  async () => {
    await withTempDir(async (root) => {
      const size = (slow ? 1 : 4) * 1024 * 1024;
      const child = `${root}/writer.ts`;
      Deno.writeTextFileSync(
        child,
        `import { openDirSync, writeFileSync } from ${
          JSON.stringify(new URL("../mod.ts", import.meta.url).href)
        };
const dir = openDirSync(${JSON.stringify(root)});
const bufs = [new Uint8Array(${size}).fill(65), new Uint8Array(${size}).fill(66)];
for (let i = 0; ; i++) {
  writeFileSync("target", bufs[i & 1], { dirFd: dir, atomic: true });
  if (i === 2) console.log("go");
}
`,
      );
      Deno.writeFileSync(`${root}/target`, new Uint8Array(size).fill(90));
      const proc = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--config", `${ROOT}deno.json`, child],
        stdout: "piped",
        stderr: "inherit",
      }).spawn();
      const lines = proc.stdout.pipeThrough(new TextDecoderStream())
        .getReader();
      assertEquals((await lines.read()).value?.trim(), "go");
      // Readers see a whole old or a whole new file, never a mix.
      const check = (what: string) => {
        const got = Deno.readFileSync(`${root}/target`);
        assertEquals(got.length, size, what);
        const first = got[0];
        assert(first === 65 || first === 66, what);
        assert(got.every((v) => v === first), `${what}: torn`);
      };
      for (let i = 0; i < (slow ? 3 : 20); i++) check(`read ${i}`);
      proc.kill("SIGKILL");
      await proc.status;
      await lines.cancel();
      check("after the kill");
    });
  },
);
