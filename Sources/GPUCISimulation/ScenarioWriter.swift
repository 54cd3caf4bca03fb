import Foundation
import GPUCISupport

/// Writes a ``Scenario`` as YAML that ``ScenarioParser`` reads back to the same value.
public enum ScenarioWriter {
    /// The YAML text; `header` lines become leading comments.
    public static func yaml(_ scenario: Scenario, header: [String] = []) -> String {
        var out: [String] = header.map { "# \($0)" }
        out.append("name: \(YAMLText.quoted(scenario.name))")
        out.append("topology: \(YAMLText.quoted(scenario.topology))")
        if !scenario.env.isEmpty {
            out.append("env: [\(scenario.env.keys.sorted().map { key in YAMLText.quoted((scenario.env[key] ?? "").isEmpty ? key : "\(key)=\(scenario.env[key] ?? "")") }.joined(separator: ", "))]")
        }
        if !scenario.models.isEmpty {
            out.append("models:")
            for model in scenario.models {
                var fields = ["id: \(YAMLText.quoted(model.id))"]
                if let hfPath = model.hfPath { fields.append("hfPath: \(YAMLText.quoted(hfPath))") }
                if let memoryGB = model.memoryGB { fields.append("memoryGB: \(YAMLText.number(memoryGB))") }
                if let tp = model.tp { fields.append("tp: \(tp)") }
                if let features = model.features { fields.append("features: [\(features.map(YAMLText.quoted).joined(separator: ", "))]") }
                if let startup = model.startupSeconds { fields.append("startupSeconds: \(YAMLText.number(startup))") }
                out.append("  - {\(fields.joined(separator: ", "))}")
            }
        }
        if !scenario.fixtureScopes.isEmpty {
            out.append("fixtureScopes: {\(scenario.fixtureScopes.keys.sorted().map { "\(YAMLText.quoted($0)): \(scenario.fixtureScopes[$0]?.rawValue ?? "")" }.joined(separator: ", "))}")
        }
        if let profile = scenario.profile { out.append("profile: \(profile.rawValue)") }
        let t = scenario.timing
        out.append("timing:")
        if !t.workerStartup.isEmpty {
            out.append("  workerStartup: {\(t.workerStartup.keys.sorted().map { "\(YAMLText.quoted($0)): \(YAMLText.number(t.workerStartup[$0] ?? 0))" }.joined(separator: ", "))}")
        }
        if let formula = t.startupFormula {
            out.append("  startupFormula: {base: \(YAMLText.number(formula.base)), perGB: \(YAMLText.number(formula.perGB)), perTP: \(YAMLText.number(formula.perTP))}")
        }
        out.append("  healthCheckInterval: \(YAMLText.number(t.healthCheckInterval))")
        out.append("  launchStagger: \(YAMLText.number(t.launchStagger))")
        out.append("  initialGrace: \(YAMLText.number(t.initialGrace))")
        out.append("  spawnSeconds: \(YAMLText.number(t.spawnSeconds))")
        out.append("  terminateSeconds: \(YAMLText.number(t.terminateSeconds))")
        out.append("  gatewayStartup: \(YAMLText.number(t.gatewayStartup))")
        out.append("  testSeconds: \(YAMLText.number(t.testSeconds))")
        out.append("  startupTimeout: \(YAMLText.number(t.startupTimeout))")
        out.append("tests:")
        for item in scenario.tests {
            out.append("  - id: \(YAMLText.quoted(item.id))")
            var markers: [String] = []
            if let model = item.markers.model { markers.append("model: \(YAMLText.quoted(model))") }
            if item.markers.e2e { markers.append("e2e: true") }
            if let workers = item.markers.workers {
                markers.append("workers: {count: \(optional(workers.count)), prefill: \(optional(workers.prefill)), decode: \(optional(workers.decode))}")
            }
            if let gateway = item.markers.gateway {
                var fields = ["policy: \(YAMLText.quoted(gateway.policy))"]
                if let timeout = gateway.timeout { fields.append("timeout: \(YAMLText.number(timeout))") }
                if !gateway.extraArgs.isEmpty { fields.append("extra_args: [\(gateway.extraArgs.map(YAMLText.quoted).joined(separator: ", "))]") }
                markers.append("gateway: {\(fields.joined(separator: ", "))}")
            }
            if !item.markers.parametrize.isEmpty {
                let list = item.markers.parametrize.map { marker in
                    "{argnames: \(YAMLText.quoted(marker.argnames)), values: [\(marker.values.map(value).joined(separator: ", "))]\(marker.indirect ? ", indirect: true" : "")}"
                }
                markers.append("parametrize: [\(list.joined(separator: ", "))]")
            }
            if !markers.isEmpty { out.append("    markers: {\(markers.joined(separator: ", "))}") }
            if !item.params.isEmpty {
                out.append("    params: {\(item.params.keys.sorted().map { "\(YAMLText.quoted($0)): \(value(item.params[$0] ?? .scalar("")))" }.joined(separator: ", "))}")
            }
            if !item.uses.isEmpty {
                out.append("    uses: [\(item.uses.map { "{model: \(YAMLText.quoted($0.model)), mode: \($0.mode.rawValue)}" }.joined(separator: ", "))]")
            }
            if !item.gatewayModes.isEmpty {
                out.append("    gateways: [\(item.gatewayModes.map(\.rawValue).joined(separator: ", "))]")
            }
            if let seconds = item.seconds { out.append("    seconds: \(YAMLText.number(seconds))") }
            if let skip = item.skip { out.append("    skip: \(YAMLText.quoted(skip))") }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func value(_ value: ParamValue) -> String {
        switch value {
        case let .scalar(text): YAMLText.quoted(text)
        case let .tuple(items): "[\(items.map(YAMLText.quoted).joined(separator: ", "))]"
        }
    }

    static func optional(_ value: Int?) -> String { value.map(String.init) ?? "null" }
}
