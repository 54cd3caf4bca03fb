import GPUCITopology

/// An allocation key interned to an integer (see ``KeyInterner``).
public struct KeyHandle: Hashable, Sendable {
    /// Index of the key: `0 ..< interner.count`.
    public let index: Int32

    /// Wraps an interned index.
    public init(_ index: Int32) { self.index = index }
}

/// A live slot of a ``GPUAllocatorCore``; valid until the slot is dropped, after which the
/// handle may name a later slot.
public struct SlotHandle: Hashable, Sendable {
    /// Row of the slot in the core's table.
    public let index: Int32
}

/// A slot request with its key interned and its fit numbers precomputed.
public struct CoreRequest: Hashable, Sendable {
    /// The interned key.
    public var key: KeyHandle
    /// Tensor-parallel size (fits only when ≥ 1).
    public var width: Int
    /// Memory the slot must reach, MiB (the request's GB × 1024; 16 GB when absent).
    public var requiredMiB: Double

    /// Compiles `request` with its key already interned as `key`.
    public init(_ request: SlotRequest, key: KeyHandle) {
        self.key = key
        width = request.width
        requiredMiB = request.fitGB * 1024
    }
}

/// Strings to ``KeyHandle``s, in first-seen order.
public struct KeyInterner: Sendable {
    private var indexByKey: [String: Int32] = [:]
    /// Keys by handle index.
    public private(set) var keys: [String] = []

    /// An empty interner.
    public init() {}

    /// Number of interned keys.
    public var count: Int { keys.count }

    /// The handle of `key`, interning it on first sight.
    public mutating func handle(for key: String) -> KeyHandle {
        if let index = indexByKey[key] { return KeyHandle(index) }
        let index = Int32(keys.count)
        indexByKey[key] = index
        keys.append(key)
        return KeyHandle(index)
    }

    /// The handle of `key` when it was interned.
    public func existingHandle(for key: String) -> KeyHandle? {
        indexByKey[key].map(KeyHandle.init)
    }

    /// The key of `handle`.
    public subscript(handle: KeyHandle) -> String { keys[Int(handle.index)] }
}

/// The allocator's decisions over integer handles, with no heap allocation per operation once
/// the key table has grown to the keys in use.
///
/// Requests arrive one at a time in processing order (the caller applies first-fit-decreasing
/// order: it depends on a batch's requests only). Slots live in a handle table with a free
/// stack; live slots are linked in creation order and, per key, in creation order, so
/// ``firstSlot(for:)`` and a release are O(1) per GPU instead of an array shift. A slot's GPUs
/// are a list threaded through the positions it chose. ``GPUAllocator`` is the String API over
/// this core; both decide exactly as ``ScalarGPUAllocator`` under ``PlacementPolicy/reference``.
public struct GPUAllocatorCore: Sendable {
    private struct SlotRecord: Sendable {
        var key: Int32 = -1
        var first: Int32 = -1
        var width: Int32 = 0
        var livePrevious: Int32 = -1
        var liveNext: Int32 = -1
        var keyPrevious: Int32 = -1
        var keyNext: Int32 = -1
        var mark: UInt32 = 0
        var port: Int = 0
        var totalMemoryMiB: Int = 0
    }

    let layout: AllocatorLayout
    private let placement: TopologyPlacement?
    private let firstPort: Int
    private let initialWords: [UInt64]
    private var freeByPosition: [UInt64]
    private var freeByRank: [UInt64]
    private var lanes: MemoryLanes
    private var freeCount: Int
    /// The live slot holding each position, or -1.
    private var owner: [Int32]
    /// The next position chosen by the same slot, or -1.
    private var nextInSlot: [Int32]
    private var records: [SlotRecord]
    private var freeHandles: [Int32]
    private var liveHead: Int32 = -1
    private var liveTail: Int32 = -1
    private var keyHead: [Int32] = []
    private var keyTail: [Int32] = []
    private var epoch: UInt32 = 0
    /// Scratch: slots dropped by one release, positions chosen by one request.
    private var dropped: [Int32]
    private var chosen: [Int32]
    private var nextPort: Int

    /// A core over `gpus` (ids are `topology` device indices when one is given); ports from `firstPort`.
    public init(gpus: [GPUInfo], firstPort: Int = 30000, topology: Topology? = nil, policy: PlacementPolicy = .reference) {
        let layout = AllocatorLayout(gpus: gpus)
        self.layout = layout
        placement = policy == .topology ? topology.map { TopologyPlacement(topology: $0, layout: layout) } : nil
        self.firstPort = firstPort
        var words = Array(repeating: ~UInt64(0), count: layout.wordCount)
        if gpus.count % 64 != 0, !words.isEmpty { words[words.count - 1] = (UInt64(1) << UInt64(gpus.count % 64)) - 1 }
        initialWords = words
        freeByPosition = words
        freeByRank = words
        lanes = MemoryLanes(count: gpus.count)
        freeCount = 0
        owner = Array(repeating: -1, count: gpus.count)
        nextInSlot = Array(repeating: -1, count: gpus.count)
        // Every live slot owns at least one position no other slot owns.
        records = Array(repeating: SlotRecord(), count: gpus.count)
        freeHandles = []
        freeHandles.reserveCapacity(gpus.count)
        dropped = Array(repeating: -1, count: gpus.count)
        chosen = Array(repeating: -1, count: gpus.count)
        nextPort = firstPort
        reset()
    }

