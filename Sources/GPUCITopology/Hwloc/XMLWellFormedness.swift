import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GPUCISupport

/// Checks that bytes are well-formed XML before hwloc parses them, so a broken file is
/// reported with its line and never reaches hwloc's own parser.
enum XMLWellFormedness {
    static func check(_ data: Data, file: String) throws(InputError) {
        guard !data.isEmpty else { throw InputError("the file is empty (expected hwloc XML)", file: file) }
        try XMLSafety.requireUTF8(data, file: file)
        try XMLSafety.requireHwlocDoctype(data, file: file)
        let parser = XMLParser(data: data)
        let delegate = RootRecorder()
        parser.delegate = delegate
        parser.shouldResolveExternalEntities = false
        // swift-corelibs' parser can return true and still record an error (e.g. a truncated file).
        if !parser.parse() || parser.parserError != nil {
            let code = parser.parserError.map { ($0 as NSError).code }
            let reason = code.flatMap(XMLSafety.describe(parserError:)) ?? "XML parser error \(code.map(String.init) ?? "unknown"); truncated file or unbalanced tags?"
            throw InputError("not well-formed XML: \(reason)",
                             file: file, line: parser.lineNumber, column: parser.columnNumber)
        }
        guard delegate.root == "topology" else {
            throw InputError("expected an hwloc <topology> document, found <\(delegate.root ?? "nothing")>", file: file, line: 1)
        }
    }

    private final class RootRecorder: NSObject, XMLParserDelegate {
        var root: String?
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            if root == nil { root = elementName }
        }
    }
}
