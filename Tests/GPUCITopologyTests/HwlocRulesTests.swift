import Foundation
import GPUCISupport
import Testing
@testable import GPUCITopology

/// One minimal capture per reading rule that real machines showed (issue 11); each fails
/// without its rule.
@Suite struct HwlocRulesTests {
    static func load(_ xml: String) throws -> Topology {
        try HwlocTopology(xmlText: xml, label: "rule.xml").topology(name: "rule")
    }

    static func machine(_ devices: String..., extra: String = "", f: HwlocFixture = HwlocFixture()) -> String {
        f.machine(packages: [f.hostBridge(buses: "00-0f", devices.joined(separator: "\n"))], extra: extra)
    }

    /// VGA functions: board and integrated chips never count; listed compute VGAs and any VGA
    /// with a compute OS device do.
    @Test func onlyComputeVGAFunctionsAreGPUs() throws {
        let f = HwlocFixture()
        let t = try Self.load(Self.machine(
            f.pciDevice(busid: "0000:01:00.0", type: "0300 [1002:515e] [1002:0000] 02", infos: [("PCIDevice", "ES1000")]),
            f.pciDevice(busid: "0000:02:00.0", type: "0300 [102b:0522] [102b:0000] 02"),
            f.pciDevice(busid: "0000:03:00.0", type: "0300 [8086:4680] [8086:0000] 0c"),
            f.pciDevice(busid: "0000:04:00.0", type: "0300 [1002:744c] [1002:0e3b] c8"),
            f.pciDevice(busid: "0000:05:00.0", type: "0300 [1002:7480] [1002:0000] c0",
                        f.osDevice(name: "rsmi0", type: 1, subtype: "RSMI", infos: [("RSMIVRAMSize", "8372224")])),
            f.pciDevice(busid: "0000:06:00.0", type: "0300 [8086:56a0] [8086:0000] 08"),
            f.pciDevice(busid: "0000:07:00.0", type: "0300 [10de:2684] [10de:0000] a1"),
            f: f))
        #expect(t.devices.map(\.pciBusID) == ["0000:04:00.0", "0000:05:00.0", "0000:06:00.0", "0000:07:00.0"])
        #expect(t.devices.map(\.vendor) == [.amd, .amd, .intel, .nvidia])
        #expect(t.devices[1].memoryMiB == 8176 && t.devices[1].memorySource == .driver)
    }

    @Test(arguments: ["0300 [1002:515e] [1002:0000] 02", "0300 [1a03:2000] [1a03:2000] 41", "0300 [102b:0534] [102b:0000] 01"])
    func aBoardVGAIsNeverAGPU(pciType: String) throws {
        let f = HwlocFixture()
        let t = try Self.load(Self.machine(f.pciDevice(busid: "0000:01:00.0", type: pciType,
                                                       f.osDevice(name: "card0", type: 1)), f: f))
        #expect(t.devices.isEmpty && t.unscheduled.isEmpty)
    }

    /// Accelerators gpuci does not schedule are listed, with their memory, never dropped.
    @Test func xeonPhiAndVectorEnginesAreListed() throws {
        let f = HwlocFixture()
        let t = try Self.load(Self.machine(
            f.pciDevice(busid: "0000:01:00.0", type: "0b40 [8086:225d] [8086:0000] 00",
                        f.osDevice(name: "mic0", type: 5, subtype: "MIC", infos: [("MICMemorySize", "16252928")])),
            f.pciDevice(busid: "0000:02:00.0", type: "0b40 [1bcf:001c] [1bcf:0000] 01",
                        f.osDevice(name: "ve0", type: 5, subtype: "VectorEngine", infos: [("VectorEngineMemorySize", "50331648")])),
            f.pciDevice(busid: "0000:03:00.0", type: "0b40 [1234:5678] [0000:0000] 00",
                        f.osDevice(name: "xyz0", type: 5, subtype: "Mystery")),
            f: f))
        #expect(t.devices.isEmpty)
        #expect(t.unscheduled.map(\.name) == ["mic0", "ve0", "xyz0"])
        #expect(t.unscheduled.map(\.model) == ["Intel Xeon Phi", "NEC SX-Aurora Vector Engine", "Mystery co-processor"])
        #expect(t.unscheduled.map(\.memoryMiB) == [15_872, 49_152, nil])
        #expect(t.unscheduled.allSatisfy { $0.numaNode == 0 && $0.pciBusID != nil })
        #expect(t.unscheduledNotes.count == 3)
    }

