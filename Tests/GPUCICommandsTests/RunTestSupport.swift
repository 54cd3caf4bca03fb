import GPUCISupport
import Foundation
import Testing

/// The built `gpuci` executable for the history and run tests (see ``GPUCIExecutable``).
enum HistoryRunBinary {
    typealias Result = GPUCIExecutable.Output

    static func start(_ arguments: [String], in directory: URL) throws -> (Process, URL, URL) {
        try GPUCIExecutable.start(arguments, in: directory)
    }

    static func run(_ arguments: [String], in directory: URL) throws -> Result {
        try GPUCIExecutable.run(arguments, in: directory)
    }
}

/// A temporary source tree `test/registered/` of tiny Python "tests" registered for `cpu`.
struct HistoryRunTree {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-run-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("test/registered"), withIntermediateDirectories: true)
    }

    /// Writes `test/registered/<name>` registering `est_time` for `suite`, followed by `body`
    /// and a main block that prints nothing (the newest collector rules require one that calls).
    /// The registration function is defined locally so the file runs without sglang installed.
    @discardableResult
    func add(_ name: String, estTime: String, suite: String = "unit", body: String) throws -> URL {
        let text = "def register_cpu_ci(**kwargs):\n    pass\n\n\nregister_cpu_ci(est_time=\(estTime), suite=\"\(suite)\")\n\n" + body
            + "\n\nif __name__ == \"__main__\":\n    print(end=\"\")\n"
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
