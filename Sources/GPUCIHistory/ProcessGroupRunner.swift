import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import CSpawn
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
        // Private: a test's output may hold secrets, and an interrupted run can leave the file behind.
        guard FileManager.default.createFile(atPath: logURL.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let log = FileHandle(forWritingAtPath: logURL.path) else {
            throw InputError("cannot create the output file", file: logURL.path)
        }
        defer {
            try? log.close()
            try? FileManager.default.removeItem(at: logURL)
        }
        // posix_spawn, not Foundation's Process: Process leaks its termination socket into the
        // child, so a daemon the test leaves behind held gpuci until the timeout (repro 17). The
        // child gets only stdin (/dev/null), stdout and stderr (the log); its end is decided by
        // waitpid on it alone, so descendants holding the log do not keep gpuci waiting.
        _ = fcntl(log.fileDescriptor, F_SETFD, FD_CLOEXEC)
        let argv = ([executable.path] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = DispatchTime.now()
        let failure = (argv + [nil]).withUnsafeBufferPointer { vector in
            gpuci_spawn(&pid, executable.path, vector.baseAddress, environ, workingDirectory.path, log.fileDescriptor)
        }
        guard failure == 0 else {
            throw InputError("cannot start \(executable.path): \(String(cString: strerror(failure)))")
        }
        runningGroup.store(pid, ordering: .relaxed)
        defer { runningGroup.store(0, ordering: .relaxed) }

        var status: Int32 = 0
        func reaped(within seconds: Double) -> Bool {
            let deadline = DispatchTime.now() + .nanoseconds(Int(max(seconds, 0) * 1e9))
            while true {
                let result = waitpid(pid, &status, WNOHANG)
                if result == pid || (result < 0 && errno != EINTR) { return true }
                if DispatchTime.now() >= deadline { return false }
                usleep(5_000)
            }
        }
        var timedOut = false
        if !reaped(within: timeout) {
            timedOut = true
            kill(-pid, SIGTERM)
            if !reaped(within: grace) {
                kill(-pid, SIGKILL)
                // SIGKILL cannot be refused; the wait is bounded all the same.
                _ = reaped(within: 10)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        // Whatever the program left behind in its group goes with it.
        kill(-pid, SIGKILL)

        let signalNumber = status & 0x7F
        return ProcessOutcome(exitStatus: signalNumber == 0 ? (status >> 8) & 0xFF : nil,
                              signal: signalNumber == 0 ? nil : signalNumber,
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
