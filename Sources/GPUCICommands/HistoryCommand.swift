import ArgumentParser

/// `gpuci history` (not built yet).
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("gpuci history is not built yet")
    }
}
