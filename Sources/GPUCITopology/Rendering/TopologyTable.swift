import Foundation

/// Renders a topology for people: the device list, then the link matrix laid out like
/// `nvidia-smi topo -m` (tab-separated, `X` on the diagonal, NIC rows and columns, NUMA
/// affinity, a legend and a NIC legend).
public enum TopologyTable {
    /// The whole view: header line, devices, NUMA nodes, link matrix and legends.
    public static func render(_ topology: Topology, description: String? = nil) -> String {
        var lines: [String] = []
        let numaText = topology.numaNodes.isEmpty ? "NUMA undeclared" : "\(topology.numaNodes.count) NUMA node\(topology.numaNodes.count == 1 ? "" : "s")"
        lines.append("\(topology.name) (\(topology.source.rawValue)): \(topology.devices.count) device\(topology.devices.count == 1 ? "" : "s"), \(numaText), \(topology.nics.count) NIC\(topology.nics.count == 1 ? "" : "s")")
        if let description, !description.isEmpty { lines.append(description) }
        lines.append("")
        lines += deviceTable(topology)
        if !topology.numaNodes.isEmpty {
            lines.append("")
            lines += numaTable(topology)
        }
        if !topology.devices.isEmpty {
            lines.append("")
            lines += matrix(topology)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Device rows: index, kind, vendor, model, memory, NUMA node, PCI bus id.
    public static func deviceTable(_ topology: Topology) -> [String] {
        var rows = [["Device", "Kind", "Vendor", "Model", "Memory MiB", "NUMA", "PCI bus id"]]
        for device in topology.devices {
            rows.append([name(of: device), device.kind.rawValue, device.vendor.rawValue, device.model,
                         device.memoryMiB.map(String.init) ?? "unknown", device.numaNode.map(String.init) ?? "N/A",
                         device.pciBusID ?? "N/A"])
        }
        if topology.devices.isEmpty { return ["No accelerators."] }
        return aligned(rows)
    }

    private static func numaTable(_ topology: Topology) -> [String] {
        var rows = [["NUMA", "Memory MiB", "Distances"]]
        for node in topology.numaNodes {
            rows.append(["\(node.index)", node.memoryMiB.map(String.init) ?? "unknown",
                         node.distances.map { $0.map(String.init).joined(separator: " ") } ?? "unknown"])
        }
        return aligned(rows)
    }

    /// The `nvidia-smi topo -m` matrix with its legends.
    public static func matrix(_ topology: Topology) -> [String] {
        let devices = topology.devices
        let nics = topology.nics
        let columns = devices.map(name(of:)) + nics.indices.map { "NIC\($0)" }
        var lines = ["\t" + columns.joined(separator: "\t") + "\tNUMA Affinity"]
        for device in devices {
            var cells = devices.map { cell(topology.link(device.index, $0.index)) }
            cells += nics.map { nic in nic.deviceLinks.flatMap { $0.indices.contains(device.index) ? $0[device.index].label : nil } ?? "N/A" }
            lines.append(name(of: device) + "\t" + cells.joined(separator: "\t") + "\t" + (device.numaNode.map(String.init) ?? "N/A"))
        }
        for (index, nic) in nics.enumerated() {
            var cells = devices.map { device in
                nic.deviceLinks.flatMap { $0.indices.contains(device.index) ? $0[device.index].label : nil } ?? "N/A"
            }
            cells += nics.indices.map { other in index == other ? " X " : nicToNIC(nic, nics[other]) }
            lines.append("NIC\(index)\t" + cells.joined(separator: "\t") + "\t" + (nic.numaNode.map(String.init) ?? "N/A"))
        }
        lines.append("")
        lines.append("Legend:")
        lines.append("")
        lines += legend(topology).map { "  \($0)" }
        if !nics.isEmpty {
            lines.append("")
            lines.append("NIC Legend:")
            lines.append("")
            for (index, nic) in nics.enumerated() {
                var facts = [nic.rdma ? "RDMA" : "no RDMA"]
                if let rate = nic.rateGbps { facts.append("\(rate) Gb/s") }
                if nic.portActive == false { facts.append("port down") }
                lines.append("  NIC\(index): \(nic.name) (\(facts.joined(separator: ", ")))")
            }
        }
        return lines
    }

    private static func legend(_ topology: Topology) -> [String] {
        let used = Set(topology.links.joined().map(\.label)).union(topology.nics.flatMap { $0.deviceLinks ?? [] }.map(\.label))
        var entries = [
            "X    = Self",
            "SYS  = Connection traversing PCIe as well as the SMP interconnect between NUMA nodes (e.g., QPI/UPI)",
            "NODE = Connection traversing PCIe as well as the interconnect between PCIe Host Bridges within a NUMA node",
            "PHB  = Connection traversing PCIe as well as a PCIe Host Bridge (typically the CPU)",
            "PXB  = Connection traversing multiple PCIe bridges (without traversing the PCIe Host Bridge)",
            "PIX  = Connection traversing at most a single PCIe bridge",
            "NV#  = Connection traversing a bonded set of # NVLinks",
        ]
        if used.contains("XGMI") { entries.append("XGMI = Connection traversing AMD Infinity Fabric (XGMI)") }
        if used.contains("HCCS") { entries.append("HCCS = Connection traversing Huawei HCCS") }
        if used.contains("SIO") { entries.append("SIO  = Connection between the two dies of one Ascend package") }
        return entries
    }

    private static func nicToNIC(_ a: NIC, _ b: NIC) -> String {
        guard let numaA = a.numaNode, let numaB = b.numaNode else { return "N/A" }
        return numaA == numaB ? Link.node.label : Link.sys.label
    }

    private static func cell(_ link: Link) -> String {
        link == .selfLink ? " X " : link.label
    }

    /// `GPU3` or `NPU3`.
    public static func name(of device: Device) -> String {
        "\(device.kind == .npu ? "NPU" : "GPU")\(device.index)"
    }

    private static func aligned(_ rows: [[String]]) -> [String] {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, text in
                column == row.count - 1 ? text : text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
