import Foundation
import Testing
import GPUCISupport
@testable import GPUCIPlanner

/// The suites YAML and the bundled sglang layout.
struct SuitesConfigTests {
    private func bundled() throws -> SuitesConfig {
        let path = SharedData.packageRoot.appendingPathComponent(SuitesConfig.bundledPath).path
        return try SuitesConfig.read(path: path)
    }

    @Test func theBundledFileReadsSglangsWorkflowsOfTheRegistrysCommit() throws {
        let config = try bundled()
        let small = try #require(config.config(for: SuiteKey(backend: "cuda", suite: "base-b-test-1-gpu-small")))
        #expect(small.computedPartitions && small.runner == "1-gpu-5090" && small.timeoutMinutes == 30)
        let amd = try #require(config.config(for: SuiteKey(backend: "amd", suite: "stage-b-test-1-gpu-small-amd")))
        #expect(amd.partitions == 14 && amd.runner == "linux-mi300-1gpu-sglang" && amd.perFileTimeoutSeconds == 2400)
        #expect(config.suites.allSatisfy { $0.source?.contains("assumed") != true })
    }

    @Test func everyLargePerCommitSuiteOfTheBundledRegistryHasARunner() throws {
        let config = try bundled()
        let registrations = try RegistryCSV.parse(SharedData.registryCSV(), file: "sglang-registry.csv")
        for key in SuiteKey.all(in: registrations) where !key.nightly {
            let enabled = SuitePlanner.select(registrations, key: key).enabled
            guard enabled.count >= 25, key.suite != "base-c-test-cpu" else { continue }
            let suite = config.config(for: key)
            #expect(suite?.runner.isEmpty == false, "\(key) has \(enabled.count) files but no runner")
        }
    }

    @Test(arguments: [
        ("suites: [{backend: cuda, suite: s, partitions: 0}]", 1, "suites[0].partitions"),
        ("suites:\n  - {backend: tpu, suite: s}", 2, "suites[0].backend"),
        ("suites:\n  - {backend: cuda, suite: s}\n  - {backend: cuda, suite: s}", 3, "suites[1]"),
        ("suites:\n  - {backend: cuda, suite: s, colour: red}", 2, "suites[0].colour"),
        ("defaults: {partitions: two}\nsuites: []", 1, "defaults.partitions"),
        ("suites: {backend: cuda}", 1, "suites"),
        ("suites:\n  - {backend: cuda, suite: s, nightly: maybe}", 2, "suites[0].nightly"),
        ("suites:\n  - [unclosed", 3, nil),
    ])
    func errorsNameTheLineAndKey(yaml: String, line: Int, key: String?) {
        #expect {
            _ = try SuitesConfig.parse(yaml, file: "s.yaml")
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.location?.file == "s.yaml" && error.location?.line == line && error.location?.key == key
        }
    }

    @Test func defaultsApply() throws {
        let config = try SuitesConfig.parse("defaults: {partitions: 3, runner: r, timeoutMinutes: 45}\nsuites:\n  - {backend: amd, suite: s, nightly: true}\n", file: "s.yaml")
        #expect(config.suites == [SuiteConfig(key: SuiteKey(backend: "amd", suite: "s", nightly: true), partitions: 3, runner: "r", timeoutMinutes: 45)])
    }

    @Test func seededMutationsNeverCrash() throws {
        let text = Array(try String(contentsOf: SharedData.packageRoot.appendingPathComponent(SuitesConfig.bundledPath), encoding: .utf8).utf8)
        var random = SeededRandom(seed: 21)
        let interesting = Array("{}[]:,-#'\" \n\tab01".utf8)
        for _ in 0..<200 {
            var sample = Array(text.prefix(Int(random.next() % UInt64(text.count))))
            for _ in 0..<(random.next() % 4) where !sample.isEmpty {
                sample[Int(random.next() % UInt64(sample.count))] = interesting[Int(random.next() % UInt64(interesting.count))]
            }
            do {
                _ = try SuitesConfig.parse(String(decoding: sample, as: UTF8.self), file: "fuzz.yaml")
            } catch {
                #expect(error.location?.file == "fuzz.yaml")
            }
        }
    }
}

@Suite struct SuitesConfigBoundTests {
    @Test func aSuiteOfMoreThanTheMaximumPartitionsIsLocated() {
        #expect {
            _ = try SuitesConfig.parse("suites:\n  - {backend: cuda, suite: s, partitions: 5000}\n", file: "s.yaml")
        } throws: { error in "\(error)".contains("s.yaml:2") && "\(error)".contains("from 1 to 1024") }
    }
}
