#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what the tests need (npm packages,
# Debian's chromium and tshark, code-server into .cache/), builds, type-checks, then runs Node's
# test runner over test/.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
sh scripts/install-chromium.sh
sh scripts/install-tshark.sh
bash scripts/install-code-server.sh
command -v unzip >/dev/null 2>&1 || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q unzip; }

npm run build
npx tsc -p tsconfig.json
npx tsc -p src/core/tsconfig.json

# One runner, every suite but test/vscode. Two at a time: the machine has two cores and the browser and
# language-server suites each start child processes.
mapfile -t suites < <(find test -name '*.test.ts' -not -path 'test/vscode/*' | sort)
node --import tsx --test --test-concurrency=2 "${suites[@]}"

# Then, alone, the extension in a real VS Code (code-server): it starts a whole editor and loads
# dist/, which test/package rebuilds while it runs.
mapfile -t heavy < <(find test/vscode -name '*.test.ts' | sort)
node --import tsx --test "${heavy[@]}"
