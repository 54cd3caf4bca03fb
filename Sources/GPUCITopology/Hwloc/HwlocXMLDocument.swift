import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GPUCISupport

/// An hwloc XML capture checked before libhwloc sees it, in the form libhwloc can load.
///
/// One pass of Foundation's XML parser:
/// - the bytes must be well-formed UTF-8 XML with a `<topology>` root (a broken file is reported
///   at its line and never reaches hwloc's parser);
/// - `<topology version=…>` gives the format: v1 (no version), v2 or v3;
/// - CPU-side objects carry the complete sets libhwloc's importer assumes;
/// - attributes hwloc would read with `strtoull` (a NUMA node's `local_memory`) must be
///   non-negative and plausible, so `"-5"` is an error at its line, not 16 EiB;
/// - a v3 capture is rewritten as v2, which the libhwloc 2.x that Debian ships reads, so
///   gpuci keeps one topology model (see ``downgrade``).
struct HwlocXMLDocument {
    /// The format's major version: 1 (no `version` attribute), 2 or 3.
    let majorVersion: Int
    /// The text to hand to libhwloc: the file itself for v1/v2, the v2 rewrite for v3.
    let text: Data

    /// The newest hwloc XML major version gpuci reads.
    static let newestVersion = 3
    /// The most memory one NUMA node may claim: 1 PiB.
    static let maximumNodeBytes: UInt64 = 1 << 50

    init(_ data: Data, file: String) throws(InputError) {
        guard !data.isEmpty else { throw InputError("the file is empty (expected hwloc XML)", file: file) }
        try XMLSafety.requireUTF8(data, file: file)
        try XMLSafety.requireHwlocDoctype(data, file: file)
        let parser = try XMLSafety.parser(for: data, file: file)
        let scanner = Scanner(file: file)
        parser.delegate = scanner
        // swift-corelibs' parser can return true and still record an error (e.g. a truncated file).
        let parsed = parser.parse() && parser.parserError == nil
        if let oversized = XMLSafety.oversizedAttribute(in: data, file: file) { throw oversized }
        if !parsed {
            if let failure = scanner.failure { throw failure }
            let reason = XMLSafety.reason(parserError: parser.parserError.map { ($0 as NSError).code })
            throw InputError("not well-formed XML: \(reason)", file: file, line: parser.lineNumber, column: parser.columnNumber)
        }
        if let failure = scanner.failure { throw failure }
        guard scanner.root == "topology" else {
            throw InputError("expected an hwloc <topology> document, found <\(scanner.root ?? "nothing")>", file: file, line: 1)
        }
        majorVersion = scanner.majorVersion
        text = majorVersion >= 3 ? Data(scanner.downgraded.utf8) : data
    }

    /// hwloc 3.0's OS device types are flags; 2.x has one number per type. A v3 device with
    /// several flags takes the 2.x type that says most (`NVML` is GPU|COPROC → COPROC, an
    /// RDMA port is NETWORK|OPENFABRICS → OPENFABRICS).
    static func v2OSDeviceType(_ flags: UInt64) -> Int {
        if flags & 0x20 != 0 { return 3 }   // OPENFABRICS
        if flags & 0x08 != 0 { return 5 }   // COPROC
        if flags & 0x04 != 0 { return 1 }   // GPU
        if flags & 0x10 != 0 { return 2 }   // NETWORK
        if flags & 0x40 != 0 { return 4 }   // DMA
        return 0                            // STORAGE, MEMORY (2.x: Block)
    }

    /// Parser delegate: records the root and version, validates, and writes the v2 rewrite of a
    /// v3 document as it goes (written only once the version says v3).
    private final class Scanner: NSObject, XMLParserDelegate {
        let file: String
        var root: String?
        var majorVersion = 1
        var failure: InputError?
        var downgraded = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE topology SYSTEM \"hwloc2.dtd\">\n"
        private var pendingText = ""
        private var openHasChildren: [Bool] = []

        init(file: String) { self.file = file }

