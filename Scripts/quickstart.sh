#!/usr/bin/env bash
# Sets up, builds, and runs gpuci's main job on the bundled defaults:
#   the 4xA10 runner of sglang's gateway e2e CI, that job's whole pytest session simulated on it
#   (pictures and a Chrome trace in .gpuci/), the same session on other nodes and eviction policies,
#   and a certified partition plan for sglang's largest per-commit CUDA suite.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --product gpuci
gpuci=.build/debug/gpuci
mkdir -p .gpuci

echo "== gpuci topology show a10-4"
$gpuci topology show a10-4
echo
echo "== gpuci simulate gateway-e2e"
$gpuci simulate gateway-e2e --svg .gpuci/gateway-e2e.svg --html .gpuci/gateway-e2e.html --trace .gpuci/gateway-e2e.trace.json
echo "   (open .gpuci/gateway-e2e.html in a browser, .gpuci/gateway-e2e.trace.json in Perfetto)"
echo
echo "== gpuci simulate gateway-e2e --topology a10-4,h200-8 --eviction mru,belady"
$gpuci simulate gateway-e2e --topology a10-4,h200-8 --eviction mru,belady
echo
echo "== gpuci plan --backend cuda --suite base-b-test-1-gpu-small"
$gpuci plan --backend cuda --suite base-b-test-1-gpu-small
