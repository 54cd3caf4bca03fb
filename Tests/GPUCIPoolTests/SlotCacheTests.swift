import GPUCIPool
import Testing

/// The smg slot pool (`EvictionPolicy.slots`): hits on the whole configuration, slot eviction on
/// a miss, PD bypass, N = 1 against N = 2.
@Suite struct SlotCacheTests {
    typealias F = Fixtures

    static let catalog = ModelCatalog([
        ModelSpec(id: "a", memoryGB: 10), ModelSpec(id: "b", memoryGB: 10), ModelSpec(id: "c", memoryGB: 10),
        ModelSpec(id: "w", hfPath: "org/w", memoryGB: 40, tp: 2, workerArgs: ["--context-length=1000"]),
    ])

    static func pool(slots: Int, gpus: Int = 4) -> ModelPool {
        ModelPool(topology: F.topology(gpus), catalog: catalog, eviction: .slots(slots))
    }

    @Test func spellings() {
        #expect(EvictionPolicy(rawValue: "slots") == .slots(1))
        #expect(EvictionPolicy(rawValue: "smg-slots") == .slots(EvictionPolicy.smgSlotCount))
        #expect(EvictionPolicy(rawValue: "slots:2") == .slots(2))
        #expect(EvictionPolicy(rawValue: "smg-slots:3") == .slots(3))
        for bad in ["slots:0", "slots:-1", "slots:", "slots:x", "slot:2", "slots:2:3", "Slots"] {
            #expect(EvictionPolicy(rawValue: bad) == nil, "\(bad)")
        }
        for policy in EvictionPolicy.allCases + [.slots(7)] {
            #expect(EvictionPolicy(rawValue: policy.rawValue) == policy)
        }
    }

    @Test func theKeyIsTheWholeConfiguration() throws {
        let pool = Self.pool(slots: 1)
        let http = try #require(pool.configuration(of: F.id("w")))
        #expect(http.tp == 2)
        #expect(http.launchArguments == ["--model-path", "org/w", "--tp-size", "2", "--context-length=1000"])
        #expect(pool.configuration(of: F.id("w", .grpc)) != http)
        #expect(pool.configuration(of: F.id("w", .http, .prefill)) != http)
        #expect(pool.configuration(of: F.id("w", .http, .regular, 3)) == http)
        #expect(pool.configuration(of: F.id("a")) != http)
    }

    @Test func aHitReusesTheSlot() throws {
        var pool = Self.pool(slots: 1)
        let first = try pool.get(model: "a", mode: .http, now: 1)
        #expect(first.outcome.launched.map(\.key) == ["a:http"])
        let again = try pool.get(model: "a", mode: .http, now: 2)
        #expect(again.outcome.launched.isEmpty && again.outcome.evicted.isEmpty)
        #expect(again.instance.lastUsed == 2)
        #expect(pool.cachedSlots.map(\.keys) == [["a:http"]])
    }

    @Test func oneSlotEvictsOnEveryMismatchEvenWithGPUsFree() throws {
        var pool = Self.pool(slots: 1)
        _ = try pool.get(model: "a", mode: .http, now: 1)
        let other = try pool.get(model: "b", mode: .http, now: 2)
        #expect(other.outcome.evicted == ["a:http"])
        #expect(other.instance.gpus == [0])
        let grpc = try pool.get(model: "b", mode: .grpc, now: 3)
        #expect(grpc.outcome.evicted == ["b:http"])
        #expect(pool.instances.map(\.key) == ["b:grpc"])
    }

    @Test func twoSlotsEvictTheLeastRecentlyUsed() throws {
        var pool = Self.pool(slots: 2)
        _ = try pool.get(model: "a", mode: .http, now: 1)
        let second = try pool.get(model: "b", mode: .http, now: 2)
        #expect(second.outcome.evicted.isEmpty)
        _ = try pool.get(model: "a", mode: .http, now: 3)
        let third = try pool.get(model: "c", mode: .http, now: 4)
        #expect(third.outcome.evicted == ["b:http"])
        #expect(pool.cachedSlots.map(\.keys) == [["a:http"], ["c:http"]])
    }

