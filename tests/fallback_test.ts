// Copyright 2026 the dirfd authors. MIT license.
// Without --allow-ffi the module imports, path-only calls fall back to
// Deno.*, the capability sets shrink and descriptor uses are NotSupported.
import assert from "node:assert/strict";
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
          // Outside the project: its import map resolves @std/path.
          "--config",
          `${ROOT}deno.json`,
          "--no-prompt",
          "--allow-read",
          "--allow-write",
          `${root}/probe.ts`,
          root,
        ],
        { cwd: root },
      );
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.deepEqual(out.dirFd, []);
      assert.deepEqual(out.fd, []);
      assert.deepEqual(out.follow, ["stat", "statSync"]);
      assert.equal(out.size, 3);
      assert.equal(out.asyncSize, 3);
      assert.equal(out.link, "f");
      assert.equal(out.lstat, true);
      assert.equal(out.nofollow, true);
      assert.equal(out.ns, null);
      assert.equal(
        out.statDirFd,
        "NotSupported: stat: dirFd unavailable on this platform",
      );
      assert.equal(
        out.statFd,
        "NotSupported: stat: fd unavailable on this platform",
      );
      assert.match(out.openDir, /^NotSupported: openDir: /);
      assert.equal(
        out.chdirFd,
        "NotSupported: chdir: fd unavailable on this platform",
      );
      assert.match(
        out.missing,
        /^NotFound: No such file or directory \(os error 2\)/,
      );
      assert.equal(out.cwd, root);
    });
  },
);
