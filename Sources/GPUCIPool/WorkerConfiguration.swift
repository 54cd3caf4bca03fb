/// Everything that makes one launched worker different from another, smg's worker-pool key.
///
/// smg's `WorkerPool` (smg-project/smg `e2e_test/infra/worker_pool.py`, PR #1502 and its
/// follow-ups) keys its cache on `(engine, model_id, mode, worker_type, count, gpus,
/// extra_engine_args)`. Here the engine is always sglang, `gpus` is the model's tp and the extra
/// engine arguments are every server argument that does not depend on where or when the worker
/// runs: the launch command of ``ModelPool/launchCommand(for:)`` without `CUDA_VISIBLE_DEVICES`,
/// port, bootstrap port and RDMA device. `count` is not part of it: ``ModelPool`` names workers one
/// by one (see ``SlotCachePolicy``).
public struct WorkerConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// The serving engine.
    public var engine: String
    /// Model id from the catalog.
    public var model: String
    /// How the worker is reached.
    public var mode: ConnectionMode
    /// Regular, prefill or decode.
    public var type: WorkerType
    /// Tensor-parallel size (smg's `gpus`).
    public var tp: Int
    /// The server arguments that make the worker different (model path, `--grpc-mode`,
    /// `--is-embedding`, the disaggregation mode, the model's `worker_args`).
    public var launchArguments: [String]

    /// A configuration with every field given.
    public init(engine: String = "sglang", model: String, mode: ConnectionMode, type: WorkerType, tp: Int,
                launchArguments: [String]) {
        self.engine = engine
        self.model = model
        self.mode = mode
        self.type = type
        self.tp = tp
        self.launchArguments = launchArguments
    }

    /// The configuration of `identity`'s worker when `spec` is its model.
    public init(_ identity: WorkerIdentity, spec: ModelSpec) {
        var arguments = ["--model-path", spec.hfPath.isEmpty ? spec.id : spec.hfPath, "--tp-size", String(spec.tp)]
        if identity.mode == .grpc { arguments.append("--grpc-mode") }
        if spec.features.contains("embedding") { arguments.append("--is-embedding") }
        switch identity.type {
        case .regular: break
        case .prefill: arguments += ["--disaggregation-mode", "prefill"]
        case .decode: arguments += ["--disaggregation-mode", "decode", "--base-gpu-id", "0"]
        }
        self.init(model: identity.model, mode: identity.mode, type: identity.type, tp: spec.tp,
                  launchArguments: arguments + spec.workerArgs)
    }

    /// `engine model mode type tp=N args…`.
    public var description: String {
        ([engine, model, mode.rawValue, type.rawValue, "tp=\(tp)"] + launchArguments).joined(separator: " ")
    }
}
