import Foundation
import Testing
@testable import GPUCICommands
import GPUCISupport

/// `gpuci allocate` and `gpuci bench allocator`, parsed in process and run as the built binary.
@Suite("gpuci allocate")
struct AllocateCommandTests {
    static let trace = """
        {"gpus":[{"id":3,"memoryMiB":24576,"name":"A10"},{"id":0,"memoryMiB":81920,"name":"H100"},{"id":1,"memoryMiB":81920,"name":"H100"},{"id":2,"memoryMiB":81920,"name":"H100"}]}
        {"op":"allocate","specs":[{"key":"p","memoryGB":20},{"key":"q","memoryGB":100,"tp":2}],"preserveOrder":true}
        {"op":"allocate","specs":[{"key":"big","memoryGB":80}],"preserveOrder":false}
        {"op":"releaseGPUs","gpus":[1]}
        {"op":"release","key":"p"}
        {"op":"allocate","specs":[{"key":"r","memoryGB":16,"tp":2}]}
        """

    static let expected = [
        #"{"slots":[{"key":"p","gpus":[3],"totalMemoryMiB":24576},{"key":"q","gpus":[0,1],"totalMemoryMiB":163840}]}"#,
        #"{"slots":[{"key":"big","gpus":[2],"totalMemoryMiB":81920}]}"#,
        #"{"available":[1]}"#,
        #"{"available":[3,1]}"#,
        #"{"slots":[{"key":"r","gpus":[1,3],"totalMemoryMiB":106496}]}"#,
    ]

    @Test("a small trace replays to the reference's lines, SIMD and scalar alike", arguments: [[String](), ["--scalar"]])
    func replay(extra: [String]) throws {
        let path = try Self.write(Self.trace)
        let result = try Self.run(["allocate", "--trace", path] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == Self.expected.joined(separator: "\n") + "\n")
    }