    @Test func aSlotInUseIsNotEvictedAndTheNewWorkerRunsUncached() throws {
        var pool = Self.pool(slots: 1)
        _ = try pool.get(model: "a", mode: .http, now: 1)
        try pool.acquire("a:http", now: 2)
        let b = try pool.get(model: "b", mode: .http, now: 3)
        #expect(b.outcome.evicted.isEmpty)
        #expect(pool.cachedSlots.map(\.keys) == [["a:http"]])
        try pool.acquire("b:http", now: 4)
        try pool.release("b:http")
        #expect(pool.instance("b:http") == nil)
        try pool.release("a:http")
        #expect(pool.instance("a:http") != nil)
    }

    @Test func pdBypassesTheCacheAndIsTornDownPerUse() throws {
        var pool = Self.pool(slots: 2)
        _ = try pool.get(model: "a", mode: .http, now: 1)
        _ = try pool.get(model: "b", mode: .http, now: 2)
        let pd = try pool.launchWorkers([F.id("a", .http, .prefill), F.id("a", .http, .decode)], now: 3)
        #expect(pd.evicted == ["a:http", "b:http"])
        #expect(pool.cachedSlots.isEmpty)
        for key in ["a:http:prefill_0", "a:http:decode_0"] { try pool.acquire(key, now: 4) }
        try pool.release("a:http:prefill_0")
        #expect(pool.workers(model: "a", type: .prefill).isEmpty)
        #expect(pool.workers(model: "a", type: .decode).map(\.key) == ["a:http:decode_0"])
        try pool.release("a:http:decode_0")
        #expect(pool.instances.isEmpty && pool.availableGPUCount == 4)
    }

    @Test func moreWorkersOfACachedConfigurationJoinItsSlot() throws {
        var pool = Self.pool(slots: 1)
        _ = try pool.get(model: "a", mode: .http, now: 1)
        let more = try pool.launchWorkers([F.id("a", .http, .regular, 1)], now: 2)
        #expect(more.evicted.isEmpty)
        #expect(pool.cachedSlots.map(\.keys) == [["a:http", "a:http:1"]])
        let other = try pool.launchWorkers([F.id("b"), F.id("b", .http, .regular, 1)], now: 3)
        #expect(other.evicted == ["a:http", "a:http:1"])
        #expect(pool.cachedSlots.map(\.keys) == [["b:http", "b:http:1"]])
    }

    @Test func aDeadMemberRestartsTheSlot() throws {
        var pool = Self.pool(slots: 1)
        _ = try pool.launchWorkers([F.id("a"), F.id("a", .http, .regular, 1)], now: 1)
        pool.remove("a:http:1")
        let restarted = try pool.get(model: "a", mode: .http, now: 2)
        #expect(restarted.outcome.evicted == ["a:http"])
        #expect(restarted.outcome.launched.map(\.key) == ["a:http"])
        #expect(pool.cachedSlots.map(\.keys) == [["a:http"]])
    }

    @Test func startupPreLaunchesNothing() {
        var pool = Self.pool(slots: 1)
        let outcome = pool.startup([F.id("a"), F.id("b"), F.id("zzz")], now: 0)
        #expect(outcome.launched.isEmpty)
        #expect(outcome.deferred.map(\.key) == ["a:http", "b:http"])
        #expect(outcome.dropped.map(\.key) == ["zzz:http"])
    }

    @Test func shortGPUsEvictOtherSlots() throws {
        var pool = Self.pool(slots: 2, gpus: 2)
        _ = try pool.get(model: "a", mode: .http, now: 1)
        _ = try pool.get(model: "b", mode: .http, now: 2)
        let wide = try pool.get(model: "w", mode: .http, now: 3)
        #expect(wide.outcome.evicted == ["a:http", "b:http"])
        #expect(wide.instance.gpus == [0, 1])
    }
}
