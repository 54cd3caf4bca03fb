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
///
/// The state is one block of fixed-size tables (``CoreState``) reached through raw pointers and
/// copied on write, so the hot path pays neither a uniqueness check nor a bounds check per store
/// (those were a third of an operation's time).
public struct GPUAllocatorCore: @unchecked Sendable {
    private let placement: TopologyPlacement?
    private var state: CoreState

    /// A core over `gpus` (ids are `topology` device indices when one is given); ports from `firstPort`.
    public init(gpus: [GPUInfo], firstPort: Int = 30000, topology: Topology? = nil, policy: PlacementPolicy = .reference) {
        let layout = AllocatorLayout(gpus: gpus)
        placement = policy == .topology ? topology.map { TopologyPlacement(topology: $0, layout: layout) } : nil
        state = CoreState(layout: layout, firstPort: firstPort)
    }

    private mutating func unique() -> CoreState {
        if !isKnownUniquelyReferenced(&state) { state = state.copy() }
        return state
    }

    /// Every GPU free, no slot, ports from the first again; keeps the storage (and key table).
    public mutating func reset() { unique().reset() }

    /// Sizes the per-key lists for keys `0 ..< count`, so that allocating for them never grows storage.
    public mutating func reserveKeys(_ count: Int) { unique().reserveKeys(count) }

    /// Number of GPUs in the list.
    public var gpuCount: Int { state.count }

    /// Ids of the free GPUs in list order.
    public var available: [Int] {
        var ids: [Int] = []
        ids.reserveCapacity(state.freeCount)
        var cursor = SetBitCursor(UnsafeBufferPointer(start: state.freeByPosition, count: state.wordCount))
        while let position = cursor.next() { ids.append(state.ids[position]) }
        return ids
    }

    /// Live slots in creation order.
    public var liveSlots: [SlotHandle] {
        var handles: [SlotHandle] = []
        var handle = state.liveHead
        while handle >= 0 {
            handles.append(SlotHandle(index: handle))
            handle = state.records[Int(handle)].liveNext
        }
        return handles
    }

    /// Makes a slot for `request`, or returns `nil` when it does not fit.
    public mutating func allocate(_ request: CoreRequest) -> SlotHandle? {
        let state = unique()
        let count: Int
        if let placement, request.width >= 1 {
            count = state.choosePlaced(request, placement: placement)
        } else {
            count = state.choose(request)
        }
        guard count > 0 else { return nil }
        return state.commit(count, key: request.key.index)
    }

    /// Frees `ids` and drops every slot that holds any of them (the slot's other GPUs stay used).
    public mutating func releaseGPUs(_ ids: UnsafeBufferPointer<Int>) { unique().releaseGPUs(ids) }

    /// Frees the GPUs of a live slot and drops it: `releaseGPUs` of its ids. A dropped slot's
    /// handle does nothing (until a later slot reuses it).
    public mutating func release(_ slot: SlotHandle) { unique().release(slot.index) }

    /// The first live slot made for `key`.
    public func firstSlot(for key: KeyHandle) -> SlotHandle? {
        let index = Int(key.index)
        guard index >= 0, index < state.keyCapacity, state.keyHead[index] >= 0 else { return nil }
        return SlotHandle(index: state.keyHead[index])
    }

    /// The key `slot` was made for.
    public func key(of slot: SlotHandle) -> KeyHandle { KeyHandle(state.records[Int(slot.index)].key) }
    /// The port of `slot`.
    public func port(of slot: SlotHandle) -> Int { state.records[Int(slot.index)].port }
    /// The memory of `slot`'s GPUs, MiB.
    public func totalMemoryMiB(of slot: SlotHandle) -> Int { state.records[Int(slot.index)].totalMemoryMiB }
    /// How many GPUs `slot` holds.
    public func width(of slot: SlotHandle) -> Int { Int(state.records[Int(slot.index)].width) }

    /// The GPU ids of `slot` in slot order.
    public func gpuIDs(of slot: SlotHandle) -> [Int] {
        var ids: [Int] = []
        ids.reserveCapacity(width(of: slot))
        var position = Int(state.records[Int(slot.index)].first)
        while position >= 0 {
            ids.append(state.ids[position])
            position = Int(state.nextInSlot[position])
        }
        return ids
    }
}

