import ArgumentParser

/// `gpuci topology` (not built yet).
struct TopologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "topology", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("gpuci topology is not built yet")
    }
}
