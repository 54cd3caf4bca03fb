import GPUCISupport
import GPUCIAllocation
import Testing

/// Oracle-free property test: after every `allocate` and release on seeded random inputs, the
/// result is checked against the reference's rules directly (sglang-reference.md §1.3–1.4), not
/// against another implementation:
/// - processing order is request order (`preserveOrder`) or a stable sort by `memoryGB ?? 0`
///   descending (first-fit decreasing);
/// - tp 1: the chosen GPU was free, fits (`MiB / 1024 ≥ memoryGB ?? 16`), and no free GPU earlier
///   in list order fits;
/// - tp > 1: the chosen GPUs are `tp` adjacent entries of the id-sorted free list whose summed
///   MiB fit, and no earlier window of that list fits;
/// - a request without a slot had no fitting GPU or window;
/// - no GPU is handed out twice; the free list is the GPU list minus the used ids, in list order;
/// - `releaseGPUs` frees exactly the named ids and drops every slot holding any of them.
@Suite("Allocator rules hold on random inputs (no oracle)")
struct RuleCheckerPropertyTests {
    @Test("allocate and release obey the reference rules", arguments: [AllocatorKind.scalar, .simd])
    func rules(kind: AllocatorKind) {
        for seed: UInt64 in 1...60 {
            var random = SplitMix64(seed: seed &* 104_729)
            let size = [0, 1, 2, 3, 5, 8, 13, 24, 64, 65, 130][Int(seed % 11)]
            let gpus = TwinPropertyTests.randomGPUs(size, &random)
            var allocator = kind.make(gpus)
            var checker = RuleChecker(gpus: gpus)
            for step in 0..<80 {
                let context = "\(kind) seed \(seed) size \(size) step \(step)"
                switch random.next() % 10 {
                case 0..<6:
                    let requests = TwinPropertyTests.randomRequests(&random, step: step, size: size)
                    let unique = Self.uniqueKeys(requests)
                    let preserve = random.next() % 2 == 0
                    let slots = allocator.allocate(unique, preserveOrder: preserve)
                    let problems = checker.checkAllocate(unique, preserveOrder: preserve, result: slots)
                    #expect(problems.isEmpty, "\(context): \(problems)")
                    if !problems.isEmpty { return }
                case 6..<8:
                    guard let slot = allocator.slots.randomElement(using: &random) else { continue }
                    allocator.release(slot)
                    checker.release(slot.gpuIDs)
                default:
                    var ids = gpus.map(\.id).filter { _ in random.next() % 5 == 0 }
                    if let slot = allocator.slots.randomElement(using: &random), slot.gpuIDs.count > 1 {
                        ids.append(slot.gpuIDs[Int(random.next() % UInt64(slot.gpuIDs.count))])
                    }
                    allocator.releaseGPUs(ids)
                    checker.release(ids)
                }
                #expect(allocator.available == checker.available, "\(context): free list")
                let live = allocator.slots.flatMap(\.gpuIDs)
                #expect(Set(live).count == live.count, "\(context): a GPU is in two live slots")
                #expect(live.allSatisfy { checker.used.contains($0) }, "\(context): a live slot holds a free GPU")
                if allocator.available != checker.available { return }
            }
        }
    }

    @Test("the checker rejects wrong answers")
    func checkerIsNotVacuous() {
        let gpus = [GPUInfo(id: 3, name: "g", memoryMiB: 24 * 1024), GPUInfo(id: 0, name: "g", memoryMiB: 80 * 1024),
                    GPUInfo(id: 1, name: "g", memoryMiB: 80 * 1024), GPUInfo(id: 2, name: "g", memoryMiB: 80 * 1024)]
        let requests = [SlotRequest(key: "p", memoryGB: 20, tp: 1), SlotRequest(key: "q", memoryGB: 100, tp: 2)]
        func slot(_ key: String, _ ids: [Int]) -> GPUSlot {
            GPUSlot(gpuIDs: ids, totalMemoryMiB: ids.reduce(0) { sum, id in sum + (gpus.first { $0.id == id }?.memoryMiB ?? 0) },
                    assignedModel: key, port: 0)
        }
        let right = [slot("p", [3]), slot("q", [0, 1])]
        var checker = RuleChecker(gpus: gpus)
        #expect(checker.checkAllocate(requests, preserveOrder: true, result: right).isEmpty)
        let wrongAnswers: [(Bool, [GPUSlot])] = [
            (true, [slot("p", [0]), slot("q", [1, 2])]),  // p skipped the earlier fitting GPU 3 (list order)
            (true, [slot("p", [3]), slot("q", [1, 2])]),  // q skipped the earlier window [0, 1]
            (true, [slot("p", [3])]),                     // q had a fitting window but got nothing
            (true, [slot("q", [0, 1]), slot("p", [3])]),  // slots out of processing order
            (false, [slot("p", [3]), slot("q", [0, 1])]), // FFD processes q (100 GB) before p
            (true, [slot("p", [3]), slot("q", [3, 0])]),  // GPU 3 handed out twice
        ]
        for (preserve, answer) in wrongAnswers {
            var fresh = RuleChecker(gpus: gpus)
            #expect(!fresh.checkAllocate(requests, preserveOrder: preserve, result: answer).isEmpty, "\(answer.map(\.gpuIDs))")
        }
    }

