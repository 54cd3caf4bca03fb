import GPUCIPool

extension Scenario {
    /// `SKIP_MODEL_POOL` is 1, true or yes (any case): the pool gets no GPUs and the GPU check is skipped.
    public var skipsModelPool: Bool {
        ["1", "true", "yes"].contains((env["SKIP_MODEL_POOL"] ?? "").lowercased())
    }

    /// The `model_pool` fixture's override (§4.5): with `E2E_MODELS` or `E2E_BACKENDS` set, every
    /// listed model (default `llama-8b`) × every listed local mode (default http), index 0, replaces
    /// the scanned requirements. The reference builds these from sets (hash order); here the lists
    /// keep the order given. Unknown models are dropped. `nil` when neither variable is set.
    public func environmentRequirements(catalog: ModelCatalog) -> [WorkerIdentity]? {
        let models = Self.list(env["E2E_MODELS"]), backends = Self.list(env["E2E_BACKENDS"])
        guard !models.isEmpty || !backends.isEmpty else { return nil }
        var modes = backends.compactMap { ConnectionMode(rawValue: $0) }
        if modes.isEmpty { modes = [.http] }
        var identities: [WorkerIdentity] = []
        for model in models.isEmpty ? [Self.defaultModel] : models where catalog[model] != nil {
            for mode in modes where !identities.contains(WorkerIdentity(model: model, mode: mode)) {
                identities.append(WorkerIdentity(model: model, mode: mode))
            }
        }
        return identities
    }

    private static func list(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
