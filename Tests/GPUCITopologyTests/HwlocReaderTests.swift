import Foundation
import GPUCISupport
import Testing
@testable import GPUCITopology

/// hwloc XML fixtures written here as strings, read through the production path.
@Suite struct HwlocReaderTests {
    /// Six bare PCI GPUs (no OS devices, as Debian's hwloc shows them) in a PCIe tree that
    /// yields every PCIe label, plus devices that must not count: an ASPEED BMC VGA with a DRM
    /// card, an Intel integrated VGA and an NVSwitch. A ConnectX with mlx5_0 + ib0, and eth0.
    static func barePCIMachine() -> String {
        let f = HwlocFixture()
        let h200 = "0302 [10de:2335] [10de:18be] a1"
        let package0 = f.hostBridge(buses: "00-08",
            f.pciBridge(busid: "0000:00:01.0", buses: "01-08", depth: 1,
                f.pciBridge(busid: "0000:01:00.0", buses: "02-05", depth: 2,
                    f.pciBridge(busid: "0000:02:00.0", buses: "03-05", depth: 3,
                        f.pciBridge(busid: "0000:03:00.0", buses: "04-04", depth: 4,
                            f.pciDevice(busid: "0000:04:00.0", type: h200)),
                        f.pciBridge(busid: "0000:03:01.0", buses: "05-05", depth: 4,
                            f.pciDevice(busid: "0000:05:00.0", type: h200)),
                        f.pciBridge(busid: "0000:03:02.0", buses: "06-06", depth: 4,
                            f.pciDevice(busid: "0000:06:00.0", type: "0207 [15b3:1021] [15b3:0041] 00",
                                f.osDevice(name: "mlx5_0", type: 3, infos: [("Port1State", "4")]),
                                f.osDevice(name: "ib0", type: 2))))),
                f.pciBridge(busid: "0000:01:01.0", buses: "07-07", depth: 2,
                    f.pciDevice(busid: "0000:07:00.0", type: h200))),
            f.pciDevice(busid: "0000:00:02.0", type: "0300 [8086:4680] [8086:0000] 0c"))
        let package1 = [
            f.hostBridge(buses: "40-41",
                f.pciDevice(busid: "0000:40:00.0", type: h200),
                f.pciDevice(busid: "0000:41:00.0", type: "0300 [1a03:2000] [1a03:2000] 41",
                    f.osDevice(name: "card0", type: 1))),
            f.hostBridge(buses: "80-82",
                f.pciDevice(busid: "0000:80:00.0", type: h200),
                f.pciDevice(busid: "0000:81:00.0", type: h200),
                f.pciDevice(busid: "0000:82:00.0", type: "0680 [10de:22a3] [10de:1796] a1"),
                f.pciDevice(busid: "0000:82:01.0", type: "0200 [1af4:1041] [1af4:1041] 01",
                    f.osDevice(name: "eth0", type: 2))),
        ].joined(separator: "\n")
        return f.machine(packages: [package0, package1], extra: f.numaLatency([[10, 21], [21, 10]]))
    }

    static func load(_ xml: String) throws -> Topology {
        let hwloc = try HwlocTopology(xmlText: xml, label: "fixture.xml")
        let thisSystem = hwloc.isThisSystem
        #expect(!thisSystem)
        return try hwloc.topology(name: "fixture")
    }

