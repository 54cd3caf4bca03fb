import GPUCIAllocation
import GPUCISupport
import GPUCITopology

/// A recorded sequence of pool calls (JSON Lines) that `gpuci pool --trace` replays.
///
/// An optional first line is a header without `op`:
///
///     {"gpus":[{"id":0,"memoryMiB":81920,"name":"H100"}],
///      "models":[{"id":"qwen-30b","memoryGB":60,"tp":2}],
///      "nics":[{"name":"mlx5_0","rdma":true,"numaNode":0,"portActive":true}]}
///
/// `gpus` gives the GPU list (or pass a topology to ``replay(topology:placement:eviction:requireRDMA:)``),
/// `models`, when present, is the whole catalog for the run (so a trace is self-contained; `hfPath`,
/// `features`, `workerArgs`, `startupSeconds` optional), `nics` the NICs for RDMA device choice.
/// Each other non-blank line is one operation:
///
///     {"op":"startup","workers":[{"model":"llama-8b","mode":"http","type":"regular","index":0}]}
///     {"op":"get","model":"gpt-oss","mode":"http"}
///     {"op":"launchWorkers","workers":[{"model":"llama-8b","mode":"http","type":"prefill","index":0}]}
///     {"op":"acquire","key":"llama-8b:http"}   also "release", "remove", "markHealthy"
///
/// A worker's `type` defaults to `regular` and `index` to 0 (the reference's `WorkerIdentity`
/// defaults); `model` and `mode` are required. A `get` may name a `type`; the pool refuses
/// prefill/decode there (reported in the output line, not a bad trace).
public struct PoolTrace: Sendable, Hashable {
    /// One operation of the trace.
    public enum Operation: Sendable, Hashable {
        case startup([WorkerIdentity])
        case get(model: String, mode: ConnectionMode, type: WorkerType)
        case launchWorkers([WorkerIdentity])
        case acquire(String)
        case release(String)
        case remove(String)
        case markHealthy(String)

        /// Worker keys the operation needs (for Belady's next-use map).
        var keys: [String] {
            switch self {
            case let .startup(identities), let .launchWorkers(identities): identities.map(\.key)
            case let .get(model, mode, type): [WorkerIdentity(model: model, mode: mode, type: type).key]
            case let .acquire(key), let .release(key), let .remove(key), let .markHealthy(key): [key]
            }
        }
    }

    /// An operation and the 1-based line it was read from (also its virtual time).
    public struct Step: Sendable, Hashable {
        /// 1-based line in the trace file; also the operation's virtual time.
        public var line: Int
        /// What to do.
        public var operation: Operation

        /// A step read from `line`.
        public init(line: Int, operation: Operation) {
            self.line = line
            self.operation = operation
        }
    }

    /// The file name errors and output refer to.
    public var file: String
    /// GPUs from the header, if it has them.
    public var gpus: [GPUInfo]?
    /// NICs from the header.
    public var nics: [NIC]
    /// The catalog the run uses: the header's `models`, or the catalog given to ``parse(_:file:catalog:)``.
    public var catalog: ModelCatalog
    /// The operations in file order.
    public var steps: [Step]

    /// A trace built in code.
    public init(file: String, gpus: [GPUInfo]?, nics: [NIC] = [], catalog: ModelCatalog, steps: [Step]) {
        self.file = file
        self.gpus = gpus
        self.nics = nics
        self.catalog = catalog
        self.steps = steps
    }

    /// Reads a trace file; `catalog` is used unless the header has `models`.
    ///
    /// - Throws: `InputError` naming the file and line (unreadable file, bad JSON, unknown op,
    ///   missing or mistyped field, unknown key, unknown model, bad mode or type).
    public static func load(path: String, catalog: ModelCatalog) throws(InputError) -> PoolTrace {
        try parse(AtomicFile.readText(path), file: path, catalog: catalog)
    }

    /// Parses trace text; see ``load(path:catalog:)``.
    public static func parse(_ text: String, file: String, catalog: ModelCatalog) throws(InputError) -> PoolTrace {
        var parser = PoolTraceParser(file: file, catalog: catalog)
        return try parser.parse(text)
    }
}
