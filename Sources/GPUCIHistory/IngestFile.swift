import Foundation
import GPUCIPlanner
import GPUCISupport

/// A results file read for `gpuci history ingest`: its attempts and the hash that keys it.
public struct IngestFile: Sendable, Hashable {
    /// The two formats `gpuci history ingest` reads.
    public enum Format: String, Sendable, Hashable, Codable {
        /// pytest `--junitxml` output.
        case junit
        /// `file,backend,seconds,outcome,timestamp` with a header.
        case csv
    }

    /// The path as given on the command line.
    public var source: String
    /// SHA-256 of the file's bytes.
    public var contentHash: String
    /// Which reader parsed it.
    public var format: Format
    /// The attempts it holds, in file order.
    public var attempts: [Attempt]

    /// Creates a parsed file; ``read(path:backend:suite:runID:)`` is the usual way.
    public init(source: String, contentHash: String, format: Format, attempts: [Attempt]) {
        self.source = source
        self.contentHash = contentHash
        self.format = format
        self.attempts = attempts
    }

    /// Reads `path`, choosing the format from its first non-blank character (`<` = JUnit XML).
    ///
    /// - Parameters:
    ///   - backend: the backend for JUnit files (required for them) and for CSV rows whose
    ///     `backend` cell is empty.
    ///   - suite: the suite to record, when known.
    ///   - runID: the commit or run id to record, when known.
    /// - Throws: `InputError` naming the file and line of the first problem.
    public static func read(path: String, backend: String?, suite: String? = nil,
                            runID: String? = nil) throws(InputError) -> IngestFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file", file: path)
        }
        return try parse(data: data, source: path, backend: backend, suite: suite, runID: runID)
    }

    /// The lowercase hex SHA-256 of `data`: the key of the `ingests` table.
    public static func contentHash(of data: Data) -> String {
        SHA256.digest(Array(data)).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// Parses the bytes of a results file; see ``read(path:backend:suite:runID:)``.
    public static func parse(data: Data, source: String, backend: String?, suite: String? = nil,
                             runID: String? = nil) throws(InputError) -> IngestFile {
        let hash = contentHash(of: data)
        let firstByte = data.first { !(Character(UnicodeScalar($0)).isWhitespace) }
        if firstByte == UInt8(ascii: "<") {
            guard let backend, !backend.isEmpty else {
                throw InputError("JUnit XML does not say which backend it ran on; pass --backend", file: source)
            }
            let attempts = try JUnitReader.read(data: data, source: source, backend: backend, suite: suite, runID: runID)
            return IngestFile(source: source, contentHash: hash, format: .junit, attempts: attempts)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError("the file is neither JUnit XML nor UTF-8 CSV text", file: source)
        }
        let attempts = try TimingCSVReader.read(text: text, source: source, backend: backend, suite: suite, runID: runID)
        return IngestFile(source: source, contentHash: hash, format: .csv, attempts: attempts)
    }
}
