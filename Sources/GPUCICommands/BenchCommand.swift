import ArgumentParser

/// `gpuci bench` (not built yet).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("gpuci bench is not built yet")
    }
}
