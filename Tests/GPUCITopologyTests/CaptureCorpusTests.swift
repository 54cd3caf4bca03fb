import Foundation
import GPUCISupport
import Testing
@testable import GPUCITopology

/// The real captures in `Captures/` (hwloc's own test corpus) report what their README says.
@Suite struct CaptureCorpusTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Captures")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static func load(_ name: String) throws -> Topology {
        try TopologyLoader.load(path(name))
    }

    @Test func theES1000BoardVGAIsNoGPU() throws {
        let t = try Self.load("96em64t-4n4d3ca2co-pci.xml")
        #expect(t.devices.isEmpty)
        #expect(t.unscheduled.isEmpty)
        #expect(t.numaNodes.map(\.osIndex) == [0, 1, 2, 3])
    }

    @Test func aV1CaptureHasThreeTeslasAndItsUnnamedLatencyMatrix() throws {
        let t = try Self.load("24em64t-2n6c2t-pci.v1.xml")
        #expect(t.devices.count == 3)
        #expect(t.devices.allSatisfy { $0.model == "Tesla M2070" && $0.vendor == .nvidia })
        #expect(t.devices.map(\.pciBusID) == ["0000:06:00.0", "0000:11:00.0", "0000:14:00.0"])
        #expect(t.devices.allSatisfy { $0.memorySource == .catalog })
        #expect(t.numaNodes.map(\.distances) == [[10, 20], [20, 10]])
        let eth0 = try #require(t.nics.firstIndex { $0.name == "eth0" })
        let eth1 = try #require(t.nics.firstIndex { $0.name == "eth1" })
        #expect(t.nics[eth0].nicLinks?[eth1] == .pix)
        #expect(t.nics[eth1].nicLinks?[eth0] == .pix)
        let mlx = try #require(t.nics.firstIndex { $0.name == "mlx4_0" })
        #expect(t.nics[eth0].nicLinks?[mlx] == .phb)
    }

    @Test func power9GPUMemoryNodesBelongToTheirGPUs() throws {
        let t = try Self.load("power9-gpu-numa-nodes.xml")
        #expect(t.numaNodes.map(\.osIndex) == [0, 8])
        #expect(t.numaNodes.map(\.distances) == [[10, 40], [40, 10]])
        #expect(t.devices.count == 6)
        #expect(t.devices.allSatisfy { $0.memoryMiB == 15_360 && $0.memorySource == .memoryNode && $0.vendor == .nvidia })
        #expect(Set(t.devices.compactMap(\.memoryNUMANode)) == Set(250...255))
        #expect(t.devices.map(\.numaNode) == [0, 0, 0, 8, 8, 8])
        // Host affinity comes from host nodes only: GPUs on one socket are NODE, across SYS.
        #expect(t.link(0, 1) == .node && t.link(0, 3) == .sys)
    }

    @Test func sparseNUMANumbersAreTheOSOnes() throws {
        let t = try Self.load("48amd64-sparse-numa-ids.xml")
        #expect(t.numaNodes.map(\.osIndex) == [0, 1, 2, 33, 34, 45, 72, 73])
        #expect(t.numaNodes.map(\.index) == Array(0..<8))
        #expect(t.numaNodes.allSatisfy { $0.distances?.count == 8 && $0.distances?[$0.index] == 10 })
        let table = TopologyTable.render(t)
        #expect(table.contains("\n33 ") && table.contains("NUMA numbers are the OS's"))
    }

    /// hwloc 3.0 XML reads through the v2 rewrite; libhwloc's own v2 export of the result reads
    /// back to the same machine (the 2.x capture of it, as hwloc writes it).
    @Test func theHwloc3DGX2ReadsLikeItsV2Export() throws {
        let hwloc = try HwlocTopology(xmlFile: Self.path("nvidiaDGX2.v3.xml"))
        let t = try hwloc.topology(name: "dgx2")
        #expect(t.devices.count == 16)
        #expect(t.devices.allSatisfy { $0.model.contains("V100-SXM3-32GB") })
        #expect(t.devices.map(\.numaNode) == Array(repeating: 0, count: 8) + Array(repeating: 1, count: 8))
        for a in 0..<16 { for b in 0..<16 where a != b { #expect(t.link(a, b) == .nvlink(6)) } }
        let v2 = try hwloc.exportXML()
        #expect(v2.contains("<topology version=\"2.0\">"))
        let again = try HwlocTopology(xmlText: v2, label: "dgx2.v2.xml").topology(name: "dgx2")
        #expect(again == t)
    }

    @Test func vectorEnginesAreListedNotDropped() throws {
        let t = try Self.load("32intel64-8-vector-engines.xml")
        #expect(t.devices.isEmpty)
        #expect(t.unscheduled.count == 8)
        #expect(t.unscheduled.allSatisfy { $0.model == "NEC SX-Aurora Vector Engine" && $0.memoryMiB == 49_152 })
        #expect(t.unscheduledNotes == ["8 NEC SX-Aurora Vector Engine (49152 MiB each) not scheduled: gpuci schedules GPUs and NPUs only"])
        #expect(TopologyTable.render(t).contains("Note: 8 NEC SX-Aurora Vector Engine"))
    }

    @Test func usNICIsNotRDMA() throws {
        let t = try Self.load("16intel64-usnic.xml")
        #expect(t.nics.contains { $0.name.hasPrefix("usnic") })
        #expect(t.nics.allSatisfy { !$0.rdma })
    }

    @Test func aGzipCaptureReadsLikeThePlainOne() throws {
        let plain = try Data(contentsOf: URL(fileURLWithPath: Self.path("power9-gpu-numa-nodes.xml")))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-gz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let plainPath = folder.appendingPathComponent("node.xml").path
        try plain.write(to: URL(fileURLWithPath: plainPath))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-k", plainPath]
        try gzip.run()
        gzip.waitUntilExit()
        try #require(gzip.terminationStatus == 0)
        let compressed = try TopologyLoader.load(plainPath + ".gz")
        var expected = try TopologyLoader.load(plainPath)
        expected.name = compressed.name
        #expect(compressed == expected && compressed.name == "node")
        // Truncated or corrupt streams are errors naming the file.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: plainPath + ".gz"))
        let cut = folder.appendingPathComponent("cut.xml.gz")
        try bytes.prefix(bytes.count / 2).write(to: cut)
        #expect(throws: InputError.self) { try TopologyLoader.load(cut.path) }
        do { _ = try TopologyLoader.load(cut.path) } catch { #expect("\(error)".contains("cut.xml.gz") && "\(error)".contains("truncated")) }
    }
}

/// `prettyJSON` writes the link matrix itself; the text must be JSONEncoder's, byte for byte.
@Suite struct TopologyJSONTests {
    @Test func theDirectMatrixWriterMatchesJSONEncoder() throws {
        var topologies = try TopologyLoader.shippedNames().map { try TopologyLoader.load($0) }
        topologies += try ["24em64t-2n6c2t-pci.v1.xml", "nvidiaDGX2.v3.xml", "16intel64-usnic.xml", "96em64t-4n4d3ca2co-pci.xml"]
            .map { try CaptureCorpusTests.load($0) }
        topologies.append(try #require(try InlineTopology.parse("3x24GB,80GB")))
        for topology in topologies {
            #expect(try topology.prettyJSON() == JSONOutput.string(topology), "\(topology.name)")
        }
        #expect(topologies.contains { $0.links.isEmpty })
    }
}
