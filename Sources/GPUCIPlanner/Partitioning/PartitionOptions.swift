/// Knobs of the `optimal` algorithm.
public struct PartitionOptions: Sendable, Hashable {
    /// Exact-search nodes per phase (bin completion, then complete greedy if still unproved),
    /// so at most twice this per suite. A node count, not a clock: plans are identical on
    /// every machine and run.
    public var searchNodeBudget: Int

    /// The most partitions (parallel jobs) one suite may be split into. GitHub Actions runs at
    /// most 256 jobs per matrix; the bound leaves room for other CI systems while keeping the
    /// work of a plan bounded (`--partitions 1e6` once took 17 s and 630 MB for two files).
    public static let maximumPartitions = 1024

    /// The default budget keeps a 500-file, 16-partition suite well under 100 ms.
    public static let defaultSearchNodeBudget = 200_000

    /// Creates options; a budget of 0 skips the exact search.
    public init(searchNodeBudget: Int = PartitionOptions.defaultSearchNodeBudget) {
        self.searchNodeBudget = max(0, searchNodeBudget)
    }
}
