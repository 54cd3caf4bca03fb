import Foundation
import Testing

/// The built `gpuci` executable, run as a user runs it: arguments, standard input and a working
/// folder in; exit status, standard output and standard error out.
enum GPUCIExecutable {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The root of this checkout.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `gpuci` beside the test bundle, else the checkout's `.build/debug/gpuci`.
    static func url() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gpuci"),
            packageRoot.appendingPathComponent(".build/debug/gpuci"),
        ]
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                            "build gpuci first (swift build)")
    }

    /// Starts `gpuci arguments…` (in `directory` when given, else in this process's folder), its
    /// output going to files (so no pipe can fill up and stall it); the caller waits or kills it.
    static func start(_ arguments: [String], in directory: URL? = nil, input: String? = nil)
        throws -> (process: Process, stdout: URL, stderr: URL) {
        let process = Process()
        process.executableURL = try url()
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let outputs = try scratchFolder("output")
        let out = outputs.appendingPathComponent("stdout"), err = outputs.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        if let input {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        return (process, out, err)
    }

    /// Runs `gpuci arguments…` to the end (see ``start(_:in:input:)``).
    static func run(_ arguments: [String], input: String? = nil, in directory: URL? = nil) throws -> Output {
        let (process, out, err) = try start(arguments, in: directory, input: input)
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        return Output(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// A fresh, empty temporary folder; the caller removes it.
    static func scratchFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
