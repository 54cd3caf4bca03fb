import GPUCIPool
import GPUCISupport
import Testing

@Suite struct PoolTraceTests {
    /// §8.9–8.12 as a self-contained trace (anchor qwen-30b tp 2 in the header).
    static let examples = """
    {"gpus":[{"id":0,"memoryMiB":81920,"name":"H100"},{"id":1,"memoryMiB":81920,"name":"H100"},{"id":2,"memoryMiB":81920,"name":"H100"},{"id":3,"memoryMiB":81920,"name":"H100"}],"models":[{"id":"llama-8b","memoryGB":16,"tp":1},{"id":"llama-1b","memoryGB":4},{"id":"qwen-30b","memoryGB":60,"tp":2},{"id":"gpt-oss","memoryGB":40,"tp":2}]}
    {"op":"startup","workers":[{"model":"llama-8b","mode":"http"},{"model":"qwen-30b","mode":"http","type":"regular","index":0},{"model":"gpt-oss","mode":"http"},{"model":"llama-1b","mode":"grpc"}]}
    {"op":"get","model":"gpt-oss","mode":"http"}

    {"op":"get","model":"llama-8b","mode":"http"}
    {"op":"acquire","key":"gpt-oss:http"}
    {"op":"launchWorkers","workers":[{"model":"llama-8b","mode":"http","type":"prefill","index":0},{"model":"llama-8b","mode":"http","type":"decode","index":0}]}
    {"op":"get","model":"llama-8b","mode":"http","type":"prefill"}
    {"op":"release","key":"llama-8b:http"}
    """

    static let expected = [
        #"{"error":null,"evicted":[],"instances":[{"gpus":[0],"key":"llama-8b:http"},{"gpus":[1,2],"key":"qwen-30b:http"},{"gpus":[3],"key":"llama-1b:grpc"}]}"#,
        #"{"error":null,"evicted":["llama-1b:grpc","qwen-30b:http"],"instances":[{"gpus":[1,2],"key":"gpt-oss:http"}]}"#,
        #"{"error":null,"evicted":[],"instances":[{"gpus":[0],"key":"llama-8b:http"}]}"#,
        #"{"error":null,"evicted":[],"instances":[]}"#,
        #"{"error":null,"evicted":["llama-8b:http"],"instances":[{"gpus":[0],"key":"llama-8b:http:prefill_0"},{"gpus":[3],"key":"llama-8b:http:decode_0"}]}"#,
        #"{"error":"get offers regular workers only; launch llama-8b:http prefill workers with launchWorkers","evicted":[],"instances":[]}"#,
        #"{"error":"no worker 'llama-8b:http' to release","evicted":[],"instances":[]}"#,
    ]

    @Test func workedExamplesReplay() throws {
        let trace = try PoolTrace.parse(Self.examples, file: "t.jsonl", catalog: ModelCatalog([]))
        #expect(trace.steps.map(\.line) == [2, 3, 5, 6, 7, 8, 9])
        let lines = try trace.replay().map(\.jsonLine)
        #expect(lines == Self.expected)
        #expect(try trace.replay().map(\.jsonLine) == lines)
    }

    @Test func topologyReplacesTheHeaderGPUs() throws {
        let text = #"{"op":"startup","workers":[{"model":"gpt-oss","mode":"http"},{"model":"llama-8b","mode":"grpc"}]}"#
        let trace = try PoolTrace.parse(text, file: "t.jsonl", catalog: Fixtures.anchorCatalog)
        #expect(throws: InputError.self) { try trace.replay() }
        let lines = try trace.replay(topology: Fixtures.topology(2)).map(\.jsonLine)
        #expect(lines == [#"{"error":null,"evicted":[],"instances":[{"gpus":[0,1],"key":"gpt-oss:http"}]}"#])
    }

    @Test func beladyUsesTheTracesFuture() throws {
        let text = """
        {"gpus":[{"id":0,"memoryMiB":81920,"name":"H100"},{"id":1,"memoryMiB":81920,"name":"H100"}],"models":[{"id":"a","memoryGB":8},{"id":"b","memoryGB":8},{"id":"c","memoryGB":8}]}
        {"op":"get","model":"a","mode":"http"}
        {"op":"get","model":"b","mode":"http"}
        {"op":"get","model":"c","mode":"http"}
        {"op":"get","model":"b","mode":"http"}
        """
        let trace = try PoolTrace.parse(text, file: "t.jsonl", catalog: ModelCatalog([]))
        let mru = try trace.replay(eviction: .mru).map(\.evicted)
        let belady = try trace.replay(eviction: .belady).map(\.evicted)
        #expect(mru[2] == ["b:http"])
        #expect(belady[2] == ["a:http"])
        #expect(belady[3] == [])
    }