        private func fail(_ parser: XMLParser, _ message: String, key: String? = nil) {
            guard failure == nil else { return }
            failure = InputError(message, file: file, line: parser.lineNumber, key: key)
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            if root == nil {
                root = name
                guard name == "topology" else { return }
                if let version = attributes["version"] {
                    let major = version.split(separator: ".").first.flatMap { Int($0) }
                    guard let major, major >= 1 else {
                        return fail(parser, "<topology version=\"\(version)\"> is not an hwloc XML version (expected 2.0 or 3.0, or none for v1)", key: "version")
                    }
                    guard major <= HwlocXMLDocument.newestVersion else {
                        return fail(parser, "hwloc XML version \(version) is newer than gpuci reads (v1, v2 and v3); export it with `lstopo --of xml` of hwloc 2.x or 3.x", key: "version")
                    }
                    majorVersion = major
                }
            }
            if name == "object", let failure = Self.missingCompleteSet(attributes) {
                return fail(parser, failure.message, key: failure.key)
            }
            if name == "object", attributes["type"] == "NUMANode", let value = attributes["local_memory"] {
                guard let bytes = UInt64(value), bytes <= HwlocXMLDocument.maximumNodeBytes else {
                    return fail(parser, "a NUMA node's local_memory must be a byte count from 0 to 2^50 (1 PiB), found '\(value)'", key: "local_memory")
                }
            }
            guard majorVersion >= 3 else { return }
            flushText()
            openHasChildren.append(false)
            downgraded += "<\(name)"
            for (key, value) in Self.v2Attributes(of: name, attributes) {
                downgraded += " \(key)=\"\(Self.escape(value, quote: true))\""
            }
            downgraded += ">"
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard majorVersion >= 3 else { return }
            let hadChildren = openHasChildren.popLast() ?? false
            if !hadChildren || !pendingText.allSatisfy(\.isWhitespace) {
                downgraded += Self.escape(pendingText, quote: false)
            }
            pendingText = ""
            downgraded += "</\(name)>\n"
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if majorVersion >= 3 { pendingText += string }
        }

        private func flushText() {
            if !openHasChildren.isEmpty {
                openHasChildren[openHasChildren.count - 1] = true
                if !pendingText.allSatisfy(\.isWhitespace) { downgraded += Self.escape(pendingText, quote: false) }
                downgraded += "\n"
            }
            pendingText = ""
        }

        /// libhwloc 2.9's importer dereferences NULL on an object with a cpuset but no
        /// complete_cpuset (the root; any NUMA node of a v1 file) or a nodeset but no
        /// complete_nodeset (a NUMA node). Every hwloc export, 1.x to 3.x, writes each set with its
        /// complete twin, so a CPU-side object must.
        static func missingCompleteSet(_ attributes: [String: String]) -> (message: String, key: String)? {
            let type = attributes["type"] ?? "?"
            guard !["Bridge", "PCIDev", "OSDev", "Misc"].contains(type) else { return nil }
            for (set, complete) in [("cpuset", "complete_cpuset"), ("nodeset", "complete_nodeset")]
            where attributes[set] != nil && attributes[complete] == nil {
                return ("the \(type) object has a \(set) but no \(complete) (every hwloc export writes both; libhwloc 2.x crashes without it)", complete)
            }
            return nil
        }

        /// A v3 element's attributes as libhwloc 2.x reads them, `type` first (its nolibxml
        /// importer needs an object's type before any other attribute), the rest sorted.
        static func v2Attributes(of element: String, _ attributes: [String: String]) -> [(String, String)] {
            var result = attributes
            if element == "topology" { result["version"] = "2.0" }
            if element == "object" {
                if let flags = result["osdev_type"], let value = UInt64(flags) {
                    result["osdev_type"] = String(HwlocXMLDocument.v2OSDeviceType(value))
                }
                // 3.x may identify objects by id="objN" only; 2.x reads gp_index.
                if result["gp_index"] == nil, let id = result["id"], id.hasPrefix("obj"), UInt64(id.dropFirst(3)) != nil {
                    result["gp_index"] = String(id.dropFirst(3))
                }
                result["id"] = nil
            }
            let ordered = result.keys.sorted { a, b in a == "type" ? b != "type" : b == "type" ? false : a < b }
            return ordered.map { ($0, result[$0]!) }
        }

        static func escape(_ text: String, quote: Bool) -> String {
            var out = ""
            out.reserveCapacity(text.utf8.count)
            for character in text {
                switch character {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"" where quote: out += "&quot;"
                case "\n" where quote: out += "&#10;"
                default: out.append(character)
                }
            }
            return out
        }
    }
}
