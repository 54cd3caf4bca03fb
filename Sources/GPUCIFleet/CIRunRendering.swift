import Foundation
import GPUCISupport

/// A simulated CI run as a table, Chrome trace or SVG Gantt chart of runner lanes.
public enum CIRunRendering {
    /// A duration as gpuci writes one (``DurationText/clock(_:)``).
    public static func clock(_ seconds: Double) -> String { DurationText.clock(seconds) }

    /// One line per job (dispatch order) and a summary line.
    public static func table(_ result: CIRunResult, title: String) -> String {
        let nameWidth = max(4, result.jobs.map(\.name.count).max() ?? 0)
        let labelWidth = max(5, result.jobs.map(\.label.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        func right(_ text: String) -> String { String(repeating: " ", count: max(0, 9 - text.count)) + text }
        var lines = [title, "\(pad("job", nameWidth))  \(pad("label", labelWidth))  runner  \(right("queued"))  \(right("wait"))  \(right("start"))  \(right("end"))"]
        for job in result.jobs {
            lines.append("\(pad(job.name, nameWidth))  \(pad(job.label, labelWidth))  \(String(format: "%6d", job.runner))  \(right(clock(job.queuedSeconds)))  \(right(clock(job.waitSeconds)))  \(right(clock(job.startSeconds)))  \(right(clock(job.endSeconds)))\(job.timedOut ? "  TIMED OUT" : "")")
        }
        var summary = "time-to-green \(clock(result.timeToGreenSeconds)) · \(result.jobs.count) jobs · runner-hours \(String(format: "%.1f", result.runnerSeconds / 3600))"
        if let cost = result.cost { summary += " · cost \(String(format: "%.2f", cost))" }
        if result.timedOut > 0 { summary += " · \(result.timedOut) timed out" }
        lines.append(summary)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Chrome Trace Event JSON (Perfetto, chrome://tracing): a process per label, a thread per
    /// runner, a `job` span per job and a `queued` span on the label's queue thread before it.
    public static func chromeTrace(_ result: CIRunResult) -> String {
        let labels = orderedLabels(result)
        var events: [ChromeTraceEvent] = []
        func micros(_ seconds: Double) -> Int64 { Int64((seconds * 1_000_000).rounded()) }
        for (pid, label) in labels.enumerated() {
            events.append(ChromeTraceEvent(name: "process_name", ph: "M", ts: 0, pid: pid, tid: 0, args: ["name": label]))
            events.append(ChromeTraceEvent(name: "thread_name", ph: "M", ts: 0, pid: pid, tid: 0, args: ["name": "queue"]))
            let runners = Set(result.jobs.filter { $0.label == label }.map(\.runner)).sorted()
            for runner in runners {
                events.append(ChromeTraceEvent(name: "thread_name", ph: "M", ts: 0, pid: pid, tid: runner + 1, args: ["name": "runner \(runner)"]))
            }
        }
        for job in result.jobs {
            let pid = labels.firstIndex(of: job.label)!
            if job.waitSeconds > 0 {
                events.append(ChromeTraceEvent(name: job.name, cat: "queued", ph: "X", ts: micros(job.queuedSeconds),
                                         dur: micros(job.startSeconds) - micros(job.queuedSeconds), pid: pid, tid: 0))
            }
            events.append(ChromeTraceEvent(name: job.name, cat: job.timedOut ? "timed-out" : "job", ph: "X", ts: micros(job.startSeconds),
                                     dur: micros(job.endSeconds) - micros(job.startSeconds), pid: pid, tid: job.runner + 1,
                                     args: ["group": job.group]))
        }
        return ChromeTraceEvent.document(count: events.count) { out in
            for event in events { event.write(to: &out) }
        }
    }

    /// Labels in first-dispatch order.
    static func orderedLabels(_ result: CIRunResult) -> [String] {
        var seen: Set<String> = []
        return result.jobs.map(\.label).filter { seen.insert($0).inserted }
    }

    static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
                          "#86bcb6", "#8cd17d", "#499894", "#f1ce63", "#d4a6c8", "#a0cbe8", "#ffbe7d", "#79706e"]

    /// A standalone SVG: a lane per runner grouped by label, a bar per job coloured by its group
    /// (red outline when it timed out), and a grey line from when it was queued to its start.
    public static func svg(_ result: CIRunResult, title: String, width: Int = 1400) -> String {
        let labels = orderedLabels(result)
        var lanes: [(label: String, runner: Int)] = []
        for label in labels {
            for runner in Set(result.jobs.filter { $0.label == label }.map(\.runner)).sorted() { lanes.append((label, runner)) }
        }
        var groups: [String] = []
        for job in result.jobs where !groups.contains(job.group) { groups.append(job.group) }
        let left = 190.0, right = 20.0, top = 56.0, laneHeight = 18.0, gap = 4.0
        let plot = Double(width) - left - right
        let end = max(result.timeToGreenSeconds, 1)
        func x(_ seconds: Double) -> Double { left + seconds / end * plot }
        func f(_ value: Double) -> String { String(format: "%.1f", value) }
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let axisY = top + Double(lanes.count) * (laneHeight + gap) + 6
        let legendTop = axisY + 34
        let height = Int(legendTop + Double((groups.count + 3) / 4) * 18 + 20)
        var out = [##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" font-family="sans-serif" font-size="11">"##,
                   ##"<rect width="100%" height="100%" fill="#ffffff"/>"##,
                   ##"<text x="12" y="22" font-size="15" font-weight="bold">\##(escape(title))</text>"##,
                   ##"<text x="12" y="42" fill="#444">time-to-green \##(clock(result.timeToGreenSeconds)) · \##(result.jobs.count) jobs · \##(result.timedOut) timed out · grey lines: waiting for a runner</text>"##]
        let step = [60.0, 300, 600, 900, 1800, 3600, 7200, 14400, 28800].first { end / $0 <= 12 } ?? 28800
        var tick = 0.0
        while tick <= end + 1e-9 {
            out.append(##"<line x1="\##(f(x(tick)))" y1="\##(f(top - 4))" x2="\##(f(x(tick)))" y2="\##(f(axisY))" stroke="#e6e6e6"/>"##)
            out.append(##"<text x="\##(f(x(tick)))" y="\##(f(axisY + 14))" text-anchor="middle" fill="#444">\##(clock(tick))</text>"##)
            tick += step
        }
        for (index, lane) in lanes.enumerated() {
            let y = top + Double(index) * (laneHeight + gap)
            out.append(##"<text x="\##(f(left - 6))" y="\##(f(y + 13))" text-anchor="end">\##(escape(lane.label)) #\##(lane.runner)</text>"##)
            for job in result.jobs where job.label == lane.label && job.runner == lane.runner {
                if job.waitSeconds > 0 {
                    out.append(##"<line x1="\##(f(x(job.queuedSeconds)))" y1="\##(f(y + laneHeight / 2))" x2="\##(f(x(job.startSeconds)))" y2="\##(f(y + laneHeight / 2))" stroke="#9a9a9a" stroke-dasharray="3,2"/>"##)
                }
                let colour = palette[(groups.firstIndex(of: job.group) ?? 0) % palette.count]
                let stroke = job.timedOut ? ##" stroke="#d62728" stroke-width="2""## : ""
                out.append(##"<rect x="\##(f(x(job.startSeconds)))" y="\##(f(y))" width="\##(f(max(1, x(job.endSeconds) - x(job.startSeconds))))" height="\##(f(laneHeight))" fill="\##(colour)"\##(stroke)><title>\##(escape(job.name)): queued \##(clock(job.queuedSeconds)), started \##(clock(job.startSeconds)), ended \##(clock(job.endSeconds))</title></rect>"##)
            }
        }
        for (index, group) in groups.enumerated() {
            let lx = 12 + Double(index % 4) * 340, ly = legendTop + Double(index / 4) * 18
            out.append(##"<rect x="\##(f(lx))" y="\##(f(ly - 10))" width="12" height="12" fill="\##(palette[index % palette.count])"/><text x="\##(f(lx + 18))" y="\##(f(ly))">\##(escape(group))</text>"##)
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
