import GPUCISupport

/// Reads the JSON Lines form of an ``AllocationTrace``.
///
/// Every problem is an `InputError` naming the file, the 1-based line and the field:
/// bad JSON, an unknown op or field, a missing field, a negative or non-finite memory, a tp
/// that is not an integer ≥ 1, a GPU id listed twice or unknown to the GPU list.
/// Lines holding only white space (space, tab, carriage return) are skipped.
public enum AllocationTraceParser {
    /// Fields an allocate spec may carry.
    static let specFields = ["key", "memoryGB", "tp"]
    /// Largest memory a GPU entry may declare (the allocator's lane range).
    static let maxMemoryMiB = Int(Int32.max)

    /// Parses `text`. The header's `gpus` is the list; without a header (or with `{}`),
    /// `defaultGPUs` (from a topology) is.
    ///
    /// - Throws: `InputError` at the first bad line, or when no GPU list is given at all.
    public static func parse(_ text: String, file: String, defaultGPUs: [GPUInfo]? = nil) throws(InputError) -> AllocationTrace {
        var header: [GPUInfo]?
        var steps: [TraceStep] = []
        var first = true
        for line in JSONLines(text) {
            var reader = FieldReader(file: file, line: line.number)
            let object = try reader.object(line.text)
            if first {
                first = false
                if object["op"] == nil {
                    header = try parseHeader(object, reader: &reader)
                    continue
                }
            }
            steps.append(TraceStep(line: line.number, operation: try parseOperation(object, reader: &reader)))
        }
        guard let gpus = header ?? defaultGPUs else {
            throw InputError("no GPU list: start the trace with {\"gpus\":[{\"id\":0,\"memoryMiB\":81920,\"name\":\"H100\"}]} or pass a topology",
                             file: file, line: 1)
        }
        let known = Set(gpus.map(\.id))
        for step in steps {
            guard case .releaseGPUs(let ids) = step.operation else { continue }
            if let (k, id) = ids.enumerated().first(where: { !known.contains($0.element) }) {
                throw InputError("GPU \(id) is not in the GPU list", file: file, line: step.line, key: "gpus[\(k)]")
            }
        }
        return AllocationTrace(gpus: gpus, steps: steps)
    }

    private static func parseHeader(_ object: JSONObject, reader: inout FieldReader) throws(InputError) -> [GPUInfo]? {
        try reader.rejectUnknown(object, allowed: ["gpus"], expected: "a header {\"gpus\":[…]} or an op")
        guard let list = object["gpus"] else { return nil }
        let entries = try reader.array(list, key: "gpus")
        var gpus: [GPUInfo] = []
        var seen: Set<Int> = []
        for (k, entry) in entries.enumerated() {
            let key = "gpus[\(k)]"
            let fields = try reader.object(entry, key: key)
            try reader.rejectUnknown(fields, allowed: ["id", "memoryMiB", "name"], prefix: key, expected: "id, memoryMiB, name")
            let id = try reader.integer(try reader.required(fields, "id", prefix: key), key: "\(key).id", minimum: 0)
            guard seen.insert(id).inserted else {
                throw reader.error("GPU id \(id) is listed twice (ids must be unique)", key: "\(key).id")
            }
            let memory = try reader.integer(try reader.required(fields, "memoryMiB", prefix: key), key: "\(key).memoryMiB",
                                            minimum: 0, maximum: maxMemoryMiB)
            let name = try fields["name"].map { value throws(InputError) in try reader.string(value, key: "\(key).name") } ?? "GPU"
            gpus.append(GPUInfo(id: id, name: name, memoryMiB: memory))
        }
        return gpus
    }

    private static func parseOperation(_ object: JSONObject, reader: inout FieldReader) throws(InputError) -> TraceOperation {
        let op = try reader.string(try reader.required(object, "op"), key: "op")
        switch op {
        case "allocate":
            try reader.rejectUnknown(object, allowed: ["op", "specs", "preserveOrder"], expected: "op, specs, preserveOrder")
            let specs = try reader.array(try reader.required(object, "specs"), key: "specs")
            var requests: [SlotRequest] = []
            // A set only for long batches: hashing every key costs more than comparing a few.
            var keys: Set<String> = []
            let hashed = specs.count > 16
            for (k, spec) in specs.enumerated() {
                let prefix = "specs[\(k)]"
                let fields = try reader.object(spec, key: prefix)
                try reader.rejectUnknown(fields, allowed: specFields, prefix: prefix, expected: "key, memoryGB, tp")
                let key = try reader.string(try reader.required(fields, "key", prefix: prefix), key: "\(prefix).key")
                let repeated = hashed ? !keys.insert(key).inserted : requests.contains { $0.key == key }
                guard !repeated else {
                    throw reader.error("key '\(key)' appears twice in one allocate (specs are a mapping)", key: "\(prefix).key")
                }
                let memory = try reader.optional(fields["memoryGB"]).map { value throws(InputError) in
                    try reader.memoryGB(value, key: "\(prefix).memoryGB")
                }
                let tp = try reader.optional(fields["tp"]).map { value throws(InputError) in
                    try reader.integer(value, key: "\(prefix).tp", minimum: 1)
                }
                requests.append(SlotRequest(key: key, memoryGB: memory, tp: tp))
            }
            let preserve = try reader.optional(object["preserveOrder"]).map { value throws(InputError) in
                try reader.bool(value, key: "preserveOrder")
            } ?? false
            return .allocate(requests, preserveOrder: preserve)
        case "release":
            try reader.rejectUnknown(object, allowed: ["op", "key"], expected: "op, key")
            return .release(key: try reader.string(try reader.required(object, "key"), key: "key"))
        case "releaseGPUs":
            try reader.rejectUnknown(object, allowed: ["op", "gpus"], expected: "op, gpus")
            let list = try reader.array(try reader.required(object, "gpus"), key: "gpus")
            var ids: [Int] = []
            for (k, value) in list.enumerated() {
                ids.append(try reader.integer(value, key: "gpus[\(k)]", minimum: 0))
            }
            return .releaseGPUs(ids)
        default:
            throw reader.error("unknown op '\(op)' (expected allocate, release or releaseGPUs)", key: "op")
        }
    }
}
