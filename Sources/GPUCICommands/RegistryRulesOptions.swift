import ArgumentParser
import Foundation
import GPUCIPlanner
import GPUCISupport

/// `--rules NAME|auto`: which era of sglang's collector reads a source tree.
struct RegistryRulesOptions: ParsableArguments {
    @Option(name: .customLong("rules"), help: ArgumentHelp(
        "Collector rules for a source-tree registry: auto (the tree's last commit date) or \(RegistryRules.all.map(\.name).joined(separator: ", ")).",
        valueName: "name|auto"))
    var rulesName: String?

    func validate() throws {
        _ = try choice()
    }

    /// The choice; `auto` when the option is absent.
    func choice() throws(InputError) -> RegistryRulesChoice {
        guard let rulesName else { return .auto }
        return try RegistryRulesChoice(parsing: rulesName)
    }

    /// Refuses `--rules` where no source tree is read (a CSV or the bundled registry).
    func requireTree(_ registry: String?) throws(InputError) {
        guard rulesName != nil else { return }
        throw InputError("--rules applies only to a source-tree registry (a folder), not to \(registry.map { "the CSV \($0)" } ?? "the bundled registry")")
    }

    /// Scans `directory` by `choice`, saying on stderr when auto fell back.
    static func scan(_ directory: String, choice: RegistryRulesChoice) throws -> RegistryScan {
        let scan = try RegistryScanner.scan(directory: directory, choice: choice)
        if scan.rules.isFallback {
            FileHandle.standardError.write(Data("note: \(directory): registry \(scan.rules.description)\n".utf8))
        }
        return scan
    }
}
