#!/usr/bin/env bash
# Make the Dockerfile's three base images available to the container engine:
#   python:3.11-slim  node:20-bookworm-slim  nginx:1.27-alpine
# For each: keep it if the engine has it, else pull the official image, else (no registry reachable)
# build a Debian stand-in with debootstrap --variant=minbase and tag it with the official name, so the
# unmodified Dockerfile builds with no build args. docs/deployment.md ("Offline builds and podman") explains it.
#
#   deploy/base-images.sh [--standins] [--force]
#     --standins  do not try to pull: build the stand-ins (what CI does when no registry answers)
#     --force     rebuild/pull even when the engine already has the image
#   ENGINE=podman|docker (default: docker if it answers, else podman)
#   DEBIAN_MIRROR=URL    (default: the first Debian archive named in this host's apt sources)
#
# Stand-ins: python = bookworm python3.11 + venv (+ python-is-python3); nginx = bookworm nginx +
# gettext-base (envsubst) + wget + an entrypoint rendering /etc/nginx/templates/*.template like the
# official image; node = trixie nodejs 20 + npm. The host's trusted CA certificates are added when they
# differ from Debian's (a TLS-intercepting proxy), so pip/npm inside builds trust what the host trusts.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
standins_only=0 force=0
for arg in "$@"; do
  case "$arg" in
    --standins) standins_only=1 ;;
    --force) force=1 ;;
    *) echo "usage: $0 [--standins] [--force]" >&2; exit 2 ;;
  esac
done
ENGINE="${ENGINE:-$(docker info >/dev/null 2>&1 && echo docker || echo podman)}"

log() { printf '[base-images %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# The Debian archive this host installs from: one-line sources (deb [opts] URI suite comp...) and
# deb822 .sources stanzas; security and third-party archives are skipped (their suites are not plain
# Debian codenames).
debian_mirror() {
  local codenames='^(buster|bullseye|bookworm|trixie|forky|sid|stable|testing|unstable|oldstable)(-updates)?$'
  local file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$file" ] || continue
    awk -v re="$codenames" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
      if ($(i + 1) ~ re) { print $i; exit } }' "$file"
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -r "$file" ] || continue
    # Stanzas are separated by blank lines; print the URI of the first "deb" stanza with a codename suite.
    awk -v re="$codenames" 'BEGIN { RS = ""; FS = "\n" }
      { types = uris = suites = ""; enabled = 1
        for (n = 1; n <= NF; n++) {
          if ($n ~ /^Types:/) types = $n; else if ($n ~ /^URIs:/) uris = $n
          else if ($n ~ /^Suites:/) suites = $n; else if ($n ~ /^Enabled: *no/) enabled = 0 }
        if (!enabled || types !~ /[ \t]deb([ \t]|$)/) next
        split(suites, s, /[ \t]+/); split(uris, u, /[ \t]+/)
        for (k = 2; k in s; k++) if (s[k] ~ re) { print u[2]; exit } }' "$file"
  done
}

mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local found
  found="$(debian_mirror | head -n 1)"
  [ -n "$found" ] || { echo "error: no Debian archive in /etc/apt/sources*; set DEBIAN_MIRROR" >&2; exit 1; }
  echo "$found"
}

# chroot_install ROOT PACKAGES: apt-get install inside the rootfs, no service started (nginx's postinst
# would bind the host's port 80), /proc mounted only meanwhile.
chroot_install() {
  local root="$1" packages="$2" status=0
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  mount -t proc proc "$root/proc"
  chroot "$root" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends $packages" || status=$?
  umount "$root/proc"
  rm -f "$root/usr/sbin/policy-rc.d"
  return "$status"
}

