import Foundation
import Testing
@testable import GPUCICommands

/// `gpuci topology …` through the built executable and the argument parser.
@Suite struct TopologyCommandTests {
    typealias Run = GPUCIExecutable.Output

    static func gpuci(_ arguments: String...) throws -> Run { try GPUCIExecutable.run(arguments) }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func showH200AsJSON() throws {
        let run = try Self.gpuci("topology", "show", "h200-8", "--format", "json")
        #expect(run.status == 0)
        let object = try Self.json(run.stdout)
        #expect(object["name"] as? String == "h200-8" && object["source"] as? String == "declared")
        let devices = try #require(object["devices"] as? [[String: Any]])
        #expect(devices.count == 8)
        #expect(devices.allSatisfy { $0["memoryMiB"] as? Int == 143_771 && $0["kind"] as? String == "gpu" })
        #expect(devices.map { $0["vendor"] as? String } == Array(repeating: "NVIDIA", count: 8))
        #expect(devices.allSatisfy { $0["pciBusID"] is NSNull })
        let links = try #require(object["links"] as? [[String]])
        #expect(links.count == 8 && links[0][0] == "X" && links[0][7] == "NV18")
        let nics = try #require(object["nics"] as? [[String: Any]])
        #expect(nics.count == 8 && nics[0]["name"] as? String == "mlx5_0" && nics[0]["rdma"] as? Bool == true)
        #expect(try Self.gpuci("topology", "show", "h200-8", "--format", "json").stdout == run.stdout)
    }

    @Test func showTableLooksLikeNvidiaSmi() throws {
        let run = try Self.gpuci("topology", "show", "a10-4")
        #expect(run.status == 0)
        #expect(run.stdout.contains("\tGPU0\tGPU1\tGPU2\tGPU3\tNIC0\tCPU Affinity\tNUMA Affinity"))
        #expect(run.stdout.contains("GPU0\t X \tPIX\tNODE\tNODE\tNODE\tN/A\t0"))
        #expect(run.stdout.contains("Legend:"))
        let bare = try Self.gpuci("topology", "show", "a10-4", "--no-nics")
        #expect(bare.stdout.contains("\tGPU0\tGPU1\tGPU2\tGPU3\tCPU Affinity\tNUMA Affinity") && !bare.stdout.contains("NIC0"))
    }

    @Test func badFileExitsNonZeroNamingTheFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-bad-\(UUID().uuidString).yaml").path
        try "name: bad\ndevices: []\nlinks: {all: NV18}\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try Self.gpuci("topology", "show", path)
        #expect(run.status != 0)
        #expect(run.stderr.contains(path) && run.stderr.contains("devices"))
        let missing = try Self.gpuci("topology", "show", "/nonexistent/gpuci-machine.xml")
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/gpuci-machine.xml"))
    }

    @Test func unknownNameListsShippedNames() throws {
        let run = try Self.gpuci("topology", "show", "dgx-b300")
        #expect(run.status != 0 && run.stderr.contains("h200-8") && run.stderr.contains("mi35x-8"))
    }

    @Test func listNamesEveryShippedMachine() throws {
        let run = try Self.gpuci("topology", "list")
        #expect(run.status == 0)
        for name in ["a10-4", "a10-8", "ascend-910b-8", "ascend-a3-16", "h100-8", "h200-8", "mi35x-8"] {
            #expect(run.stdout.contains(name))
        }
        let json = try Self.gpuci("topology", "list", "--format", "json")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 7)
    }

    @Test func discoverExportsXMLThatShowReadsBack() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-live-\(UUID().uuidString).xml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let live = try Self.gpuci("topology", "discover", "--format", "json", "--export-xml", path)
        #expect(live.status == 0)
        let liveObject = try Self.json(live.stdout)
        #expect(liveObject["source"] as? String == "hwloc-live")
        let shown = try Self.gpuci("topology", "show", path, "--format", "json")
        #expect(shown.status == 0)
        let shownObject = try Self.json(shown.stdout)
        #expect(shownObject["source"] as? String == "hwloc-xml")
        #expect((shownObject["devices"] as? [Any])?.count == (liveObject["devices"] as? [Any])?.count)
        #expect((shownObject["numaNodes"] as? [Any])?.count == (liveObject["numaNodes"] as? [Any])?.count)
        let table = try Self.gpuci("topology", "discover")
        #expect(table.status == 0 && table.stdout.contains("libnuma:"))
    }

    @Test func parserAcceptsTheDocumentedForms() throws {
        let show = try GPUCI.parseAsRoot(["topology", "show", "h200-8", "--format", "json"])
        let command = try #require(show as? TopologyCommand.Show)
        #expect(command.reference == "h200-8" && command.format == .json)
        let discover = try #require(try GPUCI.parseAsRoot(["topology", "discover", "--export-xml", "x.xml"]) as? TopologyCommand.Discover)
        #expect(discover.exportXML == "x.xml" && discover.format == .table)
        #expect(throws: (any Error).self) { _ = try GPUCI.parseAsRoot(["topology", "show", "h200-8", "--format", "yaml"]) }
    }
}
