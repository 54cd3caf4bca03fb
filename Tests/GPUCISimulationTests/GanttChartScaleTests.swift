import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import GPUCISimulation
import GPUCITopology
import Testing

@Suite struct GanttChartScaleTests {
    /// A generated 10,000-test, 40-model session on an H200 node, simulated once for the suite.
    static let large = Result { () throws -> SessionResult in
        let scenario = try ScenarioGenerator.generate(ScenarioGenerator.Options(tests: 10_000, models: 40, seed: 3))
        return try SessionSimulator.run(scenario, topology: TopologyLoader.load("h200-8"), catalog: ReferenceModels.catalog, eviction: .mru)
    }

    final class RectCollector: NSObject, XMLParserDelegate, @unchecked Sendable {
        var rectYs: Set<String> = []
        var elements = 0
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements += 1
            if name == "rect", let y = attributes["y"] { rectYs.insert(y) }
        }
    }

    @Test func tenThousandTestsRenderSmallWithAggregatesOnEveryLane() throws {
        let result = try Self.large.get()
        #expect(result.tests.count == 10_000)
        let svg = GanttChart.svg(result)
        #expect(svg.utf8.count < 3_000_000, "SVG is \(svg.utf8.count) bytes")
        #expect(svg.contains(##"class="aggregate""##))
        #expect(svg.contains(" tests, ") && svg.contains("under a pixel") && svg.contains(" evicted, "))
        let collector = RectCollector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        #expect(parser.parse())
        #expect(collector.elements < 40_000)
        let usedGPUs = Set(Timeline(result).workers.flatMap(\.gpus))
        #expect(usedGPUs.count == result.gpuNames.count)
        for gpu in result.gpuNames.indices {
            #expect(svg.contains(">GPU \(gpu) <tspan"))
            #expect(collector.rectYs.contains(String(format: "%.1f", 64 + Double(gpu) * 36 + 2)), "no bar on GPU \(gpu)")
        }
        let testLaneY = 64 + Double(result.gpuNames.count) * 36 + 4 + 22 + 2
        #expect(collector.rectYs.contains(String(format: "%.1f", testLaneY)))
        #expect(svg.contains(">gateway</text>") && svg.contains(">tests</text>"))
    }

    @Test func smallSessionsDrawEverySpanItself() throws {
        let result = try SessionSimulatorTests.run(SessionSimulatorTests.benchmarks)
        let svg = GanttChart.svg(result)
        #expect(!svg.contains("aggregate") && !svg.contains("under a pixel"))
        for test in result.tests { #expect(svg.contains(GanttChart.escape(test.id) + ": " + test.status.rawValue)) }
    }

    @Test func subPixelSpansJoinWithinAColumnOrWhileTheyAgree() {
        let spans = [
            LaneSpan(x0: 0, x1: 10, key: "a"),
            LaneSpan(x0: 10, x1: 10.2, key: "a"), LaneSpan(x0: 10.2, x1: 10.4, key: "b"),
            LaneSpan(x0: 10.4, x1: 10.6, key: "a"), LaneSpan(x0: 10.6, x1: 10.9, key: "b"),
            LaneSpan(x0: 10.9, x1: 11.5, key: "b"), LaneSpan(x0: 11.5, x1: 11.9, key: "b"),
            LaneSpan(x0: 11.9, x1: 12.6, key: "b"), LaneSpan(x0: 12.6, x1: 13.2, key: "b"),
            LaneSpan(x0: 20, x1: 20.1, key: "b"), LaneSpan(x0: 20.1, x1: 20.2, key: "b"), LaneSpan(x0: 20.2, x1: 20.3, key: "b"),
        ]
        let runs = PixelRun.group(spans)
        #expect(runs.map(\.members) == [0..<1, 1..<5, 5..<9, 9..<10, 10..<11, 11..<12])
        #expect(runs.map(\.key) == ["a", nil, "b", "b", "b", "b"])
        #expect(runs[1].x0 == 10 && runs[1].x1 == 10.9 && runs[2].x0 == 10.9 && runs[2].x1 == 13.2)
        #expect(runs.filter(\.isAggregate).count == 2)
    }

    @Test func modelColoursStayAwayFromStatusColours() throws {
        let colours = ModelPalette.colours
        #expect(colours.count >= 100)
        #expect(Set(colours).count == colours.count)
        let hex = /#[0-9a-f]{6}/
        #expect(colours.allSatisfy { $0.wholeMatch(of: hex) != nil })
        let statuses = try GanttChart.statusColours.map { try #require(LabColour(hex: $0)) }
        let labs = try colours.map { try #require(LabColour(hex: $0)) }
        for (colour, lab) in zip(colours, labs) {
            for status in statuses {
                #expect(lab.distance(to: status) >= ModelPalette.minimumStatusDistance, "\(colour)")
            }
        }
        #expect(Self.leastPairwiseDistance(labs.prefix(16)) >= 25)
        #expect(Self.leastPairwiseDistance(labs.prefix(40)) >= 15)
        #expect(Self.leastPairwiseDistance(labs.prefix(64)) >= 10)
    }

    @Test func everyModelGetsAHexColourInLaunchOrder() {
        let models = (1...250).map { "m\($0)" }
        let map = GanttChart.colours(models)
        #expect(map.count == 250)
        #expect(map.values.allSatisfy { $0.hasPrefix("#") && $0.count == 7 })
        #expect(map["m1"] == ModelPalette.colours[0] && map["m40"] == ModelPalette.colours[39])
        #expect(Set(models.prefix(ModelPalette.colours.count).compactMap { map[$0] }).count == min(250, ModelPalette.colours.count))
    }

    @Test func labConversionMatchesKnownValues() throws {
        let white = try #require(LabColour(hex: "#ffffff")), red = try #require(LabColour(hex: "#ff0000"))
        #expect(abs(white.l - 100) < 0.01 && abs(white.a) < 0.01 && abs(white.b) < 0.01)
        #expect(abs(red.l - 53.24) < 0.05 && abs(red.a - 80.09) < 0.05 && abs(red.b - 67.20) < 0.05)
        #expect(red.hex == "#ff0000" && LabColour(l: 50, a: 0, b: -200).hex == nil)
    }

    @Test func htmlHasControlsAndRowData() throws {
        let result = try Self.large.get()
        let html = GanttChart.html(result)
        for control in [#"id="zoom-in""#, #"id="zoom-out""#, #"id="zoom-reset""#, #"id="f-model""#, #"id="f-id""#,
                        #"class="f-status" value="passed""#, #"class="f-status" value="failed""#, #"class="f-status" value="skipped""#,
                        #"<svg id="gantt""#, #"<g class="zoom""#, "addEventListener(\"wheel\"", "pointerdown", "sortBy"] {
            #expect(html.contains(control), "missing \(control)")
        }
        #expect(!html.contains("https://") && !html.contains(" src=") && !html.contains("<link"))
        let timeline = Timeline(result)
        for model in timeline.models { #expect(html.contains("<option>\(model)</option>")) }
        let rows = html.split(separator: "\n").filter { $0.hasPrefix("<tr data-status=") }
        #expect(rows.count == result.tests.count)
        for (index, (test, span)) in zip(result.tests, timeline.tests).enumerated() where rows.indices.contains(index) {
            let start = "<tr data-status=\"\(test.status.rawValue)\" data-model=\"\(span.models.joined(separator: " "))\"><td class=n>\(index + 1)</td>"
            #expect(rows[index].hasPrefix(start + "<td>\(GanttChart.escape(test.id))</td>"))
        }
        let passed = zip(result.tests, timeline.tests).filter { $0.0.status == .passed }
        #expect(!passed.isEmpty && passed.allSatisfy { !$0.1.models.isEmpty })
    }

    @Test func testsKnowTheirModels() throws {
        let result = try SessionSimulatorTests.run(SessionSimulatorTests.benchmarks)
        #expect(Timeline(result).tests.map(\.models) == [["llama-8b"], ["llama-8b"], ["llama-8b"]])
    }

    @Test func sameSessionSameBytes() throws {
        let result = try Self.large.get()
        #expect(GanttChart.svg(result) == GanttChart.svg(result))
        #expect(GanttChart.html(result) == GanttChart.html(result))
        let scenario = try ScenarioGenerator.generate(ScenarioGenerator.Options(tests: 2_000, models: 45, seed: 11))
        let topology = try TopologyLoader.load("h200-8")
        let first = try SessionSimulator.run(scenario, topology: topology, catalog: ReferenceModels.catalog, eviction: .lru)
        let second = try SessionSimulator.run(scenario, topology: topology, catalog: ReferenceModels.catalog, eviction: .lru)
        #expect(GanttChart.svg(first) == GanttChart.svg(second))
        #expect(GanttChart.html(first) == GanttChart.html(second))
    }

    static func leastPairwiseDistance(_ colours: ArraySlice<LabColour>) -> Double {
        var least = Double.infinity
        for i in colours.indices {
            for j in colours.indices where j < i { least = min(least, colours[i].distance(to: colours[j])) }
        }
        return least
    }
}
