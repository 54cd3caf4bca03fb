/// How a plan's optimality is known.
public enum OptimalityProof: String, Sendable, Hashable, Codable {
    /// The makespan equals the lower bound.
    case lowerBound
    /// The exact search proved that no smaller makespan exists.
    case exhaustiveSearch
    /// Not proved: the gap to the lower bound remains.
    case none
}

/// A split of weighted items into partitions, with its certificate.
public struct PartitionResult: Sendable, Hashable {
    /// Item indices per partition (indices into the input), in run order.
    public var bins: [[Int]]
    /// Each partition's load in milliseconds.
    public var loads: [Int64]
    /// The largest load, in milliseconds.
    public var makespan: Int64
    /// The best proven lower bound on the optimal makespan, in milliseconds.
    public var lowerBound: Int64
    /// How optimality is proved, if it is.
    public var proof: OptimalityProof
    /// The item that alone binds the makespan (its weight ≥ Σ/m), if any.
    public var bindingItem: Int?
    /// Branch-and-bound nodes spent.
    public var searchNodes: Int

    /// Whether the makespan is proved optimal.
    public var isOptimal: Bool { proof != .none }

    /// `(makespan − lowerBound) / lowerBound` in percent; 0 when both are 0.
    public var gapPercent: Double {
        guard lowerBound > 0 else { return makespan > 0 ? 100 : 0 }
        return Double(makespan - lowerBound) / Double(lowerBound) * 100
    }
}
