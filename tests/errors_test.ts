// Copyright 2026 the dirfd authors. MIT license.
// Every errno the core syscalls can return, provoked for real and compared
// with what Deno's own call throws for the same condition.
import {
  assert,
  assertEquals,
  assertMatch,
  assertStrictEquals,
} from "@std/assert";
import {
  lstatSync,
  openDirSync,
  readLinkSync,
  statSync,
  symlinkSync,
  type SystemError,
} from "../mod.ts";
import { errorClassFor } from "../ffi/_error_classes.ts";
import { isRoot, ROOT, runDeno, thrown, withTempDir } from "./_helpers.ts";

const linux = Deno.build.os === "linux";

function assertLikeDeno(
  mine: Error,
  deno: Error,
  code: string,
  syscall: string,
): void {
  const e = mine as SystemError;
  assertStrictEquals(e.constructor, deno.constructor, `class for ${code}`);
  assertEquals(e.name, deno.name);
  assertEquals(e.code, (deno as SystemError).code);
  assertEquals(e.code, code);
  assertEquals(e.syscall, syscall);
  // Same description and "(os error N)" as Deno; only the syscall differs.
  assertEquals(
    e.message.split("): ")[0],
    deno.message.split("): ")[0],
    "message prefix",
  );
  assertMatch(e.message, new RegExp(`\\(os error ${e.errno}\\): ${syscall}`));
}

Deno.test({
  name: "ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG match Deno.lstatSync/statSync",
  ignore: !linux,
  fn: async () => {
    await withTempDir((root) => {
      Deno.writeTextFileSync(`${root}/file`, "");
      Deno.symlinkSync("loop", `${root}/loop`);
      const cases: [string, () => unknown, () => unknown][] = [
        [
          "ENOENT",
          () => lstatSync(`${root}/x`),
          () => Deno.lstatSync(`${root}/x`),
        ],
        [
          "ENOTDIR",
          () => lstatSync(`${root}/file/x`),
          () => Deno.lstatSync(`${root}/file/x`),
        ],
        [
          "ELOOP",
          () => statSync(`${root}/loop`),
          () => Deno.statSync(`${root}/loop`),
        ],
        [
          "ENAMETOOLONG",
          () => lstatSync(`${root}/${"n".repeat(300)}`),
          () => Deno.lstatSync(`${root}/${"n".repeat(300)}`),
        ],
      ];
      for (const [code, mine, deno] of cases) {
        const e = thrown(mine) as SystemError;
        assertLikeDeno(e, thrown(deno), code, "statx");
        assert(e.path?.startsWith(root));
        assertEquals(typeof e.errno, "number");
      }
    });
  },
});

Deno.test({
  name: "EEXIST and EINVAL match Deno.symlinkSync/readLinkSync",
  ignore: !linux,
  fn: async () => {
    await withTempDir((root) => {
      Deno.writeTextFileSync(`${root}/file`, "");
      assertLikeDeno(
        thrown(() => symlinkSync("t", `${root}/file`)),
        thrown(() => Deno.symlinkSync("t", `${root}/file`)),
        "EEXIST",
        "symlinkat",
      );
      const e = thrown(() => symlinkSync("t", `${root}/file`)) as SystemError;
      assertEquals(e.path, "t");
      assertEquals(e.dest, `${root}/file`);
      // readlink of a non-link is EINVAL, which Deno reports as a TypeError.
      const inval = thrown(() => readLinkSync(`${root}/file`));
      assertLikeDeno(
        inval,
        thrown(() => Deno.readLinkSync(`${root}/file`)),
        "EINVAL",
        "readlinkat",
      );
      assert(inval instanceof TypeError);
    });
  },
});

Deno.test({
  name: "EBADF: a descriptor number that is not open",
  ignore: !linux,
  fn: async () => {
    await withTempDir((root) => {
      const dir = openDirSync(root);
      const fd = dir.fd;
      dir.close();
      // The number itself is no longer open: the kernel says EBADF, which
      // Deno (through Rust's io::ErrorKind) reports as a plain Error.
      const e = thrown(() => statSync(fd)) as SystemError;
      assertEquals(e.code, "EBADF");
      assertEquals(e.errno, 9);
      assertStrictEquals(e.constructor, Error);
      assertMatch(e.message, /^Bad file descriptor \(os error 9\): statx$/);
      const e2 = thrown(() => statSync("x", { dirFd: fd })) as SystemError;
      assertEquals(e2.code, "EBADF");
    });
  },
});

Deno.test({
  name: "EACCES: a search-protected directory, as an unprivileged user",
  ignore: !linux,
  fn: async () => {
    await withTempDir(async (root) => {
      Deno.mkdirSync(`${root}/locked/inner`, { recursive: true });
      Deno.chmodSync(`${root}/locked`, 0o000);
      Deno.chmodSync(root, 0o755);
      const script = `
        import { lstatSync } from "${ROOT}mod.ts";
        const out = {};
        for (const [k, f] of [["mine", () => lstatSync(Deno.args[0])],
                              ["deno", () => Deno.lstatSync(Deno.args[0])]]) {
          try { f(); out[k] = "no error"; }
          catch (e) { out[k] = [e.constructor.name, e.code, e.message.split("): ")[0], e.syscall ?? null]; }
        }
        console.log(JSON.stringify(out));`;
      Deno.writeTextFileSync(`${root}/probe.ts`, script);
      Deno.chmodSync(`${root}/probe.ts`, 0o644);
      // Root ignores permission bits: drop to `nobody` when we are root.
      const args = [
        "run",
        "--allow-ffi",
        "--allow-read",
        `${root}/probe.ts`,
        `${root}/locked/inner`,
      ];
      let r;
      if (isRoot) {
        const cmd = new Deno.Command("setpriv", {
          args: [
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            Deno.execPath(),
            ...args,
          ],
          env: {
            NO_COLOR: "1",
            DENO_DIR: Deno.env.get("DENO_DIR") ??
              `${Deno.env.get("HOME")}/.cache/deno`,
          },
          stdout: "piped",
          stderr: "piped",
        });
        const o = await cmd.output();
        r = {
          code: o.code,
          stdout: new TextDecoder().decode(o.stdout),
          stderr: new TextDecoder().decode(o.stderr),
        };
      } else {
        r = await runDeno(args);
      }
      Deno.chmodSync(`${root}/locked`, 0o755);
      assertEquals(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assertEquals(out.mine.slice(0, 3), out.deno.slice(0, 3));
      assertEquals(out.mine, [
        "PermissionDenied",
        "EACCES",
        "Permission denied (os error 13",
        "statx",
      ]);
    });
  },
});

Deno.test("errno names map to the classes Deno uses", () => {
  const table: [string, unknown][] = [
    ["ENOENT", Deno.errors.NotFound],
    ["EACCES", Deno.errors.PermissionDenied],
    ["EPERM", Deno.errors.PermissionDenied],
    ["EEXIST", Deno.errors.AlreadyExists],
    ["ENOTDIR", Deno.errors.NotADirectory],
    ["EISDIR", Deno.errors.IsADirectory],
    ["ELOOP", Deno.errors.FilesystemLoop],
    ["EINVAL", TypeError],
    ["EINTR", Deno.errors.Interrupted],
    ["EAGAIN", Deno.errors.WouldBlock],
    ["ENAMETOOLONG", Error],
    ["EBADF", Error],
    ["ENOTEMPTY", Error],
    ["EXDEV", Error],
    ["EBUSY", Error],
    [undefined as unknown as string, Error],
  ];
  for (const [code, cls] of table) {
    assertStrictEquals(errorClassFor(code), cls, code);
  }
});
