import GPUCISupport
import Yams

/// Reads `models.yaml` through Yams' node API so that every error names its line.
struct ModelCatalogParser {
    let text: String
    let file: String

    private static let modelKeys: Set<String> = [
        "id", "hf_path", "memory_gb", "tp", "features", "worker_args", "startup_seconds",
    ]
    private static let cloudKeys: Set<String> = ["id", "model", "base_url", "key_env"]

    func parse() throws(InputError) -> ModelCatalog {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw InputError("not valid YAML: \(Self.summary(error))", file: file, line: Self.line(of: error))
        } catch {
            throw InputError("not valid YAML: \(error)", file: file)
        }
        guard let root, let mapping = root.mapping else {
            throw InputError("expected a mapping with a `models:` list", file: file, line: root?.mark?.line ?? 1)
        }
        try checkKeys(mapping, allowed: ["models", "cloud"], context: "top level")
        guard let modelsNode = mapping["models"] else {
            throw InputError("missing `models:` list", file: file, line: root.mark?.line ?? 1, key: "models")
        }
        guard let modelNodes = modelsNode.sequence else {
            throw InputError("expected a list of models", file: file, line: modelsNode.mark?.line, key: "models")
        }
        var models: [ModelSpec] = []
        var seen: [String: Int] = [:]
        for (position, node) in modelNodes.enumerated() {
            let model = try parseModel(node, path: "models[\(position)]")
            if let firstLine = seen[model.id] {
                throw InputError("duplicate model id '\(model.id)' (first defined on line \(firstLine))",
                                 file: file, line: node.mark?.line, key: "models[\(position)].id")
            }
            seen[model.id] = node.mark?.line ?? 0
            models.append(model)
        }
        var clouds: [CloudModel] = []
        if let cloudNode = mapping["cloud"] {
            guard let cloudNodes = cloudNode.sequence else {
                throw InputError("expected a list of cloud backends", file: file, line: cloudNode.mark?.line, key: "cloud")
            }
            for (position, node) in cloudNodes.enumerated() {
                let cloud = try parseCloud(node, path: "cloud[\(position)]")
                if seen[cloud.id] != nil || clouds.contains(where: { $0.id == cloud.id }) {
                    throw InputError("duplicate model id '\(cloud.id)'", file: file, line: node.mark?.line,
                                     key: "cloud[\(position)].id")
                }
                clouds.append(cloud)
            }
        }
        return ModelCatalog(models, cloudModels: clouds)
    }

    private func parseModel(_ node: Node, path: String) throws(InputError) -> ModelSpec {
        guard let mapping = node.mapping else {
            throw InputError("expected a mapping with id, hf_path, memory_gb, tp", file: file, line: node.mark?.line, key: path)
        }
        try checkKeys(mapping, allowed: Self.modelKeys, context: path)
        let id = try requiredString(mapping, "id", in: node, path: path)
        let hfPath = try requiredString(mapping, "hf_path", in: node, path: path)
        let memory = try number(mapping, "memory_gb", path: path)
        guard let memory else {
            throw InputError("missing `memory_gb` (expected a positive number of GB)", file: file,
                             line: node.mark?.line, key: "\(path).memory_gb")
        }
        var tp = 1
        if let tpNode = mapping["tp"] {
            guard let value = tpNode.scalar.flatMap({ _ in tpNode.int }), value >= 1 else {
                throw InputError("expected an integer tensor-parallel size of at least 1, got '\(Self.show(tpNode))'",
                                 file: file, line: tpNode.mark?.line, key: "\(path).tp")
            }
            tp = value
        }
        let features = try strings(mapping, "features", path: path)
        let workerArgs = try strings(mapping, "worker_args", path: path)
        let startup = try number(mapping, "startup_seconds", path: path)
            ?? ModelSpec.estimatedStartupSeconds(memoryGB: memory, tp: tp)
        return ModelSpec(id: id, hfPath: hfPath, memoryGB: memory, tp: tp, features: features,
                         workerArgs: workerArgs, startupSeconds: startup)
    }

    private func parseCloud(_ node: Node, path: String) throws(InputError) -> CloudModel {
        guard let mapping = node.mapping else {
            throw InputError("expected a mapping with id, model, base_url, key_env", file: file, line: node.mark?.line, key: path)
        }
        try checkKeys(mapping, allowed: Self.cloudKeys, context: path)
        return CloudModel(id: try requiredString(mapping, "id", in: node, path: path),
                          model: try requiredString(mapping, "model", in: node, path: path),
                          baseURL: try requiredString(mapping, "base_url", in: node, path: path),
                          keyEnv: try requiredString(mapping, "key_env", in: node, path: path))
    }

    private func checkKeys(_ mapping: Node.Mapping, allowed: Set<String>, context: String) throws(InputError) {
        for (key, _) in mapping {
            guard let name = key.string, allowed.contains(name) else {
                let expected = allowed.sorted().joined(separator: ", ")
                throw InputError("unknown key '\(Self.show(key))' in \(context) (expected one of: \(expected))",
                                 file: file, line: key.mark?.line, key: context)
            }
        }
    }

    private func requiredString(_ mapping: Node.Mapping, _ key: String, in node: Node, path: String) throws(InputError) -> String {
        guard let value = mapping[key] else {
            throw InputError("missing `\(key)`", file: file, line: node.mark?.line, key: "\(path).\(key)")
        }
        guard value.scalar != nil, let text = value.string, !text.isEmpty else {
            throw InputError("expected a non-empty string", file: file, line: value.mark?.line, key: "\(path).\(key)")
        }
        return text
    }

    /// A positive finite number, or nil when the key is absent.
    private func number(_ mapping: Node.Mapping, _ key: String, path: String) throws(InputError) -> Double? {
        guard let value = mapping[key] else { return nil }
        guard value.scalar != nil, let number = value.float ?? value.int.map(Double.init), number.isFinite, number > 0 else {
            throw InputError("expected a positive number, got '\(Self.show(value))'", file: file,
                             line: value.mark?.line, key: "\(path).\(key)")
        }
        return number
    }

    private func strings(_ mapping: Node.Mapping, _ key: String, path: String) throws(InputError) -> [String] {
        guard let value = mapping[key] else { return [] }
        guard let items = value.sequence else {
            throw InputError("expected a list of strings", file: file, line: value.mark?.line, key: "\(path).\(key)")
        }
        var result: [String] = []
        for (position, item) in items.enumerated() {
            guard item.scalar != nil, let text = item.string, !text.isEmpty else {
                throw InputError("expected a non-empty string", file: file, line: item.mark?.line,
                                 key: "\(path).\(key)[\(position)]")
            }
            result.append(text)
        }
        return result
    }

    private static func show(_ node: Node) -> String {
        node.string ?? (node.sequence != nil ? "<list>" : node.mapping != nil ? "<mapping>" : "?")
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): mark.line
        case let .duplicatedKeysInMapping(_, context): context.mark.line
        default: nil
        }
    }

    private static func summary(_ error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, _, _), let .parser(_, problem, _, _), let .composer(_, problem, _, _): problem
        case let .duplicatedKeysInMapping(duplicates, _): "duplicate keys \(duplicates.joined(separator: ", "))"
        default: "\(error)"
        }
    }
}
