#!/usr/bin/env bash
# `deno task test:windows`: the test suite with Windows deno.exe under Wine
# (.ci/wine.sh; type-checking is done natively by the task, here --no-check).
# Every test file runs: each test gates itself where Windows (or Wine) cannot
# run it, by capability (`ignore: !supportsDirFd.has(mkdir)`), by
# `needsSymlinks` (Wine's CreateSymbolicLinkW is a stub; Windows needs the
# privilege) or by `posixOnly` with the platform reason in a comment.
# Exit status: deno's (any failure under Wine fails CI).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .ci/wine.sh "$@"
