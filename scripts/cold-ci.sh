#!/usr/bin/env bash
# Runs CI as a fresh machine would: a clean clone of HEAD and an empty target folder, timed.
#   scripts/cold-ci.sh [WORKDIR]     (default: a new temporary folder, removed afterwards)
set -euo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=${1:-$(mktemp -d)}
trap '[ -z "${1:-}" ] && rm -rf "$work"' EXIT
git clone --quiet "$repo" "$work/clone"
# CI clones the repository with shared/ beside it.
[ -d "$repo/../shared" ] && ln -s "$repo/../shared" "$work/shared"
start=$(date +%s)
CI=true CARGO_TARGET_DIR="$work/target" bash "$work/clone/.ci/run"
echo "cold CI run: $(( $(date +%s) - start )) s"
