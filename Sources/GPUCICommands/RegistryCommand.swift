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

    @OptionGroup var rules: RegistryRulesOptions

    func run() throws {
        let scan = try RegistryRulesOptions.scan(directory, choice: rules.choice())
        guard scan.problems.isEmpty else { throw RegistryProblemsError(problems: scan.problems) }
        let text: String
        switch format {
        case .csv:
            // The CSV stays the shared format, byte for byte: the rules are said on stderr.
            text = RegistryCSV.render(scan.registrations)
            if !scan.rules.isFallback {
                FileHandle.standardError.write(Data("note: \(directory): registry \(scan.rules.description)\n".utf8))
            }
        case .json:
            text = try JSONOutput.string(RegistryJSON(registrations: scan.registrations.map(RegistryJSON.Entry.init),
                                                      rules: RegistryJSON.Rules(scan.rules))) + "\n"
        }
        try CommandOutput([("--output", output)]).write(text, to: output ?? "-")
    }
}

/// `{"registrations":[{"file","backend","suite","estTime","nightly","disabled",…}],"rules":{…}}`.
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

    /// The collector rules the tree was read by: `{"name","from","to","approximate","source","reason"}`.
    struct Rules: Encodable {
        var name: String
        var from: String
        var to: String?
        var approximate: Bool
        var source: String
        var reason: String

        init(_ resolution: RegistryRulesResolution) {
            name = resolution.rules.name
            from = resolution.rules.from.description
            to = resolution.rules.to?.description
            approximate = resolution.rules.boundaryIsApproximate
            source = resolution.rules.source
            reason = resolution.reason
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(from, forKey: .from)
            try container.encode(to, forKey: .to)
            try container.encode(approximate, forKey: .approximate)
            try container.encode(source, forKey: .source)
            try container.encode(reason, forKey: .reason)
        }

        enum CodingKeys: String, CodingKey { case name, from, to, approximate, source, reason }
    }

    var registrations: [Entry]
    var rules: Rules
}
