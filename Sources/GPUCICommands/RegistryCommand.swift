import ArgumentParser
import Foundation
import GPUCIPlanner
import GPUCISupport

/// `gpuci registry`: read CI registrations from a source tree.
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Read sglang CI registrations (register_<backend>_ci calls) from a source tree.",
        subcommands: [RegistryScanCommand.self])
}

/// The output formats of `gpuci registry scan`.
enum RegistryFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, json
}

/// `gpuci registry scan DIR`: every registration, or every problem with its file and line.
struct RegistryScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan test/registered/ and write the registrations as CSV (the shared format) or JSON.")

    @Argument(help: "sglang's test/ folder (holding registered/) or a repository root (holding test/registered/).")
    var directory: String

    @Option(help: "csv or json.")
    var format: RegistryFormat = .csv

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() throws {
        let scan = try RegistryScanner.scan(directory: directory)
        guard scan.problems.isEmpty else { throw RegistryProblemsError(problems: scan.problems) }
        let text: String
        switch format {
        case .csv:
            text = RegistryCSV.render(scan.registrations)
        case .json:
            text = try JSONOutput.string(RegistryJSON(registrations: scan.registrations.map(RegistryJSON.Entry.init))) + "\n"
        }
        try CommandOutput([("--output", output)]).write(text, to: output ?? "-")
    }
}

/// `{"registrations":[{"file","backend","suite","estTime","nightly","disabled"}]}`.
struct RegistryJSON: Encodable {
    struct Entry: Encodable {
        var file: String
        var backend: String
        var suite: String
        var estTime: Double
        var nightly: Bool
        var disabled: String?
        var stage: String?
        var runnerConfig: String?

        init(_ registration: Registration) {
            file = registration.file
            backend = registration.backend
            suite = registration.suite
            estTime = registration.estTime
            nightly = registration.nightly
            disabled = registration.disabled
            stage = registration.stage
            runnerConfig = registration.runnerConfig
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(file, forKey: .file)
            try container.encode(backend, forKey: .backend)
            try container.encode(suite, forKey: .suite)
            try container.encode(estTime, forKey: .estTime)
            try container.encode(nightly, forKey: .nightly)
            try container.encode(disabled, forKey: .disabled)
            try container.encode(stage, forKey: .stage)
            try container.encode(runnerConfig, forKey: .runnerConfig)
        }

        enum CodingKeys: String, CodingKey { case file, backend, suite, estTime, nightly, disabled, stage, runnerConfig }
    }

    var registrations: [Entry]
}
