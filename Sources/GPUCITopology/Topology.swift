/// A node's accelerators, NUMA domains, NICs and the link between every pair of devices.
///
/// A topology is a plain value: it comes from a declared YAML file in `Topologies/`, an hwloc
/// XML capture, live hwloc discovery, or an inline spec such as `8x80GB`, and every later
/// layer (allocation, pool, simulation) reads only this value.
public struct Topology: Sendable, Hashable, Codable {
    /// Short name, e.g. `h200-8`, or the file name for captures.
    public var name: String
    /// Where the topology came from.
    public var source: TopologySource
    /// Accelerators in index order (`devices[i].index == i`).
    public var devices: [Device]
    /// NUMA domains in index order.
    public var numaNodes: [NUMANode]
    /// Network adapters, RDMA-capable or not.
    public var nics: [NIC]
    /// `links[i][j]` is how device `i` reaches device `j`; the diagonal is `.selfLink`.
    public var links: [[Link]]
    /// Accelerators present on the machine that gpuci does not schedule (NEC vector engines,
    /// Xeon Phi, …): listed so that none disappears in silence, never counted as devices.
    public var unscheduled: [UnscheduledAccelerator]

    /// Creates a topology; `links` must be square over `devices` with `.selfLink` on the diagonal.
    public init(name: String, source: TopologySource, devices: [Device], numaNodes: [NUMANode] = [],
                nics: [NIC] = [], links: [[Link]], unscheduled: [UnscheduledAccelerator] = []) {
        self.name = name
        self.source = source
        self.devices = devices
        self.numaNodes = numaNodes
        self.nics = nics
        self.links = links
        self.unscheduled = unscheduled
    }

    /// One line per kind of unscheduled accelerator (`8 NEC SX-Aurora Vector Engine (49152 MiB
    /// each) not scheduled: gpuci schedules GPUs and NPUs only`); empty when there are none.
    public var unscheduledNotes: [String] {
        var groups: [(key: String, count: Int, sample: UnscheduledAccelerator)] = []
        for accelerator in unscheduled {
            let key = "\(accelerator.model)|\(accelerator.memoryMiB.map(String.init) ?? "")"
            if let index = groups.firstIndex(where: { $0.key == key }) { groups[index].count += 1 }
            else { groups.append((key, 1, accelerator)) }
        }
        return groups.map { group in
            let memory = group.sample.memoryMiB.map { " (\($0) MiB\(group.count > 1 ? " each" : ""))" } ?? ""
            return "\(group.count) \(group.sample.model)\(memory) not scheduled: \(group.sample.reason)"
        }
    }

    /// The link between devices `a` and `b` (by index).
    public func link(_ a: Int, _ b: Int) -> Link { links[a][b] }
}

/// How a topology was obtained.
public enum TopologySource: String, Sendable, Hashable, Codable {
    case declared
    case hwlocXML = "hwloc-xml"
    case hwlocLive = "hwloc-live"
    case inline
}

/// What kind of accelerator a device is.
public enum DeviceKind: String, Sendable, Hashable, Codable {
    case gpu
    case npu
}

/// Accelerator vendors gpuci knows.
public enum Vendor: String, Sendable, Hashable, Codable, CaseIterable {
    case nvidia = "NVIDIA"
    case amd = "AMD"
    case huawei = "Huawei"
    case intel = "Intel"
}

/// One accelerator.
public struct Device: Sendable, Hashable, Codable {
    /// Position in the topology, 0-based; the id the allocator uses.
    public var index: Int
    /// GPU or NPU.
    public var kind: DeviceKind
    /// Who makes it.
    public var vendor: Vendor
    /// Marketing model name, e.g. `H200` or `Ascend 910B`.
    public var model: String
    /// Driver-visible memory in MiB; `nil` when it could not be determined.
    public var memoryMiB: Int?
    /// Where ``memoryMiB`` comes from.
    public var memorySource: MemorySource
    /// The host NUMA node the device is attached to, by the OS's number (what `numactl` and
    /// `nvidia-smi topo -m` print), when known.
    public var numaNode: Int?
    /// The NUMA node made of the device's own memory (POWER9 NVLink GPUs, Grace Hopper), by the
    /// OS's number; `nil` when the device's memory is not a NUMA node.
    public var memoryNUMANode: Int?
    /// PCI bus id (`0000:18:00.0`), when known.
    public var pciBusID: String?
    /// CPUs local to the device as a list such as `0-47,96-143` (as `nvidia-smi topo -m`
    /// prints it), when known.
    public var cpuAffinity: String?

