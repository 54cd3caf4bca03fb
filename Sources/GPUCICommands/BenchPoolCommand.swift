import ArgumentParser

/// `gpuci bench pool`: replays a pool trace and reports operations per second.
struct BenchPoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: "Replay a pool trace N times and print operations per second.",
        discussion: "The trace is the JSON Lines format of `gpuci pool --trace` and must carry a `gpus` header. Parsing happens once, outside the timing; every replay starts from a fresh pool."
    )

    @Option(help: "The pool trace (JSON Lines) to replay.")
    var trace: String

    @Option(name: .customLong("repeat"), parsing: .unconditional, help: "How many times to replay the trace.")
    var repetitions: Int = 100

    @Option(help: "Output format: table or json.")
    var format: ReportFormat = .table

    func run() throws {
        print(try runPoolBenchmark(trace: trace, repeat: repetitions, format: format))
    }
}
