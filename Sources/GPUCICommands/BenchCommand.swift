import ArgumentParser
import Foundation
import GPUCIAllocation
import GPUCISupport

/// `gpuci bench`: quick throughput figures from the command line (the tracked numbers come from `Benchmarks/`).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure allocator, pool and simulator throughput on this machine.",
        subcommands: [BenchAllocatorCommand.self, BenchPoolCommand.self, BenchSimulatorCommand.self]
    )
}

/// `gpuci bench allocator`: replay a trace N times and report operations per second.
struct BenchAllocatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allocator",
        abstract: "Replay an allocation trace's calls N times on a fresh allocator each time and print ops/s.",
        discussion: "Build with `swift build -c release` for meaningful figures. --generate GPUS benchmarks a seeded random trace."
    )

    @OptionGroup var options: AllocatorTraceOptions

    @OptionGroup var timing: BenchTimingOptions

    func run() throws {
        let source = try options.source()
        let scalar = options.scalar, policy = options.policy
        let result = scalar
            ? Self.time(source.trace, timing.repetitions) { ScalarGPUAllocator(gpus: source.trace.gpus) }
            : Self.time(source.trace, timing.repetitions) {
                GPUAllocator(gpus: source.trace.gpus, topology: source.topology, policy: policy)
            }
        let report = BenchAllocatorReport(
            allocator: scalar ? "scalar" : "simd", policy: policy.rawValue, gpus: source.trace.gpus.count,
            ops: source.trace.steps.count * timing.repetitions, slotsMade: result.slots, seconds: result.seconds)
        switch timing.format {
        case .json: print(try JSONOutput.string(report, pretty: false))
        case .table: print(report.table)
        }
    }

    /// Replays `trace` `repetitions` times on fresh allocators (the calls only: output lines and
    /// free lists are not built); counts the slots made so the work is observable.
    static func time<Allocator: SlotAllocator>(_ trace: AllocationTrace, _ repetitions: Int,
                                               make: () -> Allocator) -> (seconds: Double, slots: Int) {
        var slots = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<repetitions {
                var allocator = make()
                for step in trace.steps { slots &+= step.operation.perform(on: &allocator) }
            }
        }
        let seconds = elapsed.seconds
        return (seconds, slots)
    }
}

/// The figures `gpuci bench allocator` prints.
struct BenchAllocatorReport: Encodable {
    let allocator: String
    let policy: String
    let gpus: Int
    let ops: Int
    let slotsMade: Int
    let seconds: Double
    let opsPerSecond: Double

    init(allocator: String, policy: String, gpus: Int, ops: Int, slotsMade: Int, seconds: Double) {
        self.allocator = allocator
        self.policy = policy
        self.gpus = gpus
        self.ops = ops
        self.slotsMade = slotsMade
        self.seconds = seconds
        self.opsPerSecond = BenchOutput.rate(ops, seconds)
    }

    var table: String {
        BenchOutput.table([
            ("allocator", "\(allocator) (\(policy))"), ("gpus", "\(gpus)"), ("ops", "\(ops)"),
            ("slots made", "\(slotsMade)"), ("seconds", String(format: "%.6f", seconds)),
            ("ops/s", "\(Int(opsPerSecond))"),
        ])
    }
}

/// `--repeat N` and `--format`, as `bench allocator` and `bench simulator` take them.
struct BenchTimingOptions: ParsableArguments {
    @Option(name: .customLong("repeat"), parsing: .unconditional, help: "Replays (allocator) or sessions (simulator) to time.")
    var repetitions = 10

    @Option(help: "Output format: table or json.")
    var format: ReportFormat = .table

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repeat expects at least 1") }
    }
}

/// What the `gpuci bench` commands share: rates and the `name  value` table.
enum BenchOutput {
    /// `count` per second, rounded; 0 for no time.
    static func rate(_ count: Int, _ seconds: Double) -> Double {
        seconds > 0 ? (Double(count) / seconds).rounded() : 0
    }

    /// One `name  value` line per row, names padded to 12 columns.
    static func table(_ rows: [(String, String)]) -> String {
        rows.map { $0.0.padding(toLength: 12, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n")
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
