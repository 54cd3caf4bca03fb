import Foundation

/// A Gantt picture of the session: one lane per GPU with a bar per worker (coloured by model,
/// hatched while booting, marked where evicted), a gateway lane, a test lane, a time axis and a legend.
public enum GanttChart {
    static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
                          "#86bcb6", "#8cd17d", "#499894", "#f1ce63", "#d4a6c8", "#a0cbe8", "#ffbe7d", "#79706e"]
    static let failedColour = "#d62728"
    static let passedColour = "#3b3b3b"
    static let skippedColour = "#c7c7c7"
    static let setupColour = "#f6d27a"

    /// The colour of each model, in first-launch order.
    static func colours(_ models: [String]) -> [String: String] {
        var map: [String: String] = [:]
        for (index, model) in models.enumerated() {
            if index < palette.count {
                map[model] = palette[index]
            } else {
                // Past the palette: golden-angle hues, so neighbours in launch order stay apart.
                let hue = (Double(index) * 137.508).truncatingRemainder(dividingBy: 360)
                map[model] = "hsl(\(Int(hue)),\(45 + index % 3 * 15)%,\(52 + index % 2 * 14)%)"
            }
        }
        return map
    }

    /// A standalone SVG document.
    public static func svg(_ result: SessionResult, width: Int = 1400) -> String {
        let timeline = Timeline(result)
        let colours = colours(timeline.models)
        let left = 200.0, right = 24.0, top = 64.0
        let laneHeight = 30.0, laneGap = 6.0
        let plotWidth = Double(width) - left - right
        let gpuCount = max(result.gpuNames.count, 1)
        let wall = max(Double(timeline.end), 1)
        func x(_ t: SimTime) -> Double { left + Double(t) / wall * plotWidth }
        func f(_ value: Double) -> String { String(format: "%.1f", value) }

        let gatewayTop = top + Double(gpuCount) * (laneHeight + laneGap) + 4
        let testTop = gatewayTop + 22
        let axisY = testTop + laneHeight + 8
        let legendTop = axisY + 40

        var out: [String] = []
        out.append("")  // the <svg> element, written once the legend's height is known
        out.append(##"<defs><pattern id="booting" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="#ffffff" fill-opacity="0.55"/></pattern></defs>"##)
        out.append("")  // the white background, likewise
        let summary = SessionSummary(result)
        out.append(##"<text x="16" y="24" font-size="16" font-weight="bold">\##(escape(result.scenario)) on \##(escape(result.topology)) — eviction \##(escape(result.eviction)), allocation \##(escape(result.allocation))</text>"##)
        out.append(##"<text x="16" y="46" fill="#444">wall \##(SessionSummary.clock(summary.wallSeconds)) · \##(summary.tests) tests (\##(summary.failed.count) failed, \##(summary.skipped.count) skipped) · \##(summary.launches) launches · \##(summary.evictions) evictions · waiting on workers \##(SessionSummary.clock(summary.workerWaitSeconds)) · GPU busy \##(String(format: "%.1f", summary.gpuBusyPercent))%</text>"##)

        // Time axis and grid.
        let step = tickStep(seconds: wall / 1_000_000)
        var tick = 0.0
        while tick <= wall / 1_000_000 + 1e-9 {
            let tx = x(SimTime.seconds(tick))
            out.append(##"<line x1="\##(f(tx))" y1="\##(f(top - 4))" x2="\##(f(tx))" y2="\##(f(axisY))" stroke="#e3e3e3"/>"##)
            out.append(##"<text x="\##(f(tx))" y="\##(f(axisY + 16))" text-anchor="middle" fill="#444">\##(SessionSummary.clock(tick))</text>"##)
            tick += step
        }
        out.append(##"<line x1="\##(f(left))" y1="\##(f(axisY))" x2="\##(f(left + plotWidth))" y2="\##(f(axisY))" stroke="#888"/>"##)
        out.append(##"<text x="\##(f(left + plotWidth))" y="\##(f(axisY + 32))" text-anchor="end" fill="#666">simulated time</text>"##)

        // GPU lanes.
        for gpu in 0..<gpuCount {
            let y = top + Double(gpu) * (laneHeight + laneGap)
            let name = gpu < result.gpuNames.count ? result.gpuNames[gpu] : ""
            out.append(##"<rect x="\##(f(left))" y="\##(f(y))" width="\##(f(plotWidth))" height="\##(f(laneHeight))" fill="#f7f7f7"/>"##)
            out.append(##"<text x="\##(f(left - 8))" y="\##(f(y + laneHeight / 2 + 4))" text-anchor="end">GPU \##(gpu) <tspan fill="#777">\##(escape(name))</tspan></text>"##)
        }
        for span in timeline.workers {
            let colour = colours[span.model] ?? "#999"
            let ready = span.healthy ?? span.end
            for gpu in span.gpus where gpu < gpuCount {
                let y = top + Double(gpu) * (laneHeight + laneGap) + 2
                let x0 = x(span.launch), x1 = x(span.end), xr = x(ready)
                let title = "\(span.key) on GPU \(span.gpus.map(String.init).joined(separator: ",")): launched \(SessionSummary.clock(span.launch.seconds))"
                    + (span.healthy.map { ", healthy \(SessionSummary.clock($0.seconds))" } ?? ", never healthy")
                    + ", \(span.endKind == .sessionEnd ? "up until the end" : "\(span.endKind.rawValue) \(SessionSummary.clock(span.end.seconds))")"
                out.append(##"<g><title>\##(escape(title))</title>"##)
                out.append(##"<rect x="\##(f(x0))" y="\##(f(y))" width="\##(f(max(x1 - x0, 1)))" height="\##(f(laneHeight - 4))" fill="\##(colour)" stroke="#ffffff" stroke-width="0.5"/>"##)
                if xr > x0 {
                    out.append(##"<rect x="\##(f(x0))" y="\##(f(y))" width="\##(f(xr - x0))" height="\##(f(laneHeight - 4))" fill="url(#booting)"/>"##)
                }
                let label = span.key
                if x1 - x0 > Double(label.count) * 6.6 + 8 {
                    out.append(##"<text x="\##(f(x0 + 4))" y="\##(f(y + laneHeight / 2 + 2))" fill="#111">\##(escape(label))</text>"##)
                }
                out.append("</g>")
                if span.endKind == .evict || span.endKind == .timeout {
                    let mark = span.endKind == .evict ? failedColour : "#000000"
                    out.append(##"<path d="M \##(f(x1 - 5)) \##(f(y - 3)) L \##(f(x1 + 5)) \##(f(y - 3)) L \##(f(x1)) \##(f(y + 5)) Z" fill="\##(mark)"><title>\##(escape("\(span.endKind.rawValue) \(span.key) at \(SessionSummary.clock(span.end.seconds))"))</title></path>"##)
                    out.append(##"<line x1="\##(f(x1))" y1="\##(f(y))" x2="\##(f(x1))" y2="\##(f(y + laneHeight - 4))" stroke="\##(mark)" stroke-width="1.5"/>"##)
                }
            }
        }

        // Which GPUs the running test uses: a dark strip along the bottom of each lane.
        for span in timeline.tests where span.status == .passed {
            for gpu in Set(span.gpus).sorted() where gpu < gpuCount {
                let y = top + Double(gpu) * (laneHeight + laneGap) + laneHeight - 6
                out.append(##"<rect x="\##(f(x(span.start)))" y="\##(f(y))" width="\##(f(max(x(span.end) - x(span.start), 1)))" height="4" fill="#1b1b1b" fill-opacity="0.75"><title>\##(escape("GPU \(gpu) used by \(span.id)"))</title></rect>"##)
            }
        }

        // Gateway lane.
        out.append(##"<text x="\##(f(left - 8))" y="\##(f(gatewayTop + 12))" text-anchor="end">gateway</text>"##)
        for span in timeline.gateways {
            out.append(##"<rect x="\##(f(x(span.start)))" y="\##(f(gatewayTop + 2))" width="\##(f(max(x(span.end) - x(span.start), 1)))" height="12" fill="#9aa7b8" stroke="#ffffff" stroke-width="0.5"><title>\##(escape("\(span.mode) gateway for \(span.owner)"))</title></rect>"##)
        }

        // Test lane.
        out.append(##"<text x="\##(f(left - 8))" y="\##(f(testTop + laneHeight / 2 + 4))" text-anchor="end">tests</text>"##)
        out.append(##"<rect x="\##(f(left))" y="\##(f(testTop))" width="\##(f(plotWidth))" height="\##(f(laneHeight))" fill="#f7f7f7"/>"##)
        for span in timeline.tests {
            if span.start > span.setupStart {
                out.append(##"<rect x="\##(f(x(span.setupStart)))" y="\##(f(testTop + 2))" width="\##(f(max(x(span.start) - x(span.setupStart), 0.5)))" height="\##(f(laneHeight - 4))" fill="\##(setupColour)"><title>\##(escape("setup of \(span.id): \(SessionSummary.clock((span.start - span.setupStart).seconds))"))</title></rect>"##)
            }
            let colour = span.status == .passed ? passedColour : span.status == .failed ? failedColour : skippedColour
            let title = "\(span.id): \(span.status.rawValue), \(SessionSummary.clock(span.start.seconds))–\(SessionSummary.clock(span.end.seconds))"
            out.append(##"<rect x="\##(f(x(span.start)))" y="\##(f(testTop + 2))" width="\##(f(max(x(span.end) - x(span.start), 1)))" height="\##(f(laneHeight - 4))" fill="\##(colour)" stroke="#ffffff" stroke-width="0.5"><title>\##(escape(title))</title></rect>"##)
            if span.status == .failed {
                out.append(##"<text x="\##(f(x(span.start)))" y="\##(f(testTop - 2))" fill="\##(failedColour)" font-weight="bold">✗</text>"##)
            }
        }

        // Legend.
        var lx = left, ly = legendTop
        func item(_ swatch: String, _ label: String) {
            let widthNeeded = 26 + Double(label.count) * 6.8 + 18
            if lx + widthNeeded > Double(width) - right { lx = left; ly += 22 }
            out.append(##"<g transform="translate(\##(f(lx)),\##(f(ly)))">\##(swatch)<text x="24" y="12">\##(escape(label))</text></g>"##)
            lx += widthNeeded
        }
        out.append(##"<text x="\##(f(left - 8))" y="\##(f(legendTop + 12))" text-anchor="end" fill="#444">legend</text>"##)
        for model in timeline.models {
            item(##"<rect width="18" height="14" fill="\##(colours[model] ?? "#999")"/>"##, model)
        }
        item(##"<rect width="18" height="14" fill="#888"/><rect width="18" height="14" fill="url(#booting)"/>"##, "booting (hatched)")
        item(##"<path d="M 4 0 L 14 0 L 9 8 Z" fill="\##(failedColour)"/><line x1="9" y1="0" x2="9" y2="14" stroke="\##(failedColour)" stroke-width="1.5"/>"##, "evicted")
        item(##"<path d="M 4 0 L 14 0 L 9 8 Z" fill="#000"/>"##, "startup timeout")
        item(##"<rect width="18" height="14" fill="#bbb"/><rect y="10" width="18" height="4" fill="#1b1b1b"/>"##, "in use by the running test")
        item(##"<rect width="18" height="14" fill="\##(setupColour)"/>"##, "test setup wait")
        item(##"<rect width="18" height="14" fill="\##(passedColour)"/>"##, "test passed")
        item(##"<rect width="18" height="14" fill="\##(failedColour)"/>"##, "test failed")
        item(##"<rect width="18" height="14" fill="\##(skippedColour)"/>"##, "test skipped")
        item(##"<rect width="18" height="12" fill="#9aa7b8"/>"##, "gateway up")
        out.append("</svg>")
        let height = Int(ly + 34)
        out[0] = ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)" font-family="Helvetica, Arial, sans-serif" font-size="12">"##
        out[2] = ##"<rect x="0" y="0" width="\##(width)" height="\##(height)" fill="#ffffff"/>"##
        return out.joined(separator: "\n") + "\n"
    }

    /// A page with the chart, the summary and a table of tests.
    public static func html(_ result: SessionResult) -> String {
        let summary = SessionSummary(result)
        var rows: [String] = []
        for test in result.tests {
            let colour = test.status == .failed ? failedColour : test.status == .skipped ? "#888" : "#222"
            rows.append("<tr><td>\(escape(test.id))</td><td style=\"color:\(colour)\">\(test.status.rawValue)</td>"
                + "<td class=n>\(String(format: "%.1f", test.setupWait.seconds))</td><td class=n>\(String(format: "%.1f", (test.end - test.start).seconds))</td>"
                + "<td>\(test.gpus.map(String.init).joined(separator: ","))</td><td>\(escape(test.reason ?? ""))</td></tr>")
        }
        let figures: [(String, String)] = [
            ("wall time", SessionSummary.clock(summary.wallSeconds)), ("tests", "\(summary.tests)"),
            ("failed", "\(summary.failed.count)"), ("skipped", "\(summary.skipped.count)"),
            ("launches", "\(summary.launches)"), ("evictions", "\(summary.evictions)"),
            ("waiting on workers", SessionSummary.clock(summary.workerWaitSeconds)),
            ("waiting on gateways", SessionSummary.clock(summary.gatewayWaitSeconds)),
            ("GPU busy", String(format: "%.1f%%", summary.gpuBusyPercent)),
            ("idle GPU-seconds", String(format: "%.0f", summary.idleGPUSeconds)),
            ("pre-launch requirements", result.requirements.joined(separator: ", ")),
            ("largest single test", "\(result.maxTestGPUs) GPUs (\(result.maxTestName ?? "none"))"),
        ]
        let figureRows = figures.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined(separator: "\n")
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>gpuci simulate: \(escape(result.scenario))</title>
        <style>
        body { font-family: Helvetica, Arial, sans-serif; margin: 16px; color: #222; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        .figures th { color: #555; font-weight: normal; white-space: nowrap; }
        h2 { font-size: 16px; margin-top: 24px; }
        </style></head><body>
        <h1 style="font-size:20px">\(escape(result.scenario)) on \(escape(result.topology))</h1>
        \(result.collectionError.map { "<p style=\"color:\(failedColour)\"><b>Collection failed:</b> \(escape($0))</p>" } ?? "")
        <table class="figures">
        \(figureRows)
        </table>
        <h2>GPU occupancy and tests over time</h2>
        <div style="max-width:100%">\(svg(result).replacingOccurrences(of: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1400\"", with: "<svg style=\"max-width:100%;height:auto\" xmlns=\"http://www.w3.org/2000/svg\" width=\"1400\""))</div>
        <h2>Tests in run order</h2>
        <table><tr><th>test</th><th>status</th><th>setup wait (s)</th><th>duration (s)</th><th>GPUs</th><th>reason</th></tr>
        \(rows.joined(separator: "\n"))
        </table>
        </body></html>

        """
    }

    /// A round tick step giving about 8–16 ticks.
    static func tickStep(seconds: Double) -> Double {
        let candidates: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400]
        return candidates.first { seconds / $0 <= 14 } ?? 86400 * max(1, (seconds / 86400 / 14).rounded(.up))
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
