#!/usr/bin/env bash
# Configure podman for machines without systemd or a registry (CI sandboxes; idempotent):
#   runtime runc (crun refuses hybrid cgroups), cgroupfs, file events logger, default ulimits that an
#   unprivileged sandbox may set, and netavark (with aardvark-dns: compose services find each other by
#   name) when it is installed. Writes one drop-in, so an existing containers.conf is left alone.
#   deploy/podman-setup.sh        (root: /etc/containers; else ~/.config/containers)
set -euo pipefail
command -v podman >/dev/null || { echo "error: podman is not installed (see .ci/run)" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then dir=/etc/containers/containers.conf.d
else dir="${XDG_CONFIG_HOME:-$HOME/.config}/containers/containers.conf.d"; fi
mkdir -p "$dir"
netavark=""
for candidate in /usr/lib/podman/netavark /usr/libexec/podman/netavark /usr/local/libexec/podman/netavark; do
  [ -x "$candidate" ] && netavark='network_backend = "netavark"' && break
done
conf="$dir/50-denoiser.conf"
tmp="$(mktemp)"
cat >"$tmp" <<CONF
# Written by deploy/podman-setup.sh (the denoiser's container tests); safe to delete.
[containers]
default_ulimits = ["nofile=16384:16384", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"

[network]
$netavark
CONF
if cmp -s "$tmp" "$conf"; then rm -f "$tmp"; else mv "$tmp" "$conf" && chmod 0644 "$conf"; echo "wrote $conf" >&2; fi
podman info --format '{{.Host.OCIRuntime.Name}} {{.Host.CgroupManager}} {{.Host.NetworkBackend}}' >&2
