import ArgumentParser
import Foundation
import GPUCISupport
import GPUCITopology

/// `gpuci topology`: the shipped machines, any topology reference, and this machine.
struct TopologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology",
        abstract: "List, show and discover machine topologies (devices, NUMA nodes, NICs, links).",
        subcommands: [List.self, Show.self, Discover.self]
    )


    /// `gpuci topology list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the shipped machine topologies.")

        @Option(help: "Output format: table or json.")
        var format: ReportFormat = .table

        func run() throws {
            var entries: [ListEntry] = []
            for name in try TopologyLoader.shippedNames() {
                let declared = try TopologyLoader.shipped(name)
                entries.append(ListEntry(declared))
            }
            switch format {
            case .json:
                print(try JSONOutput.string(entries))
            case .table:
                let width = entries.map(\.name.count).max() ?? 0
                for entry in entries {
                    print(entry.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + entry.description)
                }
            }
        }
    }

    /// One shipped machine in `list --format json`.
    struct ListEntry: Encodable {
        var name: String
        var description: String
        var devices: Int
        var sources: [String]

        init(_ declared: DeclaredTopology) {
            name = declared.topology.name
            description = declared.description
            devices = declared.topology.devices.count
            sources = declared.sources
        }
    }

    /// `gpuci topology show REF`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a topology: a shipped name, a .yaml or hwloc .xml file, or an inline spec such as 8x80GB.")

        @Argument(help: "Shipped name (see `gpuci topology list`), .yaml/.yml or .xml path, or inline spec.")
        var reference: String

        @Option(help: "Output format: table or json.")
        var format: ReportFormat = .table

        @Flag(inversion: .prefixedNo, help: "Show NIC rows and columns in the table's link matrix.")
        var nics = true

        func run() throws {
            let topology = try TopologyLoader.load(reference)
            switch format {
            case .json:
                print(try topology.prettyJSON())
            case .table:
                let names = (try? TopologyLoader.shippedNames()) ?? []
                let description = names.contains(reference) ? (try? TopologyLoader.shipped(reference))?.description : nil
                print(TopologyTable.render(topology, description: description, includeNICs: nics), terminator: "")
            }
        }
    }

    /// `gpuci topology discover`.
    struct Discover: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Discover this machine with hwloc (GPUs, NPUs, NUMA nodes, NICs, links).")

        @Option(help: "Output format: table or json.")
        var format: ReportFormat = .table

        @Option(name: .customLong("export-xml"), help: "Also write hwloc's XML capture of this machine to FILE.")
        var exportXML: String?

        @Flag(inversion: .prefixedNo, help: "Show NIC rows and columns in the table's link matrix.")
        var nics = true

        func run() throws {
            let hwloc = try HwlocTopology.live()
            if let exportXML { try hwloc.exportXML(to: exportXML) }
            let topology = try hwloc.topology(name: "this-machine")
            switch format {
            case .json:
                print(try topology.prettyJSON())
            case .table:
                print(TopologyTable.render(topology, includeNICs: nics), terminator: "")
                print("")
                print(Self.libnumaReport(HostNUMA.read()))
            }
        }

        static func libnumaReport(_ host: HostNUMA?) -> String {
            guard let host else { return "libnuma: NUMA not available on this host" }
            var lines = ["libnuma: \(host.nodeCount) NUMA node\(host.nodeCount == 1 ? "" : "s")"]
            for node in 0..<host.nodeCount {
                let memory = host.memoryMiB[node].map { "\($0) MiB" } ?? "memory unknown"
                let distances = host.distances[node].map { $0.map(String.init) ?? "?" }.joined(separator: " ")
                lines.append("  node \(node): \(memory), distances \(distances)")
            }
            return lines.joined(separator: "\n")
        }
    }
}
