import GPUCIPool
import GPUCITopology
import Testing

@Suite struct RDMATests {
    typealias F = Fixtures

    static let catalog = ModelCatalog([ModelSpec(id: "m", hfPath: "org/m", memoryGB: 10, tp: 1)])

    /// GPUs 0–1 on NUMA 0, 2–3 on NUMA 1.
    static let nics = [
        NIC(name: "eth0", rdma: false, numaNode: 0, portActive: true),
        NIC(name: "mlx5_0", rdma: true, numaNode: 0, portActive: false),
        NIC(name: "mlx5_10", rdma: true, numaNode: 0, portActive: true),
        NIC(name: "mlx5_2", rdma: true, numaNode: 0),
        NIC(name: "mlx5_1", rdma: true, numaNode: 1, portActive: true),
    ]

    @Test func deviceOnTheFirstGPUsNUMANodeThenNaturalNameOrder() throws {
        var pool = ModelPool(topology: F.topology(4, numa: { $0 / 2 }, nics: Self.nics), catalog: Self.catalog)
        let outcome = try pool.launchWorkers([F.id("m", .http, .prefill, 0), F.id("m", .http, .prefill, 1),
                                              F.id("m", .http, .decode, 0), F.id("m", .http, .regular, 0)], now: 0)
        #expect(outcome.launched.map(\.rdmaDevice) == ["mlx5_2", "mlx5_2", "mlx5_1", nil])
        #expect(outcome.launched.map(\.bootstrapPort) == [8998, 8999, nil, nil])
        #expect(pool.launchCommand(for: "m:http:decode_0").suffix(6)
            == ["--disaggregation-mode", "decode", "--base-gpu-id", "0", "--disaggregation-ib-device", "mlx5_1"])
    }

    @Test func withoutNUMANodesTheFirstActiveNameWins() throws {
        var pool = ModelPool(topology: F.topology(2, nics: Self.nics), catalog: Self.catalog)
        let outcome = try pool.launchWorkers([F.id("m", .http, .prefill)], now: 0)
        #expect(outcome.launched.first?.rdmaDevice == "mlx5_1")
    }

    @Test func requiredRDMAWithoutDeviceIsRefused() {
        let inactive = [NIC(name: "mlx5_0", rdma: true, portActive: false), NIC(name: "eth0", rdma: false)]
        var pool = ModelPool(topology: F.topology(2, nics: inactive), catalog: Self.catalog, requireRDMA: true)
        #expect(!pool.hasRDMADevice)
        do {
            _ = try pool.launchWorkers([F.id("m", .http, .prefill), F.id("m", .http, .decode)], now: 0)
            Issue.record("expected an RDMA error")
        } catch {
            #expect(error.kind == .rdmaRequired)
            #expect(error.message.contains("RDMA"))
        }
        #expect(pool.instances.isEmpty)
        let outcome = pool.startup([F.id("m", .http, .prefill), F.id("m")], now: 1)
        #expect(outcome.refused == [F.id("m", .http, .prefill)])
        #expect(outcome.launched.map(\.key) == ["m:http"])
    }

    @Test func withoutRequirementPDLaunchesWithoutADevice() throws {
        var pool = ModelPool(topology: F.topology(2), catalog: Self.catalog)
        let outcome = try pool.launchWorkers([F.id("m", .http, .prefill), F.id("m", .http, .decode)], now: 0)
        #expect(outcome.launched.map(\.rdmaDevice) == [nil, nil])
        #expect(!pool.launchCommand(for: "m:http:prefill_0").contains("--disaggregation-ib-device"))
    }
}
