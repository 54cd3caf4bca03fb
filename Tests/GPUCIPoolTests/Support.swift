import GPUCISupport
import GPUCIAllocation
import GPUCIPool
import GPUCITopology

/// Seeded randomness so random inputs repeat exactly.
typealias SeededGenerator = SplitMix64

enum Fixtures {
    /// The anchor's catalog (sglang c356ed03d): eight models, qwen-30b tp 2, no qwen-14b.
    static let anchorCatalog = ModelCatalog([
        ModelSpec(id: "llama-8b", hfPath: "meta-llama/Llama-3.1-8B-Instruct", memoryGB: 16, tp: 1,
                  features: ["chat", "streaming", "function_calling"]),
        ModelSpec(id: "llama-1b", hfPath: "meta-llama/Llama-3.2-1B-Instruct", memoryGB: 4, tp: 1),
        ModelSpec(id: "qwen-7b", hfPath: "Qwen/Qwen2.5-7B-Instruct", memoryGB: 14, tp: 1),
        ModelSpec(id: "deepseek-7b", hfPath: "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", memoryGB: 14, tp: 1),
        ModelSpec(id: "qwen-30b", hfPath: "Qwen/Qwen3-30B-A3B", memoryGB: 60, tp: 2),
        ModelSpec(id: "mistral-7b", hfPath: "mistralai/Mistral-7B-Instruct-v0.3", memoryGB: 14, tp: 1),
        ModelSpec(id: "embedding", hfPath: "intfloat/e5-mistral-7b-instruct", memoryGB: 14, tp: 1, features: ["embedding"]),
        ModelSpec(id: "gpt-oss", hfPath: "openai/gpt-oss-20b", memoryGB: 40, tp: 2),
    ])

    /// `count` GPUs of `mib` MiB each, NUMA node = `numa(index)`, with the given NICs.
    static func topology(_ count: Int, mib: Int = 81920, numa: (Int) -> Int? = { _ in nil }, nics: [NIC] = []) -> Topology {
        let devices = (0..<count).map { Device(index: $0, vendor: .nvidia, model: "H100", memoryMiB: mib, numaNode: numa($0)) }
        let links = (0..<count).map { a in (0..<count).map { b in a == b ? Link.selfLink : Link.phb } }
        return Topology(name: "test-\(count)", source: .declared, devices: devices, numaNodes: [NUMANode(index: 0)],
                        nics: nics, links: links)
    }

    static func id(_ model: String, _ mode: ConnectionMode = .http, _ type: WorkerType = .regular, _ index: Int = 0) -> WorkerIdentity {
        WorkerIdentity(model: model, mode: mode, type: type, index: index)
    }
}

extension ModelPool {
    /// GPUs per key in dictionary order, for compact assertions.
    var gpusByKey: [String: [Int]] {
        Dictionary(uniqueKeysWithValues: instances.map { ($0.key, $0.gpus) })
    }
}
