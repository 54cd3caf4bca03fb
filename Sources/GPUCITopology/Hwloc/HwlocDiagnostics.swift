import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// libhwloc's own account of why it refused a capture.
///
/// libhwloc explains an XML refusal only on stderr, and only when `HWLOC_XML_VERBOSE` is set
/// (read once per process), then returns EINVAL. Loads therefore run with the variable set and
/// stderr sent to a temporary file; the lines come back with the result and are shown only
/// when the load fails. One load at a time holds the redirection.
enum HwlocDiagnostics {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var verboseSet = false

    /// Runs `body` with libhwloc's stderr captured; returns its result and hwloc's lines.
    static func capturing<T>(_ body: () -> T) -> (result: T, lines: [String]) {
        lock.lock()
        defer { lock.unlock() }
        if !verboseSet {
            setenv("HWLOC_XML_VERBOSE", "1", 0)
            verboseSet = true
        }
        fflush(nil)
        let saved = dup(STDERR_FILENO)
        guard saved >= 0, let sink = tmpfile() else {
            if saved >= 0 { close(saved) }
            return (body(), [])
        }
        defer { fclose(sink) }
        dup2(fileno(sink), STDERR_FILENO)
        let result = body()
        fflush(nil)
        dup2(saved, STDERR_FILENO)
        close(saved)
        rewind(sink)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let count = fread(&buffer, 1, buffer.count, sink)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return (result, String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init))
    }

    /// The name libhwloc gives an XML buffer in its messages (gpuci always loads from memory).
    static let bufferPrefix = "xmlbuffer: "

    /// Lines hwloc prints that explain nothing: skipped attributes, the DTD notice, the final
    /// "load failed" and "discovery failed" summaries.
    static let chatter = ["ignoring", "Loading XML topology without DTD", "hwloc_topology_load", "XML component discovery failed"]

    /// hwloc's reason from captured lines: its messages without the buffer-name prefix and
    /// without chatter, the last few that explain the failure.
    static func reason(from lines: [String]) -> String? {
        // hwloc prefixes every XML message with the buffer's name; other lines on stderr in
        // the meantime (another thread's) are not hwloc's.
        let messages = lines.compactMap { line -> String? in
            line.hasPrefix(bufferPrefix) ? line.dropFirst(bufferPrefix.count).trimmingCharacters(in: .whitespaces) : nil
        }.filter { message in
            !message.isEmpty && !chatter.contains { message.hasPrefix($0) }
        }
        guard !messages.isEmpty else { return nil }
        var unique: [String] = []
        for message in messages where !unique.contains(message) { unique.append(message) }
        return unique.suffix(3).joined(separator: "; ")
    }
}
