import GPUCIAllocation
import GPUCIPool
import GPUCITopology
import Testing

/// The pool hands its placement policy and topology to the allocator.
@Suite struct PlacementTests {
    /// GPUs 0–1 and 2–3 are NVLink pairs; pairs reach each other over SYS.
    static func pairs() -> Topology {
        let links = (0..<4).map { a in
            (0..<4).map { b -> Link in a == b ? .selfLink : a / 2 == b / 2 ? .nvlink(18) : .sys }
        }
        let devices = (0..<4).map { Device(index: $0, vendor: .nvidia, model: "H100", memoryMiB: 81920, numaNode: $0 / 2) }
        return Topology(name: "pairs", source: .declared, devices: devices, numaNodes: [NUMANode(index: 0), NUMANode(index: 1)],
                        links: links)
    }

    static let catalog = ModelCatalog([ModelSpec(id: "one", memoryGB: 10, tp: 1), ModelSpec(id: "two", memoryGB: 40, tp: 2)])

    @Test(arguments: [(PlacementPolicy.reference, [1, 2]), (.topology, [2, 3])])
    func tpTwoFollowsThePolicy(policy: PlacementPolicy, expected: [Int]) throws {
        var pool = ModelPool(topology: Self.pairs(), catalog: Self.catalog, placement: policy)
        _ = pool.startup([Fixtures.id("one")], now: 0)
        let (instance, _) = try pool.get(model: "two", mode: .http, now: 1)
        #expect(instance.gpus == expected)
        #expect(pool.placement == policy)
    }
}
