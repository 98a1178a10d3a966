// Copyright 2026 the dirfd authors. MIT license.
// Without --allow-ffi the module imports, path-only calls fall back to
// Deno.*, the capability sets shrink and descriptor uses are NotSupported.
import { assertEquals, assertMatch } from "@std/assert";
import { posixOnly, ROOT, runDeno, withTempDir } from "./_helpers.ts";

// Windows: POSIX symlink fixtures through Deno.symlinkSync without a type.
Deno.test(
  "without --allow-ffi: fallback to Deno.*, sets shrink",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      const script = `
      import * as d from "${ROOT}mod.ts";
      const root = Deno.args[0];
      const out = {};
      const names = (s) => [...s].map((f) => f.name).sort();
      out.dirFd = names(d.supportsDirFd);
      out.fd = names(d.supportsFd);
      out.follow = names(d.supportsFollowSymlinks);
      Deno.writeTextFileSync(root + "/f", "abc");
      out.size = d.statSync(root + "/f").size;
      out.asyncSize = (await d.stat(root + "/f")).size;
      d.symlinkSync("f", root + "/l");
      out.link = d.readLinkSync(root + "/l");
      out.lstat = d.lstatSync(root + "/l").isSymlink;
      out.nofollow = d.statSync(root + "/l", { followSymlinks: false }).isSymlink;
      out.ns = d.statSync(root + "/f").mtimeNs;
      const err = (f) => { try { f(); return "ok"; } catch (e) { return e.constructor.name + ": " + e.message; } };
      out.statDirFd = err(() => d.statSync("f", { dirFd: 3 }));
      out.statFd = err(() => d.statSync(3));
      out.openDir = err(() => d.openDirSync(root));
      out.chdirFd = err(() => d.chdir(3));
      out.missing = err(() => d.statSync(root + "/nope"));
      d.chdir(root);
      out.cwd = Deno.cwd();
      console.log(JSON.stringify(out));`;
      // `deno eval` grants every permission, so run a script file instead.
      Deno.writeTextFileSync(`${root}/probe.ts`, script);
      const r = await runDeno(
        [
          "run",
          "--no-prompt",
          "--allow-read",
          "--allow-write",
          `${root}/probe.ts`,
          root,
        ],
        { cwd: root },
      );
      assertEquals(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assertEquals(out.dirFd, []);
      assertEquals(out.fd, []);
      assertEquals(out.follow, ["stat", "statSync"]);
      assertEquals(out.size, 3);
      assertEquals(out.asyncSize, 3);
      assertEquals(out.link, "f");
      assertEquals(out.lstat, true);
      assertEquals(out.nofollow, true);
      assertEquals(out.ns, null);
      assertEquals(
        out.statDirFd,
        "NotSupported: stat: dirFd unavailable on this platform",
      );
      assertEquals(
        out.statFd,
        "NotSupported: stat: fd unavailable on this platform",
      );
      assertMatch(out.openDir, /^NotSupported: openDir: /);
      assertEquals(
        out.chdirFd,
        "NotSupported: chdir: fd unavailable on this platform",
      );
      assertMatch(
        out.missing,
        /^NotFound: No such file or directory \(os error 2\)/,
      );
      assertEquals(out.cwd, root);
    });
  },
);
