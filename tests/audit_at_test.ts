// Copyright 2026 the dirfd authors. MIT license.
// Audit events of the *at operations: Python's names and argument order
// (checked against CPython 3.11), -1 where Python passes dir_fd=None, and no
// event (nor syscall) for rejected input.
import {
  assert,
  assertEquals,
  assertNotEquals,
  assertThrows,
} from "@std/assert";
import {
  access,
  addAuditHook,
  chmodSync,
  chownSync,
  F_OK,
  linkSync,
  mkdir,
  mkdirSync,
  mkfifo,
  mkfifoSync,
  mknod,
  mknodSync,
  openDirSync,
  renameSync,
  rmdirSync,
  statvfsSync,
  truncate,
  truncateSync,
  unlinkSync,
  utimeSync,
} from "../mod.ts";
import { withTempDir } from "./_at_util.ts";
import { posixOnly } from "./_helpers.ts";

const AT_EVENTS = new Set([
  "os.mkdir",
  "os.remove",
  "os.rmdir",
  "os.rename",
  "os.link",
  "os.chmod",
  "os.chown",
  "os.utime",
  "os.truncate",
  "os.mkfifo",
  "os.mknod",
]);
let events: [string, unknown[]][] | null = null;
let veto: string | null = null;
addAuditHook((event, args) => {
  if (events === null || !AT_EVENTS.has(event)) return;
  assert(Object.isFrozen(args));
  events.push([event, [...args]]);
  if (event === veto) throw new Error(`vetoed ${event}`);
});

function record(fn: () => void): [string, unknown[]][] {
  events = [];
  try {
    fn();
    return events;
  } finally {
    events = null;
  }
}

// POSIX only: chown has no Windows primitive; Windows events: replace_test.ts and the windows family tests.
Deno.test(
  "audit: names and argument order match Python's os module",
  posixOnly,
  async () => {
    await withTempDir(async (root) => {
      using d = openDirSync(root);
      const fd = d.fd;
      const url = new URL(`file://${root}/u`);
      const got = record(() => {
        mkdirSync("x", { dirFd: d, mode: 0o755 });
        mkdirSync(`${root}/y`);
        mkdirSync(url);
        Deno.writeTextFileSync(`${root}/f`, "abc");
        linkSync("f", "g", { srcDirFd: d, dstDirFd: d });
        linkSync(`${root}/f`, `${root}/h`);
        renameSync("g", "g2", { srcDirFd: d, dstDirFd: d });
        renameSync(`${root}/h`, "h2", { dstDirFd: d });
        chmodSync("f", 0o600, { dirFd: d });
        chmodSync(`${root}/f`, 0o644);
        chmodSync(d, 0o700);
        chownSync("f", -1, -1, { dirFd: d });
        chownSync(`${root}/f`, 1, 2);
        chownSync(d, -1, 5);
        utimeSync("f", 1, 2, { dirFd: d });
        utimeSync(`${root}/f`, 1n, 2.5);
        utimeSync(`${root}/f`, null, null);
        utimeSync(d, new Date(0), 2);
        truncateSync(`${root}/f`, 3);
        truncateSync(`${root}/f`, 1n);
        unlinkSync("g2", { dirFd: d });
        unlinkSync(`${root}/h2`);
        rmdirSync("x", { dirFd: d });
        rmdirSync(`${root}/y`);
        rmdirSync(url);
      });
      assertEquals(got, [
        ["os.mkdir", ["x", 0o755, fd]],
        ["os.mkdir", [`${root}/y`, 0o777, -1]],
        ["os.mkdir", [url, 0o777, -1]],
        ["os.link", ["f", "g", fd, fd]],
        ["os.link", [`${root}/f`, `${root}/h`, -1, -1]],
        ["os.rename", ["g", "g2", fd, fd]],
        ["os.rename", [`${root}/h`, "h2", -1, fd]],
        ["os.chmod", ["f", 0o600, fd]],
        ["os.chmod", [`${root}/f`, 0o644, -1]],
        ["os.chmod", [fd, 0o700, -1]],
        // Python reports ids as unsigned uid_t/gid_t: -1 is 4294967295.
        ["os.chown", ["f", 4294967295, 4294967295, fd]],
        ["os.chown", [`${root}/f`, 1, 2, -1]],
        ["os.chown", [fd, 4294967295, 5, -1]],
        // [path, times, ns, dirFd]: times as given, or ns when bigints are used.
        ["os.utime", ["f", [1, 2], null, fd]],
        ["os.utime", [`${root}/f`, null, [1n, 2_500_000_000n], -1]],
        ["os.utime", [`${root}/f`, null, null, -1]],
        ["os.utime", [fd, [new Date(0), 2], null, -1]],
        ["os.truncate", [`${root}/f`, 3]],
        ["os.truncate", [`${root}/f`, 1n]],
        ["os.remove", ["g2", fd]],
        ["os.remove", [`${root}/h2`, -1]],
        ["os.rmdir", ["x", fd]],
        ["os.rmdir", [`${root}/y`, -1]],
        ["os.rmdir", [url, -1]],
      ]);
      // Python raises no event for os.access.
      events = [];
      assertEquals(await access(root, F_OK), true);
      assertEquals(events, []);
      events = null;
    });
  },
);