    /// Creates a device description.
    /// A declared memory size counts as `.declared`, a missing one as `.unknown`.
    public init(index: Int, kind: DeviceKind = .gpu, vendor: Vendor, model: String, memoryMiB: Int?,
                memorySource: MemorySource? = nil, numaNode: Int? = nil, memoryNUMANode: Int? = nil,
                pciBusID: String? = nil, cpuAffinity: String? = nil) {
        self.index = index
        self.kind = kind
        self.vendor = vendor
        self.model = model
        self.memoryMiB = memoryMiB
        self.memorySource = memorySource ?? (memoryMiB == nil ? .unknown : .declared)
        self.numaNode = numaNode
        self.memoryNUMANode = memoryNUMANode
        self.pciBusID = pciBusID
        self.cpuAffinity = cpuAffinity
    }

    private enum CodingKeys: String, CodingKey {
        case index, kind, vendor, model, memoryMiB, memorySource, numaNode, memoryNUMANode, pciBusID, cpuAffinity
    }

    /// Encodes every key, unknown values as `null`, so JSON readers see a fixed shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(kind, forKey: .kind)
        try container.encode(vendor, forKey: .vendor)
        try container.encode(model, forKey: .model)
        try container.encode(memoryMiB, forKey: .memoryMiB)
        try container.encode(memorySource, forKey: .memorySource)
        try container.encode(numaNode, forKey: .numaNode)
        try container.encode(memoryNUMANode, forKey: .memoryNUMANode)
        try container.encode(pciBusID, forKey: .pciBusID)
        try container.encode(cpuAffinity, forKey: .cpuAffinity)
    }
}

/// Where a device's memory size comes from.
public enum MemorySource: String, Sendable, Hashable, Codable {
    /// The driver, through an hwloc OS device (`CUDAGlobalMemorySize`, `RSMIVRAMSize`, …).
    case driver
    /// The size of the device's own NUMA node (POWER9 NVLink GPUs, Grace Hopper).
    case memoryNode = "numa-node"
    /// gpuci's catalog of models, by PCI id or model name.
    case catalog
    /// A size written in the model name (`A100-SXM4-80GB`).
    case modelName = "model-name"
    /// A declared topology or inline spec states it.
    case declared
    /// Nothing says.
    case unknown

    /// The table's marker after a memory figure: none for driver, node and declared sizes.
    public var marker: String {
        switch self {
        case .driver, .memoryNode, .declared, .unknown: ""
        case .catalog: "*"
        case .modelName: "~"
        }
    }
}

/// One host NUMA domain (memory that belongs to a device is the device's, see
/// ``Device/memoryNUMANode``).
public struct NUMANode: Sendable, Hashable, Codable {
    /// Position among the topology's host NUMA nodes, 0-based (hwloc's logical order).
    public var index: Int
    /// The OS's number for the node (`numactl --membind`, `nvidia-smi topo -m`); sparse on
    /// some machines (0, 1, 2, 33, …). Equal to ``index`` for declared topologies.
    public var osIndex: Int
    /// Local memory in MiB, when known.
    public var memoryMiB: Int?
    /// Relative distances to every host NUMA node in ``index`` order (ACPI SLIT style, 10 =
    /// local), when known.
    public var distances: [Int]?

    /// Creates a NUMA node description; `osIndex` defaults to `index`.
    public init(index: Int, osIndex: Int? = nil, memoryMiB: Int? = nil, distances: [Int]? = nil) {
        self.index = index
        self.osIndex = osIndex ?? index
        self.memoryMiB = memoryMiB
        self.distances = distances
    }

