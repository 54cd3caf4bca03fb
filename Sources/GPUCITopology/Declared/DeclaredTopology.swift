import Foundation
import GPUCISupport

/// A machine declared in YAML (the files of `Topologies/`): the topology plus the prose that
/// says what the machine is and where its figures come from.
///
/// The schema is described in `Topologies/README.md`. Every value is checked on load; a bad
/// one is an `InputError` that names the file, the line and the key.
public struct DeclaredTopology: Sendable, Hashable {
    /// The topology itself (`source == .declared`).
    public var topology: Topology
    /// One-line description of the machine.
    public var description: String
    /// Where the figures come from, one entry per claim.
    public var sources: [String]

    /// Creates a declaration.
    public init(topology: Topology, description: String, sources: [String]) {
        self.topology = topology
        self.description = description
        self.sources = sources
    }

    /// Parses the YAML `text` of `file` (the file name is used in errors only).
    public static func parse(_ text: String, file: String) throws(InputError) -> DeclaredTopology {
        let root = try YAMLNode.parse(text, file: file)
        let map = try root.mapping(allowed: ["name", "description", "sources", "numaNodes", "devices", "nics", "links"])
        let name = try map.required("name").string()
        let description = try map["description"]?.string() ?? ""
        var sources: [String] = []
        if let list = map["sources"] {
            for item in try list.sequence() { sources.append(try item.string()) }
        }
        let numaNodes = try map["numaNodes"].map { value throws(InputError) in try parseNUMANodes(value) } ?? []
        let devices = try parseDevices(try map.required("devices"), numaCount: numaNodes.count)
        let links = try LinkDeclaration.parse(try map.required("links"), devices: devices)
        let nics = try map["nics"].map { value throws(InputError) in
            try parseNICs(value, devices: devices, numaCount: numaNodes.count)
        } ?? []
        let topology = Topology(name: name, source: .declared, devices: devices, numaNodes: numaNodes,
                                nics: nics, links: links)
        return DeclaredTopology(topology: topology, description: description, sources: sources)
    }

    private static func parseNUMANodes(_ value: YAMLNode) throws(InputError) -> [NUMANode] {
        let map = try value.mapping(allowed: ["count", "memoryMiB", "distances"])
        let countValue = try map.required("count")
        let count = try countValue.int(range: 1...)
        guard count <= 1024 else { throw countValue.error("expected at most 1024 NUMA nodes, found \(count)") }
        let memories: [Int?] = try map["memoryMiB"].map { value throws(InputError) in
            try value.perItem(count: count) { item throws(InputError) in try item.int(range: 1...) }
        } ?? Array(repeating: nil, count: count)
        var distances: [[Int]]? = nil
        if let matrix = map["distances"] {
            let rows = try matrix.sequence()
            guard rows.count == count else {
                throw matrix.error("expected \(count) rows (one per NUMA node), found \(rows.count)")
            }
            var parsed: [[Int]] = []
            for (r, row) in rows.enumerated() {
                let cells = try row.sequence()
                guard cells.count == count else {
                    throw row.error("expected \(count) distances, found \(cells.count)")
                }
                var values: [Int] = []
                for (c, cell) in cells.enumerated() {
                    let distance = try cell.int()
                    if r == c, distance != 10 {
                        throw cell.error("a node's distance to itself must be 10 (ACPI SLIT), found \(distance)")
                    }
                    if r != c, distance <= 10 {
                        throw cell.error("distance to another node must be above 10, found \(distance)")
                    }
                    values.append(distance)
                }
                parsed.append(values)
            }
            for r in 0..<count {
                for c in 0..<r where parsed[r][c] != parsed[c][r] {
                    let cell = try rows[r].sequence()[c]
                    throw cell.error("distances must be symmetric: [\(r)][\(c)] = \(parsed[r][c]) but [\(c)][\(r)] = \(parsed[c][r])")
                }
            }
            distances = parsed
        }
        return (0..<count).map { NUMANode(index: $0, memoryMiB: memories[$0], distances: distances?[$0]) }
    }

