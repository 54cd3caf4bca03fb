import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Checks on XML bytes before they reach Foundation's XMLParser or libhwloc, which crash on some
/// malformed input instead of reporting it.
public enum XMLSafety {
    /// Throws at the line and column of the first byte that is not UTF-8 (Foundation's parser
    /// traps on an invalid byte in an element name). A document whose XML declaration names
    /// another encoding is left to the parser.
    public static func requireUTF8(_ data: Data, file: String) throws(InputError) {
        let head = String(decoding: data.prefix(200), as: UTF8.self).lowercased()
        if head.hasPrefix("<?xml"), let declarationEnd = head.firstIndex(of: ">"),
           let encoding = head[..<declarationEnd].range(of: "encoding=") {
            let value = head[encoding.upperBound...].dropFirst().prefix { $0 != "\"" && $0 != "'" }
            guard value == "utf-8" || value == "utf8" else { return }
        }
        // The standard library's validation is fast even in a debug build; the located scan
        // below runs only for a file that fails it.
        if String(validating: data, as: UTF8.self) != nil { return }
        var line = 1, column = 1
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = data.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1 && encoded.first == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return
            case .error:
                throw InputError("the file is not UTF-8 (an invalid byte at column \(column)); XML here must be UTF-8", file: file, line: line, column: column)
            }
        }
    }

    /// Throws for a document type declaration libhwloc cannot take: one without a system id, with
    /// an internal subset, or any entity declaration (libhwloc's libxml backend dereferences the
    /// missing system id). hwloc's own `<!DOCTYPE topology SYSTEM "hwloc2.dtd">` passes.
    public static func requireHwlocDoctype(_ data: Data, file: String) throws(InputError) {
        let text = String(decoding: data.prefix(64 * 1024), as: UTF8.self)
        if let entity = text.range(of: "<!ENTITY") {
            throw InputError("entity declarations are not hwloc XML", file: file, line: lineNumber(of: entity.lowerBound, in: text))
        }
        guard let start = text.range(of: "<!DOCTYPE") else { return }
        let line = lineNumber(of: start.lowerBound, in: text)
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: ">") else {
            throw InputError("unterminated <!DOCTYPE>", file: file, line: line)
        }
        let declaration = rest[..<end]
        let words = declaration.split(whereSeparator: \.isWhitespace)
        guard !declaration.contains("["), words.count == 3, words[0] == "topology", words[1] == "SYSTEM",
              let quote = words[2].first, quote == "\"" || quote == "'", words[2].last == quote, words[2].count > 2 else {
            throw InputError("expected hwloc's <!DOCTYPE topology SYSTEM \"hwloc2.dtd\"> or none, found <!DOCTYPE\(declaration)> (libhwloc cannot read other document types)",
                             file: file, line: line)
        }
    }

    /// The largest XML document gpuci reads: 1 GiB (a JUnit report with captured output can pass
    /// libxml2's 10 MB default by far).
    public static let maximumDocumentBytes = 1 << 30
    /// libxml2's limit on one attribute value or name without its huge-document option, which
    /// Foundation's parser does not expose.
    public static let maximumAttributeBytes = 10_000_000

    /// A parser for `data` that feeds libxml2 in chunks, so that its 10 MB limit on unparsed input
    /// applies to a chunk rather than the document; text nodes of any length reach the delegate in
    /// pieces. Throws when the document is over ``maximumDocumentBytes``.
    public static func parser(for data: Data, file: String) throws(InputError) -> XMLParser {
        guard data.count <= maximumDocumentBytes else {
            throw InputError("the XML document is \(data.count) bytes; gpuci reads at most \(maximumDocumentBytes) (1 GiB)", file: file)
        }
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldResolveExternalEntities = false
        return parser
    }

    /// The error for an attribute value or CDATA section longer than ``maximumAttributeBytes``, which libxml2
    /// either refuses or silently drops (so that a reader sees the attribute as missing); readers
    /// ask for it after every parse, before trusting the result. Only documents over 10 MB are scanned.
    public static func oversizedAttribute(in data: Data, file: String) -> InputError? {
        guard data.count > maximumAttributeBytes, let long = longestConstruct(in: data), long.bytes > maximumAttributeBytes else { return nil }
        return InputError("\(long.kind) of \(long.bytes) bytes; libxml2 reads at most \(maximumAttributeBytes) bytes in one",
                          file: file, line: long.line)
    }

    /// The one-line reason for a parser failure, by its error code.
    public static func reason(parserError code: Int?) -> String {
        code.flatMap(describe(parserError:)) ?? code.map { "XML parser error \($0)" } ?? "unreadable XML"
    }

    /// The longest quoted attribute value inside a tag or CDATA section, and the line it starts
    /// on; comments, processing instructions and declarations are skipped whole.
    static func longestConstruct(in data: Data) -> (kind: String, bytes: Int, line: Int)? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> (kind: String, bytes: Int, line: Int)? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var best: (kind: String, bytes: Int, line: Int)?
            var line = 1, index = 0
            func starts(_ text: StaticString, at offset: Int) -> Bool {
                let count = text.utf8CodeUnitCount
                guard offset + count <= bytes.count else { return false }
                return (0..<count).allSatisfy { bytes[offset + $0] == text.utf8Start[$0] }
            }
            /// Moves past `terminator`, counting lines; to the end when it is missing.
            func skip(past terminator: StaticString) {
                while index < bytes.count, !starts(terminator, at: index) {
                    if bytes[index] == UInt8(ascii: "\n") { line += 1 }
                    index += 1
                }
                index = min(index + terminator.utf8CodeUnitCount, bytes.count)
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\n") { line += 1 }
                guard byte == UInt8(ascii: "<") else { index += 1; continue }
                if starts("<!--", at: index) { skip(past: "-->"); continue }
                if starts("<![CDATA[", at: index) {
                    let start = index, startLine = line
                    skip(past: "]]>")
                    let length = index - start - 12
                    if length > (best?.bytes ?? -1) { best = ("a CDATA section", length, startLine) }
                    continue
                }
                if starts("<?", at: index) { skip(past: "?>"); continue }
                if starts("<!", at: index) { skip(past: ">"); continue }
                index += 1
                var quote: UInt8 = 0, start = 0, startLine = line
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    if quote != 0 {
                        if byte == quote {
                            let length = index - start - 1
                            if length > (best?.bytes ?? -1) { best = ("an attribute value", length, startLine) }
                            quote = 0
                        }
                    } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                        quote = byte; start = index; startLine = line
                    } else if byte == UInt8(ascii: ">") {
                        index += 1
                        break
                    }
                    index += 1
                }
                if quote != 0 {
                    let length = bytes.count - start - 1
                    if length > (best?.bytes ?? -1) { best = ("an attribute value", length, startLine) }
                }
            }
            return best
        }
    }

    /// What an XML parser error code (libxml2's numbering, which Foundation's `XMLParser.ErrorCode`
    /// shares) means, for the codes malformed real files produce; `nil` for others.
    public static func describe(parserError code: Int) -> String? {
        switch code {
        case 1: "the parser gave up (a name or attribute past libxml2's 10 MB limit?)"
        case 4: "the document is empty"
        case 5: "the document ends too early, or has content after its root element"
        case 9: "an invalid character"
        case 23: "an entity reference has no ';' (an unescaped '&'? write &amp;)"
        case 26: "an undeclared entity (only &amp; &lt; &gt; &quot; &apos; are predefined)"
        case 38: "an unescaped '<' in an attribute value"
        case 39, 40: "an attribute value must be in quotes"
        case 41: "an attribute has no value"
        case 42: "an attribute is given twice"
        case 68: "a name was expected (an unescaped '<'?)"
        case 73: "'>' was expected"
        case 76: "an end tag does not match its start tag"
        case 77: "the file ends inside a tag"
        default: nil
        }
    }

    private static func lineNumber(of index: String.Index, in text: String) -> Int {
        text[..<index].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }
}
