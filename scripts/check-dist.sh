#!/usr/bin/env bash
# Fails when dist/ is not what a fresh bundle of src/ gives: the action
# runs dist/index.js, so a stale bundle ships stale behaviour.
set -euo pipefail
cd "$(dirname "$0")/.."
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
npx ncc build src/index.ts -o "$fresh" --source-map --license licenses.txt \
  >/dev/null
if ! diff -r -q dist "$fresh" >/dev/null; then
  diff -r -q dist "$fresh" || true
  echo "dist/ is stale: run 'npm run bundle' and commit dist/." >&2
  exit 1
fi
echo "dist/ matches a fresh bundle."