    private static func parseDevices(_ value: YAMLNode, numaCount: Int) throws(InputError) -> [Device] {
        var devices: [Device] = []
        let groups = try value.sequence()
        guard !groups.isEmpty else { throw value.error("expected at least one device") }
        for group in groups {
            let map = try group.mapping(allowed: ["index", "count", "kind", "vendor", "model", "memoryMiB", "numaNode", "pciBusID", "cpuAffinity"])
            let count = try map["count"]?.int(range: 1...) ?? 1
            guard devices.count + count <= 1024 else {
                throw (map["count"] ?? group).error("expected at most 1024 devices in all")
            }
            if let indexValue = map["index"] {
                let index = try indexValue.int()
                guard index == devices.count else {
                    throw indexValue.error("devices must be listed in index order without gaps: expected index \(devices.count), found \(index)")
                }
            }
            let kindValue = try map.required("kind")
            guard let kind = DeviceKind(rawValue: try kindValue.string()) else {
                throw kindValue.error("expected gpu or npu")
            }
            let vendorValue = try map.required("vendor")
            let vendorText = try vendorValue.string()
            guard let vendor = Vendor.allCases.first(where: { $0.rawValue.lowercased() == vendorText.lowercased() }) else {
                throw vendorValue.error("unknown vendor '\(vendorText)' (expected \(Vendor.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let model = try map.required("model").string()
            let memory = try map.required("memoryMiB").int(range: 1...)
            let numa: [Int?] = try map["numaNode"].map { value throws(InputError) in
                try value.perItem(count: count) { item throws(InputError) in
                    try Self.numaIndex(item, numaCount: numaCount)
                }
            } ?? Array(repeating: nil, count: count)
            let busIDs: [String?] = try map["pciBusID"].map { value throws(InputError) in
                try value.perItem(count: count) { item throws(InputError) in try Self.busID(item) }
            } ?? Array(repeating: nil, count: count)
            let affinities: [String?] = try map["cpuAffinity"].map { value throws(InputError) in
                try value.perItem(count: count) { item throws(InputError) in try Self.cpuList(item) }
            } ?? Array(repeating: nil, count: count)
            if count > 1, let busValue = map["pciBusID"], !busValue.isSequence {
                throw busValue.error("a group of \(count) devices needs a list of \(count) PCI bus ids")
            }
            for offset in 0..<count {
                devices.append(Device(index: devices.count, kind: kind, vendor: vendor, model: model, memoryMiB: memory,
                                      numaNode: numa[offset], pciBusID: busIDs[offset], cpuAffinity: affinities[offset]))
            }
        }
        return devices
    }

    private static func parseNICs(_ value: YAMLNode, devices: [Device], numaCount: Int) throws(InputError) -> [NIC] {
        var nics: [NIC] = []
        for group in try value.sequence() {
            let map = try group.mapping(allowed: ["count", "name", "rdma", "rateGbps", "numaNode", "pciBusID", "portActive", "nearDevice"])
            let count = try map["count"]?.int(range: 1...) ?? 1
            guard nics.count + count <= 4096 else { throw (map["count"] ?? group).error("expected at most 4096 NICs in all") }
            let nameValue = try map.required("name")
            let names: [String]
            if nameValue.isSequence {
                names = try nameValue.perItem(count: count) { item throws(InputError) in try item.string() }
            } else {
                let template = try nameValue.string()
                guard count == 1 || template.contains("{i}") else {
                    throw nameValue.error("a group of \(count) NICs needs a list of names or a name with {i} (e.g. mlx5_{i})")
                }
                names = (0..<count).map { template.replacingOccurrences(of: "{i}", with: String($0)) }
            }
            let rdma = try map.required("rdma").bool()
            let rate = try map["rateGbps"]?.int(range: 1...)
            let active = try map["portActive"]?.bool()
            let numa: [Int?] = try map["numaNode"].map { value throws(InputError) in
                try value.perItem(count: count) { item throws(InputError) in try Self.numaIndex(item, numaCount: numaCount) }
            } ?? Array(repeating: nil, count: count)
            let busIDs: [String?] = try map["pciBusID"].map { value throws(InputError) in
                try value.perItem(count: count) { item throws(InputError) in try Self.busID(item) }
            } ?? Array(repeating: nil, count: count)
            let near: [Int?] = try map["nearDevice"].map { value throws(InputError) in
                try value.perItem(count: count) { item throws(InputError) in
                    let index = try item.int()
                    guard devices.indices.contains(index) else {
                        throw item.error("device \(index) does not exist (expected 0...\(devices.count - 1))")
                    }
                    return index
                }
            } ?? Array(repeating: nil, count: count)
            for offset in 0..<count {
                if nics.contains(where: { $0.name == names[offset] }) {
                    throw nameValue.error("NIC name '\(names[offset])' is declared twice")
                }
                var nic = NIC(name: names[offset], rdma: rdma, rateGbps: rate, numaNode: numa[offset],
                              pciBusID: busIDs[offset], portActive: active)
                let links = devices.compactMap { device in
                    Self.nicLink(device: device, near: near[offset], nicNUMA: numa[offset])
                }
                nic.deviceLinks = links.count == devices.count ? links : nil
                nics.append(nic)
            }
        }
        return nics
    }

    /// PIX to the device the NIC shares a PCIe switch with, otherwise NODE or SYS by NUMA node.
    private static func nicLink(device: Device, near: Int?, nicNUMA: Int?) -> Link? {
        if near == device.index { return .pix }
        guard let nicNUMA, let deviceNUMA = device.numaNode else { return nil }
        return nicNUMA == deviceNUMA ? .node : .sys
    }

    private static func numaIndex(_ item: YAMLNode, numaCount: Int) throws(InputError) -> Int {
        let index = try item.int()
        guard index >= 0, index < numaCount else {
            if numaCount == 0 { throw item.error("NUMA node \(index) does not exist (no numaNodes are declared)") }
            throw item.error("NUMA node \(index) does not exist (expected 0...\(numaCount - 1))")
        }
        return index
    }

    /// A CPU list such as `0-47,96-143`: ascending ranges of CPU numbers.
    private static func cpuList(_ item: YAMLNode) throws(InputError) -> String {
        let text = try item.string()
        var previous = -1
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), bounds.allSatisfy({ !$0.isEmpty && $0.count <= 6 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                  let low = Int(bounds[0]), let high = Int(bounds[bounds.count - 1]), low >= 0, low <= high, low > previous
            else { throw item.error("expected a CPU list like 0-47,96-143 (ascending ranges), found '\(text)'") }
            previous = high
        }
        return text
    }

    private static func busID(_ item: YAMLNode) throws(InputError) -> String {
        let text = try item.string()
        guard PCIAddress(text) != nil else {
            throw item.error("expected a PCI bus id like 0000:18:00.0, found '\(text)'")
        }
        return text.lowercased()
    }
}
