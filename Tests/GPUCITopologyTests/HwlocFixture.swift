/// Builds hwloc v2 XML documents for tests, following hwloc's authoring rules: every CPU-side
/// object carries cpuset/nodeset attributes and a unique `gp_index`, NUMA nodes carry
/// `local_memory`, and every `indexes`/`u64values` element states its exact text length.
final class HwlocFixture {
    private var nextGP = 1000

    /// A fresh `gp_index` for an I/O object.
    func gp() -> Int {
        nextGP += 1
        return nextGP
    }

    /// A whole machine: one Package (with one NUMA node, core and PU) per entry of
    /// `packages`, whose text is the I/O XML placed inside that package.
    func machine(packages: [String], extra: String = "") -> String {
        let count = packages.count
        let all = hex((1 << count) - 1)
        var xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE topology SYSTEM "hwloc2.dtd">
        <topology version="2.0">
          <object type="Machine" os_index="0" cpuset="\(all)" complete_cpuset="\(all)" allowed_cpuset="\(all)" nodeset="\(all)" complete_nodeset="\(all)" allowed_nodeset="\(all)" gp_index="1">

        """
        for (p, io) in packages.enumerated() {
            let bit = hex(1 << p)
            let base = 10 + p * 10
            xml += """
                <object type="Package" os_index="\(p)" cpuset="\(bit)" complete_cpuset="\(bit)" nodeset="\(bit)" complete_nodeset="\(bit)" gp_index="\(base)">
                  <object type="NUMANode" os_index="\(p)" cpuset="\(bit)" complete_cpuset="\(bit)" nodeset="\(bit)" complete_nodeset="\(bit)" gp_index="\(base + 1)" local_memory="1099511627776"/>
                  <object type="Core" os_index="\(p)" cpuset="\(bit)" complete_cpuset="\(bit)" nodeset="\(bit)" complete_nodeset="\(bit)" gp_index="\(base + 2)">
                    <object type="PU" os_index="\(p)" cpuset="\(bit)" complete_cpuset="\(bit)" nodeset="\(bit)" complete_nodeset="\(bit)" gp_index="\(base + 3)"/>
                  </object>
            \(io)
                </object>

            """
        }
        xml += "  </object>\n\(extra)</topology>\n"
        return xml
    }

    /// A host bridge (`bridge_type="0-1"`) holding `children`.
    func hostBridge(domain: String = "0000", buses: String, _ children: String...) -> String {
        "<object type=\"Bridge\" gp_index=\"\(gp())\" bridge_type=\"0-1\" depth=\"0\" bridge_pci=\"\(domain):[\(buses)]\">\n"
            + children.joined(separator: "\n") + "\n</object>"
    }

    /// A PCI-to-PCI bridge (a switch port) at `busid` holding `children`.
    func pciBridge(busid: String, buses: String, depth: Int, _ children: String...) -> String {
        let domain = busid.prefix(4)
        return "<object type=\"Bridge\" gp_index=\"\(gp())\" bridge_type=\"1-1\" depth=\"\(depth)\" bridge_pci=\"\(domain):[\(buses)]\" pci_busid=\"\(busid)\" pci_type=\"0604 [10b5:c010] [0000:0000] 00\" pci_link_speed=\"0.000000\">\n"
            + children.joined(separator: "\n") + "\n</object>"
    }

    /// A PCI function; `type` is hwloc's `pci_type` prefix such as `0302 [10de:2335] [10de:18be] a1`.
    func pciDevice(busid: String, type: String, gp explicit: Int? = nil, subtype: String? = nil,
                   infos: [(String, String)] = [], _ children: String...) -> String {
        let subtypeText = subtype.map { " subtype=\"\($0)\"" } ?? ""
        return "<object type=\"PCIDev\" gp_index=\"\(explicit ?? gp())\"\(subtypeText) pci_busid=\"\(busid)\" pci_type=\"\(type)\" pci_link_speed=\"0.000000\">\n"
            + infos.map { "<info name=\"\($0.0)\" value=\"\($0.1)\"/>" }.joined(separator: "\n")
            + children.joined(separator: "\n") + "\n</object>"
    }

    /// An OS device; `type` is hwloc 2.x's `osdev_type` (1 gpu, 2 network, 3 openfabrics, 5 coproc).
    func osDevice(name: String, type: Int, subtype: String? = nil, gp explicit: Int? = nil,
                  infos: [(String, String)] = []) -> String {
        let subtypeText = subtype.map { " subtype=\"\($0)\"" } ?? ""
        return "<object type=\"OSDev\" gp_index=\"\(explicit ?? gp())\" name=\"\(name)\"\(subtypeText) osdev_type=\"\(type)\">\n"
            + infos.map { "<info name=\"\($0.0)\" value=\"\($0.1)\"/>" }.joined(separator: "\n")
            + "\n</object>"
    }

    /// A heterogeneous distance matrix over `members` (`OSDev:1234`, `PCIDev:1235`).
    func distances(name: String, kind: Int, members: [String], values: [[UInt64]]) -> String {
        let indexes = members.joined(separator: " ") + " "
        var xml = "<distances2hetero nbobjs=\"\(members.count)\" kind=\"\(kind)\" name=\"\(name)\">\n"
        xml += "<indexes length=\"\(indexes.count)\">\(indexes)</indexes>\n"
        for row in values {
            let text = row.map(String.init).joined(separator: " ") + " "
            xml += "<u64values length=\"\(text.count)\">\(text)</u64values>\n"
        }
        return xml + "</distances2hetero>\n"
    }

    /// The `NUMALatency` matrix over NUMA nodes by OS index.
    func numaLatency(_ values: [[UInt64]]) -> String {
        let indexes = values.indices.map(String.init).joined(separator: " ") + " "
        var xml = "<distances2 type=\"NUMANode\" nbobjs=\"\(values.count)\" kind=\"5\" name=\"NUMALatency\" indexing=\"os\">\n"
        xml += "<indexes length=\"\(indexes.count)\">\(indexes)</indexes>\n"
        for row in values {
            let text = row.map(String.init).joined(separator: " ") + " "
            xml += "<u64values length=\"\(text.count)\">\(text)</u64values>\n"
        }
        return xml + "</distances2>\n"
    }

    private func hex(_ value: Int) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
