import Foundation
import GPUCISupport
import Testing
@testable import GPUCIHistory

@Suite struct ParserTests {
    static let junit = """
    <?xml version="1.0" encoding="utf-8"?>
    <testsuites>
      <testsuite name="pytest" errors="0" failures="1" skipped="1" tests="5" time="12.5" timestamp="2026-01-07T12:00:00.123456" hostname="h">
        <testcase classname="test.registered.test_a.TestA" name="test_one" time="1.5"/>
        <testcase classname="test.registered.test_a.TestA" name="test_two" time="2.5"/>
        <testcase classname="test.registered.test_b" name="test_fn" time="3.0"><failure message="boom">AssertionError</failure></testcase>
        <testcase classname="x.TestC" file="test/registered/test_c.py" name="t" time="4"/>
        <testcase classname="test.registered.test_d.TestD" name="t" time="0.01"><skipped message="no gpu"/></testcase>
      </testsuite>
    </testsuites>
    """

    @Test func sha256MatchesKnownVectors() {
        #expect(IngestFile.contentHash(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(IngestFile.contentHash(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(IngestFile.contentHash(of: Data(String(repeating: "a", count: 1000).utf8)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func junitAggregatesPerFile() throws {
        let attempts = try JUnitReader.read(data: Data(Self.junit.utf8), source: "r.xml", backend: "cuda")
        #expect(attempts.map(\.file) == ["test/registered/test_a.py", "test/registered/test_b.py", "test/registered/test_c.py"])
        #expect(attempts.map(\.seconds) == [4.0, 3.0, 4.0])
        #expect(attempts.map(\.outcome) == [.passed, .failed, .passed])
        #expect(attempts.allSatisfy { $0.backend == "cuda" && $0.startedAt == "2026-01-07T12:00:00.123Z" })
    }

    @Test func classNameMapsToModulePath() {
        #expect(JUnitReader.file(fromClassName: "a.b.test_x.TestY") == "a/b/test_x.py")
        #expect(JUnitReader.file(fromClassName: "a.b.test_x.TestY.TestZ") == "a/b/test_x.py")
        #expect(JUnitReader.file(fromClassName: "test_x") == "test_x.py")
        #expect(JUnitReader.file(fromClassName: "TestOnly") == nil)
        #expect(JUnitReader.file(fromClassName: "a..b") == nil)
    }

    @Test func malformedJUnitNamesFileAndLine() {
        let broken = "<testsuites>\n<testsuite>\n<testcase classname=\"a.b\" time=\"1\">\n</testsuite>\n"
        #expect {
            try JUnitReader.read(data: Data(broken.utf8), source: "bad.xml", backend: "cuda")
        } throws: { error in
            let error = error as? InputError
            return error?.location?.file == "bad.xml" && (error?.location?.line ?? 0) >= 3
        }
        let badTime = "<testsuite>\n<testcase classname=\"a.b\" time=\"soon\"/>\n</testsuite>"
        #expect(throws: InputError("expected a number of seconds from 0 to 2592000 (30 days), found \"soon\"", file: "t.xml", line: 2, key: "testcase.time")) {
            try JUnitReader.read(data: Data(badTime.utf8), source: "t.xml", backend: "cuda")
        }
        #expect(throws: InputError.self) {
            try JUnitReader.read(data: Data("<html/>".utf8), source: "h.xml", backend: "cuda")
        }
    }

    @Test func csvReadsRowsAndNormalizesTimestamps() throws {
        let text = """
        file,backend,seconds,outcome,timestamp
        test/registered/a.py,cuda,12.5,passed,2026-01-07T12:00:00Z
        "test/registered/b,c.py",,3,failed,1767787200
        test/registered/a.py,amd,7,timeout,

        """
        let attempts = try TimingCSVReader.read(text: text, source: "t.csv", backend: "h100")
        #expect(attempts.map(\.file) == ["test/registered/a.py", "test/registered/b,c.py", "test/registered/a.py"])
        #expect(attempts.map(\.backend) == ["cuda", "h100", "amd"])
        #expect(attempts.map(\.outcome) == [.passed, .failed, .timeout])
        #expect(attempts.map(\.startedAt) == ["2026-01-07T12:00:00Z", "2026-01-07T12:00:00Z", nil])
    }

    @Test func csvErrorsNameFileLineAndKey() {
        let cases: [(String, Int, String?)] = [
            ("", 1, nil),
            ("file,backend,seconds\n", 1, "outcome"),
            ("file,backend,seconds,outcome,timestamp,color\n", 1, "color"),
            ("file,backend,seconds,outcome,timestamp\na.py,cuda,-1,passed,\n", 2, "seconds"),
            ("file,backend,seconds,outcome,timestamp\na.py,cuda,1,passed,\nb.py,cuda,1,maybe,\n", 3, "outcome"),
            ("file,backend,seconds,outcome,timestamp\na.py,cuda,1,passed\n", 2, nil),
            ("file,backend,seconds,outcome,timestamp\na.py,cuda,1,passed,yesterday\n", 2, "timestamp"),
            ("file,backend,seconds,outcome,timestamp\n\"a.py,cuda,1,passed,\n", 2, nil),
        ]
        for (text, line, key) in cases {
            #expect {
                try TimingCSVReader.read(text: text, source: "t.csv")
            } throws: { error in
                let error = error as? InputError
                return error?.location?.file == "t.csv" && error?.location?.line == line && error?.location?.key == key
            }
        }
    }

    /// Truncations and byte flips of valid inputs: every result is either attempts or an
    /// `InputError` naming the file, never a crash.
    @Test func fuzzedInputsGiveAttemptsOrLocatedErrors() throws {
        let csv = "file,backend,seconds,outcome,timestamp,attempt\ntest/a.py,cuda,1.5,passed,2026-01-07T12:00:00Z,1\n\"q\"\"x.py\",amd,2,retried,17,2\n"
        let seeds: [Data] = [Data(Self.junit.utf8), Data(csv.utf8)]
        var random = SeededGenerator(seed: 2026)
        let alphabet = Array("<>/=\"',.\n &;abcdeTtimfl0123456789-:".utf8)
        for round in 0..<600 {
            var bytes = Array(seeds[round % 2])
            switch round % 3 {
            case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random)))
            case 1:
                for _ in 0..<Int.random(in: 1...6, using: &random) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = alphabet.randomElement(using: &random)!
                }
            default:
                for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
                    bytes.remove(at: Int.random(in: 0..<bytes.count, using: &random))
                }
            }
            do {
                let file = try IngestFile.parse(data: Data(bytes), source: "fuzz-\(round)", backend: "cuda")
                #expect(file.attempts.allSatisfy { $0.seconds >= 0 && $0.seconds.isFinite && !$0.file.isEmpty })
            } catch {
                #expect(error.location?.file == "fuzz-\(round)")
                #expect(!error.message.isEmpty)
            }
        }
    }
}