    /// Latency matrices are found by kind: hwloc 2.0–2.4 exports leave them unnamed.
    @Test func anUnnamedLatencyMatrixIsRead() throws {
        let f = HwlocFixture()
        let unnamed = f.numaLatency([[10, 32], [32, 10]]).replacingOccurrences(of: " name=\"NUMALatency\"", with: "")
        let t = try Self.load(f.machine(packages: ["", ""], extra: unnamed))
        #expect(t.numaNodes.map(\.distances) == [[10, 32], [32, 10]])
    }

    /// NVLink 1.0 (P100) carries 20 GB/s per link: 60 GB/s is NV3, not NV2.
    @Test func nvlinkRateFollowsTheGeneration() throws {
        let f = HwlocFixture()
        let ids = (0..<2).map { _ in f.gp() }
        let gpus = (0..<2).map { n in
            f.pciDevice(busid: "0000:0\(n + 1):00.0", type: "0302 [10de:15f9] [10de:116d] a1",
                f.osDevice(name: "nvml\(n)", type: 1, subtype: "NVML", gp: ids[n], infos: [("GPUModel", "Tesla P100-SXM2-16GB")]))
        }
        let matrix = f.distances(name: "NVLinkBandwidth", kind: 9, members: ids.map { "OSDev:\($0)" },
                                 values: [[0, 60_000], [60_000, 0]])
        let t = try Self.load(Self.machine(gpus[0], gpus[1], extra: matrix, f: f))
        #expect(t.link(0, 1) == .nvlink(3))
        #expect(HwlocReader.nvlinkRate(model: "NVIDIA B200") == 50_000)
        #expect(HwlocReader.nvlinkRate(model: "NVIDIA H100 80GB HBM3") == 25_000)
    }

    /// usNIC ports are OpenFabrics devices without RDMA; a ConnectX port is RDMA.
    @Test func usNICIsNotRDMA() throws {
        let f = HwlocFixture()
        let t = try Self.load(Self.machine(
            f.pciDevice(busid: "0000:01:00.0", type: "0200 [1137:0043] [1137:012c] a2",
                        f.osDevice(name: "eth4", type: 2), f.osDevice(name: "usnic_0", type: 3)),
            f.pciDevice(busid: "0000:02:00.0", type: "0207 [15b3:1021] [15b3:0041] 00",
                        f.osDevice(name: "mlx5_0", type: 3, infos: [("Port1State", "4")])),
            f: f))
        #expect(t.nics.map(\.name) == ["mlx5_0", "usnic_0"])
        #expect(t.nics.map(\.rdma) == [true, false])
    }

    /// Two functions of one adapter are PIX to each other, as nvidia-smi prints them.
    @Test func nicToNICLinksComeFromThePCITree() throws {
        let f = HwlocFixture()
        let xml = f.machine(packages: [
            f.hostBridge(buses: "00-02",
                f.pciBridge(busid: "0000:00:01.0", buses: "01-01", depth: 1,
                    f.pciDevice(busid: "0000:01:00.0", type: "0200 [8086:10c9] [0000:0000] 01", f.osDevice(name: "eth0", type: 2)),
                    f.pciDevice(busid: "0000:01:00.1", type: "0200 [8086:10c9] [0000:0000] 01", f.osDevice(name: "eth1", type: 2))),
                f.pciDevice(busid: "0000:02:00.0", type: "0200 [8086:10c9] [0000:0000] 01", f.osDevice(name: "eth2", type: 2))),
            f.hostBridge(buses: "40-40",
                f.pciDevice(busid: "0000:40:00.0", type: "0200 [8086:10c9] [0000:0000] 01", f.osDevice(name: "eth3", type: 2))),
        ])
        let t = try Self.load(xml)
        #expect(t.nics.map(\.name) == ["eth0", "eth1", "eth2", "eth3"])
        #expect(t.nics[0].nicLinks == [.selfLink, .pix, .phb, .sys])
        let table = TopologyTable.render(t)
        #expect(table.contains("NIC0\t X \tPIX\tPHB\tSYS"))
    }

    @Test(arguments: ["-5", "18446744073709551611", "12abc", "1e9"])
    func anAbsurdNodeMemoryIsALocatedError(value: String) throws {
        let f = HwlocFixture()
        let xml = f.machine(packages: [""]).replacingOccurrences(of: "local_memory=\"1099511627776\"", with: "local_memory=\"\(value)\"")
        let error = #expect(throws: InputError.self) { _ = try Self.load(xml) }
        #expect(error?.location?.key == "local_memory" && (error?.location?.line ?? 0) > 1, "\(String(describing: error))")
        #expect("\(String(describing: error))".contains(value))
    }

