#!/usr/bin/env bash
# `deno task test:windows`: the test suite with Windows deno.exe under Wine
# (.ci/wine.sh; type-checking is done natively by the task, here --no-check).
# Test files listed in SKIP are POSIX-only as a whole: they exercise
# operations the Windows backend does not implement (they are absent from
# the Windows capability sets) on POSIX fixtures (typeless relative symlinks,
# modes, uids, hard links, *at calls with dirFd). Each line: file, reason.
# Everything else runs; single POSIX-only tests inside a file are skipped
# there with `posixOnly` and a comment giving the platform reason.
# Exit status: deno's (any failure under Wine fails CI).
set -euo pipefail
cd "$(dirname "$0")/.."
SKIP=(
  "tests/access_test.ts|access: no Windows primitive (faccessat semantics)"
  "tests/audit_at_test.ts|audits mkdir/unlink/rename/link/... with dirFd: no Windows primitives"
  "tests/chmod_test.ts|chmod: no Windows primitive (POSIX modes)"
  "tests/chown_test.ts|chown: no Windows primitive (uids/gids)"
  "tests/cli_walk_test.ts|cli walk: walk has no Windows primitive"
  "tests/layout_test.ts|every *at operation by dirFd over POSIX symlink fixtures"
  "tests/link_test.ts|link: no Windows primitive (linkat with dirFd)"
  "tests/mkdir_test.ts|mkdir: no Windows primitive (mkdirat with dirFd)"
  "tests/read_dir_test.ts|readDir: no Windows primitive (getdents64 over a descriptor)"
  "tests/rename_test.ts|rename: no Windows primitive (renameat with dirFd)"
  "tests/rmdir_test.ts|rmdir: no Windows primitive (unlinkat with dirFd)"
  "tests/stat_layout_test.ts|Linux struct stat/statx layouts"
  "tests/unlink_test.ts|unlink: no Windows primitive (unlinkat with dirFd)"
  "tests/walk_test.ts|walk: fd-based over readDir, no Windows primitive"
  "tests/utime_test.ts|utime: no Windows primitive (utimensat with dirFd)"
)
ignore=()
for entry in "${SKIP[@]}"; do
  file=${entry%%|*}
  [ -e "$file" ] || continue
  echo "[test:windows] skipping $file: ${entry#*|}" >&2
  ignore+=("$file")
done
args=()
if [ "${#ignore[@]}" -gt 0 ]; then
  args+=("--ignore=$(IFS=,; echo "${ignore[*]}")")
fi
exec .ci/wine.sh "${args[@]}" "$@"
