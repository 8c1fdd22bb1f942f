#!/usr/bin/env bash
# Imports the Hillstrom experiment into a fresh embedded database with the CLI, then
# compares the six uplift reports (with their relative intervals, incremental totals,
# minimum detectable effects and sample-ratio checks) with statsmodels and scipy
# (scripts/check-uplift-stats.py), and runs the A/A simulation of the always-valid interval.
# Usage: scripts/check-hillstrom.sh [path/to/hillstrom.csv]
set -euo pipefail
cd "$(dirname "$0")/.."

file="${1:-../shared/data/hillstrom.csv}"
data_dir="$(mktemp -d)"
trap 'rm -rf "$data_dir"' EXIT

export WAYLINE_DATA_DIR="$data_dir"
unset DATABASE_URL REDIS_URL
npm run --silent wayline -- import hillstrom "$file"
/usr/bin/python3 scripts/check-uplift-stats.py "$file"
/usr/bin/python3 scripts/check-uplift-stats.py "$file" --simulate-sequential
