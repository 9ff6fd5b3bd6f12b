#!/usr/bin/env bash
# One command on a fresh machine: provision an engine and base images,
# run the bundled action on an example
# project and print its report.
#   bash scripts/demo.sh [examples/fastapi-poetry] [--input value ...]
set -euo pipefail
cd "$(dirname "$0")/.."
project=${1:-examples/fastapi-poetry}
shift || true
bash scripts/provision.sh
node scripts/run-local.mjs "$project" "$@"