/// One row of the slot table.
struct SlotRecord {
    var key: Int32 = -1
    /// The first position the slot chose; -1 for a free row.
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

/// The mutable tables of a ``GPUAllocatorCore`` (and read-only copies of the layout's hot
/// columns), allocated once for the GPU count. Every live slot owns at least one position no
/// other slot owns, so `count` rows always suffice.
final class CoreState {
    let count: Int
    let wordCount: Int
    let firstPort: Int
    // Layout columns (read only).
    let memory: UnsafeMutablePointer<Int32>
    let ids: UnsafeMutablePointer<Int>
    let rankOfPosition: UnsafeMutablePointer<Int32>
    let positionOfRank: UnsafeMutablePointer<Int32>
    let rankMemory: UnsafeMutablePointer<Int32>
    let minMemory: Int32
    let maxMemory: Int32
    let initialWords: UnsafeMutablePointer<UInt64>
    // State.
    let freeByPosition: UnsafeMutablePointer<UInt64>
    let freeByRank: UnsafeMutablePointer<UInt64>
    /// Free memory per position in list order, padded to whole blocks; used GPUs hold `MemoryLanes.closed`.
    let lanes: UnsafeMutablePointer<Int32>
    let laneCount: Int
    /// The live slot holding each position, or -1.
    let owner: UnsafeMutablePointer<Int32>
    /// The next position chosen by the same slot, or -1.
    let nextInSlot: UnsafeMutablePointer<Int32>
    let records: UnsafeMutablePointer<SlotRecord>
    let freeHandles: UnsafeMutablePointer<Int32>
    /// Scratch: slots dropped by one release, positions chosen by one request.
    let dropped: UnsafeMutablePointer<Int32>
    let chosen: UnsafeMutablePointer<Int32>
    var keyHead: UnsafeMutablePointer<Int32>
    var keyTail: UnsafeMutablePointer<Int32>
    var keyCapacity = 0
    var freeHandleCount = 0
    var freeCount = 0
    var liveHead: Int32 = -1
    var liveTail: Int32 = -1
    var epoch: UInt32 = 0
    var nextPort: Int
    /// The GPU list's layout: copies are made from it, placement reads it, and ids the dense
    /// table does not cover are looked up in it.
    let layout: AllocatorLayout
    private let denseIDs: UnsafeMutablePointer<Int32>
    private let denseIDCount: Int
    private let nextSameID: UnsafeMutablePointer<Int32>?

    init(layout: AllocatorLayout, firstPort: Int) {
        count = layout.count
        wordCount = layout.wordCount
        self.firstPort = firstPort
        laneCount = wordCount * MemoryLanes.blockLanes
        memory = .copy(layout.memory)
        ids = .copy(layout.ids)
        rankOfPosition = .copy(layout.rankOfPosition)
        positionOfRank = .copy(layout.positionOfRank)
        rankMemory = .copy(layout.rankMemory)
        minMemory = layout.minMemory
        maxMemory = layout.maxMemory
        var words = Array(repeating: ~UInt64(0), count: wordCount)
        if count % 64 != 0, !words.isEmpty { words[words.count - 1] = (UInt64(1) << UInt64(count % 64)) - 1 }
        initialWords = .copy(words)
        freeByPosition = .allocate(capacity: max(wordCount, 1))
        freeByRank = .allocate(capacity: max(wordCount, 1))
        lanes = .allocate(capacity: max(laneCount, 1))
        lanes.initialize(repeating: MemoryLanes.closed, count: max(laneCount, 1))
        owner = .allocate(capacity: max(count, 1))
        nextInSlot = .allocate(capacity: max(count, 1))
        nextInSlot.initialize(repeating: -1, count: max(count, 1))
        records = .allocate(capacity: max(count, 1))
        records.initialize(repeating: SlotRecord(), count: max(count, 1))
        freeHandles = .allocate(capacity: max(count, 1))
        dropped = .allocate(capacity: max(count, 1))
        chosen = .allocate(capacity: max(count, 1))
        keyHead = .allocate(capacity: 1)
        keyTail = .allocate(capacity: 1)
        self.layout = layout
        let dense = layout.denseTable
        denseIDs = .copy(dense)
        denseIDCount = dense.count
        nextSameID = layout.nextSameIDTable.isEmpty ? nil : .copy(layout.nextSameIDTable)
        self.nextPort = firstPort
        reset()
    }

    deinit {
        for pointer in [memory, rankOfPosition, positionOfRank, rankMemory, lanes, owner, nextInSlot,
                        freeHandles, dropped, chosen, keyHead, keyTail, denseIDs] { pointer.deallocate() }
        ids.deallocate()
        initialWords.deallocate()
        freeByPosition.deallocate()
        freeByRank.deallocate()
        records.deallocate()
        nextSameID?.deallocate()
    }

