import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GPUCISupport
import Synchronization

/// How one child process ended.
public struct ProcessOutcome: Sendable, Hashable {
    /// The exit status when the process exited by itself.
    public var exitStatus: Int32?
    /// The signal that ended it, when one did.
    public var signal: Int32?
    /// Whether it ran past its timeout and its process group was killed.
    public var timedOut: Bool
    /// Wall-clock seconds from start to end.
    public var seconds: Double
    /// Its stdout and stderr, interleaved as written (the last ``ProcessGroupRunner/outputLimit`` bytes).
    public var output: String

    /// Whether it exited 0 in time.
    public var succeeded: Bool { !timedOut && signal == nil && exitStatus == 0 }
}

/// Runs one program from an argument vector (never through a shell) as the leader of its own
/// process group, with a timeout that ends the whole group: SIGTERM, then SIGKILL after a grace
/// period. Processes the program left behind in its group are killed when it ends.
public enum ProcessGroupRunner {
    /// Most bytes of output kept for classification and reports.
    public static let outputLimit = 1 << 20

    /// The process group of the child now running (0 when none), for the termination handler.
    private static let runningGroup = Atomic<Int32>(0)

    /// Makes SIGINT, SIGTERM and SIGHUP to this process first SIGKILL the running child's process
    /// group (which the terminal's Ctrl-C does not reach), then end this process as the signal would.
    /// SIGKILL cannot be caught: a child then outlives gpuci. Call it from the thread that runs the files.
    public static func forwardTerminationSignals() {
        _ = runningGroup.load(ordering: .relaxed)
        // A parent may have started gpuci with these blocked; the calling thread takes them.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&unblock, signalNumber) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { received in
                let group = ProcessGroupRunner.runningGroup.load(ordering: .relaxed)
                if group != 0 { kill(-group, SIGKILL) }
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    /// Finds `program` on `PATH` unless it already names a path.
    public static func resolveExecutable(_ program: String) throws(InputError) -> URL {
        if program.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: program) else {
                throw InputError("not an executable file", file: program)
            }
            return URL(fileURLWithPath: program)
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(program)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw InputError("cannot find \"\(program)\" on PATH")
    }

    /// Runs `executable arguments…` in `workingDirectory`, its output going to a temporary file.
    ///
    /// - Parameters:
    ///   - timeout: seconds before the group gets SIGTERM.
    ///   - grace: seconds between SIGTERM and SIGKILL.
    public static func run(executable: URL, arguments: [String], workingDirectory: URL,
                           timeout: Double, grace: Double = 5) throws(InputError) -> ProcessOutcome {
        let logURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("gpuci-run-\(getpid())-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: logURL.path, contents: nil),
              let log = FileHandle(forWritingAtPath: logURL.path) else {
            throw InputError("cannot create the output file", file: logURL.path)
        }
        defer {
            try? log.close()
            try? FileManager.default.removeItem(at: logURL)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = workingDirectory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        let start = DispatchTime.now()
        do {
            try process.run()
        } catch {
            throw InputError("cannot start \(executable.path): \(error.localizedDescription)")
        }
        let pid = process.processIdentifier
        // Foundation starts the child as the leader of a new process group on Linux; make sure.
        if getpgid(pid) != pid { _ = setpgid(pid, pid) }
        let group = getpgid(pid) == pid ? -pid : pid
        if group < 0 { runningGroup.store(pid, ordering: .relaxed) }
        defer { runningGroup.store(0, ordering: .relaxed) }

        var timedOut = false
        if finished.wait(timeout: start + .nanoseconds(Int(max(timeout, 0) * 1e9))) == .timedOut {
            timedOut = true
            kill(group, SIGTERM)
            if finished.wait(timeout: .now() + .nanoseconds(Int(max(grace, 0) * 1e9))) == .timedOut {
                kill(group, SIGKILL)
                finished.wait()
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        if group < 0 { kill(group, SIGKILL) }
        process.waitUntilExit()

        let status = process.terminationStatus
        let bySignal = process.terminationReason == .uncaughtSignal
        return ProcessOutcome(exitStatus: bySignal ? nil : status, signal: bySignal ? status : nil,
                              timedOut: timedOut, seconds: seconds, output: tail(of: logURL))
    }

    private static func tail(of url: URL) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(outputLimit) ? size - UInt64(outputLimit) : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
