#!/usr/bin/env bash
# The project's guards, run by .ci/run before the tests (README "Checks"): ruff
# (lint and format), mypy on server/, ESLint and the Vitest unit tests of the
# client. Needs what scripts/setup.sh installs. Runs every check, then fails if
# any failed, naming them.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
check() {
  echo "== $*"
  "$@" || failed+=("$*")
}

check .venv/bin/ruff check .
check .venv/bin/ruff format --check .
check .venv/bin/mypy
check npm --prefix client run --silent lint
check npm --prefix client run --silent test

if [ ${#failed[@]} -gt 0 ]; then
  printf 'failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "all checks passed"
