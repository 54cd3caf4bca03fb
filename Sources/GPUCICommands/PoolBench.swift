import Foundation
import GPUCIPool
import GPUCISupport

/// `gpuci bench pool`: replays the trace at `trace` (a path) `repeat` times on fresh pools and
/// reports throughput.
///
/// - Parameters:
///   - trace: path of a pool trace (see `gpuci pool`); it must carry a `gpus` header.
///   - repeat: how many replays, at least 1; parsing happens once, outside the timing.
///   - format: `text` (one line for people) or `json` (`{"ops":…,"opsPerSecond":…,"seconds":…}`).
/// - Throws: `InputError` for a bad trace, a repeat below 1 or an unknown format.
func runPoolBenchmark(trace: String, repeat count: Int, format: String) throws -> String {
    guard count >= 1 else { throw InputError("--repeat must be at least 1, got \(count)") }
    guard format == "text" || format == "json" else {
        throw InputError("unknown format '\(format)' (expected text or json)")
    }
    let parsed = try PoolReplay.load(trace: trace, models: nil)
    let start = ContinuousClock.now
    var checksum = 0
    for _ in 0..<count {
        for result in try parsed.replay() { checksum &+= result.instances.count &+ result.evicted.count }
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let ops = parsed.steps.count * count
    let rate = seconds > 0 ? Double(ops) / seconds : 0
    if format == "json" {
        struct Report: Encodable { var ops: Int; var seconds: Double; var opsPerSecond: Double }
        return try JSONOutput.string(Report(ops: ops, seconds: seconds, opsPerSecond: rate), pretty: false)
    }
    _ = checksum
    return "\(ops) ops in \(String(format: "%.6f", seconds)) s: \(String(format: "%.0f", rate)) ops/s"
}
