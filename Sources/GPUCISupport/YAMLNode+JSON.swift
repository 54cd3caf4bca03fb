import Yams

/// The JSON path of ``YAMLNode/parse(_:file:)``: a strict JSON text (what `pytest --gpuci-scenario`
/// and `gpuci scenario generate --format json` write) read by ``JSONReader`` straight into the
/// Yams nodes Yams' own parser would make of it — the same scalar text, style and mark — at
/// about a tenth of the cost. Anything the strict reader refuses goes to Yams unchanged, so what
/// is accepted and every message stay Yams' own.
enum JSONNodes {
    /// The document's root node, or `nil` when `text` is not strict JSON this path can read exactly
    /// (Yams then reads it).
    static func parse(_ text: String) -> Node? {
        guard markLayoutMatches else { return nil }
        var text = text
        return text.withUTF8 { bytes -> Node? in
            guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
                  first == UInt8(ascii: "{") || first == UInt8(ascii: "["),
                  !hasYAMLOnlyCharacters(bytes) else { return nil }
            var reader = JSONReader(bytes, building: NodeBuilder(bytes: bytes))
            return try? reader.document()
        }
    }

    /// YAML also breaks lines at NEL, LS and PS, which JSON strings may hold raw, and libyaml drops
    /// a byte order mark wherever it is; Yams reads such a text differently, so it is left to Yams.
    static func hasYAMLOnlyCharacters(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index + 1 < bytes.count {
            switch bytes[index] {
            case 0xC2 where bytes[index + 1] == 0x85: return true
            case 0xE2 where bytes[index + 1] == 0x80 && index + 2 < bytes.count
                && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9): return true
            case 0xEF where bytes[index + 1] == 0xBB && index + 2 < bytes.count && bytes[index + 2] == 0xBF: return true
            default: index += 1
            }
        }
        return false
    }

    /// Yams' `Mark` has no public initializer; it is two `Int`s (line, column), made here from a
    /// pair of the same layout. Checked once: where the layout differs, the JSON path is off.
    static let markLayoutMatches: Bool = {
        guard MemoryLayout<Mark>.size == MemoryLayout<(Int, Int)>.size,
              MemoryLayout<Mark>.alignment == MemoryLayout<(Int, Int)>.alignment else { return false }
        let probe = unsafeBitCast((line: 7, column: 11), to: Mark.self)
        return probe.line == 7 && probe.column == 11
    }()

    /// Yams nodes with libyaml's marks: 1-based lines (a line ends at LF, CR or CR LF) and 1-based
    /// columns counted in Unicode scalars.
    struct NodeBuilder: JSONTreeBuilder {
        let bytes: UnsafeBufferPointer<UInt8>
        private var offset = 0
        private var line = 1
        private var column = 1
        /// Made once per document, as Yams' parser does (`Constructor.default` builds a new table per call).
        private let resolver = Resolver.basic
        private let constructor = Constructor.default

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func position(at target: Int) -> Mark {
            while offset < target {
                let byte = bytes[offset]
                if byte == 0x0A {
                    if offset == 0 || bytes[offset - 1] != 0x0D { line += 1 }
                    column = 1
                } else if byte == 0x0D {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
                offset += 1
            }
            return unsafeBitCast((line: line, column: column), to: Mark.self)
        }

        /// A fresh tag per node, as Yams' parser makes (a tag resolves itself in place).
        private var tag: Tag { Tag(.implicit, resolver, constructor) }

        func null(at position: Mark) -> Node { plain("null", at: position) }
        func bool(_ value: Bool, at position: Mark) -> Node { plain(value ? "true" : "false", at: position) }

        func number(_ literal: UnsafeBufferPointer<UInt8>, integer: Int?, at position: Mark) -> Node {
            plain(String(decoding: literal, as: UTF8.self), at: position)
        }

        func string(_ text: String, at position: Mark) -> Node {
            .scalar(Node.Scalar(text, tag, .doubleQuoted, position))
        }

        func array(_ items: [Node], at position: Mark) -> Node {
            .sequence(Node.Sequence(items, tag, .flow, position))
        }

        func member(_ key: String, at position: Mark, value: Node) -> (Node, Node) { (string(key, at: position), value) }
        func key(of member: (Node, Node)) -> String { member.0.scalar?.string ?? "" }
        func object(_ members: [(Node, Node)], at position: Mark) -> Node { .mapping(Node.Mapping(members, tag, .flow, position)) }

        private func plain(_ text: String, at position: Mark) -> Node {
            .scalar(Node.Scalar(text, tag, .plain, position))
        }
    }
}
