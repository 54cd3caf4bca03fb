import ArgumentParser

/// `gpuci registry` (not built yet).
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "registry", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("gpuci registry is not built yet")
    }
}
