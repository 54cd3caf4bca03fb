import GPUCIPool

/// A `setup_backend` parameter value the reference fixture understands.
public enum Backend: Sendable, Hashable, CustomStringConvertible {
    /// Regular local workers reached over HTTP or gRPC.
    case local(ConnectionMode)
    /// Prefill/decode disaggregated workers (always HTTP).
    case pd
    /// A hosted API from the catalog's cloud models: no GPU, an API key variable.
    case cloud(CloudModel)

    /// Reads a parameter value; `nil` for names the fixture would reject.
    public init?(_ name: String, catalog: ModelCatalog) {
        if name == "pd" { self = .pd }
        else if let mode = ConnectionMode(rawValue: name) { self = .local(mode) }
        else if let cloud = catalog.cloudModel(name) { self = .cloud(cloud) }
        else { return nil }
    }

    public var description: String {
        switch self {
        case let .local(mode): mode.rawValue
        case .pd: "pd"
        case let .cloud(cloud): cloud.id
        }
    }

    /// Every name accepted with `catalog`, for error messages.
    public static func names(_ catalog: ModelCatalog) -> [String] {
        ["http", "grpc", "pd"] + catalog.cloudModels.map(\.id)
    }
}
