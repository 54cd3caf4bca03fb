import Foundation
import GPUCIHistory

/// Plain-text tables of the history commands (fixed decimals, so output is byte-stable).
enum HistoryRendering {
    static func driftTable(_ report: DriftReport) -> String {
        var rows = [["file", "backend", "runs", "median", "p90", "mad", "est", "ratio", "flag"]]
        for row in report.files {
            rows.append([row.file, row.backend, String(row.runs), seconds(row.medianSeconds), seconds(row.p90Seconds),
                         seconds(row.madSeconds), seconds(row.estTime), row.ratio.map { String(format: "%.2f", $0) } ?? "-",
                         row.flagged ? (row.ratio ?? 1 > 1 ? "SLOWER" : "FASTER") : ""])
        }
        var text = table(rows, rightAligned: 2...7)
        let flagged = report.files.filter(\.flagged).count
        text += "\(report.files.count) registered file\(report.files.count == 1 ? "" : "s") with history, \(flagged) drifted\n"
        if !report.unregistered.isEmpty {
            text += "\nWith history but not registered:\n"
            var extra = [["file", "backend", "runs", "median"]]
            for row in report.unregistered { extra.append([row.file, row.backend, String(row.runs), seconds(row.medianSeconds)]) }
            text += table(extra, rightAligned: 2...3)
        }
        if !report.neverRun.isEmpty {
            text += "\nRegistered but never run:\n"
            var extra = [["file", "backend", "suite", "est"]]
            for row in report.neverRun { extra.append([row.file, row.backend, row.suite, seconds(row.estTime)]) }
            text += table(extra, rightAligned: 3...3)
        }
        return text
    }

    /// The files with a proposal that differs from their est_time, by file and backend.
    static func proposals(_ report: DriftReport, minRuns: Int) -> [DriftReport.FileDrift] {
        report.files.sorted(by: { ($0.file, $0.backend) < ($1.file, $1.backend) }).filter { row in
            guard row.runs >= minRuns, let proposed = row.suggestedEstTime else { return false }
            return Double(proposed) != row.estTime
        }
    }

    static func suggestionTable(_ report: DriftReport, minRuns: Int) -> String {
        var rows = [["", "file", "backend", "runs", "est", "p90", "proposed"]]
        for row in proposals(report, minRuns: minRuns) {
            rows.append([row.flagged ? "*" : "", row.file, row.backend, String(row.runs), seconds(row.estTime),
                         seconds(row.p90Seconds), String(row.suggestedEstTime ?? 0)])
        }
        guard rows.count > 1 else { return "No est_time changes proposed (files need at least \(minRuns) passed attempts).\n" }
        return table(rows, rightAligned: 3...6) + "\(rows.count - 1) proposal\(rows.count == 2 ? "" : "s"); * = drifted (what `gpuci history apply` edits)\n"
    }

    static func seconds(_ value: Double?) -> String {
        value.map { String(format: "%.1f", $0) } ?? "-"
    }

    /// Columns padded to their widest cell; `rightAligned` column indices are padded on the left.
    static func table(_ rows: [[String]], rightAligned: ClosedRange<Int>) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        var text = ""
        for row in rows {
            let cells = row.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return rightAligned.contains(index) ? padding + cell : cell + padding
            }
            text += cells.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        return text
    }
}
