import GPUCIAllocation
import GPUCISupport
import GPUCITopology

/// Line-by-line reader behind ``PoolTrace/parse(_:file:catalog:)``.
struct PoolTraceParser {
    let file: String
    var catalog: ModelCatalog

    init(file: String, catalog: ModelCatalog) {
        self.file = file
        self.catalog = catalog
    }

    private static let ops = ["acquire", "get", "launchWorkers", "markHealthy", "release", "remove", "startup"]

    mutating func parse(_ text: String) throws(InputError) -> PoolTrace {
        var gpus: [GPUInfo]?
        var nics: [NIC] = []
        var steps: [PoolTrace.Step] = []
        var seenContent = false
        for entry in JSONLines(text) {
            let line = entry.number
            let content = entry.text
            let json: JSONValue
            do {
                json = try JSONValue.parse(content)
            } catch {
                throw InputError("not valid JSON: \(error) (expected one JSON object per line)", file: file, line: line)
            }
            let object = try TraceObject(json, file: file, line: line, path: "")
            if !object.has("op") {
                guard !seenContent else {
                    throw InputError("missing field (only the first line may be a header without `op`)",
                                     file: file, line: line, key: "op")
                }
                seenContent = true
                try object.allowOnly(["gpus", "models", "nics"])
                gpus = try object.optionalArray("gpus").map { items throws(InputError) in try parseGPUs(items, line: line) }
                if let models = try object.optionalArray("models") {
                    catalog = try parseModels(models, line: line)
                }
                nics = try parseNICs(try object.optionalArray("nics") ?? [], line: line)
                continue
            }
            seenContent = true
            steps.append(PoolTrace.Step(line: line, operation: try parseOperation(object)))
        }
        return PoolTrace(file: file, gpus: gpus, nics: nics, catalog: catalog, steps: steps)
    }

    private func parseOperation(_ object: TraceObject) throws(InputError) -> PoolTrace.Operation {
        let op = try object.string("op")
        switch op {
        case "startup", "launchWorkers":
            try object.allowOnly(["op", "workers"])
            var identities: [WorkerIdentity] = []
            for (position, item) in try object.array("workers").enumerated() {
                let worker = try TraceObject(item, file: file, line: object.line, path: "workers[\(position)]")
                identities.append(try identity(worker))
            }
            return op == "startup" ? .startup(identities) : .launchWorkers(identities)
        case "get":
            try object.allowOnly(["op", "model", "mode", "type"])
            return .get(model: try model(object), mode: try mode(object), type: try type(object))
        case "acquire", "release", "remove", "markHealthy":
            try object.allowOnly(["op", "key"])
            let key = try object.string("key")
            switch op {
            case "acquire": return .acquire(key)
            case "release": return .release(key)
            case "remove": return .remove(key)
            default: return .markHealthy(key)
            }
        default:
            throw object.fail("unknown op '\(op)' (expected one of: \(Self.ops.joined(separator: ", ")))", "op")
        }
    }

    private func identity(_ object: TraceObject) throws(InputError) -> WorkerIdentity {
        try object.allowOnly(["model", "mode", "type", "index"])
        return WorkerIdentity(model: try model(object), mode: try mode(object), type: try type(object),
                              index: try object.optionalInt("index", minimum: 0) ?? 0)
    }

    private func model(_ object: TraceObject) throws(InputError) -> String {
        let id = try object.string("model")
        guard catalog[id] != nil else {
            let known = catalog.models.map(\.id).joined(separator: ", ")
            throw object.fail("unknown model '\(id)' (known: \(known))", "model")
        }
        return id
    }

    private func mode(_ object: TraceObject) throws(InputError) -> ConnectionMode {
        let word = try object.string("mode")
        guard let mode = ConnectionMode(rawValue: word) else {
            throw object.fail("bad mode '\(word)' (expected http or grpc)", "mode")
        }
        return mode
    }

    private func type(_ object: TraceObject) throws(InputError) -> WorkerType {
        guard let word = try object.optionalString("type") else { return .regular }
        guard let type = WorkerType(rawValue: word) else {
            throw object.fail("bad worker type '\(word)' (expected regular, prefill or decode)", "type")
        }
        return type
    }

    private func parseGPUs(_ items: [JSONValue], line: Int) throws(InputError) -> [GPUInfo] {
        var gpus: [GPUInfo] = []
        var ids: Set<Int> = []
        for (position, item) in items.enumerated() {
            let object = try TraceObject(item, file: file, line: line, path: "gpus[\(position)]")
            try object.allowOnly(["id", "memoryMiB", "name"])
            let id = try object.int("id", minimum: 0)
            guard ids.insert(id).inserted else { throw object.fail("duplicate GPU id \(id)", "id") }
            gpus.append(GPUInfo(id: id, name: try object.string("name"), memoryMiB: try object.int("memoryMiB", minimum: 0)))
        }
        return gpus
    }

    private func parseModels(_ items: [JSONValue], line: Int) throws(InputError) -> ModelCatalog {
        var models: [ModelSpec] = []
        for (position, item) in items.enumerated() {
            let object = try TraceObject(item, file: file, line: line, path: "models[\(position)]")
            try object.allowOnly(["id", "memoryGB", "tp", "hfPath", "features", "workerArgs", "startupSeconds"])
            let id = try object.string("id")
            guard !models.contains(where: { $0.id == id }) else { throw object.fail("duplicate model id '\(id)'", "id") }
            let memory = try object.positiveNumber("memoryGB")
            let tp = try object.optionalInt("tp", minimum: 1) ?? 1
            let startup = object.has("startupSeconds") ? try object.positiveNumber("startupSeconds")
                : ModelSpec.estimatedStartupSeconds(memoryGB: memory, tp: tp)
            models.append(ModelSpec(id: id, hfPath: try object.optionalString("hfPath") ?? "", memoryGB: memory, tp: tp,
                                    features: try object.strings("features"), workerArgs: try object.strings("workerArgs"),
                                    startupSeconds: startup))
        }
        return ModelCatalog(models)
    }

    private func parseNICs(_ items: [JSONValue], line: Int) throws(InputError) -> [NIC] {
        var nics: [NIC] = []
        for (position, item) in items.enumerated() {
            let object = try TraceObject(item, file: file, line: line, path: "nics[\(position)]")
            try object.allowOnly(["name", "rdma", "numaNode", "portActive"])
            nics.append(NIC(name: try object.string("name"), rdma: try object.bool("rdma"),
                            numaNode: try object.optionalInt("numaNode", minimum: 0),
                            portActive: try object.optionalBool("portActive")))
        }
        return nics
    }
}