# make_rootfs SUITE ROOT PACKAGES: a minbase rootfs, then PACKAGES through apt inside it (apt orders a
# large set such as npm's ~400 node-* packages better than debootstrap --include), the host's CAs, no
# apt caches.
make_rootfs() {
  local suite="$1" root="$2" packages="$3"
  command -v debootstrap >/dev/null || { echo "error: debootstrap not installed (apt-get install debootstrap)" >&2; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "error: building stand-ins needs root (debootstrap)" >&2; exit 1; }
  log "debootstrap $suite + $packages from $(mirror)"
  {
    debootstrap --variant=minbase --components=main --include=ca-certificates "$suite" "$root" "$(mirror)" &&
      chroot_install "$root" "$packages"
  } >"$root.log" 2>&1 || { tail -n 30 "$root.log" >&2; echo "error: $suite rootfs failed (log above)" >&2; exit 1; }
  # TLS interception: the host trusts a CA that Debian's bundle lacks. Add the host's bundle as a local
  # CA file, so the stand-in's bundle (and anything that regenerates it) keeps trusting it.
  if ! cmp -s /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"; then
    install -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/usr/local/share/ca-certificates/host-trusted.crt"
    chroot "$root" update-ca-certificates >/dev/null 2>&1
  fi
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/*.log "$root"/var/cache/debconf/*-old
}

# import ROOT NAME --change ...: the rootfs as a one-layer image named NAME.
import_rootfs() {
  local root="$1" name="$2"
  shift 2
  tar --numeric-owner -C "$root" -c . | "$ENGINE" import --message "$standin_comment" "$@" - "$name" >/dev/null
  log "imported $name"
}

standin_python() {
  local root="$work/python"
  make_rootfs bookworm "$root" "python3 python3-venv python-is-python3"
  import_rootfs "$root" "$1" --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]'
}

standin_nginx() {
  local root="$work/nginx"
  make_rootfs bookworm "$root" "nginx gettext-base wget"
  # Like the official image: only conf.d, logs to the container's stdout/stderr, templates rendered.
  rm -f "$root/etc/nginx/sites-enabled/default"
  ln -sf /dev/stdout "$root/var/log/nginx/access.log"
  ln -sf /dev/stderr "$root/var/log/nginx/error.log"
  install -m 0755 "$here/standin/nginx-entrypoint.sh" "$root/docker-entrypoint.sh"
  import_rootfs "$root" "$1" --change 'ENTRYPOINT ["/docker-entrypoint.sh"]' \
    --change 'CMD ["nginx", "-g", "daemon off;"]' --change 'EXPOSE 80'
}

standin_node() {
  local root="$work/node"
  make_rootfs trixie "$root" "nodejs npm"
  # Debian's node reads the system CA store only when told to; the official image bundles Mozilla's.
  import_rootfs "$root" "$1" --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["node"]'
}

# The engine's fully qualified name, so that `FROM python:3.11-slim` finds the local image (podman
# would otherwise look the short name up through its registry aliases).
qualified() { case "$1" in */*) echo "$1" ;; *) echo "docker.io/library/$1" ;; esac; }

# A stand-in remembers (as its image comment) a digest of the files that made it; one made by an older
# version of them is made again. Any other image (official, pulled) is kept.
standin_comment="stand-in built by deploy/base-images.sh $(cat "$0" "$here"/standin/* | sha256sum | cut -c1-16)"
have() {
  local comment
  comment="$("$ENGINE" image inspect --format '{{.Comment}}' "$1" 2>/dev/null)" || return 1
  case "$comment" in
    "stand-in built by deploy/base-images.sh"*) [ "$comment" = "$standin_comment" ] || { log "$1: stale stand-in"; return 1; } ;;
  esac
}

work="$(mktemp -d "${TMPDIR:-/tmp}/base-images.XXXXXX")"
trap 'rm -rf "$work"' EXIT

declare -A builders=([python:3.11-slim]=standin_python [nginx:1.27-alpine]=standin_nginx
                     [node:20-bookworm-slim]=standin_node)
pids=()
for image in python:3.11-slim nginx:1.27-alpine node:20-bookworm-slim; do
  name="$(qualified "$image")"
  if [ "$force" = 0 ] && have "$name"; then log "$image: present"; continue; fi
  if [ "$standins_only" = 0 ] && timeout 300 "$ENGINE" pull -q "$name" >/dev/null 2>&1; then
    log "$image: pulled"; continue
  fi
  log "$image: cannot pull, building a Debian stand-in"
  # debootstrap waits mostly on the network and dpkg: the three run side by side.
  "${builders[$image]}" "$name" &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit "$status"
