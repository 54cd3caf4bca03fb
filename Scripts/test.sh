#!/usr/bin/env bash
# Sets up and runs the whole test suite (the command CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build
swift test --disable-xctest
# The pytest plugin, against a real pytest from PyPI, round-tripped through this build's gpuci.
GPUCI="$(swift build --show-bin-path)/gpuci" GPUCI_REQUIRE=1 contrib/pytest-gpuci/test.sh
