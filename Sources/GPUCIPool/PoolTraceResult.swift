import GPUCISupport

/// The output line of one trace operation:
/// `{"error":null|"message","evicted":["key",…],"instances":[{"gpus":[…],"key":"…"}]}`.
public struct PoolTraceResult: Sendable, Hashable, Encodable {
    /// A worker the operation launched (or, for `get`, returned).
    public struct Instance: Sendable, Hashable, Encodable {
        /// The worker key.
        public var key: String
        /// Its GPU ids in slot order.
        public var gpus: [Int]

        /// A launched worker and its GPUs.
        public init(key: String, gpus: [Int]) {
            self.key = key
            self.gpus = gpus
        }
    }

    /// Launched instances in launch order; for `get`, the instance returned.
    public var instances: [Instance]
    /// Keys evicted, in eviction order (also when the operation then failed).
    public var evicted: [String]
    /// The pool's refusal, or nil.
    public var error: String?

    /// A result; an operation that did nothing has empty lists and no error.
    public init(instances: [Instance] = [], evicted: [String] = [], error: String? = nil) {
        self.instances = instances
        self.evicted = evicted
        self.error = error
    }

    private enum CodingKeys: String, CodingKey { case instances, evicted, error }

    /// Encodes all three keys, `error` as JSON `null` when there is none.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(instances, forKey: .instances)
        try container.encode(evicted, forKey: .evicted)
        try container.encode(error, forKey: .error)
    }

    /// One compact JSON line with sorted keys.
    public var jsonLine: String {
        (try? JSONOutput.string(self, pretty: false)) ?? #"{"error":"unencodable result","evicted":[],"instances":[]}"#
    }
}
