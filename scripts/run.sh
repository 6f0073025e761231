#!/usr/bin/env bash
# Quick start: set up and start the app on the embedded SQLite database (./data/toolkit.db).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/streamlit run serve.py --server.headless true "$@"
