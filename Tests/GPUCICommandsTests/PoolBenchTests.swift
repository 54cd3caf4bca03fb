import Foundation
import Testing
@testable import GPUCICommands

@Suite struct PoolBenchTests {
    @Test func jsonReportCountsEveryReplayedOp() throws {
        let path = try PoolCommandTests.write(PoolCommandTests.trace, name: "bench.jsonl")
        let text = try runPoolBenchmark(trace: path, repeat: 3, format: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["ops"] as? Int == 12)
        #expect(Set(object.keys) == ["ops", "seconds", "opsPerSecond"])
        #expect(try runPoolBenchmark(trace: path, repeat: 1, format: .table).hasPrefix("ops         4\n"))
    }

    @Test func badArgumentsAreInputErrors() throws {
        let path = try PoolCommandTests.write(PoolCommandTests.trace, name: "bench2.jsonl")
        #expect(throws: (any Error).self) { try runPoolBenchmark(trace: path, repeat: 0, format: .json) }
        #expect(throws: (any Error).self) { try runPoolBenchmark(trace: "/nonexistent.jsonl", repeat: 1, format: .json) }
    }
}
