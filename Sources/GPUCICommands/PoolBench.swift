import Foundation
import GPUCIPool
import GPUCISupport

/// The work of `gpuci bench pool`: replays the pool trace at `trace` `repeat` times, each on a fresh
/// pool, and reports throughput. Parsing happens once, outside the timing; output lines are not built.
///
/// - Parameters:
///   - trace: path of a pool trace (as for `gpuci pool`); it must carry a `gpus` header.
///   - repeat: replays to time, at least 1.
///   - format: `.table` (aligned rows for people) or `.json` (`{"ops":…,"opsPerSecond":…,"seconds":…}`).
/// - Returns: the report text, without a trailing newline.
/// - Throws: `InputError` for a bad trace or a repeat below 1.
func runPoolBenchmark(trace: String, repeat count: Int, format: ReportFormat) throws -> String {
    guard count >= 1 else { throw InputError("--repeat must be at least 1, got \(count)") }
    let parsed = try PoolReplay.load(trace: trace, models: nil)
    let template = try parsed.makePool(topology: nil)
    var launched = 0
    let elapsed = ContinuousClock().measure {
        for _ in 0..<count {
            var pool = template
            for step in parsed.steps { launched &+= PoolTrace.apply(step, to: &pool).instances.count }
        }
    }
    let seconds = elapsed.seconds
    let report = PoolBenchReport(ops: parsed.steps.count * count, seconds: seconds, instancesReported: launched)
    switch format {
    case .json: return try JSONOutput.string(report, pretty: false)
    case .table: return report.table
    }
}

/// The figures `gpuci bench pool` prints.
struct PoolBenchReport: Encodable {
    let ops: Int
    let seconds: Double
    let opsPerSecond: Double
    /// Instances in all output results, so the replayed work is observable (not printed in JSON).
    let instancesReported: Int

    enum CodingKeys: String, CodingKey { case ops, seconds, opsPerSecond }

    init(ops: Int, seconds: Double, instancesReported: Int) {
        self.ops = ops
        self.seconds = seconds
        self.opsPerSecond = BenchOutput.rate(ops, seconds)
        self.instancesReported = instancesReported
    }

    var table: String {
        BenchOutput.table([("ops", "\(ops)"), ("seconds", String(format: "%.6f", seconds)), ("ops/s", "\(Int(opsPerSecond))")])
    }
}
