import GPUCISupport

/// How CI runs one suite: partition count, runner label, step timeout.
public struct SuiteConfig: Sendable, Hashable, Codable {
    /// Which suite.
    public var key: SuiteKey
    /// How many parallel jobs split the suite.
    public var partitions: Int
    /// The runner label the jobs run on.
    public var runner: String
    /// The step timeout of each job, in minutes.
    public var timeoutMinutes: Int
    /// `run_suite.py --timeout-per-file`, when the workflow sets it.
    public var perFileTimeoutSeconds: Int?
    /// Where the numbers come from (a workflow file, or "assumed: …").
    public var source: String?
    /// Whether the workflow computes the partition count at run time from the step timeout
    /// (sglang's `compute_partitions.py`, YAML `partitions: computed`); `partitions` is then unused.
    public var computedPartitions = false
    /// `strategy.max-parallel`, when the workflow sets a number.
    public var maxParallel: Int?
    /// Whether the workflow passes `--timeout-from-est-time` (per-file timeouts from est_time).
    public var timeoutFromEstTime = false

    /// Creates a suite configuration.
    public init(key: SuiteKey, partitions: Int, runner: String, timeoutMinutes: Int,
                perFileTimeoutSeconds: Int? = nil, source: String? = nil) {
        self.key = key
        self.partitions = partitions
        self.runner = runner
        self.timeoutMinutes = timeoutMinutes
        self.perFileTimeoutSeconds = perFileTimeoutSeconds
        self.source = source
    }

    /// The share of the step timeout sglang's rule fills with estimated test time.
    public static let computedFill = 0.75

    /// The partition count CI would use for a suite whose files' estimates sum to
    /// `estimatedSeconds`: `partitions`, or — when computed at run time — sglang's rule
    /// `ceil(Σ est / (0.75 · timeout))` (its fallback coefficient 1 and bias 0), at least 1.
    public func partitionCount(estimatedSeconds: Double) -> Int {
        guard computedPartitions else { return partitions }
        let capacity = Self.computedFill * Double(timeoutMinutes * 60)
        let count = (estimatedSeconds / capacity).rounded(.up)
        return Int(min(max(count, 1), Double(PartitionOptions.maximumPartitions)))
    }
}

/// A suites file: the CI layout of every planned suite.
///
/// ```yaml
/// defaults: {partitions: 1, runner: 1-gpu-runner, timeoutMinutes: 30}
/// suites:
///   - {backend: cuda, suite: stage-b-test-small-1-gpu, partitions: 11, runner: 1-gpu-runner, timeoutMinutes: 30}
///   - {backend: cuda, suite: nightly-1-gpu, nightly: true, timeoutMinutes: 60}
/// ```
public struct SuitesConfig: Sendable, Hashable {
    /// The file's `defaults:` block: what a suite the file does not list gets.
    public struct Defaults: Sendable, Hashable {
        /// Parallel jobs per suite.
        public var partitions: Int?
        /// The runner label.
        public var runner: String?
        /// The step timeout, minutes.
        public var timeoutMinutes: Int?
        /// `run_suite.py --timeout-per-file`, seconds.
        public var perFileTimeoutSeconds: Int?

        /// Defaults with the given fields.
        public init(partitions: Int? = nil, runner: String? = nil, timeoutMinutes: Int? = nil, perFileTimeoutSeconds: Int? = nil) {
            self.partitions = partitions
            self.runner = runner
            self.timeoutMinutes = timeoutMinutes
            self.perFileTimeoutSeconds = perFileTimeoutSeconds
        }
    }

    /// The suites, in file order.
    public var suites: [SuiteConfig]
    /// The `defaults:` block, when the file has one.
    public var defaults: Defaults?

    /// The bundled file describing sglang's CI.
    public static let bundledPath = "Scenarios/ci/sglang-suites.yaml"

    /// Creates a configuration from suites and defaults.
    public init(suites: [SuiteConfig], defaults: Defaults? = nil) {
        self.suites = suites
        self.defaults = defaults
    }

