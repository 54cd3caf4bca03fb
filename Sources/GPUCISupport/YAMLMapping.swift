/// The entries of a YAML mapping in document order, each value located at its key path.
///
///     let map = try node.mapping(allowed: ["id", "tp"])
///     let id = try map.required("id").string()
///     let tp = try map["tp"]?.int(range: 1...) ?? 1
///     for (key, value) in map { … }
public struct YAMLMapping: Sequence {
    /// The mapping node itself; missing keys are reported at its line.
    public let owner: YAMLNode
    /// The keys and their values, in document order.
    public let entries: [(key: String, value: YAMLNode)]

    /// Creates a mapping view; ``YAMLNode/mapping(allowed:what:)`` makes them.
    public init(owner: YAMLNode, entries: [(key: String, value: YAMLNode)]) {
        self.owner = owner
        self.entries = entries
    }

    /// The value of `key`, or `nil` when the key is absent.
    public subscript(_ key: String) -> YAMLNode? {
        entries.first { $0.key == key }?.value
    }

    /// The value of `key`.
    ///
    /// - Parameter hint: shown in parentheses after `missing key '<key>'`, e.g. an example value.
    /// - Throws: `InputError` at the mapping's line and key path when the key is absent.
    public func required(_ key: String, hint: String? = nil) throws(InputError) -> YAMLNode {
        guard let value = self[key] else { throw owner.error("missing key '\(key)'\(YAMLNode.parenthesized(hint))") }
        return value
    }

    /// Iterates the entries in document order.
    public func makeIterator() -> IndexingIterator<[(key: String, value: YAMLNode)]> {
        entries.makeIterator()
    }
}
