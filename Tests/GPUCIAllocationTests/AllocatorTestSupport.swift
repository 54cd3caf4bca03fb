import GPUCIAllocation
import GPUCITopology

/// The allocators the behaviour tests run: the scalar twin and the SIMD allocator under both policies.
enum AllocatorKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case scalar
    case simd
    case simdTopology

    var description: String { rawValue }

    /// An allocator over `gpus`; the topology variant gets `topology` or a uniform PHB one.
    func make(_ gpus: [GPUInfo], topology: Topology? = nil) -> any SlotAllocator {
        switch self {
        case .scalar: ScalarGPUAllocator(gpus: gpus)
        case .simd: GPUAllocator(gpus: gpus)
        case .simdTopology:
            GPUAllocator(gpus: gpus, topology: topology ?? Topologies.uniform(count: (gpus.map(\.id).max() ?? -1) + 1),
                         policy: .topology)
        }
    }
}

/// `n` GPUs of `gb` GB with ids 0..<n.
func uniformGPUs(_ n: Int, gb: Int = 80) -> [GPUInfo] {
    (0..<n).map { GPUInfo(id: $0, name: "GPU", memoryMiB: gb * 1024) }
}

/// GPU ids of the slots, in order.
func ids(_ slots: [GPUSlot]) -> [[Int]] { slots.map(\.gpuIDs) }

/// Slot keys → GPU ids.
func placement(_ slots: [GPUSlot]) -> [String: [Int]] {
    Dictionary(uniqueKeysWithValues: slots.map { ($0.assignedModel, $0.gpuIDs) })
}

/// Synthetic topologies built as values.
enum Topologies {
    /// Every pair `PHB`, one NUMA node: what an inline spec gives.
    static func uniform(count: Int) -> Topology {
        build(count: count, numa: { _ in 0 }) { _, _ in .phb }
    }

    /// 8 GPUs: NVLink islands {0–3} and {4–7}, `SYS` between them, NUMA node = island.
    static func twoIslands() -> Topology {
        build(count: 8, numa: { $0 / 4 }) { a, b in a / 4 == b / 4 ? .nvlink(4) : .sys }
    }

    /// HGX H200: `NV18` everywhere, GPUs 0–3 on NUMA 0 and 4–7 on NUMA 1.
    static func h200() -> Topology {
        build(count: 8, memoryMiB: 143_771, numa: { $0 / 4 }) { _, _ in .nvlink(18) }
    }

    /// Atlas A3: 16 dies, SIO between dies 2k and 2k+1, HCCS elsewhere.
    static func a3() -> Topology {
        build(count: 16, memoryMiB: 65_536, numa: { $0 / 4 }) { a, b in a / 2 == b / 2 ? .sio : .hccs }
    }

    /// 8×A10 over PCIe: `PIX` pairs (0,1)…(6,7), `NODE` inside a socket (0–3, 4–7), `SYS` across.
    static func a10() -> Topology {
        build(count: 8, memoryMiB: 23_028, numa: { $0 / 4 }) { a, b in
            a / 2 == b / 2 ? .pix : (a / 4 == b / 4 ? .node : .sys)
        }
    }

    static func build(count: Int, memoryMiB: Int = 81_920, numa: (Int) -> Int, link: (Int, Int) -> Link) -> Topology {
        let devices = (0..<count).map {
            Device(index: $0, vendor: .nvidia, model: "GPU", memoryMiB: memoryMiB, numaNode: numa($0))
        }
        let nodes = Set((0..<count).map(numa)).sorted().map { NUMANode(index: $0) }
        let links = (0..<count).map { a in (0..<count).map { b in a == b ? Link.selfLink : link(a, b) } }
        return Topology(name: "synthetic", source: .declared, devices: devices, numaNodes: nodes, links: links)
    }
}

extension SlotAllocator {
    /// Marks every GPU used, then frees all but `used`: the same free set under any policy.
    mutating func occupy(_ used: Set<Int>) {
        let all = gpus.indices.map { SlotRequest(key: "fill\($0)", memoryGB: 0, tp: 1) }
        _ = allocate(all, preserveOrder: true)
        releaseGPUs(gpus.map(\.id).filter { !used.contains($0) })
    }
}
