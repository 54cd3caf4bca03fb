import GPUCIAllocation
import GPUCIPool
import GPUCISupport

/// Seeded stress scenarios shaped like the gateway e2e suite: classes parametrized over backends,
/// worker-count and PD markers, IGW tests calling the pool directly, a few cloud tests.
public enum ScenarioGenerator {
    /// What to generate.
    public struct Options: Sendable, Hashable {
        /// Number of test items.
        public var tests: Int
        /// Number of synthetic models.
        public var models: Int
        /// Random seed; the same seed gives the same scenario.
        public var seed: UInt64
        /// Share of classes using prefill/decode workers.
        public var pdShare: Double = 0.2
        /// The topology the scenario names.
        public var topology: String = "a10-4"
        /// No test may need more GPUs than this (so collection passes on the runner).
        public var maxTestGPUs: Int = 4
        /// Largest memory (GB) of a one-GPU model; tp 2 models get up to twice this.
        public var maxMemoryGB: Double = 22
        /// Only one-GPU workers: tp 1 models, one regular worker per test, no PD.
        public var singleGPUWorkers = false

        public init(tests: Int, models: Int, seed: UInt64) {
            self.tests = tests
            self.models = models
            self.seed = seed
        }
    }

    /// The scenario for `options`.
    ///
    /// - Throws: `InputError` for counts out of range (tests 1…1,000,000, models 1…10,000, PD share 0…1).
    public static func generate(_ options: Options) throws(InputError) -> Scenario {
        guard (1...1_000_000).contains(options.tests) else { throw InputError("--tests must be between 1 and 1000000, got \(options.tests)") }
        guard (1...10_000).contains(options.models) else { throw InputError("--models must be between 1 and 10000, got \(options.models)") }
        guard (0...1).contains(options.pdShare) else { throw InputError("--pd-share must be between 0 and 1, got \(options.pdShare)") }
        guard options.maxTestGPUs >= 1 else { throw InputError("the largest test must be allowed at least 1 GPU") }
        var random = SplitMix64(seed: options.seed)
        var models: [ModelOverride] = []
        for index in 0..<options.models {
            let tp = options.singleGPUWorkers || options.maxTestGPUs < 2 || Double.random(in: 0..<1, using: &random) >= 0.15 ? 1 : 2
            let memory = (Double(tp) * Double.random(in: 2...options.maxMemoryGB, using: &random)).rounded()
            models.append(ModelOverride(id: String(format: "gen-%03d", index + 1), hfPath: "gpuci/generated-\(index + 1)",
                                        memoryGB: memory, tp: tp, features: ["chat"],
                                        startupSeconds: (20 + memory + 10 * Double(tp - 1)).rounded()))
        }
        var items: [TestItem] = []
        var file = 0
        while items.count < options.tests {
            file += 1
            let classesInFile = Int.random(in: 1...3, using: &random)
            for classIndex in 0..<classesInFile where items.count < options.tests {
                let model = models[Int.random(in: 0..<models.count, using: &random)]
                let tp = model.tp ?? 1
                let fileName = String(format: "suite_%03d/test_area_%03d.py", (file - 1) / 8 + 1, file)
                let className = "TestGroup\(classIndex + 1)"
                let methods = Int.random(in: 1...5, using: &random)
                let roll = Double.random(in: 0..<1, using: &random)
                var markers = TestMarkers(model: model.id, e2e: true)
                var backends: [String]
                var uses: [WorkerUse] = []
                var gateways: [GatewayMode] = []
                if !options.singleGPUWorkers, roll < options.pdShare, 2 * tp <= options.maxTestGPUs {
                    backends = ["pd"]
                    let budget = options.maxTestGPUs / tp
                    let prefill = Int.random(in: 1...max(1, min(2, budget - 1)), using: &random)
                    let decode = Int.random(in: 1...max(1, min(2, budget - prefill)), using: &random)
                    markers.workers = WorkersMarker(prefill: prefill, decode: decode)
                } else if roll < options.pdShare + 0.05 {
                    backends = []
                    let mode: ConnectionMode = Bool.random(using: &random) ? .http : .grpc
                    uses = [WorkerUse(model: model.id, mode: mode)]
                    gateways = [.igw]
                } else if roll < options.pdShare + 0.08 {
                    backends = ["openai"]
                } else {
                    backends = [["http"], ["grpc"], ["grpc", "http"], ["http", "grpc"]][Int.random(in: 0..<4, using: &random)]
                    let most = max(1, options.maxTestGPUs / tp)
                    if !options.singleGPUWorkers, most > 1, Double.random(in: 0..<1, using: &random) < 0.3 {
                        markers.workers = WorkersMarker(count: Int.random(in: 2...min(most, 4), using: &random))
                    }
                    if Double.random(in: 0..<1, using: &random) < 0.2 {
                        markers.gateway = GatewayMarker(policy: ["round_robin", "cache_aware", "power_of_two"][Int.random(in: 0..<3, using: &random)])
                    }
                }
                if !backends.isEmpty {
                    markers.parametrize = [ParametrizeMarker(argnames: "setup_backend", values: backends.map(ParamValue.scalar), indirect: true)]
                }
                let seconds = (0..<methods).map { _ in Double(Int.random(in: 5...120, using: &random)) }
                for backend in backends.isEmpty ? [nil] : backends.map(Optional.some) {
                    for method in 0..<methods where items.count < options.tests {
                        let suffix = backend.map { "[\($0)]" } ?? ""
                        items.append(TestItem(id: "\(fileName)::\(className)::test_case_\(method + 1)\(suffix)", markers: markers,
                                              params: backend.map { ["setup_backend": .scalar($0)] } ?? [:],
                                              seconds: seconds[method], uses: uses, gatewayModes: gateways))
                    }
                }
            }
        }
        var scenario = Scenario(name: "generated-\(options.tests)-\(options.models)-\(options.seed)", topology: options.topology,
                                models: models, tests: items)
        scenario.timing.testSeconds = 30
        return scenario
    }
}
