#!/usr/bin/env bash
# Run `deno test` with the Windows build of Deno (deno.exe from npm
# @deno/win32-x64) under Wine 10 from a Debian trixie chroot.
#
#   .ci/wine.sh [deno test args...]
#
# Env:
#   DIRFD_PROJECT        project dir (default: repo root = dirname $0/..)
#   DIRFD_CI_CACHE       cache root (default /tmp/dirfd-ci); uses $DIRFD_CI_CACHE/wine
#   DIRFD_DENO_VERSION   Deno version (default 2.9.6)
#   DIRFD_*              passed through into the wine process
#                        (DIRFD_PROJECT is rewritten to /src, the path inside the chroot)
# Defaults added to `deno test`: --no-check (unless a --check/--no-check flag is
# given) and -A (unless an -A/--allow-*/--deny-* flag is given).
# Exit status: deno's exit status (setup failures exit non-zero too).
# Needs root (debootstrap, chroot, mount).
set -euo pipefail

TAG="[wine]"
T0=$SECONDS
log() { printf '%s +%ss %s\n' "$TAG" "$((SECONDS - T0))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT=$(cd "${DIRFD_PROJECT:-$SCRIPT_DIR/..}" && pwd)
DENO_VERSION=${DIRFD_DENO_VERSION:-2.9.6}
CACHE=${DIRFD_CI_CACHE:-/tmp/dirfd-ci}/wine
ROOT=$CACHE/trixie
SUITE=trixie
MIRROR=${DIRFD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Bump when the setup recipe changes, to force a rebuild of the chroot.
RECIPE=1
ROOT_MARK=$CACHE/.root-ready-r$RECIPE        # debootstrap + wine installed
DENO_MARK=$CACHE/.deno-$DENO_VERSION-ready   # deno.exe unpacked
BOOT_MARK=$CACHE/.wineboot-r$RECIPE-ready    # WINEPREFIX initialised
# Paths inside the chroot.
C_DENO_DIR=/opt/deno-$DENO_VERSION
C_PREFIX=/opt/wineprefix
C_SRC=/src
C_JSR=/jsr
# JSR_URL=file:///abs/path/ (an offline copy of jsr.io) is made visible inside
# the chroot; any other JSR_URL (or none) is passed through unchanged.
JSR_DIR=
case ${JSR_URL:-} in
  file://*) JSR_DIR=${JSR_URL#file://} JSR_DIR=${JSR_DIR%/}
    [ -d "$JSR_DIR" ] || die "JSR_URL names $JSR_DIR, which is not a directory" ;;
esac

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap/chroot/mount)"
mkdir -p "$CACHE"

# One run at a time per cache (mounts and the chroot are shared state).
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
  log "waiting for lock $CACHE/.lock"
  flock 9
fi

# ---------------------------------------------------------------- mounts
# List mount points at or below $ROOT, deepest first.
mounts_under_root() {
  awk -v r="$ROOT" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts | sort -r
}

unmount_all() {
  local m
  for m in $(mounts_under_root); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "warning: cannot unmount $m"
  done
}

wine_env() {
  # Minimal environment for commands inside the chroot.
  printf '%s\n' env -i HOME=/root USER=root LANG=C.UTF-8 \
    PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
    WINEPREFIX=$C_PREFIX WINEDEBUG=-all WINEARCH=win64 'WINEDLLOVERRIDES=mscoree,mshtml=' \
    XDG_RUNTIME_DIR=/run/user/0
}

in_chroot() {
  local -a e
  mapfile -t e < <(wine_env)
  chroot "$ROOT" "${e[@]}" "$@"
}

MOUNTED=0
mount_chroot() {
  unmount_all # stale mounts from a killed run
  mount -t proc proc "$ROOT/proc"
  mount --rbind /dev "$ROOT/dev"
  mount --make-rslave "$ROOT/dev"
  mkdir -p "$ROOT$C_SRC"
  mount --bind "$PROJECT" "$ROOT$C_SRC"
  MOUNTED=1
  # The offline copy of JSR (JSR_URL=file:///...): bound read-only into the
  # chroot at $C_JSR, where deno.exe sees it as Z:$C_JSR.
  if [ -n "$JSR_DIR" ]; then
    mkdir -p "$ROOT$C_JSR"
    mount --bind -o ro "$JSR_DIR" "$ROOT$C_JSR"
  fi
  cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
  cp -L /etc/hosts "$ROOT/etc/hosts" 2>/dev/null || true
  mkdir -p "$ROOT/run/user/0" && chmod 700 "$ROOT/run/user/0"
  # Extra CA roots (e.g. a TLS-intercepting egress proxy): hand the host's
  # bundle to deno.exe via DENO_CERT, as the chroot/Wine stores lack them.
  local ca=${DENO_CERT:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}
  if [ -f "$ca" ]; then cp -L "$ca" "$ROOT/opt/host-ca.crt"; else rm -f "$ROOT/opt/host-ca.crt"; fi
}

# shellcheck disable=SC2317 # invoked via trap
cleanup() {
  local rc=$?
  if [ "$MOUNTED" = 1 ]; then
    if [ -x "$ROOT/usr/lib/wine/wineserver" ]; then
      in_chroot wineserver -k >/dev/null 2>&1 || true
      in_chroot wineserver -w >/dev/null 2>&1 || true
    fi
    unmount_all
    MOUNTED=0
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- chroot
build_root() {
  local t=$SECONDS
  log "building $SUITE chroot in $ROOT (no complete one cached)"
  unmount_all
  if [ -n "$(mounts_under_root)" ]; then die "mounts remain under $ROOT; refusing to delete it"; fi
  rm -rf --one-file-system "$ROOT"
  rm -f "$CACHE"/.root-ready-* "$CACHE"/.wineboot-*
  if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap"
    apt-get install -y -q debootstrap >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && apt-get install -y -q debootstrap >/dev/null; }
  fi
  log "debootstrap --variant=minbase $SUITE"
  debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
    { tail -20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
  log "debootstrap done in $((SECONDS - t))s"
  t=$SECONDS
  # No daemons may start inside the chroot.
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod +x "$ROOT/usr/sbin/policy-rc.d"
  mount_chroot
  log "apt-get install wine wine64 (inside chroot)"
  if ! in_chroot sh -c 'export DEBIAN_FRONTEND=noninteractive;
      apt-get update -q && apt-get install -y -q wine wine64 && apt-get clean' \
    >"$CACHE/apt.log" 2>&1; then
    tail -20 "$CACHE/apt.log" >&2
    die "apt-get install wine failed (log: $CACHE/apt.log)"
  fi
  log "wine installed in $((SECONDS - t))s: $(in_chroot wine --version 2>/dev/null || echo '?')"
  touch "$ROOT_MARK"
}

fetch_deno() {
  local t=$SECONDS tmp
  log "fetching deno.exe from npm @deno/win32-x64@$DENO_VERSION"
  tmp=$(mktemp -d "$CACHE/npm.XXXXXX")
  (cd "$tmp" && npm pack --silent "@deno/win32-x64@$DENO_VERSION" >/dev/null) ||
    { rm -rf "$tmp"; die "npm pack @deno/win32-x64@$DENO_VERSION failed"; }
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  [ -f "$tmp/package/deno.exe" ] || { rm -rf "$tmp"; die "no deno.exe in npm package"; }
  rm -rf "$ROOT$C_DENO_DIR"
  mkdir -p "$ROOT$C_DENO_DIR"
  mv "$tmp/package/deno.exe" "$ROOT$C_DENO_DIR/deno.exe"
  rm -rf "$tmp"
  touch "$DENO_MARK"
  log "deno.exe fetched in $((SECONDS - t))s"
}

wineboot_once() {
  local t=$SECONDS
  log "initialising WINEPREFIX $C_PREFIX (wineboot)"
  rm -rf "$ROOT$C_PREFIX"
  in_chroot wine wineboot -i >"$CACHE/wineboot.log" 2>&1 ||
    { tail -20 "$CACHE/wineboot.log" >&2; die "wineboot failed"; }
  in_chroot wineserver -w || true
  touch "$BOOT_MARK"
  log "wineboot done in $((SECONDS - t))s"
}

# ---------------------------------------------------------------- main
if [ ! -f "$ROOT_MARK" ] || [ ! -x "$ROOT/usr/bin/wine-stable" ]; then
  build_root
else
  log "reusing chroot $ROOT ($(cat "$ROOT/etc/debian_version" 2>/dev/null))"
  mount_chroot
fi
[ "$MOUNTED" = 1 ] || mount_chroot
if [ ! -f "$DENO_MARK" ] || [ ! -f "$ROOT$C_DENO_DIR/deno.exe" ]; then fetch_deno; fi
if [ ! -f "$BOOT_MARK" ] || [ ! -d "$ROOT$C_PREFIX/drive_c" ]; then wineboot_once; fi

# deno test flags
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

# Pass DIRFD_* through (wine copies the Unix environment into the Windows one).
pass=()
while IFS='=' read -r -d '' k v; do
  case $k in
    DIRFD_PROJECT) pass+=("DIRFD_PROJECT=$C_SRC") ;;
    DIRFD_*) pass+=("$k=$v") ;;
  esac
