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

    /// SQLite's `application_id` of a gpuci history ("gpuc").
    public static let applicationID: Int32 = 0x6770_7563

    /// Opens and migrates the database at `path`; with `create`, a missing file (and its folder)
    /// is created.
    ///
    /// The file must be gpuci's: its `application_id` is gpuci's (or, for a database made before
    /// gpuci set one, it holds only gpuci's migrations), and no newer gpuci migrated it. Anything
    /// else is refused before a byte of it changes.
    ///
    /// - Parameter busyTimeout: seconds a write waits for another process's write to finish.
    /// - Throws: `InputError` naming `path` when the folder cannot be created, the file is missing
    ///   (without `create`), or it is not a history database this gpuci can write.
    public init(path: String, busyTimeout: TimeInterval = 30, create: Bool = true) throws(InputError) {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        guard create || FileManager.default.fileExists(atPath: path) else {
            throw InputError("no history database here (record one first: gpuci history ingest FILE… --db \(path))", file: path)
        }
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
        try Self.checkOwnership(path, busyTimeout: busyTimeout)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try HistorySchema.migrator.migrate(pool)
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA application_id = \(Self.applicationID)")
                try db.execute(sql: "PRAGMA user_version = \(HistorySchema.version)")
            }
        } catch {
            throw Self.wrap(error, path: path)
        }
    }

    /// Refuses, read-only and before anything is written, a file that is not a gpuci history or
    /// that a newer gpuci migrated. An empty or missing file is fine (it becomes one).
    private static func checkOwnership(_ path: String, busyTimeout: TimeInterval) throws(InputError) {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size > 0 else { return }
        var configuration = Configuration()
        configuration.readonly = true
        // Another process (or thread) may be writing: wait for it like every other open does.
        configuration.busyMode = .timeout(busyTimeout)
        let verdict: String?
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            verdict = try queue.read { db -> String? in
                let application = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                if application != applicationID {
                    if application != 0 {
                        return "not a gpuci history database (SQLite application_id \(String(format: "0x%08x", UInt32(bitPattern: application))), gpuci's is 0x67707563); nothing was changed"
                    }
                    let known = Set(HistorySchema.tables + ["grdb_migrations"])
                    let foreign = tables.filter { !known.contains($0) }
                    if !foreign.isEmpty || (!tables.isEmpty && !tables.contains("grdb_migrations")) {
                        return "not a gpuci history database (it holds \(tables.prefix(5).joined(separator: ", "))\(tables.count > 5 ? ", …" : "")); nothing was changed"
                    }
                }
                let superseded = tables.contains("grdb_migrations") ? try HistorySchema.migrator.hasBeenSuperseded(db) : false
                if version > HistorySchema.version || superseded {
                    let unknown = try HistorySchema.migrator.appliedIdentifiers(db).subtracting(HistorySchema.identifiers).sorted()
                    return "written by a newer gpuci (schema version \(version)\(unknown.isEmpty ? "" : ", migrations \(unknown.map { "'\($0)'" }.joined(separator: ", "))"); this gpuci knows version \(HistorySchema.version)): upgrade gpuci; nothing was changed"
                }
                return nil
            }
        } catch {
            throw InputError("not a gpuci history database (\(wrap(error, path: path).message)); nothing was changed", file: path)
        }
        if let verdict { throw InputError(verdict, file: path) }
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

    /// Adds the attempts, runs and jobs of every parsed file in one transaction and returns what
    /// happened to each.
    ///
    /// A file whose identity (content and options, ``IngestFile/identity``) is already in the
    /// `ingests` table (from an earlier command or earlier in `files`) adds nothing; the same
    /// content ingested with other options is an error that names the earlier ingest and how to
    /// forget it, and nothing is written. Runs and jobs are keyed by their ids: a job ingested
    /// before with the same content adds nothing (whatever file or options it came from); a known
    /// run or job with other content is an error naming both files, and nothing is written.
    public func ingest(_ files: [IngestFile]) throws(InputError) -> [IngestResult] {
        try write { db in
            var results: [IngestResult] = []
            let insert = try db.cachedStatement(sql: Self.insertSQL)
            for file in files {
                if let earlier = try String.fetchOne(
                    db, sql: "SELECT source FROM ingests WHERE hash = ?", arguments: [file.identity]) {
                    results.append(IngestResult(source: file.source, added: 0, duplicateOf: earlier))
                    continue
                }
                if let other = try Row.fetchOne(
                    db, sql: "SELECT hash, source, options FROM ingests WHERE content = ?", arguments: [file.contentHash]) {
                    let options: String = other["options"], hash: String = other["hash"], source: String = other["source"]
                    throw InputError("the same content was ingested as \(source) with \(options.isEmpty ? "no options" : "options '\(options)'"), here with \(file.options.isEmpty ? "none" : "'\(file.options)'"); `gpuci history forget \(Self.shortID(hash))` removes that ingest, then ingest again",
                                     file: file.source)
                }
                if let token = file.recordedBy, let run = try String.fetchOne(
                    db, sql: "SELECT source FROM ingests WHERE hash = ?", arguments: [Self.recordingHash(token)]) {
                    results.append(IngestResult(source: file.source, added: 0, duplicateOf: run))
                    continue
                }
                for run in file.records.runs { try Self.merge(run, source: file.source, db: db) }
                var added = file.attempts
                var jobsAdded = 0, jobsKnown = 0
                for record in file.records.jobs {
                    if try Self.insertJob(record, source: file.source, db: db) {
                        added += record.attempts
                        jobsAdded += 1
                    } else {
                        jobsKnown += 1
                    }
                }
                try db.execute(
                    sql: "INSERT INTO ingests (hash, source, format, attempts, content, options) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [file.identity, file.source, file.format.rawValue, added.count, file.contentHash, file.options])
                for attempt in added {
                    try insert.execute(arguments: Self.arguments(attempt, ingestHash: file.identity))
                }
                results.append(IngestResult(source: file.source, added: added.count, duplicateOf: nil,
                                            jobsAdded: jobsAdded, jobsKnown: jobsKnown))
            }
            return results
        }
    }

    /// One row of the `ingests` table.
    public struct Ingest: Sendable, Hashable {
        /// The short id ``forget(_:)`` takes: the first 12 characters of the key.
        public var id: String
        /// The file as given to the ingest (or what a `gpuci run` recorded).
        public var source: String
        /// The reader, or `gpuci-run` for a run that recorded its own attempts.
        public var format: String
        /// Attempts it added.
        public var attempts: Int
        /// The options it was ingested with.
        public var options: String
    }

    /// Every ingest, oldest first.
    public func ingests() throws(InputError) -> [Ingest] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT hash, source, format, attempts, options FROM ingests ORDER BY rowid").map { row in
                Ingest(id: Self.shortID(row["hash"]), source: row["source"], format: row["format"],
                       attempts: row["attempts"], options: row["options"])
            }
        }
    }

    /// Removes the ingest whose key starts with `id` (at least 8 characters), its attempts, and
    /// the jobs and runs it brought that nothing else refers to; returns what was removed.
    ///
    /// - Throws: `InputError` when no ingest or more than one matches.
    public func forget(_ id: String) throws(InputError) -> Ingest {
        guard id.count >= 8 else { throw InputError("an ingest id has at least 8 characters (see gpuci history ingests)", file: path) }
        return try write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT hash, source, format, attempts, options FROM ingests WHERE substr(hash, 1, ?) = ?",
                                        arguments: [id.count, id])
            guard rows.count == 1, let row = rows.first else {
                throw InputError(rows.isEmpty ? "no ingest \(id) (see gpuci history ingests)" : "\(rows.count) ingests start with \(id); give more characters",
                                 file: path)
            }
            let hash: String = row["hash"], source: String = row["source"]
            try db.execute(sql: "DELETE FROM attempts WHERE ingestHash = ?", arguments: [hash])
            try db.execute(sql: "DELETE FROM ingests WHERE hash = ?", arguments: [hash])
            try db.execute(sql: "DELETE FROM jobs WHERE source = ? AND id NOT IN (SELECT jobID FROM attempts WHERE jobID IS NOT NULL)",
                           arguments: [source])
            try db.execute(sql: "DELETE FROM runs WHERE source = ? AND id NOT IN (SELECT runID FROM jobs WHERE runID IS NOT NULL)",
                           arguments: [source])
            return Ingest(id: Self.shortID(hash), source: source, format: row["format"], attempts: row["attempts"], options: row["options"])
        }
    }

    static func shortID(_ hash: String) -> String { String(hash.prefix(hash.hasPrefix("gpuci-run:") ? 22 : 12)) }

    /// Marks `token` as a `gpuci run` that records its attempts here, so that ingesting the JUnit
    /// report it writes (which carries the token) adds nothing a second time.
    public func registerRecordingRun(token: String, description: String) throws(InputError) {
        try write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO ingests (hash, source, format, attempts) VALUES (?, ?, 'gpuci-run', 0)",
                           arguments: [Self.recordingHash(token), description])
        }
    }

    static func recordingHash(_ token: String) -> String { "gpuci-run:" + token }

    /// Inserts `run`, or checks it against the stored one: fields both know must agree; fields
    /// only the new record knows are filled in (a log names just the id, the run file the rest).
    private static func merge(_ run: CIRun, source: String, db: Database) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT startedAt, event, headSHA, title, source FROM runs WHERE id = ?",
                                         arguments: [run.id]) else {
            try db.execute(sql: "INSERT INTO runs (id, startedAt, event, headSHA, title, source) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [run.id, run.startedAt, run.event, run.headSHA, run.title, source])
            return
        }
        let stored = CIRun(id: run.id, startedAt: row["startedAt"], event: row["event"], headSHA: row["headSHA"], title: row["title"])
        let storedSource: String = row["source"]
        let pairs: [(String, String?, String?)] = [("started_at", stored.startedAt, run.startedAt), ("event", stored.event, run.event),
                                                   ("head_sha", stored.headSHA, run.headSHA), ("display_title", stored.title, run.title)]
        for (key, old, new) in pairs {
            if let old, let new, old != new {
                throw InputError("run \(run.id) has \(key) \(new) here but \(old) in \(storedSource), ingested before",
                                 file: source, key: key)
            }
        }
        try db.execute(sql: """
            UPDATE runs SET startedAt = COALESCE(startedAt, ?), event = COALESCE(event, ?),
                headSHA = COALESCE(headSHA, ?), title = COALESCE(title, ?) WHERE id = ?
            """, arguments: [run.startedAt, run.event, run.headSHA, run.title, run.id])
    }

    /// Inserts the job and returns `true`, or returns `false` for a job stored before with the
    /// same content; throws for a known id with other content.
    private static func insertJob(_ record: JobRecord, source: String, db: Database) throws -> Bool {
        let job = record.job
        let identity = IngestFile.contentHash(of: Data(record.identity.utf8))
        if let row = try Row.fetchOne(db, sql: "SELECT identity, source FROM jobs WHERE id = ?", arguments: [job.id]) {
            let storedSource: String = row["source"]
            guard row["identity"] == identity else {
                throw InputError("job \(job.id) (\(job.name ?? job.suite)) differs from the job with that id ingested from \(storedSource)",
                                 file: source, key: "job \(job.id)")
            }
            return false
        }
        try db.execute(sql: """
            INSERT INTO jobs (id, runID, name, suite, backend, partition, runnerLabel, startedAt, completedAt, identity, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [job.id, job.runID, job.name, job.suite, job.backend, job.partition, job.runnerLabel,
                             job.startedAt, job.completedAt, identity, source])
        return true
    }

    /// Every stored run, oldest first (runs without a start time last, by id).
    public func runs() throws(InputError) -> [CIRun] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, startedAt, event, headSHA, title FROM runs ORDER BY startedAt IS NULL, startedAt, id")
                .map { CIRun(id: $0["id"], startedAt: $0["startedAt"], event: $0["event"], headSHA: $0["headSHA"], title: $0["title"]) }
        }
    }

    /// Per job: the number of attempts stored for it and their Σ seconds.
    public func jobTotals() throws(InputError) -> [String: (attempts: Int, seconds: Double)] {
        try read { db in
            var totals: [String: (attempts: Int, seconds: Double)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT jobID, COUNT(*) AS n, TOTAL(seconds) AS s FROM attempts WHERE jobID IS NOT NULL GROUP BY jobID") {
                totals[row["jobID"]] = (row["n"], row["s"])
            }
            return totals
        }
    }

    /// Every stored job, by run, then start time, then id.
    public func jobs() throws(InputError) -> [CIJob] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, runID, name, suite, backend, partition, runnerLabel, startedAt, completedAt FROM jobs
                ORDER BY runID IS NULL, runID, startedAt, id
                """).map { row in
                CIJob(id: row["id"], runID: row["runID"], name: row["name"], suite: row["suite"], backend: row["backend"],
                      partition: row["partition"], runnerLabel: row["runnerLabel"], startedAt: row["startedAt"],
                      completedAt: row["completedAt"])
            }
        }
    }

    /// Records one attempt of `gpuci run` in its own transaction.
    public func record(_ attempt: Attempt) throws(InputError) {
        try write { db in try db.execute(sql: Self.insertSQL, arguments: Self.arguments(attempt, ingestHash: nil)) }
    }

    private static let insertSQL = """
        INSERT INTO attempts (file, backend, suite, partition, partitions, startedAt, seconds, outcome, attempt, runID, jobID, ingestHash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    private static func arguments(_ attempt: Attempt, ingestHash: String?) -> StatementArguments {
        [attempt.file, attempt.backend, attempt.suite, attempt.partition, attempt.partitions, attempt.startedAt,
         attempt.seconds, attempt.outcome.rawValue, attempt.attempt, attempt.runID, attempt.jobID, ingestHash]
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
    /// CI jobs added.
    public var jobsAdded: Int = 0
    /// CI jobs the file holds that were stored before with the same content (nothing added).
    public var jobsKnown: Int = 0
}
