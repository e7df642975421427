#!/bin/sh
# Entrypoint of the Debian stand-in for nginx:1.27-alpine (deploy/base-images.sh). Does what the
# official image's docker-entrypoint.sh does for this project: source /docker-entrypoint.d/*.envsh and
# run /docker-entrypoint.d/*.sh (executable ones, in version order; the web stage adds
# 15-api-resolver.envsh); as its 15-local-resolvers.envsh, with NGINX_ENTRYPOINT_LOCAL_RESOLVERS set,
# export NGINX_LOCAL_RESOLVERS (the nameservers of /etc/resolv.conf); as its
# 20-envsubst-on-templates.sh, render /etc/nginx/templates/*.template into /etc/nginx/conf.d/ with
# envsubst, replacing only the variables defined in the environment (nginx's own $host, $uri stay);
# then run the command.
set -eu
if [ "${1:-}" = nginx ] || [ "${1:-}" = nginx-debug ]; then
  if [ -d /docker-entrypoint.d ]; then
    for script in $(find /docker-entrypoint.d/ -mindepth 1 -maxdepth 1 -type f | sort -V); do
      [ -x "$script" ] || { echo "$0: ignoring $script, not executable" >&2; continue; }
      case "$script" in
        *.envsh) echo "$0: sourcing $script" >&2; . "$script" ;;
        *.sh) echo "$0: running $script" >&2; "$script" ;;
      esac
    done
  fi
  if [ -n "${NGINX_ENTRYPOINT_LOCAL_RESOLVERS:-}" ]; then
    NGINX_LOCAL_RESOLVERS="$(awk 'BEGIN { ORS = " " } $1 == "nameserver" {
      if ($2 ~ ":") print "[" $2 "]"; else print $2 }' /etc/resolv.conf)"
    NGINX_LOCAL_RESOLVERS="${NGINX_LOCAL_RESOLVERS% }"
    export NGINX_LOCAL_RESOLVERS
  fi
  template_dir="${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
  suffix="${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}"
  output_dir="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
  defined_envs="$(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/${\1}/p' | tr '\n' ' ')"
  if [ -d "$template_dir" ]; then
    find "$template_dir" -follow -type f -name "*$suffix" | while read -r template; do
      relative="${template#"$template_dir/"}"
      output="$output_dir/${relative%"$suffix"}"
      mkdir -p "$(dirname "$output")"
      echo "$0: rendering $template to $output" >&2
      envsubst "$defined_envs" <"$template" >"$output"
    done
  fi
fi
exec "$@"
