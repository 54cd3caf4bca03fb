import Foundation
import GPUCISupport

/// Reading and writing fleet files.
///
/// ```yaml
/// fleet: sglang-ci
/// runners:
///   1-gpu-h100: {count: 13, gpus: 1, dispatchSeconds: 18, backgroundLoad: 0.0, hourlyCost: 3.0}
///   8-gpu-h200: {count: 9, gpus: 8, dispatchSeconds: 20, backgroundLoad: 0.56}
/// ```
///
/// `count` is required; `dispatchSeconds` and `backgroundLoad` default to 0. Optional windows give
/// runs starting in some hours of the day (UTC) their own background load:
///
/// ```yaml
/// windows:
///   - {hours: "06-18", backgroundLoad: {"8-gpu-h200": 0.6, "4-gpu-b200": 0.86}}
/// ```
public enum FleetFile {
    /// The bundled fleet, fitted from sglang's real runs.
    public static let bundledPath = "Fleets/sglang-ci.yaml"

    /// Reads a fleet file.
    public static func read(path: String) throws(InputError) -> Fleet {
        try parse(AtomicFile.readText(path), file: path)
    }

    /// Parses fleet YAML; `file` names it in errors.
    ///
    /// - Throws: `InputError` at the line and key of the first problem.
    public static func parse(_ text: String, file: String) throws(InputError) -> Fleet {
        let root = try YAMLNode.parse(text, file: file)
        let map = try root.mapping(allowed: ["fleet", "runners", "windows"], what: "a fleet file with `fleet` and `runners`")
        let name = try map.required("fleet").string(what: "the fleet's name")
        let runners = try map.required("runners", hint: "label: {count: N}")
        let entries = try runners.mapping(what: "runner labels, each with a `count`")
        guard !entries.entries.isEmpty else { throw runners.error("expected at least one runner label, found none") }
        var pools: [RunnerPool] = []
        for (label, node) in entries {
            guard !label.trimmingCharacters(in: .whitespaces).isEmpty else { throw node.error("expected a runner label, found an empty key") }
            let fields = try node.mapping(allowed: ["count", "gpus", "dispatchSeconds", "backgroundLoad", "hourlyCost"],
                                          what: "a runner pool such as {count: 4}")
            let count = try fields.required("count", hint: "runners with this label").int(range: 0...100_000, what: "runners")
            let gpus = try fields["gpus"]?.int(range: 1...1024, what: "GPUs per runner")
            let dispatch = try fields["dispatchSeconds"]?.double(range: 0...DurationLimit.maximumSeconds, what: "seconds") ?? 0
            let load = try fields["backgroundLoad"]?.double(range: 0...RunnerPool.maximumLoad, what: "the busy share of the pool") ?? 0
            let cost = try fields["hourlyCost"]?.double(range: 0...1_000_000, what: "cost per runner-hour")
            pools.append(RunnerPool(label: label, runners: count, gpusPerRunner: gpus, hourlyCost: cost,
                                    dispatchSeconds: dispatch, backgroundLoad: load))
        }
        var windows: [LoadWindow] = []
        for node in try map["windows"]?.sequence(of: "load windows such as {hours: \"06-18\", backgroundLoad: {label: 0.5}}") ?? [] {
            let fields = try node.mapping(allowed: ["hours", "backgroundLoad"], what: "a load window")
            let hoursNode = try fields.required("hours", hint: "\"06-18\"")
            guard let (from, to) = parseHours(try hoursNode.string()) else {
                throw hoursNode.error("expected hours as FROM-TO in UTC, such as 06-18 or 22-06 (0 ≤ FROM ≤ 23, 1 ≤ TO ≤ 24, FROM ≠ TO), found \(hoursNode.found)")
            }
            var loads: [String: Double] = [:]
            for (label, value) in try fields.required("backgroundLoad", hint: "label: share").mapping(what: "label: busy share") {
                guard pools.contains(where: { $0.label == label }) else {
                    throw value.error("window \(String(format: "%02d-%02d", from, to)) names label '\(label)', which `runners` does not list")
                }
                loads[label] = try value.double(range: 0...RunnerPool.maximumLoad, what: "the busy share of the pool")
            }
            windows.append(LoadWindow(fromHour: from, toHour: to, backgroundLoad: loads))
        }
        return Fleet(name: name, pools: pools, windows: windows)
    }

    /// `FROM-TO` hours, e.g. `06-18`.
    public static func parseHours(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let from = parts[0], let to = parts[1], (0...23).contains(from), (1...24).contains(to), from != to % 24 else { return nil }
        return (from, to)
    }

    /// The YAML of `fleet`, preceded by `comment` lines; ``parse(_:file:)`` reads it back equal.
    public static func yaml(_ fleet: Fleet, comment: [String] = []) -> String {
        var lines = comment.map { "# \($0)" }
        lines.append("fleet: \(YAMLText.quoted(fleet.name))")
        lines.append("runners:")
        for pool in fleet.pools {
            var fields = ["count: \(pool.runners)"]
            if let gpus = pool.gpusPerRunner { fields.append("gpus: \(gpus)") }
            fields.append("dispatchSeconds: \(YAMLText.number(pool.dispatchSeconds))")
            fields.append("backgroundLoad: \(YAMLText.number(pool.backgroundLoad))")
            if let cost = pool.hourlyCost { fields.append("hourlyCost: \(YAMLText.number(cost))") }
            lines.append("  \(YAMLText.quoted(pool.label)): {\(fields.joined(separator: ", "))}")
        }
        if !fleet.windows.isEmpty {
            lines.append("windows:")
            for window in fleet.windows {
                let loads = window.backgroundLoad.keys.sorted().map { "\(YAMLText.quoted($0)): \(YAMLText.number(window.backgroundLoad[$0]!))" }
                lines.append("  - {hours: \"\(window.hours)\", backgroundLoad: {\(loads.joined(separator: ", "))}}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
