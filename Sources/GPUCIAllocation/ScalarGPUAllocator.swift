/// The reference allocator, written plainly: the scalar twin the SIMD allocator is checked against.
///
/// It reproduces `gpu_allocator.py` at sglang c356ed03d rule by rule:
/// - first-fit decreasing by memory (stable; no memory sorts as 0, fitted as 16 GB) or request order;
/// - tp = 1 takes the first free GPU in list order whose memory is at least the request;
/// - tp > 1 takes the first window of `tp` GPUs adjacent among the free GPUs sorted by id whose
///   memory sum is at least the request;
/// - a request that does not fit is skipped, the others go on;
/// - `releaseGPUs` frees the ids and drops every slot that holds any of them.
///
/// A request with `tp` below 1 gets no slot (the reference would build an empty or negative
/// window). Ids are expected to be unique; a repeated id is one GPU for `used`, and the
/// id-sorted window order is stable (list order breaks ties), as Python's `sorted` is.
public struct ScalarGPUAllocator: SlotAllocator {
    /// GPUs in list order (the order decisions scan them in).
    public let gpus: [GPUInfo]
    /// Live slots in creation order.
    public private(set) var slots: [GPUSlot] = []
    private var used: Set<Int> = []
    private var nextPort: Int

    /// Creates an allocator over `gpus`; ports are numbered from `firstPort`.
    public init(gpus: [GPUInfo], firstPort: Int = 30000) {
        self.gpus = gpus
        self.nextPort = firstPort
    }

    /// Ids of the free GPUs in list order.
    public var available: [Int] { gpus.filter { !used.contains($0.id) }.map(\.id) }

    /// Allocates a slot per request, skipping those that do not fit; returns the new slots in processing order.
    ///
    /// - Complexity: O(r × n log n) for r requests over n GPUs.
    public mutating func allocate(_ requests: [SlotRequest], preserveOrder: Bool) -> [GPUSlot] {
        guard !gpus.isEmpty else { return [] }
        let ordered = preserveOrder ? requests : Self.firstFitDecreasingOrder(requests)
        var created: [GPUSlot] = []
        for request in ordered {
            let requiredMiB = request.fitGB * 1024
            let free = gpus.filter { !used.contains($0.id) }
            var chosen: [GPUInfo]?
            if request.width == 1 {
                if let gpu = free.first(where: { Double($0.memoryMiB) >= requiredMiB }) { chosen = [gpu] }
            } else if request.width >= 1 {
                let byID = free.enumerated()
                    .sorted { a, b in a.element.id != b.element.id ? a.element.id < b.element.id : a.offset < b.offset }
                    .map(\.element)
                if byID.count >= request.width {
                    for start in 0...(byID.count - request.width) {
                        let window = Array(byID[start..<(start + request.width)])
                        if Double(window.reduce(0) { $0 + $1.memoryMiB }) >= requiredMiB {
                            chosen = window
                            break
                        }
                    }
                }
            }
            guard let chosen else { continue }
            let slot = GPUSlot(gpuIDs: chosen.map(\.id), totalMemoryMiB: chosen.reduce(0) { $0 + $1.memoryMiB },
                               assignedModel: request.key, port: nextPort)
            nextPort += 1
            used.formUnion(slot.gpuIDs)
            slots.append(slot)
            created.append(slot)
        }
        return created
    }

    /// Frees `ids` and drops every slot that holds any of them (the slot's other GPUs stay used).
    public mutating func releaseGPUs(_ ids: [Int]) {
        used.subtract(ids)
        let released = Set(ids)
        slots.removeAll { slot in slot.gpuIDs.contains(where: released.contains) }
    }

    /// Frees a whole slot.
    public mutating func release(_ slot: GPUSlot) { releaseGPUs(slot.gpuIDs) }

    /// The first live slot made for `key`.
    public func slot(for key: String) -> GPUSlot? { slots.first { $0.assignedModel == key } }

    /// Stable sort by requested GB descending, a request without memory counting as 0.
    static func firstFitDecreasingOrder(_ requests: [SlotRequest]) -> [SlotRequest] {
        requests.enumerated()
            .sorted { a, b in
                let ma = a.element.memoryGB ?? 0, mb = b.element.memoryGB ?? 0
                return ma != mb ? ma > mb : a.offset < b.offset
            }
            .map(\.element)
    }
}
