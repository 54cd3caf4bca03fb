import GPUCIPool
import GPUCISupport

/// Checks a parsed scenario against the model catalog: every model known, every backend one the
/// fixture understands, parameters consistent with their markers, at most one gateway mode per test.
public enum ScenarioValidator {
    /// Throws the first problem, naming the test and its line.
    public static func validate(_ scenario: Scenario, catalog: ModelCatalog) throws(InputError) {
        func fail(_ item: TestItem, _ message: String) -> InputError {
            InputError("test '\(item.id)': \(message)", file: scenario.file, line: item.line, key: "tests")
        }
        func known(_ model: String) -> Bool { catalog[model] != nil }
        let modelList = catalog.models.map(\.id).joined(separator: ", ")
        let backendList = Backend.names(catalog).joined(separator: ", ")
        if let model = scenario.env["E2E_MODEL"], !model.isEmpty, !known(model) {
            throw InputError("env E2E_MODEL names unknown model '\(model)' (known: \(modelList))", file: scenario.file, key: "env")
        }
        func check(_ item: TestItem) throws(InputError) {
            if let model = item.markers.model, !known(model) {
                throw fail(item, "unknown model '\(model)' in the model marker (known: \(modelList))")
            }
            if item.markers.model == nil, let model = CollectionScan.model(of: item), !known(model) {
                throw fail(item, "unknown model '\(model)' from a parametrize marker (known: \(modelList))")
            }
            for use in item.uses where !known(use.model) {
                throw fail(item, "unknown model '\(use.model)' in uses (known: \(modelList))")
            }
            let backendMarkers = item.markers.parametrize.filter { $0.names.contains("setup_backend") }
            for marker in backendMarkers where marker.argnames == "setup_backend" {
                for value in marker.values where Backend(value.description, catalog: catalog) == nil {
                    throw fail(item, "unknown backend '\(value)' (expected one of: \(backendList))")
                }
            }
            for (name, value) in item.params.sorted(by: { $0.key < $1.key }) {
                guard let marker = item.markers.parametrize.first(where: { $0.names == [name] }) else {
                    if item.markers.parametrize.contains(where: { $0.names.contains(name) }) { continue }
                    throw fail(item, "parameter '\(name)' has no parametrize marker")
                }
                guard marker.values.contains(value) else {
                    throw fail(item, "parameter \(name)=\(value) is not among the marker's values [\(marker.values.map(\.description).joined(separator: ", "))]")
                }
            }
            for marker in item.markers.parametrize where marker.names.count == 1 && item.params[marker.names[0]] == nil {
                throw fail(item, "missing params.\(marker.names[0]) (the item's own value of its parametrize marker)")
            }
            var modes: [String] = []
            if let backend = item.setupBackend {
                guard let parsed = Backend(backend, catalog: catalog) else {
                    throw fail(item, "unknown backend '\(backend)' (expected one of: \(backendList))")
                }
                switch parsed {
                case .pd: modes.append("pd (setup_backend=pd)")
                case .local: modes.append("regular (setup_backend=\(backend))")
                case .cloud: modes.append("cloud (setup_backend=\(backend))")
                }
            }
            modes += item.gatewayModes.map { "\($0.rawValue) (gateways)" }
            if modes.count > 1 {
                throw fail(item, "a gateway takes exactly one mode, the test gives \(modes.count): \(modes.joined(separator: ", "))")
            }
        }
        for index in scenario.tests.indices { try check(scenario.tests[index]) }
    }
}
