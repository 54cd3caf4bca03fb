import GPUCIPool
import Testing

@Suite struct LaunchCommandTests {
    typealias F = Fixtures

    @Test func commandsRebuildTheReferenceArgv() throws {
        let catalog = try ModelCatalog.bundled()
        var pool = ModelPool(topology: F.topology(8), catalog: catalog)
        _ = pool.startup([F.id("embedding", .grpc), F.id("qwen-14b"), F.id("llama-8b", .http, .prefill)], now: 0)
        #expect(pool.launchCommand(for: "embedding:grpc") == [
            "env", "CUDA_VISIBLE_DEVICES=0", "python3", "-m", "sglang.launch_server",
            "--model-path", "intfloat/e5-mistral-7b-instruct", "--host", "127.0.0.1", "--port", "30000",
            "--tp-size", "1", "--log-level", "warning", "--grpc-mode", "--is-embedding",
        ])
        #expect(pool.launchCommand(for: "qwen-14b:http") == [
            "env", "CUDA_VISIBLE_DEVICES=1,2", "python3", "-m", "sglang.launch_server",
            "--model-path", "Qwen/Qwen2.5-14B-Instruct", "--host", "127.0.0.1", "--port", "30001",
            "--tp-size", "2", "--log-level", "warning", "--context-length=1000",
        ])
        #expect(pool.launchCommand(for: "llama-8b:http:prefill_0").suffix(4) == [
            "--disaggregation-mode", "prefill", "--disaggregation-bootstrap-port", "8998",
        ])
        #expect(pool.launchCommand(for: "nobody:http") == [])
    }

    @Test func portsAreDeterministic() {
        func run() -> [[String]] {
            var pool = ModelPool(topology: F.topology(4), catalog: Fixtures.anchorCatalog)
            _ = pool.startup([F.id("llama-8b"), F.id("qwen-30b"), F.id("llama-1b", .grpc)], now: 0)
            return pool.instances.map { pool.launchCommand(for: $0.key) }
        }
        #expect(run() == run())
    }
}
