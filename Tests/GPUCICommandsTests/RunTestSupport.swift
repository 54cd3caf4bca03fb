import GPUCISupport
import Foundation
import Testing

/// Runs the built `gpuci` executable (`.build/debug/gpuci`, built by `swift test`) and collects
/// its exit status and output.
enum HistoryRunBinary {
    static var url: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/gpuci")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Starts `gpuci arguments…` in `directory` with output to files in `directory`; the caller
    /// waits or kills it.
    static func start(_ arguments: [String], in directory: URL, label: String = UUID().uuidString) throws -> (Process, URL, URL) {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = directory.appendingPathComponent(".out-\(label)")
        let err = directory.appendingPathComponent(".err-\(label)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    /// Runs `gpuci arguments…` in `directory` to the end.
    static func run(_ arguments: [String], in directory: URL) throws -> Result {
        #expect(FileManager.default.isExecutableFile(atPath: url.path), "build gpuci first: swift build")
        let (process, out, err) = try start(arguments, in: directory)
        process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}

/// A temporary source tree `test/registered/` of tiny Python "tests" registered for `cpu`.
struct HistoryRunTree {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-run-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("test/registered"), withIntermediateDirectories: true)
    }

    /// Writes `test/registered/<name>` registering `est_time` for `suite`, followed by `body`.
    /// The registration function is defined locally so the file runs without sglang installed.
    @discardableResult
    func add(_ name: String, estTime: String, suite: String = "unit", body: String) throws -> URL {
        let text = "def register_cpu_ci(**kwargs):\n    pass\n\n\nregister_cpu_ci(est_time=\(estTime), suite=\"\(suite)\")\n\n" + body
        let url = root.appendingPathComponent("test/registered/\(name)")
        try Data(text.utf8).write(to: url)
        return url
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}

/// Seeded randomness so random inputs repeat exactly.
typealias HistoryRunRandom = SplitMix64
