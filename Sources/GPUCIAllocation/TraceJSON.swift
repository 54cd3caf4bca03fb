import GPUCISupport
/// Hand-written JSON for trace lines, so field order is fixed and output is byte-identical.
enum TraceJSON {
    static func header(_ gpus: [GPUInfo]) -> String {
        let items = gpus.map { "{\"id\":\($0.id),\"memoryMiB\":\($0.memoryMiB),\"name\":\(string($0.name))}" }
        return "{\"gpus\":[\(items.joined(separator: ","))]}"
    }

    static func operation(_ operation: TraceOperation) -> String {
        switch operation {
        case .allocate(let requests, let preserveOrder):
            let specs = requests.map { request in
                var fields = ["\"key\":\(string(request.key))"]
                if let memory = request.memoryGB { fields.append("\"memoryGB\":\(number(memory))") }
                if let tp = request.tp { fields.append("\"tp\":\(tp)") }
                return "{\(fields.joined(separator: ","))}"
            }
            return "{\"op\":\"allocate\",\"specs\":[\(specs.joined(separator: ","))],\"preserveOrder\":\(preserveOrder)}"
        case .release(let key):
            return "{\"op\":\"release\",\"key\":\(string(key))}"
        case .releaseGPUs(let ids):
            return "{\"op\":\"releaseGPUs\",\"gpus\":\(integers(ids))}"
        }
    }

    static func integers(_ values: [Int]) -> String {
        "[" + values.map(String.init).joined(separator: ",") + "]"
    }

    /// Integral values without a fraction (`40`), others in Swift's shortest round-trip form.
    static func number(_ value: Double) -> String {
        if value == value.rounded(.towardZero), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    static func string(_ text: String) -> String { JSONOutput.quoted(text) }
}
