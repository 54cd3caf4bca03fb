import ArgumentParser

/// `gpuci plan` (not built yet).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("gpuci plan is not built yet")
    }
}
