import Foundation
import GPUCISupport
import Testing
@testable import GPUCIHistory

@Suite struct DatabaseTests {
    @Test func createsFolderMigratesAndKeepsAttempts() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("nested/.gpuci/history.sqlite").path
        let database = try HistoryDatabase(path: path)
        let attempt = Attempt(file: "a.py", backend: "cuda", suite: "s", partition: 1, partitions: 4,
                              startedAt: "2026-01-07T12:00:00Z", seconds: 12.5, outcome: .retried, attempt: 1, runID: "abc")
        try database.record(attempt)
        // Reopening runs the migrator again on an up-to-date file.
        let reopened = try HistoryDatabase(path: path)
        #expect(try reopened.attempts() == [attempt])
        #expect(try reopened.attempts(backend: "amd").isEmpty)
        #expect(try reopened.integrityCheck() == ["ok"])
    }

    @Test func reingestingTheSameContentAddsNothing() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try HistoryDatabase(path: folder.appendingPathComponent("h.sqlite").path)
        let csv = Data("file,backend,seconds,outcome,timestamp\na.py,cuda,1,passed,\nb.py,cuda,2,failed,\n".utf8)
        let first = try IngestFile.parse(data: csv, source: "one.csv", backend: nil)
        let copy = try IngestFile.parse(data: csv, source: "copy.csv", backend: nil)
        let results = try database.ingest([first, copy])
        #expect(results.map(\.added) == [2, 0])
        #expect(results[1].duplicateOf == "one.csv")
        #expect(try database.ingest([first]).map(\.added) == [0])
        #expect(try database.attemptCount() == 2)
        #expect(try database.ingestCount() == 1)
    }

    @Test func notADatabaseIsALocatedError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try write(String(repeating: "not sqlite ", count: 200), to: "h.sqlite", in: folder)
        #expect { try HistoryDatabase(path: path) } throws: { error in
            (error as? InputError)?.location?.file == path
        }
    }

    @Test func threadsWritingAtOnceLoseNothing() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("h.sqlite").path
        _ = try HistoryDatabase(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    let database = try HistoryDatabase(path: path)
                    for index in 0..<25 {
                        try database.record(Attempt(file: "w\(writer)/\(index).py", backend: "cuda", seconds: 1, outcome: .passed))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try HistoryDatabase(path: path).attemptCount() == 100)
    }
}
