import Foundation
import GPUCIPlanner
import GPUCISupport
import GRDB
import Testing
@testable import GPUCIHistory

/// Durations are bounded where they are read, and a database holding an unbounded one (written
/// by an older gpuci) is reported rather than trapped on.
@Suite struct DurationBoundTests {
    @Test(arguments: ["1e300", "inf", "2592001", "-1", "nan"])
    func readersRejectDurationsOutsideThirtyDays(value: String) {
        let csv = "file,backend,seconds,outcome,timestamp\na.py,cuda,\(value),passed,\n"
        #expect(throws: InputError.self) { _ = try IngestFile.parse(data: Data(csv.utf8), source: "d.csv", backend: nil) }
        let junit = "<testsuite>\n<testcase file=\"a.py\" time=\"\(value)\"/>\n</testsuite>\n"
        #expect(throws: InputError.self) { _ = try IngestFile.parse(data: Data(junit.utf8), source: "j.xml", backend: "cuda") }
        let registry = "file,backend,suite,est_time,extra\r\na.py,cuda,s,\(value),\r\n"
        #expect(throws: InputError.self) { _ = try RegistryCSV.parse(registry, file: "r.csv") }
    }

    @Test func junitCasesThatAddUpPastTheLimitAreAnError() {
        let junit = "<testsuite>\n<testcase file=\"a.py\" time=\"2000000\"/>\n<testcase file=\"a.py\" time=\"2000000\"/>\n</testsuite>\n"
        #expect {
            _ = try IngestFile.parse(data: Data(junit.utf8), source: "j.xml", backend: "cuda")
        } throws: { ($0 as? InputError)?.message.contains("add up to more than 30 days") == true }
    }

    @Test func aPoisonedRowIsReportedWithItsId() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("h.sqlite").path
        let database = try HistoryDatabase(path: path)
        try database.record(Attempt(file: "a.py", backend: "cuda", seconds: 5, outcome: .passed))
        try DatabaseQueue(path: path).write { try $0.execute(sql: "UPDATE attempts SET seconds = 1e300") }
        #expect {
            _ = try database.attempts()
        } throws: { error in
            let error = error as? InputError
            return error?.location?.file == path && error?.message.contains("attempts row 1 (a.py)") == true
        }
    }

    @Test func millisecondsSaturateInsteadOfTrapping() {
        #expect(Millis.from(seconds: 1e300) == Int64(DurationLimit.maximumSeconds * 1000))
        #expect(Millis.from(seconds: .infinity) == 0 && Millis.from(seconds: -5) == 0)
    }
}
