import GPUCITopology

/// Topology-aware choices for ``PlacementPolicy/topology``.
///
/// GPU ids are topology device indices; an id the topology does not know links to everything
/// at rank 7 (worse than `SYS`) and has no NUMA node.
///
/// A *cell* is a group of GPUs joined by their closest link: a SIO die pair on Ascend A3, an
/// NVLink island, a PCIe `PIX` pair on an A10 box, the whole board under NVSwitch. `SIO` counts
/// as closer than the other fabrics, so A3 dies pair up even though HCCS joins every die.
struct TopologyPlacement: Sendable {
    /// Rank of a link to a GPU the topology does not describe.
    static let unknownRank = 7

    private let count: Int
    /// `ranks[a * count + b]`: link rank between positions.
    private let ranks: [UInt8]
    /// Cell number per position.
    private let cell: [Int]
    /// NUMA group number per position (unknown NUMA is its own group).
    private let numa: [Int]
    /// Ranks (id order) of each cell's members, ascending.
    private let cellRanks: [[Int]]
    /// Ranks of each NUMA group's members, ascending.
    private let numaRanks: [[Int]]

    init(topology: Topology, layout: AllocatorLayout) {
        let n = layout.count
        count = n
        func device(_ position: Int) -> Int? {
            let id = layout.ids[position]
            guard id >= 0, id < topology.devices.count, id < topology.links.count else { return nil }
            return id
        }
        func link(_ a: Int, _ b: Int) -> Link? {
            guard let da = device(a), let db = device(b), db < topology.links[da].count else { return nil }
            return topology.links[da][db]
        }
        var ranks = Array(repeating: UInt8(0), count: n * n)
        var tiers = Array(repeating: UInt8(0), count: n * n)
        for a in 0..<n {
            for b in 0..<n where a != b {
                let l = link(a, b)
                ranks[a * n + b] = UInt8(l?.rank ?? Self.unknownRank)
                tiers[a * n + b] = switch l {
                case nil: UInt8(Self.unknownRank + 1)
                case .sio?: 1
                case let other?: UInt8(other.rank + (other.rank == 0 ? 0 : 1))
                }
            }
        }
        self.ranks = ranks

        let bestTier = (0..<n).map { a in (0..<n).filter { $0 != a }.map { tiers[a * n + $0] }.min() ?? 0 }
        var parent = Array(0..<n)
        func root(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for a in 0..<n {
            for b in (a + 1)..<max(n, a + 1) where tiers[a * n + b] == bestTier[a] && tiers[a * n + b] == bestTier[b] {
                parent[root(a)] = root(b)
            }
        }
        var cellNumber: [Int: Int] = [:]
        cell = (0..<n).map { position in
            let r = root(position)
            if let known = cellNumber[r] { return known }
            cellNumber[r] = cellNumber.count
            return cellNumber.count - 1
        }
        var numaNumber: [Int: Int] = [:]
        numa = (0..<n).map { position in
            let node = device(position).flatMap { topology.devices[$0].numaNode } ?? -1
            if let known = numaNumber[node] { return known }
            numaNumber[node] = numaNumber.count
            return numaNumber.count - 1
        }
        var cellRanks = Array(repeating: [Int](), count: cellNumber.count)
        var numaRanks = Array(repeating: [Int](), count: numaNumber.count)
        for rank in 0..<n {
            let position = Int(layout.positionOfRank[rank])
            cellRanks[cell[position]].append(rank)
            numaRanks[numa[position]].append(rank)
        }
        self.cellRanks = cellRanks
        self.numaRanks = numaRanks
    }

    /// tp = 1: the fitting free GPU whose cell, then NUMA node, has the fewest other free GPUs
    /// (fill groups already split, keep whole pairs and islands for tensor-parallel workers),
    /// then the first in list order.
    func chooseSingle(requiredMiB: Double, freePositions: [Int], layout: AllocatorLayout) -> Int? {
        let (freeInCell, freeInNUMA) = freeCounts(freePositions)
        var best: (Int, Int, Int)?
        for position in freePositions where Double(layout.memory[position]) >= requiredMiB {
            let key = (freeInCell[cell[position]] - 1, freeInNUMA[numa[position]] - 1, position)
            if best.map({ key < $0 }) ?? true { best = key }
        }
        return best?.2
    }

    /// tp > 1: among the fitting windows over all free GPUs (the reference's candidates) and over
    /// the free GPUs of each cell and each NUMA node, the one with the lowest
    /// (worst link rank, cells left split, NUMA nodes spanned, sum of link ranks); ties go to the
    /// earlier candidate, the reference's own window first. Returns positions in id order.
    func chooseWindow(width: Int, requiredMiB: Double, freePositions: [Int], layout: AllocatorLayout) -> [Int]? {
        let freeRanks = freePositions.map { Int(layout.rankOfPosition[$0]) }.sorted()
        let (freeInCell, _) = freeCounts(freePositions)
        var best: (key: (Int, Int, Int, Int), ranks: [Int])?
        let consider = { (window: ArraySlice<Int>) in
            let key = self.score(window, freeInCell: freeInCell, layout: layout)
            if best.map({ key < $0.key }) ?? true { best = (key, Array(window)) }
        }
        WindowSearch.forEachFit(width: width, requiredMiB: requiredMiB, sequence: freeRanks, layout: layout, consider)
        for groups in [cellRanks, numaRanks] where groups.count > 1 {
            for members in groups where members.count >= width {
                let free = members.filter { freeRanks.binarySearchContains($0) }
                WindowSearch.forEachFit(width: width, requiredMiB: requiredMiB, sequence: free, layout: layout, consider)
            }
        }
        return best?.ranks.map { Int(layout.positionOfRank[$0]) }
    }

    private func score(_ window: ArraySlice<Int>, freeInCell: [Int], layout: AllocatorLayout) -> (Int, Int, Int, Int) {
        let positions = window.map { Int(layout.positionOfRank[$0]) }
        var worst = 0
        var sum = 0
        for (i, a) in positions.enumerated() {
            for b in positions[(i + 1)...] {
                let r = Int(ranks[a * count + b])
                worst = max(worst, r)
                sum += r
            }
        }
        var takenInCell: [Int: Int] = [:]
        var nodes: Set<Int> = []
        for position in positions {
            takenInCell[cell[position], default: 0] += 1
            nodes.insert(numa[position])
        }
        let split = takenInCell.filter { freeInCell[$0.key] > $0.value }.count
        return (worst, split, nodes.count, sum)
    }

    private func freeCounts(_ freePositions: [Int]) -> (cells: [Int], numa: [Int]) {
        var cells = Array(repeating: 0, count: cellRanks.count)
        var nodes = Array(repeating: 0, count: numaRanks.count)
        for position in freePositions {
            cells[cell[position]] += 1
            nodes[numa[position]] += 1
        }
        return (cells, nodes)
    }
}

extension Array where Element == Int {
    /// Whether the ascending array holds `value`.
    fileprivate func binarySearchContains(_ value: Int) -> Bool {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if self[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low < count && self[low] == value
    }
}
