#!/usr/bin/env bash
# `npm test`: every check, in order of cost. Installs what is missing first (needs root for apt).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash lab/bin/ensure-deps.sh --with-browser
export NEXT_TELEMETRY_DISABLED=1
reports=.lab/reports
rm -rf "$reports" && mkdir -p "$reports"

step() {
  local name=$1
  shift
  echo
  echo "== $name: $*"
  local started=$SECONDS
  "$@"
  echo "== $name passed in $((SECONDS - started)) s"
}

step typecheck npx tsc --noEmit
step lint npx eslint --max-warnings 0 .
step unit npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$reports/unit.json"
step lab-integration npx vitest run --project lab --reporter=default --reporter=json --outputFile.json="$reports/lab.json"
step build npx next build
step e2e env PLAYWRIGHT_JSON_OUTPUT_NAME="$reports/e2e.json" npx playwright test --reporter=list,json
node lab/bin/summarize-tests.mjs "$reports"
