/// Identifies one CI suite: the backend, the suite name and the nightly flag.
public struct SuiteKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// `cuda`, `amd`, …
    public var backend: String
    /// The suite name as registered.
    public var suite: String
    /// Whether this is the nightly run of the suite.
    public var nightly: Bool

    /// Creates a key.
    public init(backend: String, suite: String, nightly: Bool = false) {
        self.backend = backend
        self.suite = suite
        self.nightly = nightly
    }

    /// The key of a registration.
    public init(_ registration: Registration) {
        self.init(backend: registration.backend, suite: registration.suite, nightly: registration.nightly)
    }

    /// Orders by backend, then suite, then per-commit before nightly.
    public static func < (lhs: SuiteKey, rhs: SuiteKey) -> Bool {
        (lhs.backend, lhs.suite, lhs.nightly ? 1 : 0) < (rhs.backend, rhs.suite, rhs.nightly ? 1 : 0)
    }

    /// `backend/suite`, with ` (nightly)` for nightly runs.
    public var description: String { "\(backend)/\(suite)\(nightly ? " (nightly)" : "")" }

    /// Every suite that has at least one registration, sorted.
    public static func all(in registrations: [Registration]) -> [SuiteKey] {
        Set(registrations.map(SuiteKey.init)).sorted()
    }
}