// Linux only: mkfifo and mknod exist on Linux alone (see their tests).
Deno.test({
  name: "audit: os.mkfifo and os.mknod, with Python's arguments",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await withTempDir(async (root) => {
      using d = openDirSync(root);
      const fd = d.fd;
      events = [];
      try {
        mkfifoSync("p", { dirFd: d, mode: 0o640 });
        await mkfifo(`${root}/q`);
        mknodSync("n", { dirFd: d, mode: 0o010644 });
        await mknod(`${root}/m`, { device: 0n });
        mknodSync(`${root}/r`, { mode: 0o100600, device: 5 });
        // Python raises no event for os.statvfs.
        statvfsSync(root);
        assertEquals(events, [
          ["os.mkfifo", ["p", 0o640, fd]],
          ["os.mkfifo", [`${root}/q`, 0o666, -1]],
          ["os.mknod", ["n", 0o010644, 0, fd]],
          ["os.mknod", [`${root}/m`, 0o600, 0n, -1]],
          ["os.mknod", [`${root}/r`, 0o100600, 5, -1]],
        ]);
        events = [];
        for (
          const [ev, call] of [
            ["os.mkfifo", () => mkfifoSync(`${root}/v1`)],
            ["os.mknod", () => mknodSync(`${root}/v2`)],
          ] as const
        ) {
          veto = ev;
          assertEquals(assertThrows(call, Error).message, `vetoed ${ev}`);
        }
        veto = null;
        events = [];
        for (
          const call of [
            () => mkfifoSync("a\0"),
            () => mkfifoSync("a", { mode: 0o10000 }),
            () => mknodSync("a", { device: -1 }),
            () => mknodSync("a", { dirFd: -1 }),
          ]
        ) assertThrows(call, TypeError);
        assertEquals(events, []);
      } finally {
        veto = null;
        events = null;
      }
      assert(![...Deno.readDirSync(root)].some((e) => e.name[0] === "v"));
    });
  },
});

Deno.test("audit: async twins raise the same events", async () => {
  await withTempDir(async (root) => {
    events = [];
    try {
      await mkdir(`${root}/a`, { mode: 0o700 });
      Deno.writeTextFileSync(`${root}/f`, "");
      await truncate(`${root}/f`, 0);
      assertEquals(events, [
        ["os.mkdir", [`${root}/a`, 0o700, -1]],
        ["os.truncate", [`${root}/f`, 0]],
      ]);
    } finally {
      events = null;
    }
  });
});

Deno.test("audit: a hook that throws aborts the call before the syscall", async () => {
  await withTempDir((root) => {
    Deno.writeTextFileSync(`${root}/f`, "abc");
    events = [];
    try {
      for (
        const [ev, call] of [
          ["os.mkdir", () => mkdirSync(`${root}/new`)],
          ["os.remove", () => unlinkSync(`${root}/f`)],
          ["os.rename", () => renameSync(`${root}/f`, `${root}/g`)],
          ["os.link", () => linkSync(`${root}/f`, `${root}/g`)],
          ["os.chmod", () => chmodSync(`${root}/f`, 0)],
          ["os.truncate", () => truncateSync(`${root}/f`, 0)],
          ["os.utime", () => utimeSync(`${root}/f`, 0, 0)],
        ] as const
      ) {
        veto = ev;
        assertEquals(assertThrows(call, Error).message, `vetoed ${ev}`);
      }
    } finally {
      veto = null;
      events = null;
    }
    assertEquals([...Deno.readDirSync(root)].map((e) => e.name), ["f"]);
    assertEquals(Deno.readTextFileSync(`${root}/f`), "abc");
    assertNotEquals(Deno.statSync(`${root}/f`).mtime!.getTime(), 0);
  });
});

Deno.test("audit: rejected input raises no event (checked before any syscall)", async () => {
  await withTempDir((root) => {
    const closed = openDirSync(root);
    closed.close();
    using d = openDirSync(root);
    const got = record(() => {
      for (
        const call of [
          () => mkdirSync("a\0"),
          () => mkdirSync("\ud800"),
          () => mkdirSync("a", { dirFd: -1 }),
          () => mkdirSync("a", { dirFd: closed }),
          () => unlinkSync("a", { dirFd: closed }),
          () => rmdirSync("a\0"),
          () => renameSync("a", "b", { srcDirFd: -1 }),
          () => linkSync("a", "b\0"),
          () => chmodSync(d, 0o700, { dirFd: d }),
          () => chmodSync(d, 0o700, { followSymlinks: false }),
          () => chmodSync(closed, 0o700),
          () => chownSync("a", -2, -1),
          () => utimeSync("a", NaN, 0),
          () => utimeSync(d, 0, 0, { dirFd: d }),
          () => truncateSync("a", -1),
          () => truncateSync(-1, 0),
        ]
      ) {
        const e = assertThrows(call);
        assert(
          e instanceof TypeError || e instanceof Deno.errors.BadResource,
          String(e),
        );
      }
    });
    assertEquals(got, []);
    assertEquals([...Deno.readDirSync(root)], []);
  });
});
