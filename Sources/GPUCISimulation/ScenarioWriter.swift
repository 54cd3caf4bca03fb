import Foundation

/// Writes a ``Scenario`` as YAML that ``ScenarioParser`` reads back to the same value.
public enum ScenarioWriter {
    /// The YAML text; `header` lines become leading comments.
    public static func yaml(_ scenario: Scenario, header: [String] = []) -> String {
        var out: [String] = header.map { "# \($0)" }
        out.append("name: \(quote(scenario.name))")
        out.append("topology: \(quote(scenario.topology))")
        if !scenario.env.isEmpty {
            out.append("env: [\(scenario.env.keys.sorted().map { key in quote((scenario.env[key] ?? "").isEmpty ? key : "\(key)=\(scenario.env[key] ?? "")") }.joined(separator: ", "))]")
        }
        if !scenario.models.isEmpty {
            out.append("models:")
            for model in scenario.models {
                var fields = ["id: \(quote(model.id))"]
                if let hfPath = model.hfPath { fields.append("hfPath: \(quote(hfPath))") }
                if let memoryGB = model.memoryGB { fields.append("memoryGB: \(number(memoryGB))") }
                if let tp = model.tp { fields.append("tp: \(tp)") }
                if let features = model.features { fields.append("features: [\(features.map(quote).joined(separator: ", "))]") }
                if let startup = model.startupSeconds { fields.append("startupSeconds: \(number(startup))") }
                out.append("  - {\(fields.joined(separator: ", "))}")
            }
        }
        let t = scenario.timing
        out.append("timing:")
        if !t.workerStartup.isEmpty {
            out.append("  workerStartup: {\(t.workerStartup.keys.sorted().map { "\(quote($0)): \(number(t.workerStartup[$0] ?? 0))" }.joined(separator: ", "))}")
        }
        if let formula = t.startupFormula {
            out.append("  startupFormula: {base: \(number(formula.base)), perGB: \(number(formula.perGB)), perTP: \(number(formula.perTP))}")
        }
        out.append("  healthCheckInterval: \(number(t.healthCheckInterval))")
        out.append("  launchStagger: \(number(t.launchStagger))")
        out.append("  initialGrace: \(number(t.initialGrace))")
        out.append("  spawnSeconds: \(number(t.spawnSeconds))")
        out.append("  terminateSeconds: \(number(t.terminateSeconds))")
        out.append("  gatewayStartup: \(number(t.gatewayStartup))")
        out.append("  testSeconds: \(number(t.testSeconds))")
        out.append("  startupTimeout: \(number(t.startupTimeout))")
        out.append("tests:")
        for item in scenario.tests {
            out.append("  - id: \(quote(item.id))")
            var markers: [String] = []
            if let model = item.markers.model { markers.append("model: \(quote(model))") }
            if item.markers.e2e { markers.append("e2e: true") }
            if let workers = item.markers.workers {
                markers.append("workers: {count: \(optional(workers.count)), prefill: \(optional(workers.prefill)), decode: \(optional(workers.decode))}")
            }
            if let gateway = item.markers.gateway {
                var fields = ["policy: \(quote(gateway.policy))"]
                if let timeout = gateway.timeout { fields.append("timeout: \(number(timeout))") }
                if !gateway.extraArgs.isEmpty { fields.append("extra_args: [\(gateway.extraArgs.map(quote).joined(separator: ", "))]") }
                markers.append("gateway: {\(fields.joined(separator: ", "))}")
            }
            if !item.markers.parametrize.isEmpty {
                let list = item.markers.parametrize.map { marker in
                    "{argnames: \(quote(marker.argnames)), values: [\(marker.values.map(value).joined(separator: ", "))]\(marker.indirect ? ", indirect: true" : "")}"
                }
                markers.append("parametrize: [\(list.joined(separator: ", "))]")
            }
            if !markers.isEmpty { out.append("    markers: {\(markers.joined(separator: ", "))}") }
            if !item.params.isEmpty {
                out.append("    params: {\(item.params.keys.sorted().map { "\(quote($0)): \(value(item.params[$0] ?? .scalar("")))" }.joined(separator: ", "))}")
            }
            if !item.uses.isEmpty {
                out.append("    uses: [\(item.uses.map { "{model: \(quote($0.model)), mode: \($0.mode.rawValue)}" }.joined(separator: ", "))]")
            }
            if !item.gatewayModes.isEmpty {
                out.append("    gateways: [\(item.gatewayModes.map(\.rawValue).joined(separator: ", "))]")
            }
            if let seconds = item.seconds { out.append("    seconds: \(number(seconds))") }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func value(_ value: ParamValue) -> String {
        switch value {
        case let .scalar(text): quote(text)
        case let .tuple(items): "[\(items.map(quote).joined(separator: ", "))]"
        }
    }

    static func optional(_ value: Int?) -> String { value.map(String.init) ?? "null" }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    private static let plainWords: Set<String> = ["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"]

    /// The text plain when YAML reads it back as the same string, else double-quoted (JSON rules).
    static func quote(_ text: String) -> String {
        let plain = !text.isEmpty
            && text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "_-./".unicodeScalars.contains($0) }
            && !(text.first.map { "-.".contains($0) || $0.isNumber } ?? true)
            && !plainWords.contains(text.lowercased())
        if plain { return text }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
