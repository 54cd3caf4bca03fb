import Foundation
import Testing
@testable import GPUCICommands

@Suite struct PoolCommandTests {
    static let trace = """
    {"gpus":[{"id":0,"memoryMiB":23028,"name":"A10"},{"id":1,"memoryMiB":23028,"name":"A10"},{"id":2,"memoryMiB":23028,"name":"A10"},{"id":3,"memoryMiB":23028,"name":"A10"}]}
    {"op":"startup","workers":[{"model":"llama-8b","mode":"grpc"},{"model":"llama-8b","mode":"http"},{"model":"llama-8b","mode":"http","type":"prefill","index":0},{"model":"llama-8b","mode":"http","type":"decode","index":0},{"model":"embedding","mode":"grpc"},{"model":"embedding","mode":"http"}]}
    {"op":"get","model":"embedding","mode":"grpc"}
    {"op":"acquire","key":"embedding:grpc"}
    {"op":"get","model":"embedding","mode":"http"}
    """

    /// §8.13 through the bundled catalog (embedding and llama-8b are unchanged since the anchor).
    static let expected = """
    {"error":null,"evicted":[],"instances":[{"gpus":[0],"key":"llama-8b:grpc"},{"gpus":[1],"key":"llama-8b:http"},{"gpus":[2],"key":"llama-8b:http:prefill_0"},{"gpus":[3],"key":"llama-8b:http:decode_0"}]}
    {"error":null,"evicted":["llama-8b:http:decode_0"],"instances":[{"gpus":[3],"key":"embedding:grpc"}]}
    {"error":null,"evicted":[],"instances":[]}
    {"error":null,"evicted":["llama-8b:http:prefill_0"],"instances":[{"gpus":[2],"key":"embedding:http"}]}

    """

    static func write(_ text: String, name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-pool-tests-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let output = try GPUCIExecutable.run(arguments)
        return (output.status, output.stdout, output.stderr)
    }

    @Test func parsesOptions() throws {
        let command = try #require(try GPUCI.parseAsRoot(["pool", "--trace", "t.jsonl", "--eviction", "belady",
                                                         "--placement", "topology", "--topology", "4x80GB",
                                                         "--require-rdma"]) as? PoolCommand)
        #expect(command.trace == "t.jsonl")
        #expect(command.eviction == .belady)
        #expect(command.placement == .topology)
        #expect(command.topology == "4x80GB")
        #expect(command.requireRDMA)
        #expect(throws: (any Error).self) { try GPUCI.parseAsRoot(["pool", "--trace", "t", "--eviction", "fifo"]) }
    }

    @Test func replaysThroughTheBuiltBinary() throws {
        let path = try Self.write(Self.trace, name: "e2e.jsonl")
        let result = try Self.run(["pool", "--trace", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == Self.expected)
        let again = try Self.run(["pool", "--trace", path])
        #expect(again.stdout == result.stdout)
    }

    @Test func topologyFlagReplacesTheHeader() throws {
        let body = Self.trace.split(separator: "\n").dropFirst().joined(separator: "\n")
        let path = try Self.write(body, name: "noheader.jsonl")
        let result = try Self.run(["pool", "--trace", path, "--topology", "4x23028MiB"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == Self.expected)
    }

    @Test func badTraceExitsNonZeroNamingTheLine() throws {
        let path = try Self.write(Self.trace + "\n{\"op\":\"get\",\"model\":\"llama-8b\",\"mode\":\"smtp\"}\n", name: "bad.jsonl")
        let result = try Self.run(["pool", "--trace", path])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("bad.jsonl:6: mode: bad mode 'smtp'"), "\(result.stderr)")
    }

    @Test func operationalFailureIsNotABadTrace() throws {
        let path = try Self.write("""
        {"gpus":[{"id":0,"memoryMiB":23028,"name":"A10"}]}
        {"op":"get","model":"gpt-oss","mode":"http"}
        """, name: "short.jsonl")
        let result = try Self.run(["pool", "--trace", path])
        #expect(result.status == 0)
        #expect(result.stdout.contains(#""error":"cannot launch gpt-oss:http: need 2 GPUs, only 1 available after eviction""#))
    }
}

@Suite struct PoolPlacementOptionTests {
    @Test func topologyPlacementNeedsATopology() throws {
        let path = try PoolCommandTests.write(PoolCommandTests.trace, name: "placement.jsonl")
        let result = try PoolCommandTests.run(["pool", "--trace", path, "--placement", "topology"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--placement topology needs --topology"))
        let body = PoolCommandTests.trace.split(separator: "\n").dropFirst().joined(separator: "\n")
        let headerless = try PoolCommandTests.write(body, name: "placement2.jsonl")
        let ok = try PoolCommandTests.run(["pool", "--trace", headerless, "--placement", "topology", "--topology", "4x23028MiB"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout == PoolCommandTests.expected)
    }
}
