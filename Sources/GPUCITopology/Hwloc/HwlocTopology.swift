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

    /// Loads an hwloc XML capture: v1, v2 or v3 XML as any `lstopo --of xml` writes it,
    /// gzip-compressed or not.
    ///
    /// - Throws: `InputError` naming `path` when the file is missing or unreadable, is not
    ///   well-formed XML, or hwloc rejects it (with hwloc's own reason).
    public init(xmlFile path: String) throws(InputError) {
        guard FileManager.default.fileExists(atPath: path) else { throw InputError("no such file", file: path) }
        guard var data = FileManager.default.contents(atPath: path) else { throw InputError("cannot read the file", file: path) }
        if Gzip.isCompressed(data) { data = try Gzip.inflate(data, file: path) }
        try self.init(document: try HwlocXMLDocument(data, file: path), label: path)
    }

    /// Loads hwloc XML held in memory; `label` names it in errors.
    public init(xmlText: String, label: String) throws(InputError) {
        try self.init(document: try HwlocXMLDocument(Data(xmlText.utf8), file: label), label: label)
    }

    private init(document: HwlocXMLDocument, label: String) throws(InputError) {
        let text = document.text
        let handle = try Self.makeHandle(label: label) { topology in
            text.withUnsafeBytes { bytes in
                // hwloc wants the length including a terminating NUL.
                var terminated = [CChar](repeating: 0, count: bytes.count + 1)
                terminated.withUnsafeMutableBytes { $0.copyMemory(from: bytes) }
                return hwloc_topology_set_xmlbuffer(topology, terminated, Int32(clamping: terminated.count))
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
        guard hwloc_topology_set_io_types_filter(topology, HWLOC_TYPE_FILTER_KEEP_IMPORTANT) == 0 else {
            hwloc_topology_destroy(topology)
            throw InputError("hwloc refused to keep I/O devices", file: label)
        }
        // libhwloc parses an XML buffer as soon as it is set, so its diagnostics are captured
        // from there to the end of the load.
        enum Step { case configure, load }
        let (outcome, lines) = HwlocDiagnostics.capturing { () -> (failed: Step?, code: Int32) in
            errno = 0
            if let configure, configure(topology) != 0 { return (.configure, errno) }
            errno = 0
            return hwloc_topology_load(topology) != 0 ? (.load, errno) : (nil, 0)
        }
        switch outcome.failed {
        case nil: break
        case .configure?:
            hwloc_topology_destroy(topology)
            throw InputError("hwloc rejected the XML: \(HwlocDiagnostics.reason(from: lines) ?? "not an hwloc topology")", file: label)
        case .load?:
            hwloc_topology_destroy(topology)
            throw InputError("hwloc could not load the topology: \(Self.refusal(code: outcome.code, lines: lines))", file: label)
        }
        if configure != nil, hwloc_topology_is_thissystem(topology) != 0 {
            hwloc_topology_destroy(topology)
            throw InputError("hwloc ignored the XML and discovered this machine instead", file: label)
        }
        return topology
    }

    /// hwloc's reason for a refused load: its own diagnostics when it printed any, else what
    /// a loadable capture needs (its importer often sets no errno at all).
    static func refusal(code: Int32, lines: [String]) -> String {
        if let reason = HwlocDiagnostics.reason(from: lines) { return reason }
        let needs = "a Machine object with at least one PU (and, from hwloc 2.0, a NUMA node), as `lstopo --of xml` writes"
        return code == 0 ? "libhwloc gave no reason; it needs \(needs)"
            : code == EINVAL ? "libhwloc refused its content (\(String(cString: strerror(code)))); it needs \(needs)"
            : String(cString: strerror(code))
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
