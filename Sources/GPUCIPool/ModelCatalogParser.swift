import GPUCISupport

/// Reads `models.yaml` through ``YAMLNode`` so that every error names its line.
struct ModelCatalogParser {
    let text: String
    let file: String

    private static let modelKeys = ["id", "hf_path", "memory_gb", "tp", "features", "worker_args", "startup_seconds"]
    private static let cloudKeys = ["id", "model", "base_url", "key_env"]

    func parse() throws(InputError) -> ModelCatalog {
        let root = try YAMLNode.parse(text, file: file)
        let map = try root.mapping(allowed: ["models", "cloud"], what: "a catalog with a `models:` list")
        guard let modelsNode = map["models"] else {
            throw InputError("missing `models:` list", file: file, line: root.line ?? 1, key: "models")
        }
        var models: [ModelSpec] = []
        var seen: [String: Int] = [:]
        for node in try modelsNode.sequence(of: "models") {
            let model = try parseModel(node)
            if let firstLine = seen[model.id] {
                throw InputError("duplicate model id '\(model.id)' (first defined on line \(firstLine))",
                                 file: file, line: node.line, key: "\(node.path).id")
            }
            seen[model.id] = node.line ?? 0
            models.append(model)
        }
        var clouds: [CloudModel] = []
        for node in try map["cloud"]?.sequence(of: "cloud backends") ?? [] {
            let cloud = try parseCloud(node)
            if seen[cloud.id] != nil || clouds.contains(where: { $0.id == cloud.id }) {
                throw InputError("duplicate model id '\(cloud.id)'", file: file, line: node.line, key: "\(node.path).id")
            }
            clouds.append(cloud)
        }
        return ModelCatalog(models, cloudModels: clouds)
    }

    private func parseModel(_ node: YAMLNode) throws(InputError) -> ModelSpec {
        let map = try node.mapping(allowed: Self.modelKeys, what: "id, hf_path, memory_gb, tp")
        let id = try requiredString(map, "id")
        let hfPath = try requiredString(map, "hf_path")
        guard let memory = try map["memory_gb"]?.positiveDouble(what: "GB") else {
            throw InputError("missing `memory_gb` (expected a positive number of GB)", file: file,
                             line: node.line, key: "\(node.path).memory_gb")
        }
        var tp = 1
        if let tpNode = map["tp"] {
            guard let value = try? tpNode.int(range: 1...) else {
                throw tpNode.error("expected an integer tensor-parallel size of at least 1, found \(tpNode.found)")
            }
            tp = value
        }
        let features = try strings(map, "features")
        let workerArgs = try strings(map, "worker_args")
        let startup = try map["startup_seconds"]?.positiveDouble(what: "seconds")
            ?? ModelSpec.estimatedStartupSeconds(memoryGB: memory, tp: tp)
        return ModelSpec(id: id, hfPath: hfPath, memoryGB: memory, tp: tp, features: features,
                         workerArgs: workerArgs, startupSeconds: startup)
    }

    private func parseCloud(_ node: YAMLNode) throws(InputError) -> CloudModel {
        let map = try node.mapping(allowed: Self.cloudKeys, what: "id, model, base_url, key_env")
        return CloudModel(id: try requiredString(map, "id"),
                          model: try requiredString(map, "model"),
                          baseURL: try requiredString(map, "base_url"),
                          keyEnv: try requiredString(map, "key_env"))
    }

    private func requiredString(_ map: YAMLMapping, _ key: String) throws(InputError) -> String {
        guard let value = map[key] else {
            throw InputError("missing `\(key)`", file: file, line: map.owner.line, key: "\(map.owner.path).\(key)")
        }
        return try value.string()
    }

    private func strings(_ map: YAMLMapping, _ key: String) throws(InputError) -> [String] {
        var result: [String] = []
        for item in try map[key]?.sequence(of: "strings") ?? [] { result.append(try item.string()) }
        return result
    }
}
