import ArgumentParser

/// `gpuci allocate` (not built yet).
struct AllocateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "allocate", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("gpuci allocate is not built yet")
    }
}