    /// A copy with its own tables.
    func copy() -> CoreState {
        let copy = CoreState(layout: layout, firstPort: firstPort)
        copy.reserveKeys(keyCapacity)
        copy.freeByPosition.update(from: freeByPosition, count: wordCount)
        copy.freeByRank.update(from: freeByRank, count: wordCount)
        copy.lanes.update(from: lanes, count: laneCount)
        copy.owner.update(from: owner, count: count)
        copy.nextInSlot.update(from: nextInSlot, count: count)
        copy.records.update(from: records, count: count)
        copy.freeHandles.update(from: freeHandles, count: freeHandleCount)
        copy.keyHead.update(from: keyHead, count: keyCapacity)
        copy.keyTail.update(from: keyTail, count: keyCapacity)
        copy.freeHandleCount = freeHandleCount
        copy.freeCount = freeCount
        copy.liveHead = liveHead
        copy.liveTail = liveTail
        copy.epoch = epoch
        copy.nextPort = nextPort
        return copy
    }

    func reset() {
        freeByPosition.update(from: initialWords, count: wordCount)
        freeByRank.update(from: initialWords, count: wordCount)
        lanes.update(from: memory, count: count)
        owner.update(repeating: -1, count: count)
        for row in 0..<count { freeHandles[row] = Int32(count - 1 - row) }
        freeHandleCount = count
        freeCount = count
        liveHead = -1
        liveTail = -1
        keyHead.update(repeating: -1, count: keyCapacity)
        keyTail.update(repeating: -1, count: keyCapacity)
        nextPort = firstPort
    }

    func reserveKeys(_ wanted: Int) {
        guard wanted > keyCapacity else { return }
        let head = UnsafeMutablePointer<Int32>.allocate(capacity: wanted)
        let tail = UnsafeMutablePointer<Int32>.allocate(capacity: wanted)
        head.initialize(repeating: -1, count: wanted)
        tail.initialize(repeating: -1, count: wanted)
        head.update(from: keyHead, count: keyCapacity)
        tail.update(from: keyTail, count: keyCapacity)
        keyHead.deallocate()
        keyTail.deallocate()
        keyHead = head
        keyTail = tail
        keyCapacity = wanted
    }

    @inline(__always)
    func firstPosition(ofID id: Int) -> Int {
        if id >= 0 && id < denseIDCount { return Int(denseIDs[id]) }
        return layout.firstPosition(ofID: id)
    }

    @inline(__always)
    func nextPosition(sameIDAs position: Int) -> Int {
        guard let nextSameID else { return -1 }
        return Int(nextSameID[position])
    }

    /// Writes the positions for `request` (reference policy, in slot order) into `chosen`;
    /// returns how many, 0 when it does not fit.
    func choose(_ request: CoreRequest) -> Int {
        let width = request.width
        if width == 1 {
            guard let need = MemoryLanes.threshold(forRequiredMiB: request.requiredMiB), need <= maxMemory,
                  let position = MemoryLanes.firstFit(need: need, lanes: lanes,
                                                      freeWords: UnsafeBufferPointer(start: freeByPosition, count: wordCount))
            else { return 0 }
            chosen[0] = Int32(position)
            return 1
        }
        guard width >= 2, freeCount >= width else { return 0 }
        let words = UnsafeBufferPointer(start: freeByRank, count: wordCount)
        guard let start = WindowSearch.firstStart(width: width, requiredMiB: request.requiredMiB, freeCount: freeCount,
                                                  freeRankWords: words,
                                                  rankMemory: UnsafeBufferPointer(start: rankMemory, count: count),
                                                  minMemory: minMemory, maxMemory: maxMemory)
        else { return 0 }
        var cursor = SetBitCursor(words, from: start)
        for index in 0..<width {
            guard let rank = cursor.next() else { return 0 }
            chosen[index] = positionOfRank[rank]
        }
        return width
    }

    /// ``choose(_:)`` under the topology policy.
    func choosePlaced(_ request: CoreRequest, placement: TopologyPlacement) -> Int {
        var free: [Int] = []
        free.reserveCapacity(freeCount)
        var cursor = SetBitCursor(UnsafeBufferPointer(start: freeByPosition, count: wordCount))
        while let position = cursor.next() { free.append(position) }
        if request.width == 1 {
            guard let position = placement.chooseSingle(requiredMiB: request.requiredMiB, freePositions: free, layout: layout)
            else { return 0 }
            chosen[0] = Int32(position)
            return 1
        }
        guard request.width >= 2, freeCount >= request.width,
              let positions = placement.chooseWindow(width: request.width, requiredMiB: request.requiredMiB,
                                                     freePositions: free, layout: layout) else { return 0 }
        for (index, position) in positions.enumerated() { chosen[index] = Int32(position) }
        return positions.count
    }

