import GPUCIPool

/// A whole simulated gateway e2e session: the runner, the models, the timing, the collected items.
public struct Scenario: Sendable, Hashable {
    /// A short label for reports.
    public var name: String
    /// The runner: any reference `TopologyLoader.load` accepts (`a10-4`, `4x23028MiB`, a path).
    public var topology: String
    /// Changes to the model catalog (new models or changed fields), in file order.
    public var models: [ModelOverride]
    /// How long launches, polls, gateways and tests take.
    public var timing: TimingModel
    /// Environment variables set for the session (name → value; `""` when only named).
    public var env: [String: String]
    /// Items in collection (run) order.
    public var tests: [TestItem]
    /// The scope of each fixture the items use, as the tree defines it (`setup_backend` →
    /// `class` or `function`, …); a fixture not listed has the anchor's scope.
    public var fixtureScopes: [String: FixtureScope] = [:]
    /// The reference era whose rules the session follows; `nil` lets ``resolvedProfile`` detect it.
    public var profile: SessionProfile?
    /// The tree's own pool policy, when it has one the importer knows (smg's one-slot `WorkerPool`:
    /// `slots:1`); what `simulate` uses unless `--eviction` says otherwise. `nil`: the reference's MRU.
    public var eviction: EvictionPolicy?
    /// The file the scenario came from, for error messages.
    public var file: String

    public init(name: String, topology: String, models: [ModelOverride] = [], timing: TimingModel = TimingModel(),
                env: [String: String] = [:], tests: [TestItem], file: String = "<scenario>") {
        self.name = name
        self.topology = topology
        self.models = models
        self.timing = timing
        self.env = env
        self.tests = tests
        self.file = file
    }

    /// The reference's default model for unmarked e2e tests and for the fixture.
    public static let defaultModel = "llama-8b"

    /// The scope of `setup_backend`: the tree's, else the anchor's (class).
    public var setupBackendScope: FixtureScope { fixtureScopes["setup_backend"] ?? .class }

    /// The profile: the scenario's own, else `later` when `setup_backend` is function-scoped (the
    /// change that came with the later rules), else `anchor`.
    public var resolvedProfile: SessionProfile {
        profile ?? (setupBackendScope == .function ? .later : .anchor)
    }
}

/// A scenario's change to one catalog model; absent fields keep the catalog's value.
public struct ModelOverride: Sendable, Hashable {
    /// The catalog id the override applies to (or a new model).
    public var id: String
    /// Hugging Face path.
    public var hfPath: String?
    /// GB the model needs.
    public var memoryGB: Double?
    /// Tensor-parallel size: GPUs per worker.
    public var tp: Int?
    /// Feature tags.
    public var features: [String]?
    /// Seconds from launch to healthy.
    public var startupSeconds: Double?
    /// The line in the scenario file.
    public var line: Int?

    public init(id: String, hfPath: String? = nil, memoryGB: Double? = nil, tp: Int? = nil,
                features: [String]? = nil, startupSeconds: Double? = nil, line: Int? = nil) {
        self.id = id
        self.hfPath = hfPath
        self.memoryGB = memoryGB
        self.tp = tp
        self.features = features
        self.startupSeconds = startupSeconds
        self.line = line
    }

    /// The catalog entry with this override applied (a new model when `base` is `nil`).
    public func applied(to base: ModelSpec?) -> ModelSpec {
        var spec = base ?? ModelSpec(id: id, memoryGB: nil)
        if let hfPath { spec.hfPath = hfPath }
        if let memoryGB { spec.memoryGB = memoryGB }
        if let tp { spec.tp = tp }
        if let features { spec.features = features }
        if let startupSeconds { spec.startupSeconds = startupSeconds }
        return spec
    }
}

/// A pytest fixture scope.
public enum FixtureScope: String, Sendable, Hashable, CaseIterable {
    case session, package, module, `class`, function
}

/// The rules of one era of the reference's e2e conftest.
///
/// | profile | from | GPU requirement hook | pool requirement scan |
/// |---|---|---|---|
/// | `anchor` | sglang c356ed03d (2026-01-07) | a test needing more GPUs than the runner aborts the session | every value of each item's `setup_backend` parametrize marker |
/// | `later` | smg `e2e_test` after `setup_backend` became function-scoped | such a test is skipped, the rest run | each running item's own backend; skipped items and values add nothing |
///
/// The fixture scope of `setup_backend` (class: one gateway per class and backend, items regrouped
/// by backend; function: one gateway per item, definition order) comes from the tree
/// (``Scenario/fixtureScopes``), not from the profile.
public enum SessionProfile: String, Sendable, Hashable, CaseIterable {
    case anchor, later
}