    /// Every GPU free, no slot, ports from the first again; keeps the storage (and key table).
    public mutating func reset() {
        for word in initialWords.indices {
            freeByPosition[word] = initialWords[word]
            freeByRank[word] = initialWords[word]
        }
        for position in 0..<layout.count {
            lanes[position] = layout.memory[position]
            owner[position] = -1
        }
        freeCount = layout.count
        freeHandles.removeAll(keepingCapacity: true)
        for handle in stride(from: Int32(layout.count) - 1, through: 0, by: -1) { freeHandles.append(handle) }
        liveHead = -1
        liveTail = -1
        for key in keyHead.indices {
            keyHead[key] = -1
            keyTail[key] = -1
        }
        nextPort = firstPort
    }

    /// Sizes the per-key lists for keys `0 ..< count`, so that allocating for them never grows storage.
    public mutating func reserveKeys(_ count: Int) {
        guard count > keyHead.count else { return }
        keyHead.append(contentsOf: repeatElement(-1, count: count - keyHead.count))
        keyTail.append(contentsOf: repeatElement(-1, count: count - keyTail.count))
    }

    /// Number of GPUs in the list.
    public var gpuCount: Int { layout.count }

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

    /// Live slots in creation order.
    public var liveSlots: [SlotHandle] {
        var handles: [SlotHandle] = []
        var handle = liveHead
        while handle >= 0 {
            handles.append(SlotHandle(index: handle))
            handle = records[Int(handle)].liveNext
        }
        return handles
    }

    /// Makes a slot for `request`, or returns `nil` when it does not fit.
    public mutating func allocate(_ request: CoreRequest) -> SlotHandle? {
        let count = choose(request)
        guard count > 0, let handle = freeHandles.popLast() else { return nil }
        let slot = Int(handle)
        var total = 0
        for index in 0..<count {
            let position = Int(chosen[index])
            total &+= Int(layout.memory[position])
            nextInSlot[position] = index + 1 < count ? chosen[index + 1] : -1
            var same = layout.firstPosition(ofID: layout.ids[position])
            while same >= 0 {
                close(same)
                owner[same] = handle
                same = layout.nextPosition(sameIDAs: same)
            }
        }
        let key = Int(request.key.index)
        if key >= keyHead.count { reserveKeys(max(key + 1, 2 * keyHead.count)) }
        records[slot] = SlotRecord(key: request.key.index, first: chosen[0], width: Int32(count),
                                   livePrevious: liveTail, liveNext: -1, keyPrevious: keyTail[key], keyNext: -1,
                                   mark: records[slot].mark, port: nextPort, totalMemoryMiB: total)
        nextPort &+= 1
        if liveTail >= 0 { records[Int(liveTail)].liveNext = handle } else { liveHead = handle }
        liveTail = handle
        if keyTail[key] >= 0 { records[Int(keyTail[key])].keyNext = handle } else { keyHead[key] = handle }
        keyTail[key] = handle
        return SlotHandle(index: handle)
    }

    /// Frees `ids` and drops every slot that holds any of them (the slot's other GPUs stay used).
    public mutating func releaseGPUs(_ ids: UnsafeBufferPointer<Int>) {
        epoch &+= 1
        if epoch == 0 {
            for slot in records.indices { records[slot].mark = 0 }
            epoch = 1
        }
        var droppedCount = 0
        for id in ids {
            var position = layout.firstPosition(ofID: id)
            while position >= 0 {
                open(position)
                let handle = owner[position]
                if handle >= 0 && records[Int(handle)].mark != epoch {
                    records[Int(handle)].mark = epoch
                    dropped[droppedCount] = handle
                    droppedCount &+= 1
                }
                position = layout.nextPosition(sameIDAs: position)
            }
        }
        for index in 0..<droppedCount { drop(dropped[index]) }
    }

    /// Frees the GPUs of a live slot and drops it: `releaseGPUs` of its ids. A dropped slot's
    /// handle does nothing (until a later slot reuses it).
    public mutating func release(_ slot: SlotHandle) {
        var position = records[Int(slot.index)].first
        guard position >= 0 else { return }
        while position >= 0 {
            var same = layout.firstPosition(ofID: layout.ids[Int(position)])
            while same >= 0 {
                open(same)
                same = layout.nextPosition(sameIDAs: same)
            }
            position = nextInSlot[Int(position)]
        }
        drop(slot.index)
    }

