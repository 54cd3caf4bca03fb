import Foundation
import GPUCIPool
import GPUCISupport

/// Reads scenario files (YAML, or JSON, which YAML accepts) into a ``Scenario``.
///
/// Every problem is an `InputError` naming the file, the line and the key; the catalog checks
/// (unknown model, unknown backend, two gateway modes) are in ``ScenarioValidator``.
public enum ScenarioParser {
    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(InputError) -> Scenario {
        try parse(AtomicFile.readText(path), file: path)
    }

    /// Parses scenario text; `file` labels errors.
    public static func parse(_ text: String, file: String) throws(InputError) -> Scenario {
        let root = try YAMLNode.parse(text, file: file)
        var scenario = Scenario(name: URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent,
                                topology: "", tests: [], file: file)
        var sawTopology = false, sawTests = false
        for (key, value) in try root.mapping(allowed: ["name", "topology", "models", "timing", "env", "fixtureScopes", "profile", "eviction", "tests"],
                                             what: "a scenario") {
            switch key {
            case "name": scenario.name = try value.string(allowEmpty: true, what: "scenario name")
            case "topology":
                scenario.topology = try value.string(what: "a topology reference such as a10-4 or 4x23028MiB")
                sawTopology = true
            case "models": scenario.models = try value.sequence(of: "model overrides").map(parseModel)
            case "timing": scenario.timing = try parseTiming(value)
            case "env": scenario.env = try parseEnv(value)
            case "fixtureScopes":
                for (fixture, scope) in try value.mapping(what: "fixture name → scope") {
                    let text = try scope.string(what: "a fixture scope")
                    guard let parsed = FixtureScope(rawValue: text) else {
                        throw scope.error("unknown scope '\(text)' (expected \(FixtureScope.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    scenario.fixtureScopes[fixture] = parsed
                }
            case "profile":
                let text = try value.string(what: "a profile")
                guard let parsed = SessionProfile(rawValue: text) else {
                    throw value.error("unknown profile '\(text)' (expected \(SessionProfile.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                scenario.profile = parsed
            case "eviction":
                let text = try value.string(what: "an eviction policy")
                guard let parsed = EvictionPolicy(rawValue: text) else {
                    throw value.error("unknown eviction policy '\(text)' (expected mru, lru, belady, slots or slots:N with N ≥ 1)")
                }
                scenario.eviction = parsed
            case "tests":
                scenario.tests = try parseItems(value.sequence(of: "collected test items"))
                sawTests = true
            default: break
            }
        }
        guard sawTopology else { throw InputError("missing key 'topology' (e.g. topology: a10-4)", file: file, line: root.line) }
        guard sawTests else { throw InputError("missing key 'tests' (the collected items in order)", file: file, line: root.line) }
        var seen: [String: Int] = [:]
        for item in scenario.tests {
            if let first = seen[item.id] {
                throw InputError("test '\(item.id)' is listed twice (first at line \(first))", file: file, line: item.line, key: "tests")
            }
            seen[item.id] = item.line ?? 0
        }
        return scenario
    }

    private static func parseModel(_ node: YAMLNode) throws(InputError) -> ModelOverride {
        var model = ModelOverride(id: "", line: node.line)
        for (key, value) in try node.mapping(allowed: ["id", "hfPath", "memoryGB", "tp", "features", "startupSeconds"],
                                             what: "a model override") {
            switch key {
            case "id": model.id = try value.string(what: "model id")
            case "hfPath": model.hfPath = try value.string(what: "Hugging Face path")
            case "memoryGB":
                model.memoryGB = try value.positiveDouble(what: "memory in GB")
            case "tp":
                model.tp = try value.int(range: 1..., what: "tensor-parallel size")
            case "features": model.features = try value.sequence(of: "feature tags").map { v throws(InputError) in try v.string(what: "feature") }
            case "startupSeconds": model.startupSeconds = try value.seconds(what: "startup seconds")
            default: break
            }
        }
        guard !model.id.isEmpty else { throw node.error("a model override needs an id") }
        return model
    }

    private static func parseTiming(_ node: YAMLNode) throws(InputError) -> TimingModel {
        var timing = TimingModel()
        let keys = ["workerStartup", "startupFormula", "healthCheckInterval", "launchStagger", "initialGrace",
                    "spawnSeconds", "terminateSeconds", "gatewayStartup", "testSeconds", "startupTimeout"]
        for (key, value) in try node.mapping(allowed: keys, what: "a timing model") {
            switch key {
            case "workerStartup":
                for (model, seconds) in try value.mapping(what: "model id → startup seconds") {
                    timing.workerStartup[model] = try seconds.seconds(what: "startup seconds of \(model)")
                }
            case "startupFormula":
                var formula = StartupFormula(base: 0)
                for (part, number) in try value.mapping(allowed: ["base", "perGB", "perTP"], what: "base, perGB, perTP") {
                    let seconds = try number.seconds(what: part)
                    switch part {
                    case "base": formula.base = seconds
                    case "perGB": formula.perGB = seconds
                    default: formula.perTP = seconds
                    }
                }
                timing.startupFormula = formula
            case "healthCheckInterval":
                // A floor: an interval that rounds to 0 µs would poll at one instant forever.
                timing.healthCheckInterval = try value.double(range: 0.001...3600, what: "health-check interval in seconds")
            case "launchStagger": timing.launchStagger = try value.seconds(what: "launch stagger")
            case "initialGrace": timing.initialGrace = try value.seconds(what: "initial grace")
            case "spawnSeconds": timing.spawnSeconds = try value.seconds(what: "spawn cost")
            case "terminateSeconds": timing.terminateSeconds = try value.seconds(what: "terminate cost")
            case "gatewayStartup": timing.gatewayStartup = try value.seconds(what: "gateway startup")
            case "testSeconds": timing.testSeconds = try value.seconds(what: "default test duration")
            case "startupTimeout": timing.startupTimeout = try value.seconds(what: "startup timeout")
            default: break
            }
        }
        return timing
    }

    private static func parseEnv(_ node: YAMLNode) throws(InputError) -> [String: String] {
        var env: [String: String] = [:]
        for entry in try node.sequence(of: "environment variables that are set, NAME or NAME=value") {
            let text = try entry.string(what: "NAME or NAME=value")
            let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw entry.error("expected an environment variable name, got '\(text)'")
            }
            env[name] = parts.count > 1 ? String(parts[1]) : ""
        }
        return env
    }

    /// Lists this long are read on every core: items are independent, and reading them was half
    /// of reading a 10,000-test scenario.
    static let concurrentItemThreshold = 2_000

    /// The test items of `nodes`, in order. Read concurrently when there are many; the error reported
    /// is the first item's by position, as a reading in order would report it.
    static func parseItems(_ nodes: [YAMLNode]) throws(InputError) -> [TestItem] {
        let lanes = min(ProcessInfo.processInfo.activeProcessorCount, 8)
        guard nodes.count >= concurrentItemThreshold, lanes > 1 else { return try nodes.map(parseItem) }
        var results = [Result<TestItem, InputError>?](repeating: nil, count: nodes.count)
        results.withUnsafeMutableBufferPointer { buffer in
            // The nodes are only read (a composed Yams tree is not changed by reading it) and each
            // lane writes its own slice of `results`.
            let shared = UncheckedSendable((nodes: nodes, results: buffer))
            DispatchQueue.concurrentPerform(iterations: lanes) { lane in
                let (nodes, results) = shared.value
                let chunk = (nodes.count + lanes - 1) / lanes
                for index in stride(from: lane * chunk, to: min(nodes.count, (lane + 1) * chunk), by: 1) {
                    results[index] = Result { () throws(InputError) in try parseItem(nodes[index]) }
                }
            }
        }
        var items: [TestItem] = []
        items.reserveCapacity(nodes.count)
        for result in results {
            guard let result else { preconditionFailure("every item is read") }
            items.append(try result.get())
        }
        return items
    }

    private static func parseItem(_ node: YAMLNode) throws(InputError) -> TestItem {
        var item = TestItem(id: "", line: node.line)
        for (key, value) in try node.mapping(allowed: ["id", "markers", "params", "seconds", "uses", "gateways", "skip"],
                                             what: "a test item") {
            switch key {
            case "id": item.id = try value.string(what: "pytest node id, file::Class::test[param]")
            case "markers": item.markers = try parseMarkers(value)
            case "params":
                for (name, param) in try value.mapping(what: "parameter name → value") {
                    item.params[name] = try parseParamValue(param)
                }
            case "seconds":
                item.seconds = try value.seconds(what: "test duration in seconds")
            case "uses": item.uses = try value.sequence(of: "model_pool.get calls").map(parseUse)
            case "skip": item.skip = try value.string(allowEmpty: true, what: "the reason pytest skips the item")
            case "gateways":
                let nodes = value.isSequence ? try value.sequence(of: "gateway modes") : [value]
                item.gatewayModes = try nodes.map { mode throws(InputError) in
                    let name = try mode.string(what: "gateway mode")
                    guard let parsed = GatewayMode(rawValue: name) else {
                        throw mode.error("unknown gateway mode '\(name)' (expected regular, pd, igw or cloud)")
                    }
                    return parsed
                }
            default: break
            }
        }
        guard !item.id.isEmpty else { throw node.error("a test item needs an id (file::Class::test)") }
        guard item.id.contains("::"), !item.file.isEmpty, !item.function.isEmpty else {
            throw node.error("test id '\(item.id)' is not a pytest node id (expected file.py::Class::test or file.py::test)")
        }
        return item
    }

    private static func parseUse(_ node: YAMLNode) throws(InputError) -> WorkerUse {
        var use = WorkerUse(model: "")
        for (key, value) in try node.mapping(allowed: ["model", "mode"], what: "a model_pool.get call") {
            if key == "model" { use.model = try value.string(what: "model id") }
            else {
                let mode = try value.string(what: "http or grpc")
                guard let parsed = ConnectionMode(rawValue: mode) else { throw value.error("expected mode http or grpc, got '\(mode)'") }
                use.mode = parsed
            }
        }
        guard !use.model.isEmpty else { throw node.error("a model_pool.get call needs a model") }
        return use
    }

    private static func parseParamValue(_ node: YAMLNode) throws(InputError) -> ParamValue {
        if node.isSequence {
            return .tuple(try node.sequence(of: "tuple items").map { v throws(InputError) in try v.string(allowEmpty: true, what: "tuple item") })
        }
        if node.isNull { return .scalar("None") }
        return .scalar(try node.string(allowEmpty: true, what: "parameter value"))
    }

    private static func parseMarkers(_ node: YAMLNode) throws(InputError) -> TestMarkers {
        var markers = TestMarkers()
        for (key, value) in try node.mapping(allowed: ["model", "e2e", "slow", "backend", "workers", "gateway", "parametrize"],
                                             what: "markers") {
            switch key {
            case "model": markers.model = value.isNull ? nil : try value.string(what: "model id")
            case "e2e": markers.e2e = try value.bool(what: "e2e marker")
            case "slow", "backend": break
            case "workers":
                if value.isNull { break }
                var workers = WorkersMarker()
                for (field, number) in try value.mapping(allowed: ["count", "prefill", "decode"], what: "workers(count, prefill, decode)") {
                    let count: Int? = number.isNull ? nil
                        : try number.int(range: 0...WorkersMarker.maximumCount, what: "\(field) workers; no runner holds more than \(WorkersMarker.maximumCount)")
                    switch field {
                    case "count": workers.count = count
                    case "prefill": workers.prefill = count
                    default: workers.decode = count
                    }
                }
                markers.workers = workers
            case "gateway":
                if value.isNull { break }
                var gateway = GatewayMarker()
                for (field, setting) in try value.mapping(allowed: ["policy", "timeout", "extra_args", "extraArgs"],
                                                          what: "gateway(policy, timeout, extra_args)") {
                    switch field {
                    case "policy": gateway.policy = try setting.string(what: "routing policy")
                    case "timeout":
                        if !setting.isNull {
                            gateway.timeout = try setting.double(range: 0.001...DurationLimit.maximumSeconds, what: "gateway timeout in seconds")
                        }
                    default:
                        if !setting.isNull {
                            gateway.extraArgs = try setting.sequence(of: "extra arguments").map { v throws(InputError) in try v.string(allowEmpty: true, what: "argument") }
                        }
                    }
                }
                markers.gateway = gateway
            case "parametrize":
                markers.parametrize = try value.sequence(of: "parametrize markers").map(parseParametrize)
            default: break
            }
        }
        return markers
    }

    /// The most values (tuple items counted one by one) a parametrize marker may hold.
    static let maximumParameterValues = 100_000

    private static func parseParametrize(_ node: YAMLNode) throws(InputError) -> ParametrizeMarker {
        var marker = ParametrizeMarker(argnames: "", values: [])
        var sawValues = false
        for (key, value) in try node.mapping(allowed: ["argnames", "values", "indirect"], what: "parametrize(argnames, values)") {
            switch key {
            case "argnames": marker.argnames = try value.string(what: "argument names")
            case "values":
                // YAML aliases let a few bytes name K² values: count before reading them.
                let values = try value.sequence(of: "parameter values")
                var scalars = 0
                for item in values { scalars += item.node.sequence?.count ?? 1 }
                guard scalars <= Self.maximumParameterValues else {
                    throw value.error("parametrize values hold \(scalars) items (aliases expanded), more than the \(Self.maximumParameterValues) a marker may hold")
                }
                marker.values = try values.map(parseParamValue)
                sawValues = true
            default: marker.indirect = try value.bool(what: "indirect")
            }
        }
        guard !marker.argnames.isEmpty else { throw node.error("a parametrize marker needs argnames") }
        guard sawValues else { throw node.error("a parametrize marker needs values") }
        return marker
    }
}

/// A value handed to concurrent lanes that only read it, or write disjoint parts of it.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
