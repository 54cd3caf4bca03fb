/// The fixed part of an allocator's state: the GPU list as structure-of-arrays.
///
/// Positions are list indices; ranks are positions in id order (ties by list order), the order
/// the reference slides tensor-parallel windows in.
struct AllocatorLayout: Sendable {
    /// GPUs in the list.
    let count: Int
    /// Words in a free mask (one bit per GPU).
    let wordCount: Int
    /// Memory per position, clamped to `Int32.min + 1 ... Int32.max` MiB.
    let memory: [Int32]
    /// Ids per position.
    let ids: [Int]
    /// `positionOfRank[r]` is the list position of the `r`-th GPU in id order.
    let positionOfRank: [Int32]
    /// Inverse of `positionOfRank`.
    let rankOfPosition: [Int32]
    /// Memory per rank.
    let rankMemory: [Int32]
    /// Smallest and largest memory of the list (0 for an empty list).
    let minMemory: Int32
    let maxMemory: Int32
    /// id → first position, for ids in `0 ..< denseIndex.count`; -1 where absent.
    private let denseIndex: [Int32]
    /// id → first position for ids outside the dense range.
    private let sparseIndex: [Int: Int32]
    /// The next position holding the same id, or -1; empty when every id is unique.
    private let nextSameID: [Int32]

    init(gpus: [GPUInfo]) {
        count = gpus.count
        wordCount = (gpus.count + 63) / 64
        ids = gpus.map(\.id)
        memory = gpus.map { Self.clamp($0.memoryMiB) }
        let order = gpus.indices.sorted { a, b in gpus[a].id != gpus[b].id ? gpus[a].id < gpus[b].id : a < b }
        positionOfRank = order.map { Int32($0) }
        var inverse = Array(repeating: Int32(0), count: gpus.count)
        for (rank, position) in order.enumerated() { inverse[position] = Int32(rank) }
        rankOfPosition = inverse
        rankMemory = order.map { Self.clamp(gpus[$0].memoryMiB) }
        minMemory = memory.min() ?? 0
        maxMemory = memory.max() ?? 0

        let denseLimit = 4 * gpus.count + 64
        // `max + 1` would overflow for an id of Int.max; ids past the dense table go to `sparse`.
        var dense = Array(repeating: Int32(-1), count: min(denseLimit, ids.max().map { $0 >= denseLimit ? denseLimit : max($0 + 1, 0) } ?? 0))
        var sparse: [Int: Int32] = [:]
        var next = Array(repeating: Int32(-1), count: gpus.count)
        var last: [Int: Int] = [:]
        var duplicates = false
        for (position, id) in ids.enumerated() {
            if let previous = last[id] {
                next[previous] = Int32(position)
                duplicates = true
            } else if id >= 0 && id < dense.count {
                dense[id] = Int32(position)
            } else {
                sparse[id] = Int32(position)
            }
            last[id] = position
        }
        denseIndex = dense
        sparseIndex = sparse
        nextSameID = duplicates ? next : []
    }

    /// Memory clamped into the lane range (±2 PiB; `Int32.min` is reserved for closed lanes).
    static func clamp(_ memoryMiB: Int) -> Int32 {
        Int32(clamping: max(memoryMiB, Int(Int32.min) + 1))
    }

    /// id → first position for ids `0 ..< denseTable.count` (-1 where absent).
    var denseTable: [Int32] { denseIndex }
    /// The next position holding the same id per position; empty when every id is unique.
    var nextSameIDTable: [Int32] { nextSameID }

    /// The first position holding `id`, or -1.
    @inline(__always)
    func firstPosition(ofID id: Int) -> Int {
        if id >= 0 && id < denseIndex.count { return Int(denseIndex[id]) }
        return Int(sparseIndex[id] ?? -1)
    }

    /// The next position after `position` holding the same id, or -1.
    @inline(__always)
    func nextPosition(sameIDAs position: Int) -> Int {
        nextSameID.isEmpty ? -1 : Int(nextSameID[position])
    }
}
