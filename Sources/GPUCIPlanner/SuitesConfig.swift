import GPUCISupport
import Yams

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
    /// The suites, in file order.
    public var suites: [SuiteConfig]

    /// The bundled file describing sglang's CI.
    public static let bundledPath = "Scenarios/ci/sglang-suites.yaml"

    /// Creates a configuration from suites.
    public init(suites: [SuiteConfig]) {
        self.suites = suites
    }

    /// The configuration of `key`, if listed.
    public func config(for key: SuiteKey) -> SuiteConfig? {
        suites.first { $0.key == key }
    }

    /// Reads a suites file.
    public static func read(path: String) throws(InputError) -> SuitesConfig {
        try parse(AtomicFile.readText(path), file: path)
    }

    /// Parses suites YAML; `file` names it in errors.
    ///
    /// - Throws: `InputError` with the line and key of the first problem.
    public static func parse(_ text: String, file: String) throws(InputError) -> SuitesConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        } catch {
            throw InputError("cannot read YAML: \(error)", file: file)
        }
        guard let root, let mapping = root.mapping else {
            throw InputError("expected a mapping with a `suites` list", file: file, line: root?.mark?.line)
        }
        try checkKeys(mapping, allowed: ["defaults", "suites"], file: file, path: "")
        var defaults = Fields()
        if let node = mapping["defaults"] {
            guard let defaultsMapping = node.mapping else {
                throw InputError("expected a mapping", file: file, line: node.mark?.line, key: "defaults")
            }
            try checkKeys(defaultsMapping, allowed: ["partitions", "runner", "timeoutMinutes", "perFileTimeoutSeconds"], file: file, path: "defaults")
            defaults = try Fields(defaultsMapping, file: file, path: "defaults")
        }
        guard let suitesNode = mapping["suites"] else {
            throw InputError("missing the `suites` list", file: file, line: root.mark?.line, key: "suites")
        }
        guard let sequence = suitesNode.sequence else {
            throw InputError("expected a list of suites", file: file, line: suitesNode.mark?.line, key: "suites")
        }
        var suites: [SuiteConfig] = []
        var seen: [SuiteKey: Int] = [:]
        for (index, node) in sequence.enumerated() {
            let path = "suites[\(index)]"
            let line = node.mark?.line
            guard let entry = node.mapping else { throw InputError("expected a mapping", file: file, line: line, key: path) }
            try checkKeys(entry, allowed: ["backend", "suite", "nightly", "partitions", "runner", "timeoutMinutes", "perFileTimeoutSeconds", "source"], file: file, path: path)
            let backend = try string(entry, "backend", file: file, path: path)
            guard let backend, RegistrationReader.backends.contains(backend) else {
                throw InputError("expected backend to be one of \(RegistrationReader.backends.joined(separator: ", "))", file: file, line: line, key: "\(path).backend")
            }
            guard let suite = try string(entry, "suite", file: file, path: path) else {
                throw InputError("missing suite", file: file, line: line, key: "\(path).suite")
            }
            var nightly = false
            if let node = entry["nightly"] {
                guard let flag = node.bool else {
                    throw InputError("expected true or false", file: file, line: node.mark?.line, key: "\(path).nightly")
                }
                nightly = flag
            }
            let fields = try Fields(entry, file: file, path: path)
            let key = SuiteKey(backend: backend, suite: suite, nightly: nightly)
            if let previous = seen[key] {
                throw InputError("\(key) is already configured at suites[\(previous)]", file: file, line: line, key: path)
            }
            seen[key] = index
            suites.append(SuiteConfig(
                key: key,
                partitions: fields.partitions ?? defaults.partitions ?? 1,
                runner: fields.runner ?? defaults.runner ?? "",
                timeoutMinutes: fields.timeoutMinutes ?? defaults.timeoutMinutes ?? 30,
                perFileTimeoutSeconds: fields.perFileTimeoutSeconds ?? defaults.perFileTimeoutSeconds,
                source: try string(entry, "source", file: file, path: path)))
        }
        return SuitesConfig(suites: suites)
    }

    /// The optional numeric and label fields shared by `defaults` and each suite.
    private struct Fields {
        var partitions: Int?
        var runner: String?
        var timeoutMinutes: Int?
        var perFileTimeoutSeconds: Int?

        init() {}

        init(_ mapping: Node.Mapping, file: String, path: String) throws(InputError) {
            partitions = try SuitesConfig.positiveInt(mapping, "partitions", file: file, path: path)
            runner = try SuitesConfig.string(mapping, "runner", file: file, path: path)
            timeoutMinutes = try SuitesConfig.positiveInt(mapping, "timeoutMinutes", file: file, path: path)
            perFileTimeoutSeconds = try SuitesConfig.positiveInt(mapping, "perFileTimeoutSeconds", file: file, path: path)
        }
    }

    private static func checkKeys(_ mapping: Node.Mapping, allowed: Set<String>, file: String, path: String) throws(InputError) {
        for (keyNode, _) in mapping {
            guard let name = keyNode.string, allowed.contains(name) else {
                let prefix = path.isEmpty ? "" : "\(path)."
                throw InputError("unknown key '\(keyNode.string ?? "?")' (expected one of \(allowed.sorted().joined(separator: ", ")))",
                                 file: file, line: keyNode.mark?.line, key: prefix + (keyNode.string ?? "?"))
            }
        }
    }

    private static func string(_ mapping: Node.Mapping, _ name: String, file: String, path: String) throws(InputError) -> String? {
        guard let node = mapping[name] else { return nil }
        guard let text = node.scalar?.string, !text.isEmpty else {
            throw InputError("expected a non-empty string", file: file, line: node.mark?.line, key: "\(path).\(name)")
        }
        return text
    }

    private static func positiveInt(_ mapping: Node.Mapping, _ name: String, file: String, path: String) throws(InputError) -> Int? {
        guard let node = mapping[name] else { return nil }
        guard let value = node.int, value >= 1, value <= 100_000 else {
            throw InputError("expected a whole number from 1 to 100000", file: file, line: node.mark?.line, key: "\(path).\(name)")
        }
        return value
    }

    private static func yamlError(_ error: YamlError, file: String) -> InputError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return InputError("invalid YAML: \(problem)", file: file, line: mark.line, column: mark.column)
        default:
            return InputError("invalid YAML: \(error)", file: file)
        }
    }
}