    /// Specs are a mapping: keep the first request of each key.
    static func uniqueKeys(_ requests: [SlotRequest]) -> [SlotRequest] {
        var seen: Set<String> = []
        return requests.filter { seen.insert($0.key).inserted }
    }
}

/// The rules of the reference allocator as checks over (state before, request, answer).
struct RuleChecker {
    let gpus: [GPUInfo]
    private(set) var used: Set<Int> = []

    init(gpus: [GPUInfo]) { self.gpus = gpus }

    /// Free ids in list order.
    var available: [Int] { gpus.map(\.id).filter { !used.contains($0) } }

    mutating func release(_ ids: [Int]) { used.subtract(ids) }

    /// Problems found with `result` as the answer to `allocate(requests, preserveOrder:)`; the
    /// checker's state then includes the answer's GPUs.
    mutating func checkAllocate(_ requests: [SlotRequest], preserveOrder: Bool, result: [GPUSlot]) -> [String] {
        var problems: [String] = []
        guard !gpus.isEmpty else { return result.isEmpty ? [] : ["slots made with no GPUs"] }
        let order = preserveOrder ? requests : Self.firstFitDecreasing(requests)
        var remaining = result[...]
        for request in order {
            let required = request.memoryGB ?? 16
            let tp = request.tp ?? 1
            var answer: GPUSlot?
            if let next = remaining.first, next.assignedModel == request.key {
                answer = next
                remaining = remaining.dropFirst()
            }
            let free = gpus.filter { !used.contains($0.id) }
            let expected: [Int]?
            let rule: String
            if tp == 1 {
                expected = free.first { Double($0.memoryMiB) / 1024 >= required }.map { [$0.id] }
                rule = "first fitting free GPU in list order"
            } else {
                let sorted = free.sorted { $0.id < $1.id }
                var firstWindow: [Int]?
                if sorted.count >= tp {
                    for start in 0...(sorted.count - tp) {
                        let window = sorted[start..<(start + tp)]
                        if Double(window.reduce(0) { $0 + $1.memoryMiB }) >= required * 1024 {
                            firstWindow = window.map(\.id)
                            break
                        }
                    }
                }
                expected = firstWindow
                rule = "first fitting window of the id-sorted free list"
            }
            guard let answer else {
                if let expected { problems.append("\(request.key): \(expected) fits (\(rule)) but no slot was made") }
                continue
            }
            if answer.gpuIDs != expected {
                problems.append("\(request.key): got \(answer.gpuIDs), \(rule) is \(expected.map { "\($0)" } ?? "none")")
            }
            let memory = answer.gpuIDs.reduce(0) { sum, id in sum + (gpus.first { $0.id == id }?.memoryMiB ?? 0) }
            if answer.totalMemoryMiB != memory { problems.append("\(request.key): totalMemoryMiB \(answer.totalMemoryMiB) ≠ \(memory)") }
            for id in answer.gpuIDs where !used.insert(id).inserted {
                problems.append("\(request.key): GPU \(id) allocated twice")
            }
        }
        if !remaining.isEmpty {
            problems.append("slots out of processing order or for unknown keys: \(remaining.map(\.assignedModel))")
        }
        return problems
    }

    /// Stable sort by `memoryGB ?? 0`, largest first.
    static func firstFitDecreasing(_ requests: [SlotRequest]) -> [SlotRequest] {
        requests.enumerated().sorted { a, b in
            let x = a.element.memoryGB ?? 0, y = b.element.memoryGB ?? 0
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
    }
}