    @Test("--trace - reads standard input")
    func standardInput() throws {
        let result = try Self.run(["allocate", "--trace", "-"], input: Self.trace)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == Self.expected.joined(separator: "\n") + "\n")
        let bad = try Self.run(["allocate", "--trace", "-"], input: "{\"gpus\":[]}\nnot json\n")
        #expect(bad.status != 0 && bad.stderr.contains("<stdin>:2: not valid JSON"))
    }

    @Test("the topology policy and a topology header-less trace")
    func topologyFlag() throws {
        let path = try Self.write(#"{"op":"allocate","specs":[{"key":"a","memoryGB":40,"tp":2},{"key":"b","memoryGB":24}]}"# + "\n")
        let result = try Self.run(["allocate", "--trace", path, "--topology", "4x24GB", "--policy", "topology"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == #"{"slots":[{"key":"a","gpus":[0,1],"totalMemoryMiB":49152},{"key":"b","gpus":[2],"totalMemoryMiB":24576}]}"# + "\n")
    }

    @Test("a bad trace fails with the file, line and field on stderr and a non-zero exit")
    func badTrace() throws {
        let path = try Self.write(Self.trace + "\n" + #"{"op":"allocate","specs":[{"key":"x","tp":1.5}]}"# + "\n")
        let result = try Self.run(["allocate", "--trace", path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(path):7: specs[0].tp: expected an integer"))
        let unknown = try Self.write(#"{"gpus":[{"id":0,"memoryMiB":1}]}"# + "\n" + #"{"op":"explode"}"# + "\n")
        let second = try Self.run(["allocate", "--trace", unknown])
        #expect(second.status != 0 && second.stderr.contains("\(unknown):2: op: unknown op 'explode'"))
    }

    @Test("generated traces are deterministic and replay the same on both allocators")
    func generated() throws {
        let first = try Self.run(["allocate", "--generate", "24", "--ops", "200", "--seed", "5"])
        let again = try Self.run(["allocate", "--generate", "24", "--ops", "200", "--seed", "5"])
        #expect(first.status == 0 && first.stdout == again.stdout)
        #expect(first.stdout.split(separator: "\n").count == 201)
        let path = try Self.write(first.stdout)
        let simd = try Self.run(["allocate", "--trace", path])
        let scalar = try Self.run(["allocate", "--trace", path, "--scalar"])
        #expect(simd.status == 0 && simd.stdout == scalar.stdout)
        #expect(simd.stdout.split(separator: "\n").count == 200)
    }

    @Test("bench allocator prints ops, seconds and ops/s as JSON")
    func bench() throws {
        let result = try Self.run(["bench", "allocator", "--generate", "16", "--ops", "50", "--repeat", "3", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["ops"] as? Int == 150)
        #expect(object?["gpus"] as? Int == 16)
        #expect(object?["seconds"] is Double && object?["opsPerSecond"] != nil)
        let scalar = try Self.run(["bench", "allocator", "--generate", "16", "--ops", "50", "--repeat", "3", "--format", "json", "--scalar"])
        let scalarObject = try JSONSerialization.jsonObject(with: Data(scalar.stdout.utf8)) as? [String: Any]
        #expect(scalarObject?["slotsMade"] as? Int == object?["slotsMade"] as? Int)
    }

    @Test("flag combinations are checked when parsing", arguments: [
        ["allocate"],
        ["allocate", "--trace", "t", "--generate", "8"],
        ["allocate", "--trace", "t", "--scalar", "--policy", "topology", "--topology", "8x80GB"],
        ["allocate", "--trace", "t", "--policy", "topology"],
        ["allocate", "--trace", "t", "--policy", "best"],
        ["allocate", "--trace", "t", "--ops", "5"],
        ["allocate", "--generate", "8", "--scalar"],
        ["allocate", "--generate", "-1"],
        ["bench", "allocator", "--generate", "8", "--repeat", "0"],
        ["bench", "allocator"],
    ])
    func badFlags(arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try GPUCI.parseAsRoot(arguments) }
    }

    @Test("good flag combinations parse")
    func goodFlags() throws {
        let command = try GPUCI.parseAsRoot(["allocate", "--trace", "t.jsonl", "--topology", "8x80GB", "--policy", "topology"])
        let allocate = try #require(command as? AllocateCommand)
        #expect(allocate.options.policy == .topology && allocate.options.topology == "8x80GB" && !allocate.options.scalar)
        #expect(try GPUCI.parseAsRoot(["bench", "allocator", "--trace", "t", "--repeat", "3", "--scalar"]) is BenchAllocatorCommand)
    }

    // MARK: - Running the binary

    typealias Result = GPUCIExecutable.Output

    static func run(_ arguments: [String], input: String? = nil) throws -> Result {
        try GPUCIExecutable.run(arguments, input: input)
    }

    /// Writes `text` to a fresh file in a folder removed when the test process ends.
    static func write(_ text: String) throws -> String {
        let url = scratch.appendingPathComponent("\(UUID().uuidString).jsonl")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-allocate-tests-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: AllocateCommandTests.scratchPath) }
        return url
    }()

    static var scratchPath: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-allocate-tests-\(ProcessInfo.processInfo.processIdentifier)")
    }
}

/// `gpuci run --junit` is checked before the first file runs (repro 18).
@Suite struct RunOutputCheckTests {
    @Test func theJUnitPathIsCheckedUpFront() throws {
        let folder = try GPUCIExecutable.scratchFolder("junit")
        defer { try? FileManager.default.removeItem(at: folder) }
        let nested = folder.appendingPathComponent("reports/deep/junit.xml").path
        try RunCommand.checkOutput(nested)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("reports/deep").path))
        #expect(throws: InputError.self) { try RunCommand.checkOutput(folder.path) }
        let file = folder.appendingPathComponent("plain").path
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: InputError.self) { try RunCommand.checkOutput(file + "/junit.xml") }
    }
}

/// Partition counts are bounded before any work (repro 27).
@Suite struct PartitionBoundTests {
    @Test func hugeCountsAreRefusedUpFront() throws {
        for arguments in [["plan", "--partitions", "1000000"], ["plan", "show", "--suite", "s", "--partition", "0", "--of", "100000000"],
                          ["plan", "recommend", "--max-partitions", "5000"]] {
            #expect(throws: (any Error).self, "\(arguments)") { _ = try GPUCI.parseAsRoot(arguments) }
        }
        #expect(throws: Never.self) { _ = try GPUCI.parseAsRoot(["plan", "--partitions", "1024"]) }
    }
}

/// A negative number is a value out of range, not a missing value (repro 28, item 6).
@Suite struct NegativeOptionValueTests {
    @Test(arguments: [
        (["run", "--registry", "r", "--backend", "cpu", "--suite", "s", "--timeout-per-file", "-1"], "--timeout-per-file must be positive"),
        (["plan", "--partitions", "-2"], "--partitions must be from 1 to 1024"),
        (["plan", "recommend", "--timeout", "-5m"], "'-5m' is invalid for '--timeout"),
    ])
    func negativeValuesAreJudgedAsValues(arguments: [String], message: String) throws {
        let run = try GPUCIExecutable.run(arguments)
        #expect(run.status != 0)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!run.stderr.contains("Missing value"))
    }
}
