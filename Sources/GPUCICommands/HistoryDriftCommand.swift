import ArgumentParser
import GPUCIHistory
import GPUCISupport

/// `gpuci history drift`: observed run times against the registered est_time.
struct HistoryDriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare observed run times with the registered est_time, most CI time first.",
        discussion: """
        Per (file, backend): passed attempts (runs), their median, p90 and median absolute deviation (MAD), \
        est_time and ratio = median / est_time. Flagged when runs >= --min-runs, ratio > 1.5 or < 0.5, \
        |median - est_time| > 30 s and > 3 MAD. Rows are sorted by the seconds of all attempts \
        (failed, retried and timed-out ones too). Also lists files with history but no registration and \
        enabled registrations never seen run (on backends that have history).
        """)

    @OptionGroup var comparison: HistoryComparisonOptions
    @OptionGroup var database: HistoryDatabaseOptions

    @Option(help: "table or json.")
    var format: ReportFormat = .table

    func run() throws {
        let report = try comparison.report(database)
        switch format {
        case .json: print(try JSONOutput.string(HistoryDriftJSON(report)))
        case .table: print(HistoryRendering.driftTable(report), terminator: "")
        }
    }
}

/// The JSON shape of `gpuci history drift --format json` (absent values as `null`).
struct HistoryDriftJSON: Encodable {
    var report: DriftReport

    init(_ report: DriftReport) { self.report = report }

    private enum Keys: String, CodingKey {
        case files, unregistered, neverRun
        case file, backend, runs, medianSeconds, p90Seconds, madSeconds, estTime, ratio, flagged, totalSeconds
        case suggestedEstTime, suite
    }

    func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: Keys.self)
        var files = root.nestedUnkeyedContainer(forKey: .files)
        for row in report.files {
            var object = files.nestedContainer(keyedBy: Keys.self)
            try object.encode(row.file, forKey: .file)
            try object.encode(row.backend, forKey: .backend)
            try object.encode(row.runs, forKey: .runs)
            try object.encode(row.medianSeconds, forKey: .medianSeconds)
            try object.encode(row.p90Seconds, forKey: .p90Seconds)
            try object.encode(row.madSeconds, forKey: .madSeconds)
            try object.encode(row.estTime, forKey: .estTime)
            try object.encode(row.ratio, forKey: .ratio)
            try object.encode(row.flagged, forKey: .flagged)
            try object.encode(row.totalSeconds, forKey: .totalSeconds)
            try object.encode(row.suggestedEstTime, forKey: .suggestedEstTime)
        }
        var unregistered = root.nestedUnkeyedContainer(forKey: .unregistered)
        for row in report.unregistered {
            var object = unregistered.nestedContainer(keyedBy: Keys.self)
            try object.encode(row.file, forKey: .file)
            try object.encode(row.backend, forKey: .backend)
            try object.encode(row.runs, forKey: .runs)
            try object.encode(row.medianSeconds, forKey: .medianSeconds)
            try object.encode(row.totalSeconds, forKey: .totalSeconds)
        }
        var neverRun = root.nestedUnkeyedContainer(forKey: .neverRun)
        for row in report.neverRun {
            var object = neverRun.nestedContainer(keyedBy: Keys.self)
            try object.encode(row.file, forKey: .file)
            try object.encode(row.backend, forKey: .backend)
            try object.encode(row.suite, forKey: .suite)
            try object.encode(row.estTime, forKey: .estTime)
        }
    }
}
