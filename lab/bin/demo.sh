#!/usr/bin/env bash
# `npm run demo`: installs what is missing, builds gapscope, starts the lab and the app, prints the URL.
# Ctrl-C stops everything. Extra arguments go to the lab, e.g. `npm run demo -- --nodes 200 --profile kubernetes-sd`.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash lab/bin/ensure-deps.sh
export NEXT_TELEMETRY_DISABLED=1
echo "Building gapscope"
npx next build >/dev/null
# node loads tsx in-process: a wrapper process would relay Ctrl-C twice and kill the lab before cleanup.
exec node --import tsx lab/cli.ts demo "$@"
