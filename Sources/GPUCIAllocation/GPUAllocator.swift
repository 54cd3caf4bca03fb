import GPUCITopology

/// The GPU slot allocator: the reference's decisions over structure-of-arrays state.
///
/// Under ``PlacementPolicy/reference`` every decision equals ``ScalarGPUAllocator``'s:
/// first-fit decreasing by memory (stable; no memory sorts as 0 and is fitted as 16 GB) or
/// request order; tp = 1 takes the first free GPU in list order with enough memory; tp > 1 the
/// first window of `tp` GPUs adjacent among the free GPUs in id order whose memory sum fits; a
/// request that does not fit is skipped; `releaseGPUs` frees the ids and drops every slot
/// holding any of them. Memory is compared in MiB (GB × 1024), so an 80 GB request does not fit
/// an 81,559 MiB H100.
///
/// State: free masks as bits (`[UInt64]`) in list order and in id order, and per-GPU memory in
/// `Int32` lanes with used GPUs closed, so a tp = 1 fit is one 8-lane compare per 8 GPUs over
/// the non-empty mask bytes, and a tp window is a sliding sum over the set bits of the id-order
/// mask. Memory beyond ±(2³¹ − 1) MiB is clamped to it.
///
/// Under ``PlacementPolicy/topology`` (with a topology), among the requests that fit:
/// - tp = 1 takes the fitting GPU whose cell (its closest-link group: a SIO die pair, an NVLink
///   island, a PIX pair), then NUMA node, has the fewest other free GPUs, then list order —
///   single-GPU workers fill groups that are already split (k8s-device-plugin#1193, MindCluster);
/// - tp > 1 ranks the reference's fitting windows plus the fitting windows over the free GPUs
///   of each cell and of each NUMA node by (worst link rank, cells left split, NUMA nodes spanned,
///   sum of link ranks), ties to the earlier candidate. All-fabric sets therefore come first,
///   an A3 tp = 2 request gets a whole SIO pair, and the worst link is never worse than the
///   reference's window when that one fits. RDMA NIC affinity is not considered.
public struct GPUAllocator: SlotAllocator {
    /// GPUs in list order.
    public let gpus: [GPUInfo]
    /// How fitting requests are placed.
    public let policy: PlacementPolicy
    /// Live slots in creation order.
    public private(set) var slots: [GPUSlot] = []

    private let layout: AllocatorLayout
    private let placement: TopologyPlacement?
    private var freeByPosition: [UInt64]
    private var freeByRank: [UInt64]
    private var lanes: MemoryLanes
    private var freeCount: Int
    /// Serial of the live slot holding each position, or -1.
    private var owner: [Int]
    /// Serials of `slots`, index for index (ascending: slots stay in creation order).
    private var slotSerials: [Int] = []
    /// Live slots per key: how many, and the serial of the first.
    private var slotsByKey: [String: (count: Int, first: Int)] = [:]
    private var nextSerial = 0
    private var nextPort: Int

    /// Creates an allocator over `gpus` (ids are `topology` device indices when one is given);
    /// ports are numbered from `firstPort`.
    public init(gpus: [GPUInfo], firstPort: Int = 30000, topology: Topology? = nil, policy: PlacementPolicy = .reference) {
        self.gpus = gpus
        self.policy = policy
        self.nextPort = firstPort
        let layout = AllocatorLayout(gpus: gpus)
        self.layout = layout
        placement = policy == .topology ? topology.map { TopologyPlacement(topology: $0, layout: layout) } : nil
        var words = Array(repeating: ~UInt64(0), count: layout.wordCount)
        if gpus.count % 64 != 0, !words.isEmpty { words[words.count - 1] = (UInt64(1) << UInt64(gpus.count % 64)) - 1 }
        freeByPosition = words
        freeByRank = words
        lanes = MemoryLanes(count: gpus.count)
        for position in 0..<gpus.count { lanes[position] = layout.memory[position] }
        freeCount = gpus.count
        owner = Array(repeating: -1, count: gpus.count)
    }

    /// Creates an allocator over the devices of `topology`.
    public init(topology: Topology, firstPort: Int = 30000, policy: PlacementPolicy = .reference) {
        self.init(gpus: GPUInfo.list(from: topology), firstPort: firstPort, topology: topology, policy: policy)
    }

    /// Ids of the free GPUs in list order.
    public var available: [Int] {
        var ids: [Int] = []
        ids.reserveCapacity(freeCount)
        freeByPosition.withUnsafeBufferPointer { words in
            var cursor = SetBitCursor(words)
            while let position = cursor.next() { ids.append(layout.ids[position]) }
        }
        return ids
    }

