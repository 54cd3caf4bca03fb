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
        if let eviction = scenario.eviction { out.append("eviction: \(YAMLText.quoted(eviction.rawValue))") }
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

    /// The same scenario as pretty JSON (the keys and values of ``yaml(_:header:)``), which
    /// ``ScenarioParser`` reads back to the same value — and, for a large scenario, several times
    /// faster than YAML.
    public static func json(_ scenario: Scenario) -> String {
        var out = JSONStreamWriter(pretty: true, capacity: 400 * scenario.tests.count + 4096)
        out.beginObject()
        out.key("name"); out.string(scenario.name)
        out.key("topology"); out.string(scenario.topology)
        if !scenario.env.isEmpty {
            out.key("env")
            out.strings(scenario.env.keys.sorted().map { key in (scenario.env[key] ?? "").isEmpty ? key : "\(key)=\(scenario.env[key] ?? "")" })
        }
        if !scenario.models.isEmpty {
            out.key("models")
            out.beginArray()
            for model in scenario.models {
                out.beginObject()
                out.key("id"); out.string(model.id)
                out.key("hfPath", ifPresent: model.hfPath)
                if let memoryGB = model.memoryGB { out.key("memoryGB"); out.number(memoryGB) }
                if let tp = model.tp { out.key("tp"); out.integer(tp) }
                if let features = model.features { out.key("features"); out.strings(features) }
                if let startup = model.startupSeconds { out.key("startupSeconds"); out.number(startup) }
                out.endObject()
            }
            out.endArray()
        }
        if !scenario.fixtureScopes.isEmpty {
            out.key("fixtureScopes")
            out.beginObject()
            for name in scenario.fixtureScopes.keys.sorted() {
                out.key(name); out.string(scenario.fixtureScopes[name]?.rawValue ?? "")
            }
            out.endObject()
        }
        if let profile = scenario.profile { out.key("profile"); out.string(profile.rawValue) }
        if let eviction = scenario.eviction { out.key("eviction"); out.string(eviction.rawValue) }
        writeTiming(scenario.timing, to: &out)
        out.key("tests")
        out.beginArray()
        for item in scenario.tests { write(item, to: &out) }
        out.endArray()
        out.endObject()
        return out.text + "\n"
    }

    static func writeTiming(_ t: TimingModel, to out: inout JSONStreamWriter) {
        out.key("timing")
        out.beginObject()
        if !t.workerStartup.isEmpty {
            out.key("workerStartup")
            out.beginObject()
            for key in t.workerStartup.keys.sorted() { out.key(key); out.number(t.workerStartup[key] ?? 0) }
            out.endObject()
        }
        if let formula = t.startupFormula {
            out.key("startupFormula")
            out.beginObject()
            out.key("base"); out.number(formula.base)
            out.key("perGB"); out.number(formula.perGB)
            out.key("perTP"); out.number(formula.perTP)
            out.endObject()
        }
        for (name, seconds) in [("healthCheckInterval", t.healthCheckInterval), ("launchStagger", t.launchStagger),
                                ("initialGrace", t.initialGrace), ("spawnSeconds", t.spawnSeconds),
                                ("terminateSeconds", t.terminateSeconds), ("gatewayStartup", t.gatewayStartup),
                                ("testSeconds", t.testSeconds), ("startupTimeout", t.startupTimeout)] {
            out.key(name); out.number(seconds)
        }
        out.endObject()
    }

    static func write(_ item: TestItem, to out: inout JSONStreamWriter) {
        out.beginObject()
        out.key("id"); out.string(item.id)
        let markers = item.markers
        if markers.model != nil || markers.e2e || markers.workers != nil || markers.gateway != nil || !markers.parametrize.isEmpty {
            out.key("markers")
            out.beginObject()
            out.key("model", ifPresent: markers.model)
            if markers.e2e { out.key("e2e"); out.bool(true) }
            if let workers = markers.workers {
                out.key("workers")
                out.beginObject()
                for (name, count) in [("count", workers.count), ("prefill", workers.prefill), ("decode", workers.decode)] {
                    out.key(name)
                    if let count { out.integer(count) } else { out.null() }
                }
                out.endObject()
            }
            if let gateway = markers.gateway {
                out.key("gateway")
                out.beginObject()
                out.key("policy"); out.string(gateway.policy)
                if let timeout = gateway.timeout { out.key("timeout"); out.number(timeout) }
                if !gateway.extraArgs.isEmpty { out.key("extra_args"); out.strings(gateway.extraArgs) }
                out.endObject()
            }
            if !markers.parametrize.isEmpty {
                out.key("parametrize")
                out.beginArray()
                for marker in markers.parametrize {
                    out.beginObject()
                    out.key("argnames"); out.string(marker.argnames)
                    out.key("values")
                    out.beginArray()
                    for value in marker.values { write(value, to: &out) }
                    out.endArray()
                    if marker.indirect { out.key("indirect"); out.bool(true) }
                    out.endObject()
                }
                out.endArray()
            }
            out.endObject()
        }
        if !item.params.isEmpty {
            out.key("params")
            out.beginObject()
            for name in item.params.keys.sorted() { out.key(name); write(item.params[name] ?? .scalar(""), to: &out) }
            out.endObject()
        }
        if !item.uses.isEmpty {
            out.key("uses")
            out.beginArray()
            for use in item.uses {
                out.beginObject()
                out.key("model"); out.string(use.model)
                out.key("mode"); out.string(use.mode.rawValue)
                out.endObject()
            }
            out.endArray()
        }
        if !item.gatewayModes.isEmpty { out.key("gateways"); out.strings(item.gatewayModes.map(\.rawValue)) }
        if let seconds = item.seconds { out.key("seconds"); out.number(seconds) }
        out.key("skip", ifPresent: item.skip)
        out.endObject()
    }

    static func write(_ value: ParamValue, to out: inout JSONStreamWriter) {
        switch value {
        case let .scalar(text): out.string(text)
        case let .tuple(items): out.strings(items)
        }
    }

    static func value(_ value: ParamValue) -> String {
        switch value {
        case let .scalar(text): YAMLText.quoted(text)
        case let .tuple(items): "[\(items.map(YAMLText.quoted).joined(separator: ", "))]"
        }
    }

    static func optional(_ value: Int?) -> String { value.map(String.init) ?? "null" }
}
