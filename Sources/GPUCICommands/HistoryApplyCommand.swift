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

    @Option(help: "Fewest passed attempts before a file is judged.")
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
        let registrations = try PlanRegistry.load(registry).filter { backend == nil || $0.backend == backend }
        let report = DriftReport(attempts: try database.open().attempts(backend: backend), registrations: registrations,
                                 policy: DriftPolicy(minRuns: minRuns))
        var editsByFile: [String: [EstTimeEditor.Edit]] = [:]
        for row in report.files where row.flagged {
            guard let seconds = row.suggestedEstTime else { continue }
            for registration in registrations where registration.file == row.file && registration.backend == row.backend {
                guard let span = registration.estTimeSpan else { continue }
                editsByFile[row.file, default: []].append(EstTimeEditor.Edit(span: span, seconds: seconds))
            }
        }
        guard !editsByFile.isEmpty else {
            print("No drifted est_time values to change.")
            return
        }
        let root = try RegistryRoot(path: HistorySourceTree.testFolder(registry))
        var count = 0
        for file in editsByFile.keys.sorted() {
            let edits = editsByFile[file] ?? []
            let path = try root.resolve(HistorySourceTree.relativeToTestFolder(file)).path
            guard let data = FileManager.default.contents(atPath: path) else { throw InputError("cannot read the file", file: path) }
            let old = [UInt8](data)
            let new = try EstTimeEditor.apply(edits, to: old, file: path)
            count += edits.count
            if write {
                try AtomicFile.write(Data(new), to: path)
                print("wrote \(file) (\(edits.count) est_time value\(edits.count == 1 ? "" : "s"))")
            } else {
                print("--- a/\(file)\n+++ b/\(file)")
                for change in EstTimeEditor.changedLines(old: old, new: new) {
                    print("@@ -\(change.line) +\(change.line) @@\n-\(change.old)\n+\(change.new)")
                }
            }
        }
        if !write {
            print("\(count) est_time value\(count == 1 ? "" : "s") in \(editsByFile.count) file\(editsByFile.count == 1 ? "" : "s"); pass --write to apply")
        }
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
