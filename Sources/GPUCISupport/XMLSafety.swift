import Foundation

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

    /// What an XML parser error code (libxml2's numbering, which Foundation's `XMLParser.ErrorCode`
    /// shares) means, for the codes malformed real files produce; `nil` for others.
    public static func describe(parserError code: Int) -> String? {
        switch code {
        case 1: "the parser gave up (a document or text node past libxml2's 10 MB limit?)"
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
