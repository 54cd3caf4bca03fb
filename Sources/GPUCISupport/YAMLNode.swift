import Foundation
import Yams

/// A node of a parsed YAML (or JSON) document together with where it sits: the file, the key
/// path from the root and, through Yams' marks, the line and column.
///
/// Every gpuci reader that takes YAML walks the document with this type, so every complaint
/// has the same shape: `file:line:column: key.path: expected …, found …`.
///
///     let root = try YAMLNode.parse(text, file: "m.yaml")
///     let map = try root.mapping(allowed: ["name", "devices"])
///     let name = try map.required("name").string()
///     for device in try map.required("devices").sequence(of: "devices") { … }
///
/// Not `Sendable`: it holds a Yams `Node`, which is not. Read it where it was parsed and keep
/// only the values it yields.
public struct YAMLNode {
    /// The Yams node.
    public let node: Node
    /// The file the document came from, as the user gave it, or a label such as `<stdin>`.
    public let file: String
    /// The key path from the document root, such as `devices[0].memoryMiB`; empty for the root.
    /// Built only when asked for (an error or a message): reading a large file makes millions of nodes.
    public var path: String { keyPath.text }
    /// The parent's path and this node's step from it: a child shares its parent's path (one box
    /// per container read, not one per node).
    private let parentPath: KeyPath
    private let step: Step

    /// Creates a located node; ``parse(_:file:)`` and the accessors make them.
    public init(node: Node, file: String, path: String) {
        self.init(node: node, file: file, parent: path.isEmpty ? .root : .text(path), step: .none)
    }

    private init(node: Node, file: String, parent: KeyPath, step: Step) {
        self.node = node
        self.file = file
        self.parentPath = parent
        self.step = step
    }

    private init(node: Node, file: String, keyPath: KeyPath) {
        self.init(node: node, file: file, parent: keyPath, step: .none)
    }

    /// How a node hangs from its parent.
    private enum Step {
        case none
        case key(String)
        case index(Int)
    }

    private var keyPath: KeyPath {
        switch step {
        case .none: parentPath
        case let .key(key): .key(parentPath, key)
        case let .index(offset): .index(parentPath, offset)
        }
    }

    /// A node's place under the root, kept as links to its parent's.
    private indirect enum KeyPath {
        case root
        case text(String)
        case key(KeyPath, String)
        case index(KeyPath, Int)

        var text: String {
            switch self {
            case .root: return ""
            case let .text(text): return text
            case let .key(parent, key):
                let prefix = parent.text
                return prefix.isEmpty ? key : "\(prefix).\(key)"
            case let .index(parent, offset): return "\(parent.text)[\(offset)]"
            }
        }
    }

    /// Parses `text` with Yams' node API (aliases resolved, one document only). Scalars are not
    /// tag-resolved (Yams' basic resolver): every reader types its scalars itself, and the default
    /// resolver's regular expressions per scalar were most of the time spent reading a large file.
    ///
    /// A strict JSON text is read by a JSON reader into the nodes Yams would make of it (see
    /// `JSONNodes`): for a 10,000-test scenario 0.2 s less.
    ///
    /// - Throws: `InputError` for an empty document (line 1) and for every Yams error, at the
    ///   line and column Yams reports, prefixed `not valid YAML:`.
    public static func parse(_ text: String, file: String) throws(InputError) -> YAMLNode {
        if let root = JSONNodes.parse(text) { return YAMLNode(node: root, file: file, path: "") }
        return try parseWithYams(text, file: file)
    }