done < <(env -0)
[ -n "${CI:-}" ] && pass+=("CI=$CI")
[ -n "${NO_COLOR:-}" ] && pass+=("NO_COLOR=$NO_COLOR")
if [ -n "$JSR_DIR" ]; then
  pass+=("JSR_URL=file:///Z:$C_JSR/")
elif [ -n "${JSR_URL:-}" ]; then
  pass+=("JSR_URL=$JSR_URL")
fi
# Wine's fixme/err lines would drown the test output.
pass+=("WINEDEBUG=${WINEDEBUG:--all}")
[ -f "$ROOT/opt/host-ca.crt" ] && pass+=('DENO_CERT=Z:\opt\host-ca.crt')

log "setup done in $((SECONDS - T0))s; running: wine deno.exe test ${defaults[*]} $* (cwd $PROJECT -> Z:$C_SRC)"
t=$SECONDS
set +e
# shellcheck disable=SC2016 # $1/$@ expand in the inner sh
in_chroot "${pass[@]}" 'DENO_DIR=C:\deno-dir' sh -c 'cd "$1" && shift && exec wine "$@"' sh \
  "$C_SRC" "$C_DENO_DIR/deno.exe" test "${defaults[@]}" "$@"
rc=$?
set -e
log "deno test exited $rc after $((SECONDS - t))s (total $((SECONDS - T0))s)"
exit "$rc"
