import Foundation
import GPUCIHistory
import GPUCIPlanner
import GPUCISupport

/// What `gpuci run` prints: a header, each attempt's output as it is written (between a line
/// naming the file and its result line), a heartbeat when a test is silent, and a summary table.
/// With `stream` off only the result lines and a failure's last lines are printed; then, on a
/// terminal, a status line shows the file being run and is overwritten by its result.
struct RunOutput: Sendable {
    /// Whether stdout is a terminal.
    var interactive: Bool
    /// Whether test output is passed through live.
    var stream: Bool
    private let progress = RunProgressLine()

    init(interactive: Bool, stream: Bool = true) {
        self.interactive = interactive
        self.stream = stream
    }

    func header(key: SuiteKey, partition: Int, of count: Int, planned: PlannedPartition, skipped: [SkippedFile], fallbacks: [String]) {
        var text = "hardware \(key.backend)  suite \(key.suite)\(key.nightly ? " (nightly)" : "")  partition \(partition) of \(count)\n"
        for file in skipped { text += "skipped (disabled): \(file.file): \(file.reason)\n" }
        for file in fallbacks.sorted() { text += "no history, using est_time: \(file)\n" }
        text += "\(planned.files.count) file\(planned.files.count == 1 ? "" : "s"), est \(String(format: "%.0f", planned.estSeconds)) s\n"
        emit(text)
    }

    func event(_ event: PartitionRunner.Event) {
        switch event {
        case let .starting(file, index, count, attempt):
            let title = "[\(index + 1)/\(count)] \(file)\(attempt > 1 ? " (attempt \(attempt))" : "")"
            if stream {
                emit("── \(title) ──\n")
            } else if interactive {
                progress.start(title)
            }
        case let .output(data):
            if stream { FileHandle.standardOutput.write(data) }
        case let .heartbeat(file, elapsed, silent):
            let line = "… \(file) still running: \(Self.minutes(elapsed)) elapsed, no output for \(Self.minutes(silent))\n"
            if stream || !interactive { emit(line) }
        case let .interrupted(file, signal, seconds):
            let line = "\(file) interrupted by \(Self.signalName(signal)) after \(String(format: "%.1f", seconds)) s (not recorded in the history)\n"
            if interactive && !stream { progress.finish(with: line) } else { emit(line) }
        case let .finished(result, index, count):
            let attempt = result.attempt
            var line = "[\(index + 1)/\(count)] \(attempt.file) attempt \(attempt.attempt): \(attempt.outcome.rawValue) in \(String(format: "%.1f", attempt.seconds)) s"
            if attempt.outcome == .retried, case let .retriable(pattern) = result.verdict { line += " (retriable: \(pattern))" }
            if attempt.outcome == .failed, case let .notRetriable(pattern?) = result.verdict { line += " (not retriable: \(pattern))" }
            if interactive && !stream { progress.finish(with: line + "\n") } else { emit(line + "\n") }
            if !stream, attempt.outcome == .failed || attempt.outcome == .timeout {
                let lines = result.process.output.split(separator: "\n", omittingEmptySubsequences: false)
                let tail = lines.prefix(lines.lastIndex(where: { !$0.isEmpty }).map { $0 + 1 } ?? 0).suffix(20)
                if !tail.isEmpty { emit(tail.map { "    | \($0)" }.joined(separator: "\n") + "\n") }
            }
        }
    }

    func summary(_ summary: RunSummary, estimates: [String: Double]) {
        var rows = [["file", "result", "attempts", "seconds", "est"]]
        for result in summary.results {
            let outcome = result.skipped ? "not run" : (result.attempts.last?.attempt.outcome.rawValue ?? "-")
            rows.append([result.file, outcome, String(result.attempts.count), String(format: "%.1f", result.seconds),
                         estimates[result.file].map { String(format: "%.0f", $0) } ?? "-"])
        }
        let failed = summary.results.filter { !$0.passed && !$0.skipped && $0.interrupted == nil }.count
        let interrupted = summary.results.filter { $0.interrupted != nil }.count
        let notRun = summary.results.filter(\.skipped).count
        let passed = summary.results.count - failed - notRun - interrupted
        var counts = "\(passed) passed, \(failed) failed, \(notRun) not run"
        if let signal = summary.interruptedBy {
            counts += " — interrupted by \(Self.signalName(signal))\(interrupted > 0 ? " (1 file cut short)" : "")"
        }
        emit("\n" + HistoryRendering.table(rows, rightAligned: 2...4) + counts + "\n")
    }

    /// sglang's machine-readable block, one entry per attempt, so that log scrapers reading
    /// sglang's runner read gpuci's logs; `gpuci_recorded` lets `history ingest` of the log
    /// know the attempts are in the history already.
    func timings(_ summary: RunSummary, recordedAs token: String) {
        var text = "TIMINGS BEGIN\n"
        for result in summary.results {
            for attempt in result.attempts {
                let entry = TimingsEntry(file: attempt.attempt.file, passed: attempt.attempt.outcome == .passed,
                                         elapsed: (attempt.attempt.seconds * 1000).rounded() / 1000, gpuci_recorded: token)
                text += ((try? JSONOutput.string(entry, pretty: false)) ?? "{}") + "\n"
            }
        }
        emit(text + "TIMINGS END\n")
    }

    private struct TimingsEntry: Encodable {
        var file: String
        var passed: Bool
        var elapsed: Double
        var gpuci_recorded: String
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }

    static func minutes(_ seconds: Double) -> String {
        seconds < 60 ? String(format: "%.0fs", seconds) : String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60)
    }

    private func emit(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