    // MARK: hwloc 3.x XML

    @Test func v3DeviceFlagsMapToV2Types() {
        #expect(HwlocXMLDocument.v2OSDeviceType(12) == 5)   // NVML, CUDA: GPU|COPROC
        #expect(HwlocXMLDocument.v2OSDeviceType(48) == 3)   // RDMA port: NETWORK|OPENFABRICS
        #expect(HwlocXMLDocument.v2OSDeviceType(16) == 2)
        #expect(HwlocXMLDocument.v2OSDeviceType(4) == 1)    // DRM card
        #expect(HwlocXMLDocument.v2OSDeviceType(8) == 5)
        #expect(HwlocXMLDocument.v2OSDeviceType(64) == 4)
        #expect(HwlocXMLDocument.v2OSDeviceType(1) == 0 && HwlocXMLDocument.v2OSDeviceType(2) == 0)
    }

    /// A v2 capture rewritten the way hwloc 3.0 writes it (version, flag types, id="objN" and no
    /// gp_index) reads to the same topology.
    @Test func aV3CaptureReadsLikeItsV2Twin() throws {
        let v2 = HwlocReaderTests.barePCIMachine()
        var v3 = v2.replacingOccurrences(of: "<topology version=\"2.0\">", with: "<topology version=\"3.0\">")
        for (old, new) in [("1", "4"), ("2", "16"), ("3", "48"), ("5", "12")] {
            v3 = v3.replacingOccurrences(of: "osdev_type=\"\(old)\"", with: "osdev_type=\"\(new)\"")
        }
        v3 = v3.replacingOccurrences(of: " gp_index=\"", with: " id=\"obj")
        let expected = try Self.load(v2)
        let topology = try Self.load(v3)
        #expect(topology == expected)
        #expect(topology.devices.count == 6 && topology.nics.map(\.name) == ["eth0", "mlx5_0"])
    }

    @Test(arguments: ["4.0", "abc", "0.5"])
    func anUnreadableVersionIsNamed(version: String) throws {
        let error = #expect(throws: InputError.self) {
            _ = try Self.load("<topology version=\"\(version)\"><object type=\"Machine\"/></topology>")
        }
        #expect(error?.location?.key == "version" && "\(String(describing: error))".contains(version))
    }
}

/// Captures with thousands of accelerators (repro 22): links come from each device's ancestor
/// path once, and past the stated cap the capture is refused instead of exhausting memory.
@Suite struct ManyAcceleratorCaptureTests {
    /// `count` bare H200s, `perBridge` to a host bridge, bridges alternating between two packages.
    static func capture(gpus count: Int, perBridge: Int) -> String {
        let f = HwlocFixture()
        var packages = ["", ""]
        var device = 0
        var domain = 0
        while device < count {
            let here = min(perBridge, count - device)
            let functions = (0..<here).map { bus in
                f.pciDevice(busid: String(format: "%04x:%02x:00.0", domain, bus + 1), type: "0302 [10de:2335] [10de:18be] a1")
            }
            packages[domain % 2] += "\n" + f.hostBridge(domain: String(format: "%04x", domain), buses: "01-ff", functions.joined(separator: "\n"))
            device += here
            domain += 1
        }
        return f.machine(packages: packages)
    }

    @Test func aThousandGPUCaptureGetsEveryLinkFromThePCITree() throws {
        let t = try HwlocRulesTests.load(Self.capture(gpus: 1024, perBridge: 200))
        #expect(t.devices.count == 1024)
        #expect(t.links.count == 1024 && t.links.allSatisfy { $0.count == 1024 })
        #expect(t.links[0][0] == .selfLink)
        #expect(t.links[0][199] == .phb)    // one host bridge
        #expect(t.links[0][400] == .node)   // another host bridge of the same package
        #expect(t.links[0][200] == .sys)    // the other package
        #expect(t.links[800][0] == .node && t.links[1023][0] == .sys && t.links[1023][1001] == .phb)
    }

    @Test func moreAcceleratorsThanTheCapAreRefusedWithTheCap() {
        let cap = HwlocReader.maximumAccelerators
        #expect {
            try HwlocRulesTests.load(Self.capture(gpus: cap + 1, perBridge: 250))
        } throws: { error in
            "\(error)" == "rule: the topology has \(cap + 1) accelerators; gpuci reads at most \(cap) (every pair gets a link)"
        }
    }
}
