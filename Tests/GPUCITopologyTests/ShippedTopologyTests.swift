import GPUCISupport
import Testing
@testable import GPUCITopology

/// Every machine in `Topologies/`: devices, memory, link cells and NICs.
@Suite struct ShippedTopologyTests {
    @Test func shippedNamesAreTheSevenMachines() throws {
        #expect(try TopologyLoader.shippedNames() == [
            "a10-4", "a10-8", "ascend-910b-8", "ascend-a3-16", "h100-8", "h200-8", "mi35x-8",
        ])
    }

    @Test(arguments: ["a10-4", "a10-8", "ascend-910b-8", "ascend-a3-16", "h100-8", "h200-8", "mi35x-8"])
    func everyShippedMachineIsConsistent(_ name: String) throws {
        let declared = try TopologyLoader.shipped(name)
        let t = declared.topology
        #expect(t.name == name && t.source == .declared)
        #expect(!declared.description.isEmpty && !declared.sources.isEmpty)
        #expect(t.devices.map(\.index) == Array(t.devices.indices))
        #expect(t.links.count == t.devices.count && t.links.allSatisfy { $0.count == t.devices.count })
        for a in t.devices.indices {
            #expect(t.link(a, a) == .selfLink)
            for b in t.devices.indices where a != b {
                #expect(t.link(a, b) == t.link(b, a) && t.link(a, b) != .selfLink)
            }
        }
        #expect(t.devices.allSatisfy { ($0.memoryMiB ?? 0) > 0 })
        for nic in t.nics {
            if let numa = nic.numaNode { #expect(t.numaNodes.indices.contains(numa)) }
            if let links = nic.deviceLinks { #expect(links.count == t.devices.count) }
        }
        #expect(try TopologyLoader.load(name) == t)
    }

    @Test func h200Eight() throws {
        let t = try TopologyLoader.load("h200-8")
        #expect(t.devices.count == 8)
        #expect(t.devices.allSatisfy { $0.memoryMiB == 143_771 && $0.vendor == .nvidia && $0.kind == .gpu && $0.model == "H200" })
        #expect(t.devices.map(\.numaNode) == [0, 0, 0, 0, 1, 1, 1, 1])
        #expect(t.link(0, 7) == .nvlink(18) && t.link(3, 4) == .nvlink(18) && t.link(5, 5) == .selfLink)
        #expect(t.numaNodes.map(\.distances) == [[10, 21], [21, 10]])
        #expect(t.nics.map(\.name) == (0..<8).map { "mlx5_\($0)" })
        #expect(t.nics.allSatisfy { $0.rdma && $0.rateGbps == 400 })
        #expect(t.nics.map(\.numaNode) == [0, 0, 0, 0, 1, 1, 1, 1])
        #expect(t.nics[2].deviceLinks?[2] == .pix && t.nics[2].deviceLinks?[3] == .node && t.nics[2].deviceLinks?[6] == .sys)
    }

    @Test func h100Eight() throws {
        let t = try TopologyLoader.load("h100-8")
        #expect(t.devices.count == 8 && t.devices.allSatisfy { $0.memoryMiB == 81_559 && $0.model == "H100" })
        #expect(t.link(1, 6) == .nvlink(18))
        #expect(t.nics.count == 8 && t.nics[7].numaNode == 1)
    }

    @Test func mi35xEight() throws {
        let t = try TopologyLoader.load("mi35x-8")
        #expect(t.devices.count == 8)
        #expect(t.devices.allSatisfy { $0.vendor == .amd && $0.memoryMiB == 294_912 && $0.model == "MI355X" })
        #expect(t.link(0, 5) == .xgmi && t.link(2, 3) == .xgmi)
        #expect(t.nics.count == 8 && t.nics.allSatisfy(\.rdma))
    }

    @Test func ascend910BEight() throws {
        let t = try TopologyLoader.load("ascend-910b-8")
        #expect(t.devices.count == 8)
        #expect(t.devices.allSatisfy { $0.kind == .npu && $0.vendor == .huawei && $0.memoryMiB == 65_536 })
        #expect(t.devices.map(\.numaNode) == [6, 6, 4, 4, 0, 0, 2, 2])
        #expect(t.numaNodes.count == 8)
        #expect(t.link(0, 7) == .hccs && t.link(0, 1) == .hccs)
        #expect(t.nics.isEmpty)
    }

    @Test func ascendA3Sixteen() throws {
        let t = try TopologyLoader.load("ascend-a3-16")
        #expect(t.devices.count == 16 && t.devices.allSatisfy { $0.kind == .npu && $0.memoryMiB == 65_536 })
        for pair in stride(from: 0, to: 16, by: 2) {
            #expect(t.link(pair, pair + 1) == .sio)
        }
        #expect(t.link(1, 2) == .hccs && t.link(0, 15) == .hccs && t.link(14, 15) == .sio)
        #expect(t.numaNodes.isEmpty && t.devices.allSatisfy { $0.numaNode == nil })
    }

    @Test func a10Eight() throws {
        let t = try TopologyLoader.load("a10-8")
        #expect(t.devices.count == 8 && t.devices.allSatisfy { $0.memoryMiB == 23_028 && $0.model == "A10" })
        #expect(t.link(0, 1) == .pix && t.link(6, 7) == .pix)
        #expect(t.link(0, 2) == .pxb && t.link(5, 7) == .pxb)
        #expect(t.link(0, 4) == .sys && t.link(3, 7) == .sys)
        #expect(!t.links.joined().contains { $0.isFabric })
        #expect(t.nics.map(\.rdma) == [false])
    }

    @Test func a10Four() throws {
        let t = try TopologyLoader.load("a10-4")
        #expect(t.devices.count == 4 && t.devices.allSatisfy { $0.memoryMiB == 23_028 })
        #expect(t.link(0, 1) == .pix && t.link(2, 3) == .pix && t.link(0, 3) == .node && t.link(1, 2) == .node)
        #expect(t.nics.count == 1 && !t.nics[0].rdma)
    }

    @Test func unknownNameListsTheShippedNames() throws {
        let error = #expect(throws: InputError.self) { try TopologyLoader.load("h300-8") }
        #expect(error?.message.contains("h200-8") == true && error?.message.contains("ascend-a3-16") == true)
    }

    @Test func inlineSpecsStillLoad() throws {
        let t = try TopologyLoader.load("2x80GB")
        #expect(t.source == .inline && t.devices.map(\.memoryMiB) == [81_920, 81_920])
    }

    @Test func tableLooksLikeNvidiaSmiTopo() throws {
        let text = TopologyTable.render(try TopologyLoader.load("h200-8"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("\tGPU0") })
        #expect(header == "\t" + (0..<8).map { "GPU\($0)" }.joined(separator: "\t") + "\t"
                + (0..<8).map { "NIC\($0)" }.joined(separator: "\t") + "\tNUMA Affinity")
        let row0 = try #require(lines.first { $0.hasPrefix("GPU0\t") })
        #expect(row0.split(separator: "\t").prefix(3).map(String.init) == ["GPU0", " X ", "NV18"])
        #expect(row0.hasSuffix("\tPIX\tNODE\tNODE\tNODE\tSYS\tSYS\tSYS\tSYS\t0"))
        #expect(lines.contains("  NIC0: mlx5_0 (RDMA, 400 Gb/s)"))
        #expect(lines.contains("Legend:"))
    }

    @Test func jsonIsDeterministicAndUsesLabels() throws {
        let t = try TopologyLoader.load("a10-4")
        let first = try JSONOutput.string(t)
        #expect(first == (try JSONOutput.string(try TopologyLoader.load("a10-4"))))
        #expect(first.contains("\"source\" : \"declared\""))
        #expect(first.contains("\"PIX\""))
        #expect(first.contains("\"pciBusID\" : null"))
    }
}
