import GPUCIPool

/// A `setup_backend` parameter value the reference fixture understands.
public enum Backend: Sendable, Hashable, CustomStringConvertible {
    /// Regular local workers reached over HTTP or gRPC.
    case local(ConnectionMode)
    /// Prefill/decode disaggregated workers (always HTTP).
    case pd
    /// A hosted API: no GPU, an API key variable.
    case cloud(CloudBackend)

    /// Reads a parameter value; `nil` for names the fixture would reject.
    public init?(_ name: String) {
        if name == "pd" { self = .pd }
        else if let mode = ConnectionMode(rawValue: name) { self = .local(mode) }
        else if let cloud = CloudBackend(rawValue: name) { self = .cloud(cloud) }
        else { return nil }
    }

    public var description: String {
        switch self {
        case let .local(mode): mode.rawValue
        case .pd: "pd"
        case let .cloud(cloud): cloud.rawValue
        }
    }

    /// Every name accepted, for error messages.
    public static let names = ["http", "grpc", "pd"] + CloudBackend.allCases.map(\.rawValue)
}

/// The hosted APIs the reference gateway can front (`infra/gateway.py`).
public enum CloudBackend: String, Sendable, Hashable, CaseIterable {
    case openai
    case xai

    /// The environment variable holding the API key; without it the fixture skips the test.
    public var apiKeyVariable: String {
        switch self {
        case .openai: "OPENAI_API_KEY"
        case .xai: "XAI_API_KEY"
        }
    }
}
