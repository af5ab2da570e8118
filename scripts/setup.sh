#!/usr/bin/env bash
# Installs what Codossier needs to run and to be tested, from nothing, idempotently:
# a Python virtual environment with the package and its test extras, the client's
# npm packages, and the built client (client/dist), which Flask serves.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"

stamp=client/node_modules/.codossier-lock
if [ ! -f "$stamp" ] || ! cmp -s client/package-lock.json "$stamp"; then
  npm --prefix client ci --no-audit --no-fund --loglevel=error
  cp client/package-lock.json "$stamp"
fi
npm --prefix client run build --silent