    /// Allocates a slot per request, skipping those that do not fit; returns the new slots in processing order.
    ///
    /// - Complexity: O(r × n / 8) vector steps for r requests over n GPUs under the reference policy.
    public mutating func allocate(_ requests: [SlotRequest], preserveOrder: Bool) -> [GPUSlot] {
        guard !gpus.isEmpty else { return [] }
        let ordered = preserveOrder || requests.count < 2 ? requests : ScalarGPUAllocator.firstFitDecreasingOrder(requests)
        var created: [GPUSlot] = []
        for request in ordered {
            guard let chosen = choose(request) else { continue }
            let serial = nextSerial
            nextSerial += 1
            var ids: [Int] = []
            ids.reserveCapacity(chosen.count)
            var total = 0
            for position in chosen {
                ids.append(layout.ids[position])
                total += Int(layout.memory[position])
                var same = layout.firstPosition(ofID: layout.ids[position])
                while same >= 0 {
                    close(same)
                    owner[same] = serial
                    same = layout.nextPosition(sameIDAs: same)
                }
            }
            let slot = GPUSlot(gpuIDs: ids, totalMemoryMiB: total, assignedModel: request.key, port: nextPort)
            nextPort += 1
            slots.append(slot)
            slotSerials.append(serial)
            slotsByKey[request.key, default: (0, serial)].count += 1
            created.append(slot)
        }
        return created
    }

    /// Frees `ids` and drops every slot that holds any of them (the slot's other GPUs stay used).
    public mutating func releaseGPUs(_ ids: [Int]) {
        var dropped: [Int] = []
        for id in ids {
            var position = layout.firstPosition(ofID: id)
            while position >= 0 {
                open(position)
                let serial = owner[position]
                if serial >= 0 && !dropped.contains(serial) { dropped.append(serial) }
                position = layout.nextPosition(sameIDAs: position)
            }
        }
        for serial in dropped {
            guard let index = indexOfSlot(serial: serial) else { continue }
            let slot = slots.remove(at: index)
            slotSerials.remove(at: index)
            for id in slot.gpuIDs {
                var position = layout.firstPosition(ofID: id)
                while position >= 0 {
                    owner[position] = -1
                    position = layout.nextPosition(sameIDAs: position)
                }
            }
            forget(slot, serial: serial, removedAt: index)
        }
    }

    /// Frees a whole slot.
    public mutating func release(_ slot: GPUSlot) { releaseGPUs(slot.gpuIDs) }

    /// The first live slot made for `key`.
    public func slot(for key: String) -> GPUSlot? {
        guard let entry = slotsByKey[key], let index = indexOfSlot(serial: entry.first) else { return nil }
        return slots[index]
    }

    /// Index in `slots` of the live slot with `serial` (binary search: serials ascend).
    private func indexOfSlot(serial: Int) -> Int? {
        var low = 0
        var high = slotSerials.count
        while low < high {
            let mid = (low + high) / 2
            if slotSerials[mid] < serial { low = mid + 1 } else { high = mid }
        }
        return low < slotSerials.count && slotSerials[low] == serial ? low : nil
    }

    /// Updates the key index after `slot` (with `serial`) left `slots` at `index`.
    private mutating func forget(_ slot: GPUSlot, serial: Int, removedAt index: Int) {
        let key = slot.assignedModel
        guard let entry = slotsByKey[key] else { return }
        if entry.count <= 1 {
            slotsByKey[key] = nil
        } else if entry.first == serial {
            let next = slots[index...].firstIndex { $0.assignedModel == key }.map { slotSerials[$0] } ?? serial
            slotsByKey[key] = (entry.count - 1, next)
        } else {
            slotsByKey[key] = (entry.count - 1, entry.first)
        }
    }

    /// Positions for `request`, in slot order, or `nil` when it does not fit.
    private func choose(_ request: SlotRequest) -> [Int]? {
        let required = request.fitGB * 1024
        let width = request.width
        if width == 1 {
            if let placement {
                return placement.chooseSingle(requiredMiB: required, freePositions: freePositions(), layout: layout).map { [$0] }
            }
            guard let need = MemoryLanes.threshold(forRequiredMiB: required), need <= layout.maxMemory,
                  let position = lanes.firstFit(need: need, freeWords: freeByPosition) else { return nil }
            return [position]
        }
        guard width >= 2, freeCount >= width else { return nil }
        if let placement {
            return placement.chooseWindow(width: width, requiredMiB: required, freePositions: freePositions(), layout: layout)
        }
        return WindowSearch.first(width: width, requiredMiB: required, freeCount: freeCount,
                                  freeRankWords: freeByRank, layout: layout)?
            .map { Int(layout.positionOfRank[$0]) }
    }

    private func freePositions() -> [Int] {
        var positions: [Int] = []
        positions.reserveCapacity(freeCount)
        freeByPosition.withUnsafeBufferPointer { words in
            var cursor = SetBitCursor(words)
            while let position = cursor.next() { positions.append(position) }
        }
        return positions
    }

    private mutating func close(_ position: Int) {
        let bit = UInt64(1) << UInt64(position & 63)
        guard freeByPosition[position >> 6] & bit != 0 else { return }
        freeByPosition[position >> 6] &= ~bit
        let rank = Int(layout.rankOfPosition[position])
        freeByRank[rank >> 6] &= ~(UInt64(1) << UInt64(rank & 63))
        lanes[position] = MemoryLanes.closed
        freeCount -= 1
    }

    private mutating func open(_ position: Int) {
        let bit = UInt64(1) << UInt64(position & 63)
        guard freeByPosition[position >> 6] & bit == 0 else { return }
        freeByPosition[position >> 6] |= bit
        let rank = Int(layout.rankOfPosition[position])
        freeByRank[rank >> 6] |= UInt64(1) << UInt64(rank & 63)
        lanes[position] = layout.memory[position]
        freeCount += 1
    }
}
