/// How a suite's files are split across partitions.
public enum PartitionAlgorithm: String, Sendable, Hashable, Codable, CaseIterable {
    /// sglang's `auto_partition`: longest first (ties by discovery order), each file to the
    /// least-loaded partition, lowest index on ties. Byte-identical to the reference.
    case sglang
    /// Never worse than `sglang`: the better of LPT and Karmarkar–Karp, improved by move/swap
    /// local search, then a node-budgeted branch and bound that stops at the lower bound.
    case optimal
}

/// Knobs of the `optimal` algorithm.
public struct PartitionOptions: Sendable, Hashable {
    /// Exact-search nodes per phase (bin completion, then complete greedy if still unproved),
    /// so at most twice this per suite. A node count, not a clock: plans are identical on
    /// every machine and run.
    public var searchNodeBudget: Int

    /// The default budget keeps a 500-file, 16-partition suite well under 100 ms.
    public static let defaultSearchNodeBudget = 200_000

    /// Creates options; a budget of 0 skips the exact search.
    public init(searchNodeBudget: Int = PartitionOptions.defaultSearchNodeBudget) {
        self.searchNodeBudget = max(0, searchNodeBudget)
    }
}

/// How a plan's optimality is known.
public enum OptimalityProof: String, Sendable, Hashable, Codable {
    /// The makespan equals the lower bound.
    case lowerBound
    /// The exact search finished without finding anything better.
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

/// Seconds as whole milliseconds, the unit every comparison in the planner uses.
public enum Millis {
    /// Rounds non-negative seconds to milliseconds (negative and non-finite values become 0).
    public static func from(seconds: Double) -> Int64 {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int64((seconds * 1000).rounded())
    }

    /// Milliseconds as seconds.
    public static func seconds(_ millis: Int64) -> Double {
        Double(millis) / 1000
    }
}
