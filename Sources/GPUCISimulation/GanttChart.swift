import Foundation

/// A Gantt picture of the session: one lane per GPU with a bar per worker (coloured by model,
/// hatched while booting, marked where evicted), a gateway lane, a test lane, a time axis and a legend.
///
/// Spans narrower than a pixel are drawn as aggregates (see `PixelRun`), so the document grows with
/// the chart's width rather than with the number of tests.
public enum GanttChart {
    static let failedColour = "#d62728"
    static let passedColour = "#3b3b3b"
    static let skippedColour = "#c7c7c7"
    static let setupColour = "#f6d27a"
    /// The colours that mean a test status or phase; no model colour comes near them.
    static let statusColours = [failedColour, passedColour, skippedColour, setupColour]

    /// The colour of each model, in first-launch order.
    static func colours(_ models: [String]) -> [String: String] {
        var map: [String: String] = [:]
        for (index, model) in models.enumerated() { map[model] = ModelPalette.colour(at: index) }
        return map
    }

    static func colour(of status: TestStatus) -> String {
        switch status {
        case .passed: passedColour
        case .failed: failedColour
        case .skipped: skippedColour
        }
    }

    /// A standalone SVG document.
    public static func svg(_ result: SessionResult, width: Int = 1400) -> String {
        svg(result, width: width, interactive: false)
    }

