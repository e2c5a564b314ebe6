#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what the tests need (npm packages,
# Debian's chromium and tshark, code-server 4.100.3, and 4.139.1 with its Node 24, into .cache/),
# builds, type-checks, then runs Node's test runner over test/.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
sh scripts/install-chromium.sh
sh scripts/install-tshark.sh
bash scripts/install-code-server.sh
bash scripts/install-code-server-latest.sh
command -v unzip >/dev/null 2>&1 || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q unzip; }

npm run build
npx tsc -p tsconfig.json
npx tsc -p src/core/tsconfig.json

# One runner, every suite but test/vscode. Two at a time: the machine has two cores and the browser and
# language-server suites each start child processes.
mapfile -t suites < <(find test -name '*.test.ts' -not -path 'test/vscode/*' | sort)
node --import tsx --test --test-concurrency=2 "${suites[@]}"

# Then, alone, the packaged extension in two real VS Codes (code-server 4.100.3 and 4.139.1), one after
# the other: each starts a whole editor, and the packaging rebuilds dist/, which other suites read.
# `npm run test:e2e` (the installs above make its own install steps no-ops).
npm run test:e2e --silent
