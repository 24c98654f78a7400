#!/usr/bin/env bash
# Installs what gapscope's lab and tests need on Debian or Ubuntu, and only what is missing:
# Prometheus and promtool, node_exporter, VictoriaMetrics, openssl, setpriv; Chromium with --with-browser;
# node_modules.
set -euo pipefail
cd "$(dirname "$0")/../.."

packages=()
[ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ] || packages+=(prometheus)
[ -x /usr/bin/prometheus-node-exporter ] || packages+=(prometheus-node-exporter)
[ -x /usr/bin/victoria-metrics ] || packages+=(victoria-metrics)
command -v openssl >/dev/null || packages+=(openssl)
command -v setpriv >/dev/null || packages+=(util-linux)
if [ "${1:-}" = "--with-browser" ] && [ ! -x /usr/bin/chromium ]; then packages+=(chromium); fi

if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "gapscope needs these Debian packages: ${packages[*]}; run as root or install them first." >&2
    exit 1
  fi
  echo "Installing ${packages[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

# `npm ci`: exactly the locked versions, and a failure when package.json and package-lock.json disagree. The
# lock lists every platform's optional packages (@next/swc-*), which `npm ci` requires (npm/cli#4828).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing node modules with npm ci (locked versions)"
  npm ci --no-audit --no-fund --loglevel=error
fi