    /// The first live slot made for `key`.
    public func firstSlot(for key: KeyHandle) -> SlotHandle? {
        let index = Int(key.index)
        guard index < keyHead.count, keyHead[index] >= 0 else { return nil }
        return SlotHandle(index: keyHead[index])
    }

    /// The key `slot` was made for.
    public func key(of slot: SlotHandle) -> KeyHandle { KeyHandle(records[Int(slot.index)].key) }
    /// The port of `slot`.
    public func port(of slot: SlotHandle) -> Int { records[Int(slot.index)].port }
    /// The memory of `slot`'s GPUs, MiB.
    public func totalMemoryMiB(of slot: SlotHandle) -> Int { records[Int(slot.index)].totalMemoryMiB }
    /// How many GPUs `slot` holds.
    public func width(of slot: SlotHandle) -> Int { Int(records[Int(slot.index)].width) }

    /// Calls `body` with each GPU id of `slot` in slot order.
    @inlinable
    public func forEachGPU(of slot: SlotHandle, _ body: (Int) throws -> Void) rethrows {
        var position = firstPosition(of: slot)
        while position >= 0 {
            try body(gpuID(atPosition: position))
            position = self.position(after: position)
        }
    }

    /// The GPU ids of `slot` in slot order.
    public func gpuIDs(of slot: SlotHandle) -> [Int] {
        var ids: [Int] = []
        ids.reserveCapacity(width(of: slot))
        forEachGPU(of: slot) { ids.append($0) }
        return ids
    }

    @usableFromInline func firstPosition(of slot: SlotHandle) -> Int { Int(records[Int(slot.index)].first) }
    @usableFromInline func position(after position: Int) -> Int { Int(nextInSlot[position]) }
    @usableFromInline func gpuID(atPosition position: Int) -> Int { layout.ids[position] }

    /// Unlinks `handle` from the live and key lists, clears its positions' owner and frees the row.
    private mutating func drop(_ handle: Int32) {
        let slot = Int(handle)
        var position = records[slot].first
        while position >= 0 {
            var same = layout.firstPosition(ofID: layout.ids[Int(position)])
            while same >= 0 {
                owner[same] = -1
                same = layout.nextPosition(sameIDAs: same)
            }
            position = nextInSlot[Int(position)]
        }
        let record = records[slot]
        if record.livePrevious >= 0 { records[Int(record.livePrevious)].liveNext = record.liveNext } else { liveHead = record.liveNext }
        if record.liveNext >= 0 { records[Int(record.liveNext)].livePrevious = record.livePrevious } else { liveTail = record.livePrevious }
        let key = Int(record.key)
        if record.keyPrevious >= 0 { records[Int(record.keyPrevious)].keyNext = record.keyNext } else { keyHead[key] = record.keyNext }
        if record.keyNext >= 0 { records[Int(record.keyNext)].keyPrevious = record.keyPrevious } else { keyTail[key] = record.keyPrevious }
        records[slot].first = -1
        freeHandles.append(handle)
    }

    /// Writes the positions for `request` (in slot order) into `chosen`; returns how many, 0 when it does not fit.
    private mutating func choose(_ request: CoreRequest) -> Int {
        let width = request.width
        let required = request.requiredMiB
        if width == 1 {
            let position: Int?
            if let placement {
                position = placement.chooseSingle(requiredMiB: required, freePositions: freePositions(), layout: layout)
            } else if let need = MemoryLanes.threshold(forRequiredMiB: required), need <= layout.maxMemory {
                position = lanes.firstFit(need: need, freeWords: freeByPosition)
            } else {
                position = nil
            }
            guard let position else { return 0 }
            chosen[0] = Int32(position)
            return 1
        }
        guard width >= 2, freeCount >= width else { return 0 }
        if let placement {
            guard let positions = placement.chooseWindow(width: width, requiredMiB: required,
                                                         freePositions: freePositions(), layout: layout) else { return 0 }
            for (index, position) in positions.enumerated() { chosen[index] = Int32(position) }
            return positions.count
        }
        let layout = self.layout
        let freeCount = self.freeCount
        return freeByRank.withUnsafeBufferPointer { words -> Int in
            layout.rankMemory.withUnsafeBufferPointer { memory -> Int in
                guard let start = WindowSearch.firstStart(width: width, requiredMiB: required, freeCount: freeCount,
                                                          freeRankWords: words, rankMemory: memory,
                                                          minMemory: layout.minMemory, maxMemory: layout.maxMemory)
                else { return 0 }
                var cursor = SetBitCursor(words, from: start)
                for index in 0..<width {
                    guard let rank = cursor.next() else { return 0 }
                    chosen[index] = layout.positionOfRank[rank]
                }
                return width
            }
        }
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
