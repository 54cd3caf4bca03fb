#!/usr/bin/env bash
# Sets up and runs the whole test suite (the command CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build
swift test --disable-xctest
