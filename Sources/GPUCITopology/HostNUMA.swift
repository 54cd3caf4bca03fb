import CNuma

/// What libnuma reports about the machine this process runs on.
///
/// libnuma always reads the live host's sysfs, so this describes the host only: never use it
/// for a declared or XML topology (hwloc's `NUMALatency` covers those).
public struct HostNUMA: Sendable, Hashable {
    /// NUMA node count (at least 1: a kernel without NUMA still has one memory domain).
    public var nodeCount: Int
    /// Memory per node in MiB; `nil` where libnuma cannot tell.
    public var memoryMiB: [Int?]
    /// SLIT distances; `nil` where libnuma reports 0 (unknown).
    public var distances: [[Int?]]

    /// Asks libnuma; `nil` when `numa_available()` says NUMA calls cannot be used.
    public static func read() -> HostNUMA? {
        guard numa_available() >= 0 else { return nil }
        let count = max(1, Int(numa_max_node()) + 1)
        let memory: [Int?] = (0..<count).map { node in
            var free: Int64 = 0
            let total = numa_node_size64(Int32(node), &free)
            return total > 0 ? Int(total / (1024 * 1024)) : nil
        }
        let distances: [[Int?]] = (0..<count).map { a in
            (0..<count).map { b in
                let distance = Int(numa_distance(Int32(a), Int32(b)))
                return distance > 0 ? distance : nil
            }
        }
        return HostNUMA(nodeCount: count, memoryMiB: memory, distances: distances)
    }
}