    /// ``parse(_:file:)`` through Yams alone (the JSON path's twin).
    static func parseWithYams(_ text: String, file: String) throws(InputError) -> YAMLNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw YAMLSyntaxError.inputError(error, text: text, file: file)
        } catch {
            throw InputError("not valid YAML: \(error)", file: file, line: 1)
        }
        guard let root else { throw InputError("the document is empty (no YAML content)", file: file, line: 1) }
        return YAMLNode(node: root, file: file, path: "")
    }

    /// The 1-based line of the node.
    public var line: Int? { node.mark?.line }

    /// The 1-based column of the node (counted in Unicode scalars).
    public var column: Int? { node.mark?.column }

    /// Where the node is: file, line, column and key path (none for the root).
    public var location: SourceLocation {
        SourceLocation(file: file, line: line, column: column, key: path.isEmpty ? nil : path)
    }

    /// An error located at this node.
    public func error(_ message: String) -> InputError {
        InputError(message, at: location)
    }

    /// Whether the node is a plain null: empty, `~`, `null`, `Null` or `NULL`, unquoted.
    public var isNull: Bool {
        guard let scalar = node.scalar else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// Whether the node is a list.
    public var isSequence: Bool { node.sequence != nil }

    /// Whether the node is a mapping.
    public var isMapping: Bool { node.mapping != nil }

    /// The node as it appears in messages: `'text'` (shortened, on one line), `nothing`,
    /// `a list` or `a mapping`.
    public var found: String {
        if isNull { return "nothing" }
        if let scalar = node.scalar {
            var text = scalar.string.replacingOccurrences(of: "\n", with: "\\n")
            if text.count > 60 { text = String(text.prefix(57)) + "..." }
            return "'\(text)'"
        }
        if isSequence { return "a list" }
        if isMapping { return "a mapping" }
        return "an alias"
    }

    /// The node as a mapping whose entries keep document order.
    ///
    /// - Parameters:
    ///   - allowed: the keys the mapping may hold, in the order messages list them; `nil` allows any.
    ///   - what: what the mapping stands for, shown in the message when it is not a mapping.
    /// - Throws: `InputError` when the node is not a mapping, and for a key that is not plain
    ///   text, is not allowed, or is given twice — each at that key's own line.
    public func mapping(allowed: [String]? = nil, what: String? = nil) throws(InputError) -> YAMLMapping {
        guard let mapping = node.mapping else {
            throw error("expected a mapping\(Self.parenthesized(what)), found \(found)")
        }
        var entries: [(key: String, value: YAMLNode)] = []
        entries.reserveCapacity(mapping.count)
        let base = keyPath
        // Small mappings (nearly all) find a repeat by scanning; large ones by a table.
        var seen: [String: Int]? = mapping.count > 16 ? [:] : nil
        // By index: iterating a Yams mapping copies all its pairs first.
        for index in mapping.indices {
            let (keyNode, valueNode) = mapping[index]
            guard let key = keyNode.scalar?.string else {
                let keyAt = YAMLNode(node: keyNode, file: file, keyPath: keyPath)
                throw keyAt.error("expected a plain key, found \(keyAt.found)")
            }
            let child = YAMLNode(node: valueNode, file: file, parent: base, step: .key(key))
            if let allowed, !allowed.contains(key) {
                throw YAMLNode(node: keyNode, file: file, keyPath: child.keyPath)
                    .error("unknown key '\(key)' (expected one of: \(allowed.joined(separator: ", ")))")
            }
            let earlier = seen != nil ? seen?[key] : entries.firstIndex { $0.key == key }
            if let earlier {
                let firstLine = mapping[mapping.index(mapping.startIndex, offsetBy: earlier)].key.mark?.line ?? 0
                throw YAMLNode(node: keyNode, file: file, keyPath: child.keyPath)
                    .error("duplicate key '\(key)' (first given on line \(firstLine))")
            }
            seen?[key] = entries.count
            entries.append((key, child))
        }
        return YAMLMapping(owner: self, entries: entries)
    }

    /// The node as a list; item `i` has the key path `path[i]`.
    ///
    /// - Parameter what: what the items are, shown as `expected a list of <what>`.
    public func sequence(of what: String? = nil) throws(InputError) -> [YAMLNode] {
        guard let sequence = node.sequence else {
            throw error("expected a list\(what.map { " of \($0)" } ?? ""), found \(found)")
        }
        let base = keyPath
        return sequence.enumerated().map { offset, item in
            YAMLNode(node: item, file: file, parent: base, step: .index(offset))
        }
    }

    /// A value given once for a whole group, or as a list of exactly `count` values.
    public func perItem<T>(count: Int, _ read: (YAMLNode) throws(InputError) -> T) throws(InputError) -> [T] {
        guard isSequence else { return Array(repeating: try read(self), count: count) }
        let items = try sequence()
        guard items.count == count else {
            throw error("expected one value for the whole group or a list of \(count), found \(items.count)")
        }
        var values: [T] = []
        for item in items { values.append(try read(item)) }
        return values
    }

    /// ` (what)`, or nothing.
    static func parenthesized(_ what: String?) -> String {
        what.map { " (\($0))" } ?? ""
    }
}
