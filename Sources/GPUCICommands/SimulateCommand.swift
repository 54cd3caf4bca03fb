import ArgumentParser

/// `gpuci simulate` (not built yet).
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulate", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("gpuci simulate is not built yet")
    }
}