    static func error(_ text: String) -> InputError? {
        do {
            _ = try PoolTrace.parse(text, file: "bad.jsonl", catalog: Fixtures.anchorCatalog)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("{\"op\":\"get\",\"model\":\"llama-8b\",\"mode\":\"http\"}\n{\"op\":\"fly\"}", 2, "op", "unknown op 'fly'"),
        ("{\"op\":\"get\",\"mode\":\"http\"}", 1, "model", "missing field"),
        ("{\"op\":\"get\",\"model\":\"nope\",\"mode\":\"http\"}", 1, "model", "unknown model 'nope'"),
        ("\n{\"op\":\"get\",\"model\":\"llama-8b\",\"mode\":\"tcp\"}", 2, "mode", "bad mode 'tcp'"),
        ("{\"op\":\"startup\",\"workers\":[{\"model\":\"llama-8b\",\"mode\":\"http\",\"index\":-1}]}", 1, "workers[0].index", "integer"),
        ("{\"op\":\"startup\",\"workers\":[{\"model\":\"llama-8b\",\"mode\":\"http\",\"type\":\"both\"}]}", 1, "workers[0].type", "worker type"),
        ("{\"op\":\"startup\",\"workers\":{}}", 1, "workers", "expected a list"),
        ("{\"op\":\"acquire\",\"key\":\"k\",\"extra\":1}", 1, "extra", "unknown key"),
        ("{\"op\":\"acquire\",\"key\":true}", 1, "key", "non-empty string"),
        ("{\"op\":\"get\",\"model\":\"llama-8b\"", 1, nil, "not valid JSON: expected ',' or '}' at column 31"),
        ("[1,2]", 1, nil, "expected an object"),
        ("{\"op\":\"release\",\"key\":\"k\"}\n{\"gpus\":[]}", 2, "op", "only the first line may be a header"),
        ("{\"gpus\":[{\"id\":0,\"memoryMiB\":1.5,\"name\":\"g\"}]}", 1, "gpus[0].memoryMiB", "integer"),
        ("{\"gpus\":[{\"id\":0,\"memoryMiB\":1,\"name\":\"g\"},{\"id\":0,\"memoryMiB\":1,\"name\":\"g\"}]}", 1, "gpus[1].id", "duplicate"),
        ("{\"models\":[{\"id\":\"m\",\"memoryGB\":-1}]}", 1, "models[0].memoryGB", "positive"),
        ("{\"models\":[{\"id\":\"m\",\"memoryGB\":1,\"tp\":0}]}", 1, "models[0].tp", "integer"),
    ] as [(String, Int, String?, String)])
    func badTracesNameTheLine(text: String, line: Int, key: String?, message: String) throws {
        let error = try #require(Self.error(text))
        #expect(error.location?.file == "bad.jsonl")
        #expect(error.location?.line == line, "\(error)")
        #expect(error.location?.key == key, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func fuzzedTracesNeverCrash() throws {
        let bytes = Array(Self.examples.utf8)
        var rng = SeededGenerator(seed: 7)
        var accepted = 0, rejected = 0
        for round in 0..<600 {
            var mutated = bytes
            if round % 3 == 0 {
                mutated = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            } else {
                for _ in 0..<Int.random(in: 1...4, using: &rng) where !mutated.isEmpty {
                    let position = Int.random(in: 0..<mutated.count, using: &rng)
                    mutated[position] = Array("{}[]:,\"\n0-9.ptx".utf8).randomElement(using: &rng)!
                }
            }
            do {
                let trace = try PoolTrace.parse(String(decoding: mutated, as: UTF8.self), file: "fuzz.jsonl",
                                                catalog: Fixtures.anchorCatalog)
                _ = try? trace.replay(topology: Fixtures.topology(4))
                accepted += 1
            } catch {
                #expect(error.location?.file == "fuzz.jsonl")
                #expect(error.location?.line != nil)
                rejected += 1
            }
        }
        #expect(accepted > 0 && rejected > 0)
    }
}
