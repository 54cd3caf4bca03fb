import Foundation
import Testing

/// `gpuci history drift` and `suggest` on known numbers: exact, byte-stable output.
@Suite struct HistoryReportTests {
    static let runs = """
    file,backend,seconds,outcome,timestamp
    a.py,cuda,400,passed,1767787200
    a.py,cuda,410,passed,
    a.py,cuda,390,passed,
    b.py,cuda,10,passed,
    b.py,cuda,12,passed,
    b.py,cuda,11,passed,
    c.py,cuda,60,passed,
    c.py,cuda,61,passed,
    c.py,cuda,59,passed,
    c.py,cuda,30,failed,
    x.py,cuda,5,passed,

    """
    static let registry = "file,backend,suite,est_time,extra\r\na.py,cuda,s,100,\r\nb.py,cuda,s,600,\r\nc.py,cuda,s,60,\r\nd.py,cuda,s,45,\r\n"

    @Test func driftAndSuggestOnKnownNumbers() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-drift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Self.runs.utf8).write(to: folder.appendingPathComponent("runs.csv"))
        try Data(Self.registry.utf8).write(to: folder.appendingPathComponent("reg.csv"))
        #expect(try HistoryRunBinary.run(["history", "ingest", "runs.csv", "--db", "h.sqlite"], in: folder).status == 0)

        let drift = try HistoryRunBinary.run(["history", "drift", "--registry", "reg.csv", "--db", "h.sqlite"], in: folder)
        #expect(drift.stdout == """
        file  backend  runs  median    p90   mad    est  ratio  flag
        a.py  cuda        3   400.0  408.0  10.0  100.0   4.00  SLOWER
        c.py  cuda        3    60.0   60.8   1.0   60.0   1.00
        b.py  cuda        3    11.0   11.8   1.0  600.0   0.02  FASTER
        3 registered files with history, 2 drifted

        With history but not registered:
        file  backend  runs  median
        x.py  cuda        1     5.0

        Registered but never run:
        file  backend  suite   est
        d.py  cuda     s      45.0

        """)
        let suggest = try HistoryRunBinary.run(["history", "suggest", "--registry", "reg.csv", "--db", "h.sqlite"], in: folder)
        #expect(suggest.stdout == """
           file  backend  runs    est    p90  proposed
        *  a.py  cuda        3  100.0  408.0       410
        *  b.py  cuda        3  600.0   11.8        15
           c.py  cuda        3   60.0   60.8        65
        3 proposals; * = drifted (what `gpuci history apply` edits)

        """)
        let suggestJSON = try HistoryRunBinary.run(["history", "suggest", "--registry", "reg.csv", "--db", "h.sqlite", "--format", "json"], in: folder)
        let proposals = try #require((try JSONSerialization.jsonObject(with: Data(suggestJSON.stdout.utf8)) as? [String: Any])?["proposals"] as? [[String: Any]])
        #expect(proposals.map { "\($0["file"] ?? "") \($0["proposed"] ?? "") \($0["drifted"] ?? "")" } == ["a.py 410 1", "b.py 15 1", "c.py 65 0"])
        let json = try HistoryRunBinary.run(["history", "drift", "--registry", "reg.csv", "--db", "h.sqlite", "--format", "json"], in: folder)
        let again = try HistoryRunBinary.run(["history", "drift", "--registry", "reg.csv", "--db", "h.sqlite", "--format", "json"], in: folder)
        #expect(json.stdout == again.stdout)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let first = try #require((document["files"] as? [[String: Any]])?.first)
        #expect(Set(first.keys).isSuperset(of: ["file", "backend", "runs", "medianSeconds", "p90Seconds", "madSeconds", "estTime", "ratio", "flagged"]))
        #expect(first["file"] as? String == "a.py" && first["flagged"] as? Bool == true && first["totalSeconds"] as? Double == 1200)
        // Too few runs: nothing flagged.
        let strict = try HistoryRunBinary.run(["history", "drift", "--registry", "reg.csv", "--db", "h.sqlite", "--min-runs", "4"], in: folder)
        #expect(strict.stdout.contains("3 registered files with history, 0 drifted"))
    }
}
