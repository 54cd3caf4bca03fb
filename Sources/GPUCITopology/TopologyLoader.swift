import Foundation
import GPUCIData
import GPUCISupport

/// Turns a topology reference into a ``Topology``.
///
/// A reference is, in this order: a path ending in `.yaml`/`.yml` (declared) or `.xml`/`.xml.gz` (an
/// hwloc capture), an inline spec (`8x80GB`, `4x24GB`, `80GB,80GB,12GB`; GB = 1024 MiB), or
/// the name of a shipped machine (`h200-8`, see ``shippedNames()``).
public enum TopologyLoader {
    /// Loads the topology `reference` names.
    ///
    /// - Throws: `InputError` naming the file and key or line when the reference cannot be read,
    ///   and listing the shipped names when it names none of them.
    public static func load(_ reference: String) throws(InputError) -> Topology {
        let lower = reference.lowercased()
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") {
            return try loadDeclared(path: reference).topology
        }
        if lower.hasSuffix(".xml") || lower.hasSuffix(".xml.gz") {
            return try HwlocTopology(xmlFile: reference).topology(name: Self.stem(reference), file: reference)
        }
        if let inline = try InlineTopology.parse(reference) { return inline }
        return try shipped(reference).topology
    }

    /// Reads and validates a declared topology file.
    public static func loadDeclared(path: String) throws(InputError) -> DeclaredTopology {
        try DeclaredTopology.parse(try AtomicFile.readText(path), file: path)
    }

    /// The names of the machines shipped in `Topologies/`, sorted.
    public static func shippedNames() throws(InputError) -> [String] {
        try BundledData.files(in: "Topologies", withExtension: "yaml").map { String($0.dropLast(".yaml".count)) }
    }

    /// A shipped machine by name, with its description and sources.
    ///
    /// - Throws: `InputError` listing the shipped names when `name` is not one of them.
    public static func shipped(_ name: String) throws(InputError) -> DeclaredTopology {
        let names = try shippedNames()
        guard names.contains(name) else {
            throw InputError("unknown topology '\(name)' (expected a shipped name: \(names.joined(separator: ", ")); a .yaml or .xml path; or an inline spec like 8x80GB)\(Suggestion.phrase(for: name, among: names))")
        }
        let relative = "Topologies/\(name).yaml"
        let path = try BundledData.url(relative).path
        let declared = try DeclaredTopology.parse(try AtomicFile.readText(path), file: relative)
        guard declared.topology.name == name else {
            throw InputError("name '\(declared.topology.name)' differs from the file name (expected '\(name)')",
                             file: relative, key: "name")
        }
        return declared
    }

    private static func stem(_ path: String) -> String {
        var url = URL(fileURLWithPath: path)
        if url.pathExtension.lowercased() == "gz" { url.deletePathExtension() }
        return url.deletingPathExtension().lastPathComponent
    }
}
