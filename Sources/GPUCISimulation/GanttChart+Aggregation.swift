/// One span on a lane as the chart sees it: its horizontal extent in pixels and what decides its colour.
struct LaneSpan: Sendable, Hashable {
    /// Left edge, px.
    var x0: Double
    /// Right edge, px.
    var x1: Double
    /// Spans with equal keys draw in the same colour (a model, a status).
    var key: String
}

/// Consecutive spans of one lane, drawn as one element.
///
/// Spans narrower than the resolution (a pixel for bars, a mark's width for marks) that touch within it
/// join the run before them while the run either keeps one colour key or still fits in one resolution
/// step; a run of fewer than `minimumAggregate` spans is drawn span by span. So a lane with thousands of
/// sub-pixel spans costs about one element per pixel column, or fewer where neighbours agree, a wide
/// aggregate never hides a differently coloured span, and a chart where only a few spans share a pixel
/// stays exact.
struct PixelRun: Sendable, Hashable {
    /// The fewest spans drawn as one.
    static let minimumAggregate = 4

    /// Indices of the spans, in lane order.
    var members: Range<Int>
    /// Left edge of the union, px.
    var x0: Double
    /// Right edge of the union, px.
    var x1: Double
    /// The members' common colour key, or `nil` when they differ.
    var key: String?
    /// Whether every member is narrower than the resolution (only such runs take more members).
    var narrow: Bool

    /// Whether this run stands for several spans.
    var isAggregate: Bool { members.count > 1 }

    /// The lane's spans grouped into runs, in order.
    static func group(_ spans: [LaneSpan], resolution: Double = 1) -> [PixelRun] {
        var runs: [PixelRun] = []
        for (index, span) in spans.enumerated() {
            if let last = runs.last, last.accepts(span, resolution: resolution) {
                runs[runs.count - 1].absorb(span)
            } else {
                runs.append(single(index, span, resolution: resolution))
            }
        }
        return runs.flatMap { run in
            run.members.count >= minimumAggregate ? [run] : run.members.map { single($0, spans[$0], resolution: resolution) }
        }
    }

    private static func single(_ index: Int, _ span: LaneSpan, resolution: Double) -> PixelRun {
        PixelRun(members: index..<index + 1, x0: span.x0, x1: span.x1, key: span.key, narrow: span.x1 - span.x0 < resolution)
    }

    private func accepts(_ span: LaneSpan, resolution: Double) -> Bool {
        guard narrow, span.x1 - span.x0 < resolution, span.x0 <= x1 + resolution, span.x1 >= x0 - resolution else { return false }
        return key == span.key || max(x1, span.x1) - min(x0, span.x0) <= resolution
    }

    private mutating func absorb(_ span: LaneSpan) {
        members = members.lowerBound..<members.upperBound + 1
        x0 = min(x0, span.x0)
        x1 = max(x1, span.x1)
        if key != span.key { key = nil }
    }
}
