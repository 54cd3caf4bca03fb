import GPUCIPool

/// One collected pytest item: its node id, its markers as pytest reports them, its own parameters.
///
/// A value type whose fields live in one shared, copy-on-write box: the simulator passes items
/// around per event, and a copy is one reference count instead of one per field.
public struct TestItem: Sendable, Hashable {
    /// The pytest node id, `file::Class::test[param]` or `file::test[param]`.
    public var id: String {
        get { storage.fields.id }
        set {
            let box = unique()
            box.fields.id = newValue
            box.node = NodeParts(newValue)
        }
    }
    /// The markers pytest sees on the item (closest first where that matters).
    public var markers: TestMarkers {
        get { storage.fields.markers }
        set { unique().fields.markers = newValue }
    }
    /// The item's own parameter values, by argument name.
    public var params: [String: ParamValue] {
        get { storage.fields.params }
        set { unique().fields.params = newValue }
    }
    /// How long the test body runs; `nil` takes the scenario's default.
    public var seconds: Double? {
        get { storage.fields.seconds }
        set { unique().fields.seconds = newValue }
    }
    /// Workers the test body asks the pool for itself (`model_pool.get(model, mode)`), in call order.
    public var uses: [WorkerUse] {
        get { storage.fields.uses }
        set { unique().fields.uses = newValue }
    }
    /// A gateway the test body starts itself (e.g. IGW), besides any from `setup_backend`.
    public var gatewayModes: [GatewayMode] {
        get { storage.fields.gatewayModes }
        set { unique().fields.gatewayModes = newValue }
    }
    /// Why pytest skips the item (a `skip`/`skipif` mark on it, its class or module, or on its
    /// `pytest.param` value); `nil` when it runs. A skipped item sets up no fixture.
    public var skip: String? {
        get { storage.fields.skip }
        set { unique().fields.skip = newValue }
    }
    /// The line of the item in the scenario file, when it came from one.
    public var line: Int? {
        get { storage.fields.line }
        set { unique().fields.line = newValue }
    }

    private var storage: Storage

    public init(id: String, markers: TestMarkers = TestMarkers(), params: [String: ParamValue] = [:],
                seconds: Double? = nil, uses: [WorkerUse] = [], gatewayModes: [GatewayMode] = [], line: Int? = nil) {
        storage = Storage(Fields(id: id, markers: markers, params: params, seconds: seconds, uses: uses,
                                 gatewayModes: gatewayModes, skip: nil, line: line), node: NodeParts(id))
    }

    /// The box, copied first when another item shares it.
    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields, node: storage.node) }
        return storage
    }

    public static func == (a: TestItem, b: TestItem) -> Bool {
        a.storage === b.storage || a.storage.fields == b.storage.fields
    }

    public func hash(into hasher: inout Hasher) { storage.fields.hash(into: &hasher) }

    /// The fields. Mutated only through ``unique()``, so a box shared by two items never changes:
    /// that is what makes it safe to share across threads.
    private final class Storage: @unchecked Sendable {
        /// What equality and hashing compare.
        var fields: Fields
        /// The id split once, when it is set: the simulator asks for an item's class node per event.
        var node: NodeParts

        init(_ fields: Fields, node: NodeParts) {
            self.fields = fields
            self.node = node
        }
    }

    private struct Fields: Hashable {
        var id: String
        var markers: TestMarkers
        var params: [String: ParamValue]
        var seconds: Double?
        var uses: [WorkerUse]
        var gatewayModes: [GatewayMode]
        var skip: String?
        var line: Int?
    }

    private var node: NodeParts { storage.node }

    /// The module path, e.g. `router/test_mmlu.py`.
    public var file: String { node.file }
    /// The class name when the test is a method (`file::Class::test`).
    public var className: String? { node.className }
    /// The test function name without parameters.
    public var function: String { node.function }
    /// `file::Class` (or `file` for module-level functions): the node a class-scoped fixture belongs to.
    public var classNode: String { node.classNode }

    /// The `setup_backend` parameter of this item, if it has one.
    public var setupBackend: String? { params["setup_backend"]?.scalar }
}

/// The parts of a node id that the id determines.
private struct NodeParts: Sendable, Hashable {
    var file: String
    var className: String?
    var function: String
    var classNode: String

    /// Splits `id` at `::` before any `[` parameter suffix.
    init(_ id: String) {
        let utf8 = id.utf8
        let end = utf8.firstIndex(of: UInt8(ascii: "[")) ?? utf8.endIndex
        var parts: [Substring] = []
        var start = utf8.startIndex
        var index = start
        while index < end {
            let next = utf8.index(after: index)
            if utf8[index] == UInt8(ascii: ":"), next < end, utf8[next] == UInt8(ascii: ":") {
                parts.append(id[start..<index])
                index = utf8.index(after: next)
                start = index
            } else {
                index = next
            }
        }
        parts.append(id[start..<end])
        let file = String(parts[0])
        let className = parts.count >= 3 ? String(parts[1]) : nil
        self.file = file
        self.className = className
        function = String(parts[parts.count - 1])
        classNode = className.map { "\(file)::\($0)" } ?? file
    }
}

/// A `model_pool.get(model, mode)` call made by a test body.
public struct WorkerUse: Sendable, Hashable {
    /// The model asked for.
    public var model: String
    /// HTTP or gRPC (`ConnectionMode.HTTP` by default).
    public var mode: ConnectionMode

    public init(model: String, mode: ConnectionMode = .http) {
        self.model = model
        self.mode = mode
    }
}

/// The four gateway modes of the reference's `Gateway` (exactly one per gateway).
public enum GatewayMode: String, Sendable, Hashable, CaseIterable {
    /// Regular router over worker URLs.
    case regular
    /// Prefill/decode disaggregation.
    case pd
    /// Inference gateway mode: starts empty, workers added through the API.
    case igw
    /// A cloud backend (OpenAI, xAI).
    case cloud
}

/// A parameter value as pytest sees it: a scalar, or a tuple for multi-name parametrize.
public enum ParamValue: Sendable, Hashable, CustomStringConvertible {
    case scalar(String)
    case tuple([String])

    /// The scalar text, or `nil` for a tuple.
    public var scalar: String? {
        if case let .scalar(text) = self { return text }
        return nil
    }

    /// pytest's id for the value (tuples join with `-`).
    public var description: String {
        switch self {
        case let .scalar(text): text
        case let .tuple(items): items.joined(separator: "-")
        }
    }
}
