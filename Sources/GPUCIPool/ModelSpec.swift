/// A model the pool can launch: the reference's `MODEL_SPECS` entry plus a startup-time estimate.
public struct ModelSpec: Sendable, Hashable, Codable {
    /// Short id, e.g. `llama-8b`.
    public var id: String
    /// Hugging Face path, e.g. `meta-llama/Llama-3.1-8B-Instruct`.
    public var hfPath: String
    /// Memory the model needs in GB (1 GB = 1024 MiB); `nil` sorts as 0 and is fitted as 16.
    public var memoryGB: Double?
    /// Tensor-parallel size: how many GPUs one worker takes.
    public var tp: Int
    /// Feature tags (`chat`, `embedding`, …).
    public var features: [String]
    /// Extra launch arguments appended to the server command.
    public var workerArgs: [String]
    /// Estimated seconds from launch to healthy, for the simulator.
    public var startupSeconds: Double

    /// A model; `startupSeconds` defaults to 60 here, while the catalog derives it from size and tp.
    public init(id: String, hfPath: String = "", memoryGB: Double?, tp: Int = 1, features: [String] = [],
                workerArgs: [String] = [], startupSeconds: Double = 60) {
        self.id = id
        self.hfPath = hfPath
        self.memoryGB = memoryGB
        self.tp = tp
        self.features = features
        self.workerArgs = workerArgs
        self.startupSeconds = startupSeconds
    }
}
