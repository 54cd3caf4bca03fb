import GPUCIPool

/// The reference's model table at the anchor (notes §3), for tests that must not depend on the bundled catalog.
enum ReferenceModels {
    static let anchor: [ModelSpec] = [
        ModelSpec(id: "llama-8b", memoryGB: 16, tp: 1, startupSeconds: 60),
        ModelSpec(id: "llama-1b", memoryGB: 4, tp: 1, startupSeconds: 30),
        ModelSpec(id: "qwen-7b", memoryGB: 14, tp: 1, startupSeconds: 60),
        ModelSpec(id: "deepseek-7b", memoryGB: 14, tp: 1, startupSeconds: 60),
        ModelSpec(id: "qwen-30b", memoryGB: 60, tp: 2, startupSeconds: 120),
        ModelSpec(id: "mistral-7b", memoryGB: 14, tp: 1, startupSeconds: 60),
        ModelSpec(id: "embedding", memoryGB: 14, tp: 1, features: ["embedding"], startupSeconds: 50),
        ModelSpec(id: "gpt-oss", memoryGB: 40, tp: 2, startupSeconds: 120),
    ]

    static let byID: [String: ModelSpec] = Dictionary(uniqueKeysWithValues: anchor.map { ($0.id, $0) })

    static func tp(_ model: String) -> Int? { byID[model]?.tp }

    static let catalog = ModelCatalog(anchor, cloudModels: [
        CloudModel(id: "openai", model: "gpt-5-nano", baseURL: "https://api.openai.com", keyEnv: "OPENAI_API_KEY"),
        CloudModel(id: "xai", model: "grok-4-fast", baseURL: "https://api.x.ai", keyEnv: "XAI_API_KEY"),
    ])
}
