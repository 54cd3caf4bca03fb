import CHwloc
import Foundation
import GPUCISupport
#if canImport(Glibc)
import Glibc
#endif

/// Owns one loaded `hwloc_topology_t`: an hwloc XML capture or the live machine.
///
/// Non-copyable so the handle is destroyed exactly once. Every load keeps the important PCI
/// and OS devices (hwloc's default filters drop them all), and an XML load that hwloc quietly
/// replaced by the host machine is an error, never a silent fallback.
public struct HwlocTopology: ~Copyable {
    let handle: OpaquePointer
    /// Where the topology came from: `.hwlocXML` or `.hwlocLive`.
    public let source: TopologySource

    private init(handle: OpaquePointer, source: TopologySource) {
        self.handle = handle
        self.source = source
    }

    deinit { hwloc_topology_destroy(handle) }

    /// Loads an hwloc XML file (v1 or v2, as `lstopo --of xml` writes).
    ///
    /// - Throws: `InputError` naming `path` when the file is missing, is not well-formed XML,
    ///   or hwloc rejects it.
    public init(xmlFile path: String) throws(InputError) {
        guard FileManager.default.fileExists(atPath: path) else { throw InputError("no such file", file: path) }
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError("cannot read the file", file: path) }
        try XMLWellFormedness.check(data, file: path)
        let handle = try Self.makeHandle(label: path) { topology in
            path.withCString { hwloc_topology_set_xml(topology, $0) }
        }
        self.init(handle: handle, source: .hwlocXML)
    }

    /// Loads hwloc XML held in memory; `label` names it in errors.
    public init(xmlText: String, label: String) throws(InputError) {
        try XMLWellFormedness.check(Data(xmlText.utf8), file: label)
        let handle = try Self.makeHandle(label: label) { topology in
            xmlText.withCString { pointer in
                hwloc_topology_set_xmlbuffer(topology, pointer, Int32(clamping: strlen(pointer) + 1))
            }
        }
        self.init(handle: handle, source: .hwlocXML)
    }

    /// Discovers the machine this process runs on.
    ///
    /// - Throws: `InputError` when hwloc fails, or loads something other than this machine
    ///   (`HWLOC_XMLFILE` or `HWLOC_SYNTHETIC` set in the environment).
    public static func live() throws(InputError) -> HwlocTopology {
        let handle = try makeHandle(label: "hwloc live discovery", configure: nil)
        guard hwloc_topology_is_thissystem(handle) != 0 else {
            hwloc_topology_destroy(handle)
            throw InputError("hwloc did not discover this machine (is HWLOC_XMLFILE or HWLOC_SYNTHETIC set?)",
                             file: "hwloc live discovery")
        }
        return HwlocTopology(handle: handle, source: .hwlocLive)
    }

    /// `configure` selects the XML source; `nil` means the live machine.
    private static func makeHandle(label: String,
                                   configure: ((OpaquePointer) -> Int32)?) throws(InputError) -> OpaquePointer {
        var created: hwloc_topology_t?
        guard hwloc_topology_init(&created) == 0, let topology = created else {
            throw InputError("hwloc could not create a topology", file: label)
        }
        if let configure, configure(topology) != 0 {
            hwloc_topology_destroy(topology)
            throw InputError("hwloc rejected the XML (not an hwloc topology?)", file: label)
        }
        guard hwloc_topology_set_io_types_filter(topology, HWLOC_TYPE_FILTER_KEEP_IMPORTANT) == 0 else {
            hwloc_topology_destroy(topology)
            throw InputError("hwloc refused to keep I/O devices", file: label)
        }
        errno = 0
        if hwloc_topology_load(topology) != 0 {
            let code = errno
            hwloc_topology_destroy(topology)
            // libhwloc's XML importer sets no errno for a structure it refuses (and EINVAL for
            // most others): say what a loadable capture needs instead of "Success".
            let needs = "a Machine object with at least one PU (and, from hwloc 2.0, a NUMA node), as `lstopo --of xml` writes"
            let reason = code == 0 ? "libhwloc gave no reason; it needs \(needs)"
                : code == EINVAL ? "libhwloc refused its content (\(String(cString: strerror(code)))); it needs \(needs)"
                : String(cString: strerror(code))
            throw InputError("hwloc could not load the topology: \(reason)", file: label)
        }
        if configure != nil, hwloc_topology_is_thissystem(topology) != 0 {
            hwloc_topology_destroy(topology)
            throw InputError("hwloc ignored the XML and discovered this machine instead", file: label)
        }
        return topology
    }

    /// Whether hwloc believes the topology describes the machine this process runs on.
    public var isThisSystem: Bool { hwloc_topology_is_thissystem(handle) != 0 }

    /// How many objects of `kind` the topology holds.
    public func count(_ kind: HwlocObjectKind) -> Int {
        let count = hwloc_get_nbobjs_by_type(handle, kind.raw)
        return count < 0 ? 0 : Int(count)
    }

    /// The topology as hwloc v2 XML.
    public func exportXML() throws(InputError) -> String {
        var buffer: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        guard hwloc_topology_export_xmlbuffer(handle, &buffer, &length, 0) == 0, let buffer else {
            throw InputError("hwloc could not export the topology as XML")
        }
        defer { hwloc_free_xmlbuffer(handle, buffer) }
        return String(cString: buffer)
    }

    /// Writes the topology as hwloc v2 XML to `path` (atomically).
    public func exportXML(to path: String) throws(InputError) {
        try AtomicFile.write(try exportXML(), to: path)
    }

    /// Converts to gpuci's model; see ``HwlocReader`` for the rules.
    ///
    /// - Throws: `InputError` naming `file` when it holds more than 4,096 accelerators.
    public func topology(name: String, file: String? = nil) throws(InputError) -> Topology {
        try HwlocReader(topology: handle).read(name: name, source: source, file: file ?? name)
    }

    // MARK: Internal wrappers over the C calls the reader needs.

    static func objects(_ topology: OpaquePointer, _ kind: HwlocObjectKind) -> [HwlocObject] {
        let count = hwloc_get_nbobjs_by_type(topology, kind.raw)
        guard count > 0 else { return [] }
        return (0..<UInt32(count)).compactMap { index in
            hwloc_get_obj_by_type(topology, kind.raw, index).map(HwlocObject.init)
        }
    }

    static func pciDevices(_ topology: OpaquePointer) -> [HwlocObject] {
        var objects: [HwlocObject] = []
        var next = hwloc_get_next_pcidev(topology, nil)
        while let raw = next {
            objects.append(HwlocObject(raw: raw))
            next = hwloc_get_next_pcidev(topology, raw)
        }
        return objects
    }

    static func osDevices(_ topology: OpaquePointer) -> [HwlocObject] {
        var objects: [HwlocObject] = []
        var next = hwloc_get_next_osdev(topology, nil)
        while let raw = next {
            objects.append(HwlocObject(raw: raw))
            next = hwloc_get_next_osdev(topology, raw)
        }
        return objects
    }

    static func nonIOAncestor(_ topology: OpaquePointer, _ object: HwlocObject) -> HwlocObject? {
        hwloc_get_non_io_ancestor_obj(topology, object.raw).map(HwlocObject.init)
    }
}
