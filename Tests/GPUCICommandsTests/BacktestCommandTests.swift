import Foundation
import GPUCIHistory
import Testing

/// `history ingest` of real run files, `history runs`, `backtest`, and planning from that history, end to end.
@Suite struct BacktestCommandTests {
    static let fixtures = GPUCIExecutable.packageRoot.appendingPathComponent("Tests/GPUCIHistoryTests/Fixtures/ci-stats")

    static func ingestedFolder() throws -> URL {
        let folder = try GPUCIExecutable.scratchFolder("backtest")
        let files = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.hasSuffix(".json") }.sorted()
            .map { fixtures.appendingPathComponent($0).path }
        let ingest = try GPUCIExecutable.run(["history", "ingest", "--db", "h.sqlite"] + files, in: folder)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stdout.contains("518 attempts added in 63 jobs"))
        let again = try GPUCIExecutable.run(["history", "ingest", "--db", "h.sqlite"] + files, in: folder)
        #expect(again.status == 0 && again.stdout.components(separatedBy: "already ingested").count == 5)
        return folder
    }

    @Test func ingestListBacktestAndPlanFromRealRuns() throws {
        let folder = try Self.ingestedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let runs = try GPUCIExecutable.run(["history", "runs", "--db", "h.sqlite"], in: folder)
        #expect(runs.stdout.contains("27108004491  2026-06-07T23:25:51Z  schedule  02be2e7189"))
        #expect(runs.stdout.contains("4 runs, 248 jobs"))

        let arguments = ["backtest", "--db", "h.sqlite", "--warmup", "2", "--suite", "base-b-test-1-gpu-small"]
        let table = try GPUCIExecutable.run(arguments, in: folder)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("backtest: 2 runs scored after a warm-up of 2, 2 (run, suite) cases"))
        for method in ["gpuci", "sglang-actual", "est_time+LPT", "p90+LPT"] { #expect(table.stdout.contains("total  \(method)")) }
        let json = try GPUCIExecutable.run(arguments + ["--format", "json"], in: folder)
        let records = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(records.count == 8)
        for key in ["run", "suite", "backend", "method", "partitions", "partitionFiles", "realizedMaxSeconds", "predictedP90Seconds", "lowerBoundSeconds"] {
            #expect(records.allSatisfy { $0[key] != nil }, "missing \(key)")
        }
        #expect(try GPUCIExecutable.run(arguments + ["--format", "json"], in: folder).stdout == json.stdout)

        let plan = try GPUCIExecutable.run(["plan", "--db", "h.sqlite", "--estimates", "history", "--backend", "cuda",
                                            "--suite", "base-b-test-1-gpu-small", "--partitions", "8"], in: folder)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("wall p50") && plan.stdout.contains("per job (history)"))
        #expect(plan.stderr.contains("keep est_time (--estimates history)"))
    }

    @Test func recommendWithRiskNeverPicksACountWhoseWorstP90ExceedsTheTimeout() throws {
        let folder = try Self.ingestedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (suite, timeout) in [("base-c-test-8-gpu-h200", "30m"), ("base-c-test-4-gpu-h100", "45m"), ("base-a-test-cpu", "20m")] {
            let result = try GPUCIExecutable.run(["plan", "recommend", "--db", "h.sqlite", "--estimates", "history", "--suite", suite,
                                                  "--timeout", timeout, "--max-risk", "10%"], in: folder)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("sglang's 0.75 rule"))
            let timeoutSeconds = Double(timeout.dropLast())! * 60
            for line in result.stdout.split(separator: "\n") where line.hasSuffix(" yes") {
                // partitions, makespan "s", worst p50 "s", worst p90 "s", …
                let fields = line.split(separator: " ")
                let worstP90 = try #require(Double(fields[5]), "\(line)")
                #expect(worstP90 <= timeoutSeconds, "\(line)")
            }
            if let recommended = result.stdout.split(separator: "\n").first(where: { $0.contains("recommended:") }) {
                let count = recommended.split(separator: " ")[1]
                #expect(result.stdout.split(separator: "\n").contains { $0.hasPrefix("  " + String(repeating: " ", count: max(0, 10 - count.count)) + count) && $0.hasSuffix(" yes") })
            }
        }
        let registry = try GPUCIExecutable.run(["plan", "recommend", "--timeout", "30m", "--max-risk", "1%"], in: folder)
        #expect(registry.status != 0 && registry.stderr.contains("--max-risk needs --estimates from history"))
        let bad = try GPUCIExecutable.run(["plan", "recommend", "--timeout", "30m", "--estimates", "p99", "--db", "h.sqlite"], in: folder)
        #expect(bad.status != 0)
    }

    @Test func badOptionsAreRejectedWithTheirName() throws {
        let folder = try GPUCIExecutable.scratchFolder("backtest-options")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [([String], String)] = [
            (["backtest", "--db", "h.sqlite", "--methods", "gpuci,nope"], "unknown estimator \"nope\""),
            (["backtest", "--db", "h.sqlite", "--methods", "median@fastest"], "algorithm must be sglang or optimal"),
            (["backtest", "--db", "h.sqlite", "--since", "last week"], "--since last week: expected an ISO-8601 time"),
            (["backtest", "--db", "h.sqlite", "--warmup", "-1"], "--warmup"),
            (["plan", "recommend", "--db", "h.sqlite", "--estimates", "history", "--timeout", "30m", "--max-risk", "200%"], "--max-risk"),
            (["plan", "recommend", "--db", "h.sqlite", "--estimates", "history", "--timeout", "30m", "--max-risk", "often"], "--max-risk"),
        ]
        for (arguments, message) in cases {
            let result = try GPUCIExecutable.run(arguments, in: folder)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}

/// `fleet fit`, `fleet replay` and `fleet simulate` on the real fixture runs.
@Suite struct FleetCommandTests {
    @Test func fitReplayAndSimulateRealRuns() throws {
        let folder = try BacktestCommandTests.ingestedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fit = try GPUCIExecutable.run(["fleet", "fit", "--db", "h.sqlite", "--name", "mine", "--output", "fleet.yaml"], in: folder)
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("fleet fit: 4 runs, 225 first-attempt jobs"))
        let written = try String(contentsOf: folder.appendingPathComponent("fleet.yaml"), encoding: .utf8)
        #expect(written.contains("fleet: mine") && written.contains("\"8-gpu-h200\": {count: "))

        let replay = try GPUCIExecutable.run(["fleet", "replay", "--db", "h.sqlite", "--format", "json"], in: folder)
        #expect(replay.status == 0, "\(replay.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(replay.stdout.utf8)) as? [String: Any])
        let runs = try #require(object["runs"] as? [[String: Any]])
        #expect(runs.compactMap { $0["run"] as? String } == ["27137824660", "27173541425", "27204764446"])
        #expect(object["medianAbsErrorPercent"] is Double)
        for key in ["predictedTimeToGreenSeconds", "actualTimeToGreenSeconds", "jobs"] { #expect(runs.allSatisfy { $0[key] != nil }) }
        let job = try #require((runs.first?["jobs"] as? [[String: Any]])?.first)
        #expect(job["job"] is String && job["predictedStartSeconds"] is Double && job["actualStartSeconds"] is Double)

        let simulate = try GPUCIExecutable.run(["fleet", "simulate", "--db", "h.sqlite", "--fleet", "fleet.yaml", "--run", "27137824660",
                                                "--gantt", "g.svg", "--trace", "t.json"], in: folder)
        #expect(simulate.status == 0, "\(simulate.stderr)")
        #expect(simulate.stdout.contains("time-to-green") && simulate.stdout.contains("recorded: first attempt 1h12m28s"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("g.svg").path))

        let typo = try GPUCIExecutable.run(["fleet", "simulate", "--db", "h.sqlite", "--runners", "4-gpu-h10=8"], in: folder)
        #expect(typo.status != 0 && typo.stderr.contains("has no label '4-gpu-h10'"))
        let bad = try GPUCIExecutable.run(["fleet", "simulate", "--db", "h.sqlite", "--fleet", "missing.yaml"], in: folder)
        #expect(bad.status != 0 && bad.stderr.contains("missing.yaml"))

        let plan = try GPUCIExecutable.run(["fleet", "plan", "--db", "h.sqlite", "--fleet", "fleet.yaml", "--draws", "20",
                                            "--max-partitions", "3", "--suite-timeout", "extra-a-test-1-gpu-large=60m"], in: folder)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("fleet plan: run 27204764446's") && plan.stdout.contains("p50 time-to-green"))
        let rows = plan.stdout.split(separator: "\n").filter { $0.hasPrefix("p50 time-to-green") }.first?.split(separator: " ") ?? []
        #expect(rows.count == 4, "\(plan.stdout)")
        let noUnknown = try GPUCIExecutable.run(["fleet", "plan", "--db", "h.sqlite", "--suite-timeout", "nope=60m", "--draws", "5"], in: folder)
        #expect(noUnknown.status != 0 && noUnknown.stderr.contains("has no suite 'nope'"))
    }
}
