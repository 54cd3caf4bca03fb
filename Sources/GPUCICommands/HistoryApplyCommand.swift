import ArgumentParser
import Foundation
import GPUCIHistory
import GPUCIPlanner
import GPUCISupport

/// `gpuci history apply`: rewrite drifted est_time literals in the registry's source files.
struct HistoryApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Preview (or --write) new est_time literals for drifted files, touching nothing else.",
        discussion: """
        For each drifted (file, backend) of `gpuci history drift`, every register_<backend>_ci call of that \
        file gets the `gpuci history suggest` value. Only the bytes of the est_time literal change; each \
        file is replaced atomically.
        """)

    @Option(help: "The source tree: sglang's test/ or a repository root.")
    var registry: String

    @OptionGroup var rules: RegistryRulesOptions

    @Option(parsing: .unconditional, help: "Fewest passed attempts before a file is judged.")
    var minRuns: Int = 3

    @Option(help: "Only this backend.")
    var backend: String?

    @OptionGroup var database: HistoryDatabaseOptions

    @Flag(help: "Write the files instead of printing the preview.")
    var write = false

    func validate() throws {
        guard minRuns >= 1 else { throw ValidationError("--min-runs must be at least 1") }
    }

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: registry, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError("expected a source tree folder (apply edits the Python files)", file: registry)
        }
        let registrations = try PlanRegistry.load(registry, rules: rules).filter { backend == nil || $0.backend == backend }
        let report = DriftReport(attempts: try database.open().attempts(backend: backend), registrations: registrations,
                                 policy: DriftPolicy(minRuns: minRuns))
        let root = try RegistryRoot(path: HistorySourceTree.testFolder(registry))
        var targets: [EstTimeChangeSet.Target] = []
        for row in report.files where row.flagged {
            guard let seconds = row.suggestedEstTime,
                  registrations.contains(where: { $0.file == row.file && $0.backend == row.backend && $0.estTimeSpan != nil }) else { continue }
            let path = try root.resolve(HistorySourceTree.relativeToTestFolder(row.file)).path
            targets.append(EstTimeChangeSet.Target(file: row.file, path: path, backend: row.backend, seconds: seconds))
        }
        // Every file's new bytes are built (and checked) before one is written.
        let changeSet = try EstTimeChangeSet.prepare(targets)
        let changes = changeSet.changes
        guard !changes.isEmpty else {
            print("No drifted est_time values to change.")
            return
        }
        if write {
            try changeSet.write()
            for change in changes {
                print("wrote \(change.file) (\(change.edits) est_time value\(change.edits == 1 ? "" : "s"))")
            }
            return
        }
        for change in changes {
            print("--- a/\(change.file)\n+++ b/\(change.file)")
            for line in EstTimeEditor.changedLines(old: change.old, new: change.new) {
                print("@@ -\(line.line) +\(line.line) @@\n-\(line.old)\n+\(line.new)")
            }
        }
        let count = changes.reduce(0) { $0 + $1.edits }
        print("\(count) est_time value\(count == 1 ? "" : "s") in \(changes.count) file\(changes.count == 1 ? "" : "s"); pass --write to apply")
    }
}

/// Where a registered file (`test/registered/…`) lies in a source tree given as sglang's `test/`
/// or as a repository root, and which folder files are run from (the one holding `registered/`).
enum HistorySourceTree {
    static func testFolder(_ tree: String) -> String {
        var isDirectory: ObjCBool = false
        let direct = URL(fileURLWithPath: tree).appendingPathComponent("registered").path
        if FileManager.default.fileExists(atPath: direct, isDirectory: &isDirectory), isDirectory.boolValue { return tree }
        return URL(fileURLWithPath: tree).appendingPathComponent("test").path
    }

    /// `file` relative to ``testFolder(_:)``: `test/registered/x.py` → `registered/x.py`.
    static func relativeToTestFolder(_ file: String) -> String {
        file.hasPrefix("test/") ? String(file.dropFirst("test/".count)) : file
    }
}
