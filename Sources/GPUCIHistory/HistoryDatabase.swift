import Foundation
import GPUCISupport
import GRDB

/// The run-history database: one SQLite file (WAL), one row per attempt.
///
/// Every write is one `BEGIN IMMEDIATE` transaction, so a process killed mid-write leaves
/// either the whole write or nothing, and two processes writing at once wait for each other
/// (busy timeout) instead of failing.
public final class HistoryDatabase: Sendable {
    /// The default location, relative to the working directory.
    public static let defaultPath = ".gpuci/history.sqlite"

    /// The database file as given to ``init(path:busyTimeout:)``.
    public let path: String
    private let pool: DatabasePool

    /// Opens (creating it and its folder when missing) and migrates the database at `path`.
    ///
    /// - Parameter busyTimeout: seconds a write waits for another process's write to finish.
    /// - Throws: `InputError` naming `path` when the folder cannot be created or the file is not
    ///   a gpuci history database.
    public init(path: String, busyTimeout: TimeInterval = 30) throws(InputError) {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw InputError("cannot create the folder \(folder.path): \(error.localizedDescription)", file: path)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "gpuci.history"
        // Two processes opening a new file at once race to switch it to WAL, and SQLite answers
        // the loser "database is locked" without waiting; a file lock beside the database makes
        // opening and migrating one process at a time.
        let lock = try Self.lockOpening(path)
        defer { close(lock) }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try HistorySchema.migrator.migrate(pool)
        } catch {
            throw Self.wrap(error, path: path)
        }
    }

    /// Takes an exclusive `flock` on `<path>.lock`; closing the returned descriptor releases it.
    private static func lockOpening(_ path: String) throws(InputError) -> Int32 {
        let descriptor = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw InputError("cannot open the lock file \(path).lock: \(String(cString: strerror(errno)))", file: path)
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw InputError("cannot lock \(path).lock: \(reason)", file: path)
            }
        }
        return descriptor
    }

    /// Adds the attempts of every parsed file in one transaction and returns what happened to each.
    ///
    /// A file whose content hash is already in the `ingests` table (from an earlier command or
    /// earlier in `files`) adds nothing.
    public func ingest(_ files: [IngestFile]) throws(InputError) -> [IngestResult] {
        try write { db in
            var results: [IngestResult] = []
            for file in files {
                if let earlier = try String.fetchOne(
                    db, sql: "SELECT source FROM ingests WHERE hash = ?", arguments: [file.contentHash]) {
                    results.append(IngestResult(source: file.source, added: 0, duplicateOf: earlier))
                    continue
                }
                try db.execute(
                    sql: "INSERT INTO ingests (hash, source, format, attempts) VALUES (?, ?, ?, ?)",
                    arguments: [file.contentHash, file.source, file.format.rawValue, file.attempts.count])
                let insert = try db.cachedStatement(sql: Self.insertSQL)
                for attempt in file.attempts {
                    try insert.execute(arguments: Self.arguments(attempt, ingestHash: file.contentHash))
                }
                results.append(IngestResult(source: file.source, added: file.attempts.count, duplicateOf: nil))
            }
            return results
        }
    }

    /// The source a file with this content hash was first ingested from, or `nil`.
    public func ingestedSource(contentHash: String) throws(InputError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT source FROM ingests WHERE hash = ?", arguments: [contentHash]) }
    }

    /// Records one attempt of `gpuci run` in its own transaction.
    public func record(_ attempt: Attempt) throws(InputError) {
        try write { db in try db.execute(sql: Self.insertSQL, arguments: Self.arguments(attempt, ingestHash: nil)) }
    }

    private static let insertSQL = """
        INSERT INTO attempts (file, backend, suite, partition, partitions, startedAt, seconds, outcome, attempt, runID, ingestHash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    private static func arguments(_ attempt: Attempt, ingestHash: String?) -> StatementArguments {
        [attempt.file, attempt.backend, attempt.suite, attempt.partition, attempt.partitions, attempt.startedAt,
         attempt.seconds, attempt.outcome.rawValue, attempt.attempt, attempt.runID, ingestHash]
    }

    /// All attempts, optionally of one backend, in insertion order.
    public func attempts(backend: String? = nil) throws(InputError) -> [Attempt] {
        try read { db in
            var request = AttemptRow.all().order(Column.rowID)
            if let backend { request = request.filter(Column("backend") == backend) }
            return try request.fetchAll(db).map(\.value)
        }
    }

    /// Number of rows in `attempts`.
    public func attemptCount() throws(InputError) -> Int {
        try read { db in try AttemptRow.fetchCount(db) }
    }

    /// Number of rows in `ingests`.
    public func ingestCount() throws(InputError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ingests") ?? 0 }
    }

    /// SQLite's `PRAGMA integrity_check` answer: `["ok"]` for a sound file.
    public func integrityCheck() throws(InputError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(InputError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var value: T?
                try db.inTransaction(.immediate) {
                    value = try body(db)
                    return .commit
                }
                guard let value else { throw InputError("the transaction returned no value", file: path) }
                return value
            }
        } catch {
            throw Self.wrap(error, path: path)
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws(InputError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.wrap(error, path: path)
        }
    }

    private static func wrap(_ error: any Error, path: String) -> InputError {
        if let error = error as? InputError { return error }
        if let error = error as? DatabaseError {
            return InputError("history database error: \(error.message ?? "\(error.resultCode)")", file: path)
        }
        return InputError("history database error: \(error)", file: path)
    }
}

/// What ``HistoryDatabase/ingest(_:)`` did with one file.
public struct IngestResult: Sendable, Hashable, Codable {
    /// The file as given on the command line.
    public var source: String
    /// Attempts added (0 for a duplicate).
    public var added: Int
    /// For a file whose content was ingested before: the source it was first ingested from.
    public var duplicateOf: String?
}
