import Foundation
import GPUCIHistory
import GPUCIPlanner

/// What `gpuci run` prints: a header, one line per attempt, a summary table. On a terminal a
/// status line shows the file being run and is overwritten by its result.
struct RunOutput: Sendable {
    /// Whether stdout is a terminal (live status line) or a log (result lines only).
    var interactive: Bool
    private let progress = RunProgressLine()

    init(interactive: Bool) {
        self.interactive = interactive
    }

    func header(key: SuiteKey, partition: Int, of count: Int, planned: PlannedPartition, skipped: [SkippedFile], fallbacks: [String]) {
        var text = "hardware \(key.backend)  suite \(key.suite)\(key.nightly ? " (nightly)" : "")  partition \(partition + 1)/\(count)\n"
        for file in skipped { text += "skipped (disabled): \(file.file): \(file.reason)\n" }
        for file in fallbacks.sorted() { text += "no history, using est_time: \(file)\n" }
        text += "\(planned.files.count) file\(planned.files.count == 1 ? "" : "s"), est \(String(format: "%.0f", planned.estSeconds)) s\n"
        emit(text)
    }

    func event(_ event: PartitionRunner.Event) {
        switch event {
        case let .starting(file, index, count, attempt):
            guard interactive else { return }
            progress.start("[\(index + 1)/\(count)] \(file)\(attempt > 1 ? " (attempt \(attempt))" : "")")
        case let .finished(result, index, count):
            let attempt = result.attempt
            var line = "[\(index + 1)/\(count)] \(attempt.file) attempt \(attempt.attempt): \(attempt.outcome.rawValue) in \(String(format: "%.1f", attempt.seconds)) s"
            if attempt.outcome == .retried, case let .retriable(pattern) = result.verdict { line += " (retriable: \(pattern))" }
            if attempt.outcome == .failed, case let .notRetriable(pattern?) = result.verdict { line += " (not retriable: \(pattern))" }
            if interactive { progress.finish(with: line + "\n") } else { emit(line + "\n") }
            if attempt.outcome == .failed || attempt.outcome == .timeout {
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
        let failed = summary.results.filter { !$0.passed && !$0.skipped }.count
        let notRun = summary.results.filter(\.skipped).count
        let passed = summary.results.count - failed - notRun
        emit("\n" + HistoryRendering.table(rows, rightAligned: 2...4)
             + "\(passed) passed, \(failed) failed, \(notRun) not run\n")
    }

    private func emit(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