    /// The SVG document; `interactive` adds what the HTML page's script needs (an id, clip paths,
    /// zoomable groups and data attributes) and nothing that changes the picture.
    static func svg(_ result: SessionResult, width: Int, interactive: Bool) -> String {
        var chart = GanttRenderer(result, width: width, interactive: interactive)
        chart.render()
        return chart.document
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

/// Draws one chart, element by element, into `lines`.
struct GanttRenderer {
    let result: SessionResult
    let timeline: Timeline
    let colours: [String: String]
    let width: Int
    let interactive: Bool
    let left = 200.0, right = 24.0, top = 64.0
    let laneHeight = 30.0, laneGap = 6.0
    let plotWidth: Double
    let gpuCount: Int
    let wall: Double
    var lines: [String] = []
    /// Whether any lane drew an aggregate.
    private(set) var aggregated = false
    private var legendX = 0.0, legendY = 0.0

    init(_ result: SessionResult, width: Int, interactive: Bool) {
        self.result = result
        self.timeline = Timeline(result)
        self.colours = GanttChart.colours(timeline.models)
        self.width = width
        self.interactive = interactive
        plotWidth = Double(width) - left - right
        gpuCount = max(result.gpuNames.count, 1)
        wall = max(Double(timeline.end), 1)
    }

    var gatewayTop: Double { top + Double(gpuCount) * (laneHeight + laneGap) + 4 }
    var testTop: Double { gatewayTop + 22 }
    var axisY: Double { testTop + laneHeight + 8 }
    var legendTop: Double { axisY + 40 }
    var height: Int { Int(legendY + 34) }

    func x(_ t: SimTime) -> Double { left + Double(t) / wall * plotWidth }
    func f(_ value: Double) -> String { String(format: "%.1f", value) }
    func laneY(_ gpu: Int) -> Double { top + Double(gpu) * (laneHeight + laneGap) }
    func clock(_ t: SimTime) -> String { SessionSummary.clock(t.seconds) }
    func escape(_ text: String) -> String { GanttChart.escape(text) }

    /// ` data-NAME="VALUE"` in interactive documents, else nothing.
    func data(_ name: String, _ value: String) -> String {
        interactive ? ##" data-\##(name)="\##(escape(value))""## : ""
    }

    var document: String { lines.joined(separator: "\n") + "\n" }

    mutating func render() {
        lines.append("")  // the <svg> element, written once the legend's height is known
        drawDefinitions()
        lines.append("")  // the white background, likewise
        drawHeading()
        zoomable(clip: "axis-clip") { $0.drawTicks() }
        drawAxis()
        drawGPULanes()
        zoomable(clip: "plot-clip") {
            $0.drawWorkers()
            $0.drawUsage()
        }
        lines.append(##"<text x="\##(f(left - 8))" y="\##(f(gatewayTop + 12))" text-anchor="end">gateway</text>"##)
        zoomable(clip: "plot-clip") { $0.drawGateways() }
        lines.append(##"<text x="\##(f(left - 8))" y="\##(f(testTop + laneHeight / 2 + 4))" text-anchor="end">tests</text>"##)
        lines.append(##"<rect x="\##(f(left))" y="\##(f(testTop))" width="\##(f(plotWidth))" height="\##(f(laneHeight))" fill="#f7f7f7"/>"##)
        zoomable(clip: "plot-clip") { $0.drawTests() }
        drawLegend()
        lines.append("</svg>")
        lines[0] = openingTag()
        lines[2] = ##"<rect x="0" y="0" width="\##(width)" height="\##(height)" fill="#ffffff"/>"##
    }

    /// Wraps what `draw` adds in a group the page's script can zoom, when interactive.
    mutating func zoomable(clip: String, _ draw: (inout GanttRenderer) -> Void) {
        if interactive { lines.append(##"<g class="zoom" clip-path="url(#\##(clip))">"##) }
        draw(&self)
        if interactive { lines.append("</g>") }
    }

    func openingTag() -> String {
        let attributes = interactive
            ? ##"id="gantt" style="max-width:100%;height:auto" data-left="\##(f(left))" data-plot="\##(f(plotWidth))" data-wall="\##(Int64(wall))" "##
            : ""
        return ##"<svg \##(attributes)xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)" font-family="Helvetica, Arial, sans-serif" font-size="12">"##
    }

    mutating func drawDefinitions() {
        let booting = ##"<pattern id="booting" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="#ffffff" fill-opacity="0.55"/></pattern>"##
        guard interactive else {
            lines.append("<defs>\(booting)</defs>")
            return
        }
        let plotClip = ##"<clipPath id="plot-clip"><rect x="\##(f(left))" y="0" width="\##(f(plotWidth))" height="\##(f(axisY))"/></clipPath>"##
        let axisClip = ##"<clipPath id="axis-clip"><rect x="\##(f(left))" y="0" width="\##(f(plotWidth))" height="\##(f(axisY))"/><rect x="\##(f(left - 40))" y="\##(f(axisY))" width="\##(f(plotWidth + 64))" height="24"/></clipPath>"##
        lines.append("<defs>\(booting)\(plotClip)\(axisClip)</defs>")
    }

    mutating func drawHeading() {
        let summary = SessionSummary(result)
        lines.append(##"<text x="16" y="24" font-size="16" font-weight="bold">\##(escape(result.scenario)) on \##(escape(result.topology)) — eviction \##(escape(result.eviction)), allocation \##(escape(result.allocation))</text>"##)
        lines.append(##"<text x="16" y="46" fill="#444">wall \##(SessionSummary.clock(summary.wallSeconds)) · \##(summary.tests) tests (\##(summary.failed.count) failed, \##(summary.skipped.count) skipped) · \##(summary.launches) launches · \##(summary.evictions) evictions · waiting on workers \##(SessionSummary.clock(summary.workerWaitSeconds)) · GPU busy \##(String(format: "%.1f", summary.gpuBusyPercent))%</text>"##)
    }

    mutating func drawTicks() {
        let step = GanttChart.tickStep(seconds: wall / 1_000_000)
        var tick = 0.0
        while tick <= wall / 1_000_000 + 1e-9 {
            let tx = x(SimTime.seconds(tick))
            lines.append(##"<line x1="\##(f(tx))" y1="\##(f(top - 4))" x2="\##(f(tx))" y2="\##(f(axisY))" stroke="#e3e3e3"/>"##)
            lines.append(##"<text x="\##(f(tx))" y="\##(f(axisY + 16))" text-anchor="middle" fill="#444">\##(SessionSummary.clock(tick))</text>"##)
            tick += step
        }
    }

    mutating func drawAxis() {
        lines.append(##"<line x1="\##(f(left))" y1="\##(f(axisY))" x2="\##(f(left + plotWidth))" y2="\##(f(axisY))" stroke="#888"/>"##)
        lines.append(##"<text x="\##(f(left + plotWidth))" y="\##(f(axisY + 32))" text-anchor="end" fill="#666">simulated time</text>"##)
    }

    mutating func drawGPULanes() {
        for gpu in 0..<gpuCount {
            let y = laneY(gpu)
            let name = gpu < result.gpuNames.count ? result.gpuNames[gpu] : ""
            lines.append(##"<rect x="\##(f(left))" y="\##(f(y))" width="\##(f(plotWidth))" height="\##(f(laneHeight))" fill="#f7f7f7"/>"##)
            lines.append(##"<text x="\##(f(left - 8))" y="\##(f(y + laneHeight / 2 + 4))" text-anchor="end">GPU \##(gpu) <tspan fill="#777">\##(escape(name))</tspan></text>"##)
        }
    }

    // MARK: GPU lanes

    /// The runs of each GPU lane, keyed by the index in `spans` of their first member, with all members' indices.
    func laneRuns<Span>(_ spans: [Span], gpus: (Span) -> [Int], resolution: Double = 1,
                        extent: (Span) -> LaneSpan) -> [[Int: (run: PixelRun, members: [Int])]] {
        var lanes = [[Int]](repeating: [], count: gpuCount)
        for (index, span) in spans.enumerated() {
            for gpu in gpus(span) where gpu < gpuCount { lanes[gpu].append(index) }
        }
        return lanes.map { lane in
            var starts: [Int: (run: PixelRun, members: [Int])] = [:]
            for run in PixelRun.group(lane.map { extent(spans[$0]) }, resolution: resolution) {
                starts[lane[run.members.lowerBound]] = (run, Array(lane[run.members]))
            }
            return starts
        }
    }

    /// Worker bars in launch order, each sub-pixel run where its first worker would be, each eviction or
    /// timeout mark after its bar; runs of marks within 2 px of each other (their lines merge) are drawn
    /// last, as one band per run.
    mutating func drawWorkers() {
        let workers = timeline.workers
        let bars = laneRuns(workers, gpus: \.gpus) { LaneSpan(x0: x($0.launch), x1: x($0.end), key: $0.model) }
        let marks = laneRuns(workers, gpus: { $0.endKind == .evict || $0.endKind == .timeout ? $0.gpus : [] },
                             resolution: 2) { LaneSpan(x0: x($0.end), x1: x($0.end), key: $0.endKind.rawValue) }
        func ownMark(_ index: Int, _ gpu: Int) -> Bool { marks[gpu][index].map { !$0.run.isAggregate } ?? false }
        for (index, span) in workers.enumerated() {
            for gpu in span.gpus where gpu < gpuCount {
                guard let (run, members) = bars[gpu][index] else { continue }
                if run.isAggregate {
                    drawWorkerRun(members.map { workers[$0] }, run: run, gpu: gpu)
                    for member in members where ownMark(member, gpu) { drawEndMark(workers[member], gpu: gpu) }
                } else {
                    drawWorker(span, gpu: gpu)
                    if ownMark(index, gpu) { drawEndMark(span, gpu: gpu) }
                }
            }
        }
        for (gpu, lane) in marks.enumerated() {
            for (run, members) in lane.values.sorted(by: { $0.members[0] < $1.members[0] }) where run.isAggregate {
                drawEndBand(members.map { workers[$0] }, run: run, gpu: gpu)
            }
        }
    }

    mutating func drawWorker(_ span: Timeline.WorkerSpan, gpu: Int) {
        let colour = colours[span.model] ?? "#999"
        let ready = span.healthy ?? span.end
        let y = laneY(gpu) + 2
        let x0 = x(span.launch), x1 = x(span.end), xr = x(ready)
        let title = "\(span.key) on GPU \(span.gpus.map(String.init).joined(separator: ",")): launched \(clock(span.launch))"
            + (span.healthy.map { ", healthy \(clock($0))" } ?? ", never healthy")
            + ", \(span.endKind == .sessionEnd ? "up until the end" : "\(span.endKind.rawValue) \(clock(span.end))")"
        lines.append(##"<g\##(data("m", span.model))><title>\##(escape(title))</title>"##)
        lines.append(##"<rect x="\##(f(x0))" y="\##(f(y))" width="\##(f(max(x1 - x0, 1)))" height="\##(f(laneHeight - 4))" fill="\##(colour)" stroke="#ffffff" stroke-width="0.5"/>"##)
        if xr > x0 {
            lines.append(##"<rect x="\##(f(x0))" y="\##(f(y))" width="\##(f(xr - x0))" height="\##(f(laneHeight - 4))" fill="url(#booting)"/>"##)
        }
        if x1 - x0 > Double(span.key.count) * 6.6 + 8 {
            lines.append(##"<text x="\##(f(x0 + 4))" y="\##(f(y + laneHeight / 2 + 2))" fill="#111">\##(escape(span.key))</text>"##)
        }
        lines.append("</g>")
    }

    mutating func drawWorkerRun(_ spans: [Timeline.WorkerSpan], run: PixelRun, gpu: Int) {
        aggregated = true
        let models = Set(spans.map(\.model)).sorted()
        let colour = run.key.flatMap { colours[$0] } ?? "#999"
        let title = "\(spans.count) workers on GPU \(gpu), \(clock(spans[0].launch))–\(clock(spans.map(\.end).max() ?? 0)): "
            + models.joined(separator: ", ")
        lines.append(##"<g\##(data("m", models.joined(separator: " ")))><title>\##(escape(title))</title>"##)
        lines.append(##"<rect x="\##(f(run.x0))" y="\##(f(laneY(gpu) + 2))" width="\##(f(max(run.x1 - run.x0, 1)))" height="\##(f(laneHeight - 4))" fill="\##(colour)"/>"##)
        lines.append("</g>")
    }

    mutating func drawEndMark(_ span: Timeline.WorkerSpan, gpu: Int) {
        let x1 = x(span.end), y = laneY(gpu) + 2
        let mark = span.endKind == .evict ? GanttChart.failedColour : "#000000"
        let title = "\(span.endKind.rawValue) \(span.key) at \(clock(span.end))"
        lines.append(##"<path d="M \##(f(x1 - 5)) \##(f(y - 3)) L \##(f(x1 + 5)) \##(f(y - 3)) L \##(f(x1)) \##(f(y + 5)) Z" fill="\##(mark)"><title>\##(escape(title))</title></path>"##)
        lines.append(##"<line x1="\##(f(x1))" y1="\##(f(y))" x2="\##(f(x1))" y2="\##(f(y + laneHeight - 4))" stroke="\##(mark)" stroke-width="1.5"/>"##)
    }

    /// One band along the top of the lane for marks too close to tell apart; red when any is an eviction.
    mutating func drawEndBand(_ spans: [Timeline.WorkerSpan], run: PixelRun, gpu: Int) {
        aggregated = true
        let evictions = spans.count { $0.endKind == .evict }
        let mark = evictions > 0 ? GanttChart.failedColour : "#000000"
        let title = "\(evictions) evicted, \(spans.count - evictions) timed out on GPU \(gpu), "
            + "\(clock(spans.map(\.end).min() ?? 0))–\(clock(spans.map(\.end).max() ?? 0))"
        lines.append(##"<rect x="\##(f(run.x0 - 5))" y="\##(f(laneY(gpu) - 1))" width="\##(f(run.x1 - run.x0 + 10))" height="5" fill="\##(mark)" class="aggregate"><title>\##(escape(title))</title></rect>"##)
    }

    /// Which GPUs the running test uses: a dark strip along the bottom of each lane.
    mutating func drawUsage() {
        let tests = timeline.tests
        let gpus = { (span: Timeline.TestSpan) in span.status == .passed ? Set(span.gpus).sorted() : [] }
        let runs = laneRuns(tests, gpus: gpus) { LaneSpan(x0: x($0.start), x1: x($0.end), key: "") }
        for (index, span) in tests.enumerated() {
            for gpu in gpus(span) where gpu < gpuCount {
                guard let (run, members) = runs[gpu][index] else { continue }
                let title = run.isAggregate
                    ? "GPU \(gpu) used by \(members.count) tests, \(clock(span.start))–\(clock(tests[members.last ?? index].end))"
                    : "GPU \(gpu) used by \(span.id)"
                drawUsageStrip(gpu: gpu, x0: run.x0, x1: run.x1, title: title)
            }
        }
    }

    mutating func drawUsageStrip(gpu: Int, x0: Double, x1: Double, title: String) {
        let y = laneY(gpu) + laneHeight - 6
        lines.append(##"<rect x="\##(f(x0))" y="\##(f(y))" width="\##(f(max(x1 - x0, 1)))" height="4" fill="#1b1b1b" fill-opacity="0.75"><title>\##(escape(title))</title></rect>"##)
    }

    // MARK: Gateway and test lanes

    mutating func drawGateways() {
        let spans = timeline.gateways
        for run in PixelRun.group(spans.map { LaneSpan(x0: x($0.start), x1: x($0.end), key: "") }) {
            let first = spans[run.members.lowerBound]
            let title = run.isAggregate
                ? "\(run.members.count) gateways, \(clock(spans[run.members].map(\.start).min() ?? 0))–\(clock(spans[run.members].map(\.end).max() ?? 0))"
                : "\(first.mode) gateway for \(first.owner)"
            lines.append(##"<rect x="\##(f(run.x0))" y="\##(f(gatewayTop + 2))" width="\##(f(max(run.x1 - run.x0, 1)))" height="12" fill="#9aa7b8" stroke="#ffffff" stroke-width="0.5"><title>\##(escape(title))</title></rect>"##)
        }
    }

    mutating func drawTests() {
        let spans = timeline.tests
        for run in PixelRun.group(spans.map { LaneSpan(x0: x($0.setupStart), x1: x($0.end), key: $0.status.rawValue) }) {
            if run.isAggregate {
                drawTestRun(spans[run.members], run: run)
            } else {
                drawTest(spans[run.members.lowerBound])
            }
        }
    }

    mutating func drawTest(_ span: Timeline.TestSpan) {
        let attributes = data("s", span.status.rawValue) + data("m", span.models.joined(separator: " "))
        if span.start > span.setupStart {
            lines.append(##"<rect x="\##(f(x(span.setupStart)))" y="\##(f(testTop + 2))" width="\##(f(max(x(span.start) - x(span.setupStart), 0.5)))" height="\##(f(laneHeight - 4))" fill="\##(GanttChart.setupColour)"\##(attributes)><title>\##(escape("setup of \(span.id): \(clock(span.start - span.setupStart))"))</title></rect>"##)
        }
        let title = "\(span.id): \(span.status.rawValue), \(clock(span.start))–\(clock(span.end))"
        lines.append(##"<rect x="\##(f(x(span.start)))" y="\##(f(testTop + 2))" width="\##(f(max(x(span.end) - x(span.start), 1)))" height="\##(f(laneHeight - 4))" fill="\##(GanttChart.colour(of: span.status))" stroke="#ffffff" stroke-width="0.5"\##(attributes)><title>\##(escape(title))</title></rect>"##)
        if span.status == .failed { drawFailureMark(at: x(span.start), attributes: attributes) }
    }

    /// One rect for several sub-pixel tests, coloured by their common status, else failed before passed before skipped.
    mutating func drawTestRun(_ spans: ArraySlice<Timeline.TestSpan>, run: PixelRun) {
        aggregated = true
        let counts = [TestStatus.passed, .failed, .skipped].map { status in (status, spans.count { $0.status == status }) }.filter { $0.1 > 0 }
        let shown = [TestStatus.failed, .passed, .skipped].first { status in counts.contains { $0.0 == status } } ?? .passed
        let models = Set(spans.flatMap(\.models)).sorted()
        let attributes = data("s", counts.map(\.0.rawValue).joined(separator: " ")) + data("m", models.joined(separator: " "))
        let from = spans.first?.setupStart ?? 0, to = spans.last?.end ?? 0
        let title = "\(spans.count) tests, \(clock(from))–\(clock(to)): " + counts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ")
        lines.append(##"<rect x="\##(f(run.x0))" y="\##(f(testTop + 2))" width="\##(f(max(run.x1 - run.x0, 1)))" height="\##(f(laneHeight - 4))" fill="\##(GanttChart.colour(of: shown))" class="aggregate"\##(attributes)><title>\##(escape(title))</title></rect>"##)
        if shown == .failed { drawFailureMark(at: run.x0, attributes: data("s", "failed")) }
    }

    mutating func drawFailureMark(at x0: Double, attributes: String) {
        lines.append(##"<text x="\##(f(x0))" y="\##(f(testTop - 2))" fill="\##(GanttChart.failedColour)" font-weight="bold"\##(attributes)>✗</text>"##)
    }

    // MARK: Legend

    mutating func drawLegend() {
        legendX = left
        legendY = legendTop
        lines.append(##"<text x="\##(f(left - 8))" y="\##(f(legendTop + 12))" text-anchor="end" fill="#444">legend</text>"##)
        for model in timeline.models {
            legendItem(##"<rect width="18" height="14" fill="\##(colours[model] ?? "#999")"/>"##, model)
        }
        legendItem(##"<rect width="18" height="14" fill="#888"/><rect width="18" height="14" fill="url(#booting)"/>"##, "booting (hatched)")
        legendItem(##"<path d="M 4 0 L 14 0 L 9 8 Z" fill="\##(GanttChart.failedColour)"/><line x1="9" y1="0" x2="9" y2="14" stroke="\##(GanttChart.failedColour)" stroke-width="1.5"/>"##, "evicted")
        legendItem(##"<path d="M 4 0 L 14 0 L 9 8 Z" fill="#000"/>"##, "startup timeout")
        legendItem(##"<rect width="18" height="14" fill="#bbb"/><rect y="10" width="18" height="4" fill="#1b1b1b"/>"##, "in use by the running test")
        legendItem(##"<rect width="18" height="14" fill="\##(GanttChart.setupColour)"/>"##, "test setup wait")
        legendItem(##"<rect width="18" height="14" fill="\##(GanttChart.passedColour)"/>"##, "test passed")
        legendItem(##"<rect width="18" height="14" fill="\##(GanttChart.failedColour)"/>"##, "test failed")
        legendItem(##"<rect width="18" height="14" fill="\##(GanttChart.skippedColour)"/>"##, "test skipped")
        legendItem(##"<rect width="18" height="12" fill="#9aa7b8"/>"##, "gateway up")
        if aggregated {
            legendItem(##"<rect width="6" height="14" fill="\##(GanttChart.passedColour)"/><rect x="6" width="6" height="14" fill="\##(GanttChart.failedColour)"/><rect x="12" width="6" height="14" fill="\##(GanttChart.skippedColour)"/>"##,
                       "under a pixel: one bar per run (failed shown first)")
        }
    }

    mutating func legendItem(_ swatch: String, _ label: String) {
        let widthNeeded = 26 + Double(label.count) * 6.8 + 18
        if legendX + widthNeeded > Double(width) - right { legendX = left; legendY += 22 }
        lines.append(##"<g transform="translate(\##(f(legendX)),\##(f(legendY)))">\##(swatch)<text x="24" y="12">\##(escape(label))</text></g>"##)
        legendX += widthNeeded
    }
}
