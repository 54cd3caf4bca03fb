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

    /// Creates a topology; `links` must be square over `devices` with `.selfLink` on the diagonal.
    public init(name: String, source: TopologySource, devices: [Device], numaNodes: [NUMANode] = [],
                nics: [NIC] = [], links: [[Link]]) {
        self.name = name
        self.source = source
        self.devices = devices
        self.numaNodes = numaNodes
        self.nics = nics
        self.links = links
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
    /// The NUMA node the device is attached to, when known.
    public var numaNode: Int?
    /// PCI bus id (`0000:18:00.0`), when known.
    public var pciBusID: String?

    /// Creates a device description.
    public init(index: Int, kind: DeviceKind = .gpu, vendor: Vendor, model: String, memoryMiB: Int?,
                numaNode: Int? = nil, pciBusID: String? = nil) {
        self.index = index
        self.kind = kind
        self.vendor = vendor
        self.model = model
        self.memoryMiB = memoryMiB
        self.numaNode = numaNode
        self.pciBusID = pciBusID
    }

    private enum CodingKeys: String, CodingKey {
        case index, kind, vendor, model, memoryMiB, numaNode, pciBusID
    }

    /// Encodes every key, unknown values as `null`, so JSON readers see a fixed shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(kind, forKey: .kind)
        try container.encode(vendor, forKey: .vendor)
        try container.encode(model, forKey: .model)
        try container.encode(memoryMiB, forKey: .memoryMiB)
        try container.encode(numaNode, forKey: .numaNode)
        try container.encode(pciBusID, forKey: .pciBusID)
    }
}

/// One NUMA domain.
public struct NUMANode: Sendable, Hashable, Codable {
    /// Position among the topology's NUMA nodes, 0-based.
    public var index: Int
    /// Local memory in MiB, when known.
    public var memoryMiB: Int?
    /// Relative distances to every NUMA node (ACPI SLIT style, 10 = local), when known.
    public var distances: [Int]?

    /// Creates a NUMA node description.
    public init(index: Int, memoryMiB: Int? = nil, distances: [Int]? = nil) {
        self.index = index
        self.memoryMiB = memoryMiB
        self.distances = distances
    }

    private enum CodingKeys: String, CodingKey {
        case index, memoryMiB, distances
    }

    /// Encodes every key, unknown values as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        try container.encode(memoryMiB, forKey: .memoryMiB)
        try container.encode(distances, forKey: .distances)
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

    /// Creates a NIC description.
    public init(name: String, rdma: Bool, rateGbps: Int? = nil, numaNode: Int? = nil,
                pciBusID: String? = nil, portActive: Bool? = nil, deviceLinks: [Link]? = nil) {
        self.name = name
        self.rdma = rdma
        self.rateGbps = rateGbps
        self.numaNode = numaNode
        self.pciBusID = pciBusID
        self.portActive = portActive
        self.deviceLinks = deviceLinks
    }

    private enum CodingKeys: String, CodingKey {
        case name, rdma, rateGbps, numaNode, pciBusID, portActive, deviceLinks
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
    }
}
