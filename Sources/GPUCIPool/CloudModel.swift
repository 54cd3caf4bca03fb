/// A model served by a cloud provider (the reference's `THIRD_PARTY_MODELS`): it never takes GPUs.
public struct CloudModel: Sendable, Hashable, Codable {
    /// Backend name tests use, e.g. `openai`.
    public var id: String
    /// The provider's model name, e.g. `gpt-5-nano`.
    public var model: String
    /// The provider's API base URL.
    public var baseURL: String
    /// The environment variable holding the API key; a test needing this backend is skipped without it.
    public var keyEnv: String

    /// A cloud backend `id` serving `model` at `baseURL`, keyed by the variable `keyEnv`.
    public init(id: String, model: String, baseURL: String, keyEnv: String) {
        self.id = id
        self.model = model
        self.baseURL = baseURL
        self.keyEnv = keyEnv
    }
}