    @Test func barePCIDevicesCountOncePerGPUAndSkipBMCs() throws {
        let topology = try Self.load(Self.barePCIMachine())
        #expect(topology.source == .hwlocXML)
        #expect(topology.devices.count == 6)
        #expect(topology.devices.map(\.pciBusID) == ["0000:04:00.0", "0000:05:00.0", "0000:07:00.0",
                                                    "0000:40:00.0", "0000:80:00.0", "0000:81:00.0"])
        #expect(topology.devices.allSatisfy { $0.vendor == .nvidia && $0.kind == .gpu })
        #expect(topology.devices.allSatisfy { $0.memoryMiB == 143_771 && $0.model == "H200" })
        #expect(topology.devices.map(\.numaNode) == [0, 0, 0, 1, 1, 1])
        #expect(topology.devices.map(\.cpuAffinity) == ["0", "0", "0", "1", "1", "1"])
    }

    @Test func pciTreeGivesNvidiaSmiLabels() throws {
        let t = try Self.load(Self.barePCIMachine())
        #expect(t.link(0, 0) == .selfLink)
        #expect(t.link(0, 1) == .pix)   // one switch
        #expect(t.link(0, 2) == .pxb)   // two levels of switches
        #expect(t.link(4, 5) == .phb)   // same host bridge
        #expect(t.link(3, 4) == .node)  // other host bridge, same NUMA node
        #expect(t.link(0, 3) == .sys)   // other socket
        for a in 0..<6 { for b in 0..<6 { #expect(t.link(a, b) == t.link(b, a)) } }
    }

    @Test func nicsComeFromOpenFabricsAndNetworkDevices() throws {
        let t = try Self.load(Self.barePCIMachine())
        #expect(t.nics.map(\.name) == ["eth0", "mlx5_0"])
        let mlx = try #require(t.nics.last)
        #expect(mlx.rdma && mlx.portActive == true && mlx.numaNode == 0 && mlx.pciBusID == "0000:06:00.0")
        #expect(mlx.deviceLinks?[0] == .pix && mlx.deviceLinks?[3] == .sys)
        let eth = try #require(t.nics.first)
        #expect(!eth.rdma && eth.numaNode == 1 && eth.portActive == nil)
    }

    @Test func numaNodesAndLatencyComeFromHwloc() throws {
        let t = try Self.load(Self.barePCIMachine())
        #expect(t.numaNodes.map(\.index) == [0, 1])
        #expect(t.numaNodes.map(\.memoryMiB) == [1_048_576, 1_048_576])
        #expect(t.numaNodes.map(\.distances) == [[10, 21], [21, 10]])
    }

    /// cuda0 + nvml0 + opencl0d0 under one PCI device are one GPU, with the CUDA memory (KiB).
    @Test func severalOSDevicesUnderOnePCIDeviceAreOneGPU() throws {
        let f = HwlocFixture()
        func gpu(_ n: Int, bus: String) -> String {
            f.pciDevice(busid: "0000:\(bus):00.0", type: "0302 [10de:9999] [10de:0000] a1",
                f.osDevice(name: "cuda\(n)", type: 5, subtype: "CUDA",
                           infos: [("GPUModel", "NVIDIA Test GPU"), ("CUDAGlobalMemorySize", "1024000")]),
                f.osDevice(name: "nvml\(n)", type: 1, subtype: "NVML", infos: [("GPUModel", "NVIDIA Test GPU")]),
                f.osDevice(name: "opencl0d\(n)", type: 5, subtype: "OpenCL", infos: [("OpenCLGlobalMemorySize", "2048")]))
        }
        let xml = f.machine(packages: [f.hostBridge(buses: "00-02", gpu(0, bus: "01"), gpu(1, bus: "02"))])
        let t = try Self.load(xml)
        #expect(t.devices.count == 2)
        #expect(t.devices.map(\.memoryMiB) == [1000, 1000])
        #expect(t.devices.map(\.model) == ["NVIDIA Test GPU", "NVIDIA Test GPU"])
        #expect(t.link(0, 1) == .phb)
    }

    /// An NVLink matrix over nvml OS devices: pairs with bandwidth become NV<n>, the rest PCIe.
    @Test func nvlinkMatrixOverridesPCIeLinks() throws {
        let f = HwlocFixture()
        let ids = (0..<3).map { _ in f.gp() }
        let gpus = (0..<3).map { n in
            f.pciDevice(busid: "0000:0\(n + 1):00.0", type: "0302 [10de:2330] [10de:16c1] a1",
                f.osDevice(name: "nvml\(n)", type: 1, subtype: "NVML", gp: ids[n], infos: [("GPUModel", "NVIDIA H100 80GB HBM3")]))
        }
        let matrix = f.distances(name: "NVLinkBandwidth", kind: 9, members: ids.map { "OSDev:\($0)" },
                                 values: [[1_000_000, 450_000, 0], [450_000, 1_000_000, 50_000], [0, 50_000, 1_000_000]])
        let xml = f.machine(packages: [f.hostBridge(buses: "00-03", gpus[0], gpus[1], gpus[2])], extra: matrix)
        let t = try Self.load(xml)
        #expect(t.devices.count == 3)
        #expect(t.devices.allSatisfy { $0.memoryMiB == 81_559 })
        #expect(t.link(0, 1) == .nvlink(18))
        #expect(t.link(1, 2) == .nvlink(2))
        #expect(t.link(0, 2) == .phb)
    }

    /// GPUs that reach each other only through NVSwitch ports come out NV18 after hwloc's
    /// merge-switch-ports and transitive-closure transforms.
    @Test func nvswitchMatrixIsClosedOverSwitches() throws {
        let f = HwlocFixture()
        let gpuIDs = (0..<4).map { _ in f.gp() }
        let switchIDs = (0..<2).map { _ in f.gp() }
        var objects: [String] = []
        for n in 0..<4 {
            objects.append(f.pciDevice(busid: "0000:1\(n):00.0", type: "0302 [10de:2335] [10de:18be] a1",
                f.osDevice(name: "nvml\(n)", type: 1, subtype: "NVML", gp: gpuIDs[n], infos: [("GPUModel", "NVIDIA H200")])))
        }
        for s in 0..<2 {
            objects.append(f.pciDevice(busid: "0000:2\(s):00.0", type: "0680 [10de:22a3] [10de:1796] a1",
                                       gp: switchIDs[s], subtype: "NVSwitch"))
        }
        let members = gpuIDs.map { "OSDev:\($0)" } + switchIDs.map { "PCIDev:\($0)" }
        var values = Array(repeating: Array(repeating: UInt64(0), count: 6), count: 6)
        for g in 0..<4 {
            values[g][g] = 1_000_000
            for s in 4..<6 { values[g][s] = 225_000; values[s][g] = 225_000 }
        }
        let extra = f.distances(name: "NVLinkBandwidth", kind: 9 | 0x10, members: members, values: values)
        let xml = f.machine(packages: [f.hostBridge(buses: "10-21", objects.joined(separator: "\n"))], extra: extra)
        let t = try Self.load(xml)
        #expect(t.devices.count == 4)
        for a in 0..<4 { for b in 0..<4 where a != b { #expect(t.link(a, b) == .nvlink(18), "GPU\(a)-GPU\(b)") } }
    }

    /// A 910B is a 19e5 class-0x12 PCI device; a custom HCCS matrix joins the NPUs.
    @Test func ascendNPUsAndHCCSMatrix() throws {
        let f = HwlocFixture()
        let ids = (0..<2).map { _ in f.gp() }
        let npus = (0..<2).map { n in
            f.pciDevice(busid: "0000:c\(n):00.0", type: "1200 [19e5:d802] [19e5:0100] 20", gp: ids[n],
                f.osDevice(name: "npu\(n)", type: 5, subtype: "Ascend", infos: [("GPUModel", "Ascend910B2")]))
        }
        let hccs = f.distances(name: "HCCSBandwidth", kind: 2 | 8, members: ids.map { "PCIDev:\($0)" },
                               values: [[0, 56_000], [56_000, 0]])
        let xml = f.machine(packages: [f.hostBridge(buses: "c0-c0", npus[0]), f.hostBridge(buses: "c1-c1", npus[1])], extra: hccs)
        let t = try Self.load(xml)
        #expect(t.devices.count == 2)
        #expect(t.devices.allSatisfy { $0.kind == .npu && $0.vendor == .huawei && $0.memoryMiB == 65_536 })
        #expect(t.devices.map(\.model) == ["Ascend910B2", "Ascend910B2"])
        #expect(t.link(0, 1) == .hccs)
        #expect(t.devices.map(\.numaNode) == [0, 1])
    }

    /// AMD Instinct GPUs are class 0x1200 functions; RSMI gives VRAM in KiB and an XGMI matrix.
    @Test func amdGPUsWithRSMIAndXGMIMatrix() throws {
        let f = HwlocFixture()
        let ids = (0..<2).map { _ in f.gp() }
        let gpus = (0..<2).map { n in
            f.pciDevice(busid: "0000:0\(n + 1):00.0", type: "1200 [1002:74a1] [1002:74a1] 00",
                f.osDevice(name: "rsmi\(n)", type: 1, subtype: "RSMI", gp: ids[n],
                           infos: [("GPUModel", "AMD Instinct MI300X"), ("RSMIVRAMSize", "201310208")]))
        }
        let xgmi = f.distances(name: "XGMIBandwidth", kind: 9, members: ids.map { "OSDev:\($0)" },
                               values: [[0, 64_000], [64_000, 0]])
        let t = try Self.load(f.machine(packages: [f.hostBridge(buses: "00-02", gpus[0], gpus[1])], extra: xgmi))
        #expect(t.devices.count == 2 && t.devices.allSatisfy { $0.vendor == .amd && $0.kind == .gpu })
        #expect(t.devices.map(\.memoryMiB) == [196_592, 196_592])
        #expect(t.link(0, 1) == .xgmi)
    }

    /// OS devices with no PCI parent: cuda0/cuda1 and nvml0/nvml1 describe two GPUs, not four.
    @Test func orphanOSDevicesUseOneBackendPerVendor() throws {
        let f = HwlocFixture()
        let io = [
            f.osDevice(name: "cuda0", type: 5, subtype: "CUDA", infos: [("GPUModel", "NVIDIA H100 80GB HBM3")]),
            f.osDevice(name: "nvml0", type: 1, subtype: "NVML", infos: [("GPUModel", "NVIDIA H100 80GB HBM3")]),
            f.osDevice(name: "cuda1", type: 5, subtype: "CUDA", infos: [("GPUModel", "NVIDIA H100 80GB HBM3")]),
            f.osDevice(name: "nvml1", type: 1, subtype: "NVML", infos: [("GPUModel", "NVIDIA H100 80GB HBM3")]),
        ]
        let xml = f.machine(packages: [io[0] + io[1], io[2] + io[3]])
        let t = try Self.load(xml)
        #expect(t.devices.count == 2)
        #expect(t.devices.map(\.numaNode) == [0, 1])
        #expect(t.devices.allSatisfy { $0.memoryMiB == 81_559 && $0.pciBusID == nil })
        #expect(t.link(0, 1) == .sys)
    }

    /// Memory is unknown (nil), never guessed, when nothing describes it.
    @Test func unknownMemoryStaysNil() throws {
        let f = HwlocFixture()
        let xml = f.machine(packages: [f.hostBridge(buses: "00-01",
            f.pciDevice(busid: "0000:01:00.0", type: "0302 [10de:1234] [10de:0000] a1"),
            f.pciDevice(busid: "0000:01:01.0", type: "0302 [10de:1235] [10de:0000] a1", infos: [("PCIDevice", "Tesla X-48GB")]))])
        let t = try Self.load(xml)
        #expect(t.devices.map(\.memoryMiB) == [nil, 48 * 1024])
        let json = try JSONOutput.string(t)
        #expect(json.contains("\"memoryMiB\" : null"))
    }

    @Test func exportedXMLLoadsBackToTheSameTopology() throws {
        let original = try HwlocTopology(xmlText: Self.barePCIMachine(), label: "fixture.xml")
        let exported = try original.exportXML()
        let again = try HwlocTopology(xmlText: exported, label: "exported.xml")
        #expect(try again.topology(name: "x") == original.topology(name: "x"))
    }

    @Test func missingFileIsAnInputErrorNotTheHost() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-missing-\(UUID().uuidString).xml").path
        let error = #expect(throws: InputError.self) { _ = try HwlocTopology(xmlFile: path) }
        #expect(error?.location?.file == path)
        #expect(throws: InputError.self) { try TopologyLoader.load(path) }
    }

    @Test(arguments: [
        "",
        "not xml at all",
        "<topology><object type=\"Machine\">",
        "<topology version=\"2.0\"></topology>",
        "<notatopology/>",
        "<topology version=\"2.0\"><object type=\"Machine\" cpuset=\"zz\"/></topology>",
    ])
    func malformedXMLIsAnInputError(_ text: String) throws {
        let error = #expect(throws: InputError.self) { _ = try HwlocTopology(xmlText: text, label: "bad.xml") }
        #expect(error?.location?.file == "bad.xml")
    }

    @Test func xmlFileOnDiskLoadsThroughTheLoader() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-fixture-\(UUID().uuidString).xml").path
        try AtomicFile.write(Self.barePCIMachine(), to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t = try TopologyLoader.load(path)
        #expect(t.source == .hwlocXML && t.devices.count == 6)
    }
}
