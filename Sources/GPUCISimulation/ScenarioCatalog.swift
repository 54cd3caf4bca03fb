import GPUCIPool
import GPUCISupport

/// The model catalog a scenario runs with: the bundled one with the scenario's overrides.
public enum ScenarioCatalog {
    /// `base` (default: the bundled catalog) with `scenario.models` applied.
    public static func catalog(for scenario: Scenario, base: ModelCatalog? = nil) throws(InputError) -> ModelCatalog {
        let resolved: ModelCatalog
        if let base { resolved = base } else { resolved = try ModelCatalog.bundled() }
        return resolved.replacing(scenario.models.map { $0.applied(to: resolved[$0.id]) })
    }
}
