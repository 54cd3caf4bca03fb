import ArgumentParser

/// `gpuci scenario` (not built yet).
struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scenario", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("gpuci scenario is not built yet")
    }
}