    /// Makes a slot of the `count` chosen positions for key row `key`.
    func commit(_ count: Int, key: Int32) -> SlotHandle {
        freeHandleCount -= 1
        let handle = freeHandles[freeHandleCount]
        var total = 0
        for index in 0..<count {
            let position = Int(chosen[index])
            total &+= Int(memory[position])
            nextInSlot[position] = index + 1 < count ? chosen[index + 1] : -1
            var same = firstPosition(ofID: ids[position])
            while same >= 0 {
                close(same)
                owner[same] = handle
                same = nextPosition(sameIDAs: same)
            }
        }
        let keyRow = Int(key)
        if keyRow >= keyCapacity { reserveKeys(max(keyRow + 1, 2 * keyCapacity)) }
        let row = records + Int(handle)
        row.pointee = SlotRecord(key: key, first: chosen[0], width: Int32(count), livePrevious: liveTail, liveNext: -1,
                                 keyPrevious: keyTail[keyRow], keyNext: -1, mark: row.pointee.mark, port: nextPort,
                                 totalMemoryMiB: total)
        nextPort &+= 1
        if liveTail >= 0 { records[Int(liveTail)].liveNext = handle } else { liveHead = handle }
        liveTail = handle
        if keyTail[keyRow] >= 0 { records[Int(keyTail[keyRow])].keyNext = handle } else { keyHead[keyRow] = handle }
        keyTail[keyRow] = handle
        return SlotHandle(index: handle)
    }

    func releaseGPUs(_ ids: UnsafeBufferPointer<Int>) {
        epoch &+= 1
        if epoch == 0 {
            for row in 0..<count { records[row].mark = 0 }
            epoch = 1
        }
        var droppedCount = 0
        for id in ids {
            var position = firstPosition(ofID: id)
            while position >= 0 {
                open(position)
                let handle = owner[position]
                if handle >= 0 && records[Int(handle)].mark != epoch {
                    records[Int(handle)].mark = epoch
                    dropped[droppedCount] = handle
                    droppedCount &+= 1
                }
                position = nextPosition(sameIDAs: position)
            }
        }
        for index in 0..<droppedCount { drop(dropped[index]) }
    }

    func release(_ handle: Int32) {
        guard handle >= 0, Int(handle) < count else { return }
        var position = records[Int(handle)].first
        guard position >= 0 else { return }
        while position >= 0 {
            var same = firstPosition(ofID: ids[Int(position)])
            while same >= 0 {
                open(same)
                same = nextPosition(sameIDAs: same)
            }
            position = nextInSlot[Int(position)]
        }
        drop(handle)
    }

    /// Unlinks `handle` from the live and key lists, clears its positions' owner and frees the row.
    private func drop(_ handle: Int32) {
        let row = records + Int(handle)
        var position = row.pointee.first
        while position >= 0 {
            var same = firstPosition(ofID: ids[Int(position)])
            while same >= 0 {
                owner[same] = -1
                same = nextPosition(sameIDAs: same)
            }
            position = nextInSlot[Int(position)]
        }
        let record = row.pointee
        if record.livePrevious >= 0 { records[Int(record.livePrevious)].liveNext = record.liveNext } else { liveHead = record.liveNext }
        if record.liveNext >= 0 { records[Int(record.liveNext)].livePrevious = record.livePrevious } else { liveTail = record.livePrevious }
        let key = Int(record.key)
        if record.keyPrevious >= 0 { records[Int(record.keyPrevious)].keyNext = record.keyNext } else { keyHead[key] = record.keyNext }
        if record.keyNext >= 0 { records[Int(record.keyNext)].keyPrevious = record.keyPrevious } else { keyTail[key] = record.keyPrevious }
        row.pointee.first = -1
        freeHandles[freeHandleCount] = handle
        freeHandleCount += 1
    }

    @inline(__always)
    private func close(_ position: Int) {
        let bit = UInt64(1) << UInt64(position & 63)
        guard freeByPosition[position >> 6] & bit != 0 else { return }
        freeByPosition[position >> 6] &= ~bit
        let rank = Int(rankOfPosition[position])
        freeByRank[rank >> 6] &= ~(UInt64(1) << UInt64(rank & 63))
        lanes[position] = MemoryLanes.closed
        freeCount -= 1
    }

    @inline(__always)
    private func open(_ position: Int) {
        let bit = UInt64(1) << UInt64(position & 63)
        guard freeByPosition[position >> 6] & bit == 0 else { return }
        freeByPosition[position >> 6] |= bit
        let rank = Int(rankOfPosition[position])
        freeByRank[rank >> 6] |= UInt64(1) << UInt64(rank & 63)
        lanes[position] = memory[position]
        freeCount += 1
    }
}

private extension UnsafeMutablePointer {
    /// A new block holding `elements` (at least one element of room, so it can always be deallocated).
    static func copy(_ elements: [Pointee]) -> UnsafeMutablePointer {
        let block = UnsafeMutablePointer.allocate(capacity: max(elements.count, 1))
        elements.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { block.initialize(from: base, count: source.count) }
        }
        return block
    }
}
