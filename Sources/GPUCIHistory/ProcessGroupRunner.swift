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
    /// The termination signal gpuci received while it ran (its group was stopped for it), if any.
    public var interruptedBy: Int32? = nil

    /// Whether it exited 0 in time.
    public var succeeded: Bool { !timedOut && interruptedBy == nil && signal == nil && exitStatus == 0 }
}

/// What a caller sees of a child while it runs.
public struct ProcessObserver: Sendable {
    /// New output bytes, as the child wrote them (read from its log about every 50 ms).
    public var output: @Sendable (Data) -> Void
    /// Seconds of silence after which `heartbeat` is called (again after each such stretch); 0 for never.
    public var heartbeatSeconds: Double
    /// Called with the seconds since start and since the last output.
    public var heartbeat: @Sendable (_ elapsed: Double, _ silent: Double) -> Void

    /// An observer.
    public init(output: @escaping @Sendable (Data) -> Void, heartbeatSeconds: Double = 0,
                heartbeat: @escaping @Sendable (Double, Double) -> Void = { _, _ in }) {
        self.output = output
        self.heartbeatSeconds = heartbeatSeconds
        self.heartbeat = heartbeat
    }
}

/// Runs one program from an argument vector (never through a shell) as the leader of its own
/// process group, with a timeout that ends the whole group: SIGTERM, then SIGKILL after a grace
/// period. Processes the program left behind in its group are killed when it ends.
public enum ProcessGroupRunner {
    /// Most bytes of output kept for classification and reports.
    public static let outputLimit = 1 << 20

    /// The process group of the child now running (0 when none), for the termination handler.
    private static let runningGroup = Atomic<Int32>(0)
    /// The first termination signal received (0 = none).
    private static let interruption = Atomic<Int32>(0)

    /// The termination signal received since ``forwardTerminationSignals()``, if any: the run
    /// should stop, report what finished and then end as that signal would.
    public static var interruptedBy: Int32? {
        let received = interruption.load(ordering: .relaxed)
        return received == 0 ? nil : received
    }

    /// Makes the first SIGINT, SIGTERM or SIGHUP to this process send SIGTERM to the running
    /// child's process group (which the terminal's Ctrl-C does not reach) and set
    /// ``interruptedBy``; ``run(executable:arguments:workingDirectory:timeout:grace:observer:keepLog:)``
    /// then ends the child (SIGKILL after the grace) and returns, so the caller can write its
    /// report. A second signal SIGKILLs the group and ends this process at once. SIGKILL cannot be
    /// caught: a child then outlives gpuci. Call it from the thread that runs the files.
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
                if ProcessGroupRunner.interruption.compareExchange(expected: 0, desired: received, ordering: .relaxed).exchanged {
                    if group != 0 { kill(-group, SIGTERM) }
                    return
                }
                if group != 0 { kill(-group, SIGKILL) }
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    /// Ends this process as `signalNumber` would (after its report is written).
    public static func endAsSignal(_ signalNumber: Int32) -> Never {
        signal(signalNumber, SIG_DFL)
        raise(signalNumber)
        exit(128 + signalNumber)
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
    ///   - observer: sees the output as it is written, and a heartbeat in long silences.
    ///   - keepLog: where the whole output is copied when the child ends (a file's folder must exist).
    public static func run(executable: URL, arguments: [String], workingDirectory: URL,
                           timeout: Double, grace: Double = 5, observer: ProcessObserver? = nil,
                           keepLog: URL? = nil) throws(InputError) -> ProcessOutcome {
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
        let reader = observer == nil ? nil : FileHandle(forReadingAtPath: logURL.path)
        defer { try? reader?.close() }
        var lastOutput = start
        var lastBeat = start
        func drain() {
            guard let reader, let observer else { return }
            while let chunk = try? reader.read(upToCount: 1 << 16), !chunk.isEmpty {
                observer.output(chunk)
                lastOutput = DispatchTime.now()
            }
        }
        func since(_ moment: DispatchTime) -> Double {
            Double(DispatchTime.now().uptimeNanoseconds - moment.uptimeNanoseconds) / 1e9
        }
        // One loop decides the end: the child's own exit, the timeout or an interruption
        // (SIGTERM to the group, SIGKILL after the grace), every wait bounded.
        var timedOut = false
        var interrupted: Int32?
        var termDeadline: Double?
        var killDeadline: Double?
        var polls = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno != EINTR) { break }
            polls &+= 1
            if polls % 10 == 0 {
                drain()
                if let observer, observer.heartbeatSeconds > 0, since(lastOutput) >= observer.heartbeatSeconds,
                   since(lastBeat) >= observer.heartbeatSeconds {
                    observer.heartbeat(since(start), since(lastOutput))
                    lastBeat = DispatchTime.now()
                }
            }
            let elapsed = since(start)
            if termDeadline == nil {
                if let received = interruptedBy {
                    interrupted = received
                } else if elapsed >= timeout {
                    timedOut = true
                }
                if interrupted != nil || timedOut {
                    kill(-pid, SIGTERM)
                    termDeadline = elapsed + max(grace, 0)
                }
            } else if killDeadline == nil, let termDeadline, elapsed >= termDeadline {
                kill(-pid, SIGKILL)
                killDeadline = elapsed + 10
            } else if let killDeadline, elapsed >= killDeadline {
                break  // SIGKILL cannot be refused; the wait is bounded all the same.
            }
            usleep(5_000)
        }
        let seconds = since(start)
        // Whatever the program left behind in its group goes with it.
        kill(-pid, SIGKILL)
        drain()
        if let keepLog {
            try? FileManager.default.removeItem(at: keepLog)
            do {
                try FileManager.default.copyItem(at: logURL, to: keepLog)
            } catch {
                throw InputError("cannot keep the output: \(error.localizedDescription)", file: keepLog.path)
            }
        }

        let signalNumber = status & 0x7F
        // The handler's own SIGTERM may have ended the child before this loop saw the signal; a
        // child that exited 0 all the same passed.
        let exitedCleanly = signalNumber == 0 && (status >> 8) & 0xFF == 0
        if interrupted == nil, !timedOut, !exitedCleanly, let received = interruptedBy { interrupted = received }
        return ProcessOutcome(exitStatus: signalNumber == 0 ? (status >> 8) & 0xFF : nil,
                              signal: signalNumber == 0 ? nil : signalNumber,
                              timedOut: timedOut, seconds: seconds, output: tail(of: logURL), interruptedBy: interrupted)
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
