#!/usr/bin/env bash
# Sets up, builds, and runs gpuci's main job on the bundled defaults:
#   the 4xA10 runner of sglang's gateway e2e CI, that job's whole pytest session simulated on it
#   (pictures and a Chrome trace in .gpuci/), the same session on other nodes and eviction policies,
#   a certified partition plan for sglang's largest per-commit CUDA suite, and a walk-forward
#   backtest of plans on four real sglang CI runs, and those runs replayed on a fitted runner fleet.
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
echo
echo "== gpuci history ingest: four real scheduled sglang CI runs (2026-06-07…09), then gpuci backtest"
$gpuci history ingest --db .gpuci/quickstart-history.sqlite Tests/GPUCIHistoryTests/Fixtures/ci-stats/*.json
$gpuci backtest --db .gpuci/quickstart-history.sqlite --warmup 2
echo "   (all 16 shared runs: gpuci history ingest ../shared/data/sglang-ci-stats/runs/*.json; gpuci backtest)"
echo
echo "== gpuci fleet replay: the same runs on runner pools fitted to the runs before each; a Gantt of the newest"
$gpuci fleet replay --db .gpuci/quickstart-history.sqlite
$gpuci fleet simulate --db .gpuci/quickstart-history.sqlite --gantt .gpuci/fleet-run.svg --trace .gpuci/fleet-run.trace.json | tail -2
echo "   (runner lanes with queue waits: .gpuci/fleet-run.svg)"