    /// The configuration of `key`: its entry, or one made from `defaults:` (source `defaults`)
    /// when the file has that block; `nil` otherwise. An empty runner means none is known.
    public func config(for key: SuiteKey) -> SuiteConfig? {
        if let listed = suites.first(where: { $0.key == key }) { return listed }
        guard let defaults else { return nil }
        return SuiteConfig(key: key, partitions: defaults.partitions ?? 1, runner: defaults.runner ?? "",
                           timeoutMinutes: defaults.timeoutMinutes ?? 30,
                           perFileTimeoutSeconds: defaults.perFileTimeoutSeconds, source: "defaults")
    }

    /// Reads a suites file.
    public static func read(path: String) throws(InputError) -> SuitesConfig {
        try parse(AtomicFile.readText(path), file: path)
    }

    /// Parses suites YAML; `file` names it in errors.
    ///
    /// - Throws: `InputError` with the line and key of the first problem.
    public static func parse(_ text: String, file: String) throws(InputError) -> SuitesConfig {
        let root = try YAMLNode.parse(text, file: file)
        let map = try root.mapping(allowed: ["defaults", "suites"], what: "a suites file with a `suites` list")
        let defaultsBlock = try map["defaults"].map { node throws(InputError) in
            try Fields(node.mapping(allowed: ["partitions", "runner", "timeoutMinutes", "perFileTimeoutSeconds"]))
        }
        let defaults = defaultsBlock ?? Fields()
        var suites: [SuiteConfig] = []
        var seen: [SuiteKey: Int] = [:]
        for (index, node) in try map.required("suites").sequence(of: "suites").enumerated() {
            let entry = try node.mapping(allowed: ["backend", "suite", "nightly", "partitions", "runner", "timeoutMinutes",
                                                   "perFileTimeoutSeconds", "maxParallel", "timeoutFromEstTime", "source"])
            let backendNode = try entry.required("backend")
            let backend = try backendNode.string()
            guard RegistrationReader.backends.contains(backend) else {
                throw backendNode.error("expected backend to be one of \(RegistrationReader.backends.joined(separator: ", ")), found \(backendNode.found)")
            }
            let suite = try entry.required("suite").string()
            let nightly = try entry["nightly"]?.bool() ?? false
            let computed = entry["partitions"].map { $0.node.scalar?.string == "computed" } ?? false
            let fields = try Fields(entry, computedAllowed: true)
            let key = SuiteKey(backend: backend, suite: suite, nightly: nightly)
            if let previous = seen[key] {
                throw node.error("\(key) is already configured at suites[\(previous)]")
            }
            seen[key] = index
            var entryConfig = SuiteConfig(
                key: key,
                partitions: fields.partitions ?? defaults.partitions ?? 1,
                runner: fields.runner ?? defaults.runner ?? "",
                timeoutMinutes: fields.timeoutMinutes ?? defaults.timeoutMinutes ?? 30,
                perFileTimeoutSeconds: fields.perFileTimeoutSeconds ?? defaults.perFileTimeoutSeconds,
                source: try entry["source"]?.string())
            entryConfig.computedPartitions = computed
            entryConfig.maxParallel = try entry["maxParallel"]?.int(range: 1...PartitionOptions.maximumPartitions, what: "parallel jobs at once")
            entryConfig.timeoutFromEstTime = try entry["timeoutFromEstTime"]?.bool() ?? false
            suites.append(entryConfig)
        }
        return SuitesConfig(suites: suites, defaults: defaultsBlock.map { fields in
            Defaults(partitions: fields.partitions, runner: fields.runner, timeoutMinutes: fields.timeoutMinutes,
                     perFileTimeoutSeconds: fields.perFileTimeoutSeconds)
        })
    }

    /// The optional numeric and label fields shared by `defaults` and each suite.
    private struct Fields {
        var partitions: Int?
        var runner: String?
        var timeoutMinutes: Int?
        var perFileTimeoutSeconds: Int?

        init() {}

        init(_ map: YAMLMapping, computedAllowed: Bool = false) throws(InputError) {
            if let node = map["partitions"] {
                if computedAllowed, node.node.scalar?.string == "computed" {
                    partitions = nil
                } else {
                    partitions = try node.int(range: 1...PartitionOptions.maximumPartitions,
                                              what: computedAllowed ? "parallel jobs, or `computed`" : "parallel jobs")
                }
            }
            runner = try map["runner"]?.string()
            timeoutMinutes = try map["timeoutMinutes"]?.int(range: 1...100_000)
            perFileTimeoutSeconds = try map["perFileTimeoutSeconds"]?.int(range: 1...100_000)
        }
    }
}
