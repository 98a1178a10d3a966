#!/usr/bin/env bash
# Run `deno test` with the Linux aarch64 build of Deno (npm
# @deno/linux-arm64-glibc) under qemu user-mode emulation.
#
#   .ci/aarch64.sh [deno test args...]
#
# Env:
#   DIRFD_PROJECT        project dir (default: repo root = dirname $0/..)
#   DIRFD_CI_CACHE       cache root (default /tmp/dirfd-ci); uses $DIRFD_CI_CACHE/aarch64
#   DIRFD_DENO_VERSION   Deno version (default 2.9.6)
# Exported to the tests:
#   DIRFD_NO_BINFMT=1    set when qemu could not be registered with binfmt_misc,
#                        i.e. spawning Deno.execPath() (an aarch64 ELF) will fail
#   DENO_DIR             $CACHE/deno-dir (separate from the native cache)
# Defaults added to `deno test`: --no-check (unless a --check/--no-check flag is
# given) and -A (unless an -A/--allow-*/--deny-* flag is given).
# Exit status: deno's exit status (setup failures exit non-zero too).
set -euo pipefail

TAG="[aarch64]"
T0=$SECONDS
log() { printf '%s +%ss %s\n' "$TAG" "$((SECONDS - T0))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT=$(cd "${DIRFD_PROJECT:-$SCRIPT_DIR/..}" && pwd)
DENO_VERSION=${DIRFD_DENO_VERSION:-2.9.6}
CACHE=${DIRFD_CI_CACHE:-/tmp/dirfd-ci}/aarch64
QDIR=$CACHE/qemu
QEMU=$QDIR/usr/bin/qemu-aarch64-static
SYSROOT=$QDIR/usr/aarch64-linux-gnu
DENO_BIN=$CACHE/deno-$DENO_VERSION/deno
BINFMT=/proc/sys/fs/binfmt_misc
BINFMT_NAME=dirfd-qemu-aarch64

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
  log "waiting for lock $CACHE/.lock"
  flock 9
fi

# ------------------------------------------------------------- qemu + sysroot
if [ ! -f "$QDIR/.ready" ] || [ ! -x "$QEMU" ]; then
  t=$SECONDS
  log "fetching qemu-user-static + arm64 glibc from apt"
  rm -rf "$QDIR" "$CACHE/debs"
  mkdir -p "$CACHE/debs" "$QDIR"
  pkgs=(qemu-user-static libc6-arm64-cross libgcc-s1-arm64-cross)
  # apt-get download drops privileges to _apt; download into a dir it can write.
  chmod 777 "$CACHE/debs" 2>/dev/null || true
  if ! (cd "$CACHE/debs" && apt-get download -q "${pkgs[@]}" >/dev/null 2>&1); then
    log "apt-get download failed; running apt-get update"
    apt-get update -q >/dev/null
    (cd "$CACHE/debs" && apt-get download -q "${pkgs[@]}" >/dev/null) || die "apt-get download ${pkgs[*]} failed"
  fi
  for d in "$CACHE"/debs/*.deb; do dpkg-deb -x "$d" "$QDIR"; done
  rm -rf "$CACHE/debs"
  [ -x "$QEMU" ] || die "no $QEMU after extraction"
  touch "$QDIR/.ready"
  log "qemu ready in $((SECONDS - t))s: $("$QEMU" --version | head -1)"
fi
export QEMU_LD_PREFIX=$SYSROOT

# ------------------------------------------------------------- deno aarch64
if [ ! -x "$DENO_BIN" ]; then
  t=$SECONDS
  log "fetching npm @deno/linux-arm64-glibc@$DENO_VERSION"
  tmp=$(mktemp -d "$CACHE/npm.XXXXXX")
  (cd "$tmp" && npm pack --silent "@deno/linux-arm64-glibc@$DENO_VERSION" >/dev/null) ||
    { rm -rf "$tmp"; die "npm pack failed"; }
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  [ -f "$tmp/package/deno" ] || { rm -rf "$tmp"; die "no deno binary in npm package"; }
  mkdir -p "$(dirname "$DENO_BIN")"
  chmod +x "$tmp/package/deno"
  mv "$tmp/package/deno" "$DENO_BIN.tmp" && mv "$DENO_BIN.tmp" "$DENO_BIN"
  rm -rf "$tmp"
  log "deno aarch64 fetched in $((SECONDS - t))s"
fi
"$QEMU" "$DENO_BIN" --version | head -1 | grep -q aarch64 || die "aarch64 deno does not run under qemu"

# ------------------------------------------------------------- binfmt_misc
# Children spawned via Deno.execPath() are aarch64 ELFs: the kernel must hand
# them to qemu. Register qemu with the F flag (interpreter opened now, so it
# also works in other mount namespaces); QEMU_LD_PREFIX is inherited by the
# children through the environment.
binfmt_works() {
  local out
  out=$("$QEMU" "$DENO_BIN" eval --quiet \
    'const o = new Deno.Command(Deno.execPath(), { args: ["eval", "console.log(Deno.build.arch)"] }).outputSync(); console.log(new TextDecoder().decode(o.stdout).trim());' \
    2>/dev/null) || return 1
  [ "$out" = aarch64 ]
}

binfmt_setup() {
  [ "$(id -u)" = 0 ] || { log "not root: cannot register binfmt_misc"; return 1; }
  if [ ! -e "$BINFMT/register" ]; then
    mount -t binfmt_misc binfmt_misc "$BINFMT" 2>/dev/null ||
      { log "cannot mount binfmt_misc on $BINFMT"; return 1; }
  fi
  if [ "$(cat "$BINFMT/status" 2>/dev/null)" != enabled ]; then
    echo 1 >"$BINFMT/status" 2>/dev/null || true
  fi
  # Drop our stale entry (e.g. from another cache dir) and register afresh.
  if [ -e "$BINFMT/$BINFMT_NAME" ]; then echo -1 >"$BINFMT/$BINFMT_NAME" || true; fi
  local magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
  local mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
  printf ':%s:M::%s:%s:%s:F\n' "$BINFMT_NAME" "$magic" "$mask" "$QEMU" >"$BINFMT/register" 2>/dev/null ||
    { log "writing $BINFMT/register failed"; return 1; }
  log "registered $BINFMT_NAME -> $QEMU (flags F)"
}

# Our entry from an earlier run, still pointing at this cache's qemu: trust it.
binfmt_cached() {
  local e=$BINFMT/$BINFMT_NAME
  [ -r "$e" ] && [ "$(head -1 "$e")" = enabled ] &&
    grep -qxF "interpreter $QEMU" "$e" && [ "$QDIR/.ready" -ot "$e" ]
}

t=$SECONDS
if [ "${DIRFD_NO_BINFMT:-}" = 1 ]; then
  log "DIRFD_NO_BINFMT=1 given: not touching binfmt_misc"
elif binfmt_cached; then
  log "reusing binfmt_misc entry $BINFMT_NAME"
elif binfmt_works; then
  log "binfmt_misc already runs aarch64 children"
elif binfmt_setup && binfmt_works; then
  log "binfmt_misc set up and verified in $((SECONDS - t))s"
else
  log "WARNING: aarch64 children cannot be spawned (no binfmt_misc); exporting DIRFD_NO_BINFMT=1"
  export DIRFD_NO_BINFMT=1
fi

# ------------------------------------------------------------- run
has_check=0 has_perm=0
for a in "$@"; do
  case $a in
    --check | --check=* | --no-check | --no-check=*) has_check=1 ;;
    -A | --allow-* | --deny-*) has_perm=1 ;;
  esac
done
defaults=()
[ "$has_check" = 1 ] || defaults+=(--no-check)
[ "$has_perm" = 1 ] || defaults+=(-A)

export DENO_DIR=$CACHE/deno-dir
# Extra CA roots (e.g. a TLS-intercepting egress proxy) for npm: specifiers.
if [ -z "${DENO_CERT:-}" ]; then
  ca=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
  if [ -f "$ca" ]; then export DENO_CERT=$ca; fi
fi
export DIRFD_PROJECT=$PROJECT
cd "$PROJECT"
log "setup done in $((SECONDS - T0))s; running: qemu-aarch64 deno test ${defaults[*]} $* (cwd $PROJECT)"
t=$SECONDS
set +e
"$QEMU" "$DENO_BIN" test "${defaults[@]}" "$@"
rc=$?
set -e
log "deno test exited $rc after $((SECONDS - t))s (total $((SECONDS - T0))s)"
exit "$rc"
