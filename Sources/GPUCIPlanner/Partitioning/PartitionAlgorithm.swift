/// How a suite's files are split across partitions.
public enum PartitionAlgorithm: String, Sendable, Hashable, Codable, CaseIterable {
    /// sglang's `auto_partition`: longest first (ties by discovery order), each file to the
    /// least-loaded partition, lowest index on ties. Byte-identical to the reference.
    case sglang
    /// Never worse than `sglang`: the better of LPT and Karmarkar–Karp, improved by move/swap
    /// local search, then a node-budgeted branch and bound that stops at the lower bound.
    case optimal
}
