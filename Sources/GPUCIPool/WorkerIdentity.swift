/// How a worker is reached: HTTP or gRPC (the reference's `ConnectionMode`).
public enum ConnectionMode: String, Sendable, Hashable, Codable, CaseIterable {
    case http
    case grpc
}

/// The role of a worker: a regular server, or one half of a prefill/decode (PD) pair.
public enum WorkerType: String, Sendable, Hashable, Codable, CaseIterable {
    case regular
    case prefill
    case decode
}

/// Which worker: model, connection mode, worker type and index, with the reference's key strings.
///
///     WorkerIdentity(model: "llama-8b", mode: .http).key                          // "llama-8b:http"
///     WorkerIdentity(model: "llama-8b", mode: .grpc, index: 2).key                // "llama-8b:grpc:2"
///     WorkerIdentity(model: "llama-8b", mode: .http, type: .prefill).key          // "llama-8b:http:prefill_0"
public struct WorkerIdentity: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Model id from the catalog.
    public var model: String
    /// How the worker is reached.
    public var mode: ConnectionMode
    /// Regular, prefill or decode.
    public var type: WorkerType
    /// Which worker of that model, mode and type, from 0.
    public var index: Int

    /// An identity with the reference's defaults: http, regular, index 0.
    public init(model: String, mode: ConnectionMode = .http, type: WorkerType = .regular, index: Int = 0) {
        self.model = model
        self.mode = mode
        self.type = type
        self.index = index
    }

    /// The stable key: `<model>:<mode>`, `<model>:<mode>:<n>` for n > 0, `<model>:<mode>:<type>_<n>` for PD.
    public var key: String {
        switch type {
        case .regular: index == 0 ? "\(model):\(mode.rawValue)" : "\(model):\(mode.rawValue):\(index)"
        case .prefill, .decode: "\(model):\(mode.rawValue):\(type.rawValue)_\(index)"
        }
    }

    /// The key.
    public var description: String { key }
}
