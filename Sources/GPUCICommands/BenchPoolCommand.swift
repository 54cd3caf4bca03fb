import ArgumentParser

/// `gpuci bench pool` — placeholder owned by the pool helper, who replaces this file; it is not built yet.
struct BenchPoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pool", abstract: "Not built yet (pool throughput).")

    func run() throws {
        throw ValidationError("gpuci bench pool is not built yet")
    }
}
