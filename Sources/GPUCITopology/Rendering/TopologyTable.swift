import Foundation

/// Renders a topology for people: the device list, then the link matrix laid out like
/// `nvidia-smi topo -m` (tab-separated, `X` on the diagonal, NIC rows and columns, NUMA
/// affinity, a legend and a NIC legend).
public enum TopologyTable {
    /// The whole view: header line, devices, NUMA nodes, link matrix and legends.
    ///
    /// With `includeNICs` false the matrix has GPU rows and columns only, as with a machine
    /// without NICs.
    public static func render(_ topology: Topology, description: String? = nil, includeNICs: Bool = true) -> String {
        var lines: [String] = []
        let numaText = topology.numaNodes.isEmpty ? "NUMA undeclared" : "\(topology.numaNodes.count) NUMA node\(topology.numaNodes.count == 1 ? "" : "s")"
        lines.append("\(topology.name) (\(topology.source.rawValue)): \(topology.devices.count) device\(topology.devices.count == 1 ? "" : "s"), \(numaText), \(topology.nics.count) NIC\(topology.nics.count == 1 ? "" : "s")")
        if let description, !description.isEmpty { lines.append(description) }
        lines.append("")
        lines += deviceTable(topology)
        lines += topology.unscheduledNotes.map { "Note: \($0)." }
        if !topology.numaNodes.isEmpty {
            lines.append("")
            lines += numaTable(topology)
        }
        var shown = topology
        if !includeNICs { shown.nics = [] }
        if !shown.devices.isEmpty || !shown.nics.isEmpty {
            lines.append("")
            lines += matrix(shown)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Device rows: index, kind, vendor, model, memory (marked when not from the driver),
    /// host NUMA node and, when any device has one, its memory's own NUMA node, PCI bus id.
    public static func deviceTable(_ topology: Topology) -> [String] {
        if topology.devices.isEmpty { return ["No accelerators."] }
        let memoryNodes = topology.devices.contains { $0.memoryNUMANode != nil }
        var header = ["Device", "Kind", "Vendor", "Model", "Memory MiB", "NUMA"]
        if memoryNodes { header.append("Memory NUMA") }
        var rows = [header + ["PCI bus id"]]
        for device in topology.devices {
            var row = [name(of: device), device.kind.rawValue, device.vendor.rawValue, device.model,
                       device.memoryMiB.map { "\($0)\(device.memorySource.marker)" } ?? "unknown",
                       device.numaNode.map(String.init) ?? "N/A"]
            if memoryNodes { row.append(device.memoryNUMANode.map(String.init) ?? "N/A") }
            rows.append(row + [device.pciBusID ?? "N/A"])
        }
        var lines = aligned(rows)
        let sources = Set(topology.devices.map(\.memorySource))
        if sources.contains(.catalog) { lines.append("* memory from gpuci's catalog of models, not reported by the driver") }
        if sources.contains(.modelName) { lines.append("~ memory read from the model name, not reported by the driver") }
        return lines
    }

    /// Host NUMA nodes by OS number; distances in the same order.
    private static func numaTable(_ topology: Topology) -> [String] {
        var rows = [["NUMA", "Memory MiB", "Distances"]]
        for node in topology.numaNodes {
            rows.append(["\(node.osIndex)", node.memoryMiB.map(String.init) ?? "unknown",
                         node.distances.map { $0.map(String.init).joined(separator: " ") } ?? "unknown"])
        }
        return aligned(rows) + ["NUMA numbers are the OS's, as numactl and nvidia-smi print them."]
    }

    /// The `nvidia-smi topo -m` matrix with its legends: device rows end with CPU and NUMA
    /// affinity, NIC rows with their NUMA node.
    public static func matrix(_ topology: Topology) -> [String] {
        let devices = topology.devices
        let nics = topology.nics
        let columns = devices.map(name(of:)) + nics.indices.map { "NIC\($0)" }
        var lines = ["\t" + columns.joined(separator: "\t") + "\tCPU Affinity\tNUMA Affinity"]
        for device in devices {
            var cells = devices.map { cell(topology.link(device.index, $0.index)) }
            cells += nics.map { nic in nic.deviceLinks.flatMap { $0.indices.contains(device.index) ? $0[device.index].label : nil } ?? "N/A" }
            lines.append(name(of: device) + "\t" + cells.joined(separator: "\t") + "\t" + (device.cpuAffinity ?? "N/A")
                         + "\t" + (device.numaNode.map(String.init) ?? "N/A"))
        }
        for (index, nic) in nics.enumerated() {
            var cells = devices.map { device in
                nic.deviceLinks.flatMap { $0.indices.contains(device.index) ? $0[device.index].label : nil } ?? "N/A"
            }
            cells += nics.indices.map { other in index == other ? " X " : nicToNIC(nic, nics[other], other) }
            lines.append("NIC\(index)\t" + cells.joined(separator: "\t") + "\t\t" + (nic.numaNode.map(String.init) ?? "N/A"))
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
        entries.append("NUMA Affinity = the OS's NUMA node number (as numactl --membind and nvidia-smi take it)")
        return entries
    }

    private static func nicToNIC(_ a: NIC, _ b: NIC, _ otherIndex: Int) -> String {
        if let links = a.nicLinks, links.indices.contains(otherIndex) { return links[otherIndex].label }
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
