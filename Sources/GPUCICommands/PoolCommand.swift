import ArgumentParser

/// `gpuci pool` (not built yet).
struct PoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pool", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("gpuci pool is not built yet")
    }
}
