import GPUCIData
import GPUCISupport

/// The models a pool can launch, in table order: `Scenarios/models.yaml` or a list given in code.
///
///     let catalog = try ModelCatalog.bundled()
///     catalog["qwen-30b"]?.tp                                   // 4
///     catalog.replacing([ModelSpec(id: "qwen-30b", memoryGB: 60, tp: 2)])["qwen-30b"]?.tp   // 2
public struct ModelCatalog: Sendable, Hashable {
    /// The models in table order.
    public private(set) var models: [ModelSpec]
    /// Cloud backends (no GPUs), in file order.
    public private(set) var cloudModels: [CloudModel]
    private var indexByID: [String: Int]

    /// A catalog of `models`; a later model with an id already seen replaces the earlier one in place.
    public init(_ models: [ModelSpec], cloudModels: [CloudModel] = []) {
        self.models = []
        self.cloudModels = cloudModels
        self.indexByID = [:]
        for model in models { insert(model) }
    }

    /// The catalog shipped in `Scenarios/models.yaml`.
    ///
    /// - Throws: `InputError` when the bundled data cannot be found or the file is malformed.
    public static func bundled() throws(InputError) -> ModelCatalog {
        let url = try BundledData.url("Scenarios/models.yaml")
        return try load(path: url.path)
    }

    /// Reads a catalog file.
    ///
    /// - Throws: `InputError` with `path:line` for a missing file, bad YAML, an unknown key, a missing
    ///   id, memory that is not a positive number, tp below 1 or a duplicate id.
    public static func load(path: String) throws(InputError) -> ModelCatalog {
        try parse(AtomicFile.readText(path), file: path)
    }

    /// Parses catalog YAML; `file` labels errors.
    ///
    /// - Throws: `InputError` as for ``load(path:)``.
    public static func parse(_ text: String, file: String) throws(InputError) -> ModelCatalog {
        try ModelCatalogParser(text: text, file: file).parse()
    }

    /// The model with `id`, if any.
    public subscript(id: String) -> ModelSpec? {
        indexByID[id].map { models[$0] }
    }

    /// The position of `id` in ``models``, if any.
    func position(of id: String) -> Int? { indexByID[id] }

    /// The cloud backend with `id`, if any.
    public func cloudModel(_ id: String) -> CloudModel? {
        cloudModels.first { $0.id == id }
    }

    /// This catalog with `overrides` replacing the models of the same id (keeping their position)
    /// and new ids appended in the given order.
    public func replacing(_ overrides: [ModelSpec]) -> ModelCatalog {
        var copy = self
        for model in overrides { copy.insert(model) }
        return copy
    }

    private mutating func insert(_ model: ModelSpec) {
        if let index = indexByID[model.id] {
            models[index] = model
        } else {
            indexByID[model.id] = models.count
            models.append(model)
        }
    }
}
