import GPUCIAllocation
import GPUCISupport
import Testing

/// The JSON Lines trace: parsing, replay output, errors naming the line, generation, fuzzing.
@Suite("Allocation traces")
struct AllocationTraceTests {
    static let example = """
        {"gpus":[{"id":0,"memoryMiB":81920,"name":"H100"},{"id":1,"memoryMiB":81920,"name":"H100"},{"id":2,"memoryMiB":81920},{"id":3,"memoryMiB":23028,"name":"A10"}]}
        {"op":"allocate","specs":[{"key":"a","memoryGB":40,"tp":2},{"key":"b"}],"preserveOrder":false}
        {"op":"allocate","specs":[{"key":"c","memoryGB":80}]}

        {"op":"release","key":"a"}
        {"op":"releaseGPUs","gpus":[2]}
        {"op":"release","key":"gone"}
        """

    static func replay(_ trace: AllocationTrace, policy: PlacementPolicy = .reference) -> [String] {
        var allocator = GPUAllocator(gpus: trace.gpus, policy: policy)
        var lines: [String] = []
        trace.replay(on: &allocator) { _, outcome in lines.append(outcome.jsonLine) }
        return lines
    }

    @Test("the example trace replays to one line per operation")
    func example() throws {
        let trace = try AllocationTraceParser.parse(Self.example, file: "t.jsonl")
        #expect(trace.gpus.map(\.id) == [0, 1, 2, 3])
        #expect(trace.gpus[2].name == "GPU")
        #expect(trace.steps.map(\.line) == [2, 3, 5, 6, 7])
        #expect(Self.replay(trace) == [
            #"{"slots":[{"key":"a","gpus":[0,1],"totalMemoryMiB":163840},{"key":"b","gpus":[2],"totalMemoryMiB":81920}]}"#,
            #"{"slots":[]}"#,
            #"{"available":[0,1,3]}"#,
            #"{"available":[0,1,2,3]}"#,
            #"{"available":[0,1,2,3]}"#,
        ])
        var scalar = ScalarGPUAllocator(gpus: trace.gpus)
        var scalarLines: [String] = []
        trace.replay(on: &scalar) { _, outcome in scalarLines.append(outcome.jsonLine) }
        #expect(scalarLines == Self.replay(trace))
    }

    @Test("without a header the default GPU list is used; a header overrides it")
    func defaultList() throws {
        let gpus = uniformGPUs(2)
        let bare = try AllocationTraceParser.parse(#"{"op":"allocate","specs":[{"key":"x","tp":2}]}"#, file: "t", defaultGPUs: gpus)
        #expect(bare.gpus == gpus)
        #expect(Self.replay(bare) == [#"{"slots":[{"key":"x","gpus":[0,1],"totalMemoryMiB":163840}]}"#])
        let empty = try AllocationTraceParser.parse("{}\n" + #"{"op":"releaseGPUs","gpus":[1]}"#, file: "t", defaultGPUs: gpus)
        #expect(empty.steps.count == 1 && empty.steps[0].line == 2)
        let header = try AllocationTraceParser.parse(#"{"gpus":[{"id":5,"memoryMiB":1}]}"#, file: "t", defaultGPUs: gpus)
        #expect(header.gpus.map(\.id) == [5])
    }

    @Test("keys and names are escaped in output")
    func escaping() throws {
        let trace = try AllocationTraceParser.parse(#"{"op":"allocate","specs":[{"key":"a\"b\\c\n"}]}"#, file: "t",
                                                    defaultGPUs: uniformGPUs(1))
        #expect(Self.replay(trace) == [#"{"slots":[{"key":"a\"b\\c\n","gpus":[0],"totalMemoryMiB":81920}]}"#])
    }

    static let badLines: [(String, Int, String)] = [
        (#"{"op":"evict","key":"a"}"#, 2, "unknown op"),
        (#"{"key":"a"}"#, 2, "op: missing"),
        (#"{"op":"allocate"}"#, 2, "specs: missing"),
        (#"{"op":"allocate","specs":[{"memoryGB":4}]}"#, 2, "specs[0].key: missing"),
        (#"{"op":"allocate","specs":[{"key":"a","memoryGB":-1}]}"#, 2, "specs[0].memoryGB"),
        (#"{"op":"allocate","specs":[{"key":"a","memoryGB":"8"}]}"#, 2, "specs[0].memoryGB"),
        (#"{"op":"allocate","specs":[{"key":"a","tp":0}]}"#, 2, "specs[0].tp: expected an integer ≥ 1, got 0"),
        (#"{"op":"allocate","specs":[{"key":"a","tp":2.5}]}"#, 2, "specs[0].tp: expected an integer"),
        (#"{"op":"allocate","specs":[{"key":"a","tp":true}]}"#, 2, "specs[0].tp"),
        (#"{"op":"allocate","specs":[{"key":"a","tp":99999999999999999999}]}"#, 2, "specs[0].tp"),
        (#"{"op":"allocate","specs":[{"key":"a","memoryGb":8}]}"#, 2, "specs[0].memoryGb: unknown field"),
        (#"{"op":"allocate","specs":[{"key":"a"},{"key":"a"}]}"#, 2, "specs[1].key"),
        (#"{"op":"allocate","specs":[],"preserveOrder":1}"#, 2, "preserveOrder: expected true or false"),
        (#"{"op":"release"}"#, 2, "key: missing"),
        (#"{"op":"release","key":3}"#, 2, "key: expected a string"),
        (#"{"op":"releaseGPUs","gpus":[9]}"#, 2, "gpus[0]: GPU 9 is not in the GPU list"),
        (#"{"op":"releaseGPUs","gpus":"1"}"#, 2, "gpus: expected an array"),
        (#"{"op":"allocate","specs":[{"key":"a"}]"#, 2, "not valid JSON"),
        (#"[1,2]"#, 2, "expected a JSON object"),
    ]

    @Test("bad operations name the line and field", arguments: 0..<badLines.count)
    func badOperation(index: Int) {
        let (line, number, fragment) = Self.badLines[index]
        let text = #"{"gpus":[{"id":0,"memoryMiB":81920},{"id":1,"memoryMiB":81920}]}"# + "\n" + line + "\n"
        #expect {
            _ = try AllocationTraceParser.parse(text, file: "bad.jsonl")
        } throws: { error in
            let description = "\(error)"
            return error is InputError && description.hasPrefix("bad.jsonl:\(number): ") && description.contains(fragment)
        }
    }

    @Test("bad headers name the line and field", arguments: [
        (#"{"gpus":[{"id":0,"memoryMiB":1},{"id":0,"memoryMiB":2}]}"#, "gpus[1].id: GPU id 0 is listed twice"),
        (#"{"gpus":[{"id":-1,"memoryMiB":1}]}"#, "gpus[0].id"),
        (#"{"gpus":[{"id":0,"memoryMiB":-5}]}"#, "gpus[0].memoryMiB"),
        (#"{"gpus":[{"id":0}]}"#, "gpus[0].memoryMiB: missing"),
        (#"{"gpus":[{"id":0,"memoryMiB":1,"vendor":"x"}]}"#, "gpus[0].vendor: unknown field"),
        (#"{"gpu":[]}"#, "gpu: unknown field"),
        (#"{}"#, "no GPU list"),
    ])
    func badHeader(header: String, fragment: String) {
        #expect {
            _ = try AllocationTraceParser.parse(header + "\n", file: "h.jsonl")
        } throws: { error in
            "\(error)".hasPrefix("h.jsonl:1: ") && "\(error)".contains(fragment)
        }
    }

    @Test("generated traces are deterministic and survive a text round trip")
    func generatedRoundTrip() throws {
        let generator = AllocationTraceGenerator(gpus: 40, operations: 300, seed: 9)
        let trace = generator.generate()
        #expect(trace.text == generator.generate().text)
        #expect(trace.text != AllocationTraceGenerator(gpus: 40, operations: 300, seed: 10).generate().text)
        let parsed = try AllocationTraceParser.parse(trace.text, file: "g.jsonl")
        #expect(parsed == trace)
        #expect(Set(parsed.steps.map { "\($0.operation)".prefix(8) }).count == 3)
        var scalar = ScalarGPUAllocator(gpus: parsed.gpus)
        var scalarLines: [String] = []
        parsed.replay(on: &scalar) { _, outcome in scalarLines.append(outcome.jsonLine) }
        #expect(scalarLines == Self.replay(parsed))
    }

    @Test("fuzz: truncated and mutated traces parse or fail with a located InputError")
    func fuzz() {
        let base = AllocationTraceGenerator(gpus: 12, operations: 40, seed: 3).generate().text
        let bytes = Array(base.utf8)
        let alphabet = Array(#"{}[]":,0123456789-.eE truefalsnul\"#.utf8) + [0x0A, 0xC3, 0xFF]
        var random = SplitMix64(seed: 2024)
        let lineCount = base.split(separator: "\n", omittingEmptySubsequences: false).count
        for trial in 0..<600 {
            var mutated = bytes
            switch trial % 3 {
            case 0: mutated = Array(mutated.prefix(Int(random.next() % UInt64(mutated.count + 1))))
            case 1:
                for _ in 0..<(1 + Int(random.next() % 4)) {
                    mutated[Int(random.next() % UInt64(mutated.count))] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                }
            default:
                let at = Int(random.next() % UInt64(mutated.count))
                mutated.removeSubrange(at..<min(mutated.count, at + Int(random.next() % 30)))
            }
            let text = String(decoding: mutated, as: UTF8.self)
            do {
                let trace = try AllocationTraceParser.parse(text, file: "f")
                _ = Self.replay(trace)
                _ = Self.replay(trace, policy: .topology)
            } catch {
                let line = error.location?.line ?? 0
                #expect(error.location?.file == "f" && line >= 1 && line <= lineCount, "trial \(trial): \(error)")
            }
        }
    }
}

/// A GPU id of Int.max once overflowed the allocator's dense id table (repro 06).
@Suite struct ExtremeGPUIDTests {
    @Test func theLargestIdIsServed() {
        let gpus = [GPUInfo(id: Int.max, name: "H", memoryMiB: 81920), GPUInfo(id: 0, name: "H", memoryMiB: 81920)]
        var allocator = GPUAllocator(gpus: gpus, policy: .reference)
        var scalar = ScalarGPUAllocator(gpus: gpus)
        let requests = [SlotRequest(key: "a", memoryGB: 10, tp: 2)]
        let slots = allocator.allocate(requests, preserveOrder: false)
        #expect(slots == scalar.allocate(requests, preserveOrder: false))
        #expect(Set(slots.first?.gpuIDs ?? []) == [0, Int.max])
        allocator.releaseGPUs([Int.max])
    }
}