    private enum CodingKeys: String, CodingKey {
        case index, osIndex, memoryMiB, distances
    }

    /// Encodes every key, unknown values as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(osIndex, forKey: .osIndex)
        try container.encode(memoryMiB, forKey: .memoryMiB)
        try container.encode(distances, forKey: .distances)
    }
}

/// An accelerator gpuci found but does not schedule.
public struct UnscheduledAccelerator: Sendable, Hashable, Codable {
    /// The OS device name (`ve0`, `mic0`), or the PCI bus id when there is none.
    public var name: String
    /// What it is, e.g. `NEC SX-Aurora Vector Engine`.
    public var model: String
    /// Memory in MiB, when the driver reports it.
    public var memoryMiB: Int?
    /// The host NUMA node it is attached to (OS number), when known.
    public var numaNode: Int?
    /// PCI bus id, when known.
    public var pciBusID: String?
    /// Why it is not scheduled.
    public var reason: String

    /// Creates a description.
    public init(name: String, model: String, memoryMiB: Int?, numaNode: Int?, pciBusID: String?, reason: String) {
        self.name = name
        self.model = model
        self.memoryMiB = memoryMiB
        self.numaNode = numaNode
        self.pciBusID = pciBusID
        self.reason = reason
    }

    private enum CodingKeys: String, CodingKey {
        case name, model, memoryMiB, numaNode, pciBusID, reason
    }

    /// Encodes every key, unknown values as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(model, forKey: .model)
        try container.encode(memoryMiB, forKey: .memoryMiB)
        try container.encode(numaNode, forKey: .numaNode)
        try container.encode(pciBusID, forKey: .pciBusID)
        try container.encode(reason, forKey: .reason)
    }
}

/// One network adapter.
public struct NIC: Sendable, Hashable, Codable {
    /// Device name, e.g. `mlx5_0` or `eth0`.
    public var name: String
    /// Whether the adapter speaks RDMA (InfiniBand or RoCE).
    public var rdma: Bool
    /// Link rate in Gbit/s, when known.
    public var rateGbps: Int?
    /// The NUMA node the adapter is attached to, when known.
    public var numaNode: Int?
    /// PCI bus id, when known.
    public var pciBusID: String?
    /// Whether a port is up (`PORT_ACTIVE`); `nil` when unknown, which counts as up.
    public var portActive: Bool?
    /// How each device reaches this adapter (`PIX` when they share a PCIe switch), in device
    /// order; `nil` when unknown.
    public var deviceLinks: [Link]?
    /// How this adapter reaches each NIC (`PIX` for two ports of one adapter), in NIC order
    /// with `X` for itself; `nil` when unknown (then NUMA nodes decide NODE or SYS).
    public var nicLinks: [Link]?

    /// Creates a NIC description.
    public init(name: String, rdma: Bool, rateGbps: Int? = nil, numaNode: Int? = nil,
                pciBusID: String? = nil, portActive: Bool? = nil, deviceLinks: [Link]? = nil, nicLinks: [Link]? = nil) {
        self.name = name
        self.rdma = rdma
        self.rateGbps = rateGbps
        self.numaNode = numaNode
        self.pciBusID = pciBusID
        self.portActive = portActive
        self.deviceLinks = deviceLinks
        self.nicLinks = nicLinks
    }

    private enum CodingKeys: String, CodingKey {
        case name, rdma, rateGbps, numaNode, pciBusID, portActive, deviceLinks, nicLinks
    }

    /// Encodes every key, unknown values as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(rdma, forKey: .rdma)
        try container.encode(rateGbps, forKey: .rateGbps)
        try container.encode(numaNode, forKey: .numaNode)
        try container.encode(pciBusID, forKey: .pciBusID)
        try container.encode(portActive, forKey: .portActive)
        try container.encode(deviceLinks, forKey: .deviceLinks)
        try container.encode(nicLinks, forKey: .nicLinks)
    }
}
