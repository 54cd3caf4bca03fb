/// Which idle worker the pool stops first when it needs GPUs (or, for ``slots(_:)``, a cache slot).
///
/// ``mru``, ``lru`` and ``belady`` count GPUs only (not memory or adjacency), skip in-use workers
/// (refCount > 0) and stop as soon as enough GPUs are free. Ties in virtual time are broken by event
/// order (the later launch/use counts as more recent), as the reference's wall clock would break them.
///
/// The raw value is the command-line spelling: `mru`, `lru`, `belady`, `slots` (smg's one slot) or
/// `slots:N`; `smg-slots` and `smg-slots:N` are accepted too.
public enum EvictionPolicy: Sendable, Hashable {
    /// Most recently used first: the reference. A model just used is probably finished; a
    /// pre-launched, never-used worker waits for a later test (but the last-launched one goes first).
    case mru
    /// Least recently used first.
    case lru
    /// Needed furthest in the future first (never needed again before anything else), ties by
    /// ``mru`` order; the future comes from ``ModelPool/setNextUse(_:)``.
    case belady
    /// smg's worker pool: a cache of N slots keyed on the whole worker configuration, PD workers
    /// launched per use (see ``SlotCachePolicy`` for the rules and their sources). N ≥ 1.
    case slots(Int)

    /// smg's slot count: its `WorkerPool` is a one-slot cache.
    public static let smgSlotCount = 1
}

extension EvictionPolicy: RawRepresentable {
    /// Parses `mru`, `lru`, `belady`, `slots`, `slots:N`, `smg-slots`, `smg-slots:N` (N ≥ 1).
    public init?(rawValue: String) {
        switch rawValue {
        case "mru": self = .mru
        case "lru": self = .lru
        case "belady": self = .belady
        case "slots", "smg-slots": self = .slots(Self.smgSlotCount)
        default:
            let parts = rawValue.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == "slots" || parts[0] == "smg-slots",
                  parts[1].allSatisfy(\.isASCII), let count = Int(parts[1]), count >= 1 else { return nil }
            self = .slots(count)
        }
    }

    /// `mru`, `lru`, `belady` or `slots:N`.
    public var rawValue: String {
        switch self {
        case .mru: "mru"
        case .lru: "lru"
        case .belady: "belady"
        case let .slots(count): "slots:\(count)"
        }
    }
}

extension EvictionPolicy: CaseIterable {
    /// Every policy, the slot cache with smg's slot count.
    public static var allCases: [EvictionPolicy] { [.mru, .lru, .belady, .slots(smgSlotCount)] }
}

extension EvictionPolicy: Codable {
    /// Decodes the raw value.
    ///
    /// - Throws: `DecodingError.dataCorrupted` for a string that is not a policy.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let policy = EvictionPolicy(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown eviction policy '\(text)'"))
        }
        self = policy
    }

    /// Encodes the raw value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
