import Foundation
import GPUCISupport
import GRDB
import Testing
@testable import GPUCIHistory

/// `--db` must be gpuci's: foreign and newer databases are refused untouched (reliability repro 20).
@Suite struct DatabaseOwnershipTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-db-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    @Test func aForeignDatabaseIsRefusedUntouched() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("invoices.db").path
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE invoices(id INTEGER PRIMARY KEY, amount REAL); INSERT INTO invoices(amount) VALUES (9.5)") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let text = Self.message { _ = try HistoryDatabase(path: path) }
        #expect(text.contains("invoices.db") && text.contains("not a gpuci history database (it holds invoices)"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))

        let other = folder.appendingPathComponent("other.db").path
        let app = try DatabaseQueue(path: other)
        try app.writeWithoutTransaction { try $0.execute(sql: "PRAGMA application_id = 42") }
        try app.close()
        #expect(Self.message { _ = try HistoryDatabase(path: other) }.contains("application_id 0x0000002a"))

        let text2 = folder.appendingPathComponent("notes.txt").path
        try "hello, not SQLite\n".write(toFile: text2, atomically: true, encoding: .utf8)
        #expect(Self.message { _ = try HistoryDatabase(path: text2) }.contains("not a gpuci history database"))
    }

    @Test func aNewerSchemaIsRefused() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("h.sqlite").path
        _ = try HistoryDatabase(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v3: a newer gpuci')")
        }
        try queue.close()
        let text = Self.message { _ = try HistoryDatabase(path: path) }
        #expect(text.contains("written by a newer gpuci") && text.contains("'v3: a newer gpuci'"))

        let bumped = folder.appendingPathComponent("v9.sqlite").path
        _ = try HistoryDatabase(path: bumped)
        let second = try DatabaseQueue(path: bumped)
        try second.writeWithoutTransaction { try $0.execute(sql: "PRAGMA user_version = 9") }
        try second.close()
        #expect(Self.message { _ = try HistoryDatabase(path: bumped) }.contains("schema version 9"))
    }

    @Test func ownDatabasesOpenAndOldOnesAreAdopted() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("h.sqlite").path
        #expect(Self.message { _ = try HistoryDatabase(path: path, create: false) }.contains("no history database here"))
        #expect(!FileManager.default.fileExists(atPath: path))
        let database = try HistoryDatabase(path: path)
        try database.record(Attempt(file: "a.py", backend: "cuda", seconds: 3, outcome: .passed))
        // A database written before gpuci set its application id: only gpuci's tables and migrations.
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA application_id = 0; PRAGMA user_version = 0") }
        let (application, version) = try queue.read { db in
            (try Int32.fetchOne(db, sql: "PRAGMA application_id"), try Int.fetchOne(db, sql: "PRAGMA user_version"))
        }
        #expect(application == 0 && version == 0)
        try queue.close()
        let reopened = try HistoryDatabase(path: path, create: false)
        #expect(try reopened.attemptCount() == 1)
        let check = try DatabaseQueue(path: path)
        #expect(try check.read { try Int32.fetchOne($0, sql: "PRAGMA application_id") } == HistoryDatabase.applicationID)
        #expect(try check.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == 3)
        try check.close()
    }
}

/// Ingesting the report `gpuci run` wrote into the database it recorded to adds nothing twice (repro 19b).
@Suite struct RecordedRunReportTests {
    static let report = """
        <testsuites><testsuite name="s"><properties><property name="gpuci.recorded" value="tok-1"/></properties>
        <testcase classname="test.registered.test_a" name="test/registered/test_a.py" file="test/registered/test_a.py" time="2.5"/>
        </testsuite></testsuites>
        """

    @Test func theRunsOwnReportIsNotCountedTwice() throws {
        let folder = try DatabaseOwnershipTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try IngestFile.parse(data: Data(Self.report.utf8), source: "junit.xml", backend: "cpu")
        #expect(file.recordedBy == "tok-1" && file.attempts.count == 1)
        let same = try HistoryDatabase(path: folder.appendingPathComponent("run.sqlite").path)
        try same.registerRecordingRun(token: "tok-1", description: "gpuci run cpu/s")
        let result = try #require(try same.ingest([file]).first)
        #expect(result.added == 0 && result.duplicateOf == "gpuci run cpu/s")
        #expect(try same.attemptCount() == 0)
        // Another database (a central history) takes the attempts.
        let central = try HistoryDatabase(path: folder.appendingPathComponent("central.sqlite").path)
        #expect(try central.ingest([file]).first?.added == 1)
    }
}
