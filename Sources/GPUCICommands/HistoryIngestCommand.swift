import ArgumentParser
import Foundation
import GPUCIHistory
import GPUCISupport

/// `gpuci history ingest FILE…`: add JUnit XML or timing CSV results to the history.
struct HistoryIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Add pytest JUnit XML or timing CSV files to the history (all files in one transaction).",
        discussion: """
        JUnit XML (pytest --junitxml) gives one attempt per test file: the sum of its test cases' time, \
        failed when any case failed or errored; files whose cases were all skipped are left out. \
        CSV needs the header file,backend,seconds,outcome,timestamp (optional columns: suite, attempt, run_id). \
        A file whose content was ingested before adds nothing. If any file is malformed, nothing is written.
        """)

    @Argument(help: "JUnit XML or CSV files.")
    var files: [String]

    @OptionGroup var database: HistoryDatabaseOptions

    @Option(help: "Backend for JUnit files (required for them) and for CSV rows with an empty backend.")
    var backend: String?

    @Option(help: "Suite to record with the attempts.")
    var suite: String?

    @Option(help: "Commit or CI run id to record with the attempts.")
    var runId: String?

    @Option(help: "Prefix for file names that lack it, e.g. test/ for pytest run from sglang's test/ folder.")
    var pathPrefix: String?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file") }
    }

    func run() throws {
        let history = try database.open()
        var parsed: [IngestFile] = []
        var earlier: [String: String] = [:]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw InputError(FileManager.default.fileExists(atPath: file) ? "cannot read the file" : "no such file", file: file)
            }
            // Content seen before needs no parsing (it was valid then); ingest() checks again inside its transaction.
            if let source = try history.ingestedSource(contentHash: IngestFile.contentHash(of: data)) {
                earlier[file] = source
                continue
            }
            var ingest = try IngestFile.parse(data: data, source: file, backend: backend, suite: suite, runID: runId)
            if let pathPrefix, !pathPrefix.isEmpty {
                for index in ingest.attempts.indices where !ingest.attempts[index].file.hasPrefix(pathPrefix) {
                    ingest.attempts[index].file = pathPrefix + ingest.attempts[index].file
                }
            }
            parsed.append(ingest)
        }
        var results = try history.ingest(parsed).makeIterator()
        for file in files {
            if let source = earlier[file] {
                print("\(file): already ingested (as \(source)); nothing added")
            } else if let result = results.next() {
                if let source = result.duplicateOf {
                    print("\(result.source): already ingested (as \(source)); nothing added")
                } else {
                    print("\(result.source): \(result.added) attempt\(result.added == 1 ? "" : "s") added")
                }
            }
        }
    }
}
