/// What the pool, the trace replayer and the benchmarks need from an allocator: the API of the
/// reference `GPUAllocator` (`allocate_slots`, `release_slot`, `release_gpus`, `available_gpus`,
/// `get_slot_for_model`).
///
/// ``GPUAllocator`` and ``ScalarGPUAllocator`` both conform and make the same decisions under
/// ``PlacementPolicy/reference``.
public protocol SlotAllocator: Sendable {
    /// GPUs in list order (the order decisions scan them in).
    var gpus: [GPUInfo] { get }
    /// Live slots in creation order.
    var slots: [GPUSlot] { get }
    /// Ids of the free GPUs in list order.
    var available: [Int] { get }
    /// Allocates a slot per request, skipping those that do not fit; returns the new slots in processing order.
    mutating func allocate(_ requests: [SlotRequest], preserveOrder: Bool) -> [GPUSlot]
    /// Frees a whole slot.
    mutating func release(_ slot: GPUSlot)
    /// Frees `ids` and drops every slot that holds any of them (the slot's other GPUs stay used).
    mutating func releaseGPUs(_ ids: [Int])
    /// The first live slot made for `key`.
    func slot(for key: String) -> GPUSlot?
}
