import Foundation
import Testing
import GPUCISupport
@testable import GPUCIPlanner

/// `gpuci suites import`: small workflow trees written here, and sglang's own workflows of the
/// bundled registry's commit when `../shared` is beside the checkout.
struct WorkflowImporterTests {
    /// Writes `files` (path → text) under a fresh folder and returns it.
    static func tree(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-workflows-\(UUID().uuidString)").path
        for (path, text) in files {
            let url = URL(fileURLWithPath: root + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    static let stage = """
    on:
      workflow_call:
        inputs:
          self_name: {type: string, required: true}
          runner_config: {type: string, required: true}
          partitions: {type: string, required: true}
          run_timeout_minutes: {type: string, required: true}
          timeout_per_file: {type: string, default: ''}
          scheduled: {type: boolean, default: false}
    jobs:
      run:
        runs-on: ${{ fromJson(needs.check.outputs.map)[inputs.runner_config] }}
        strategy:
          max-parallel: ${{ inputs.scheduled && 1 || fromJson(inputs.partitions)[inputs.self_name].max_parallel }}
          matrix:
            partition: ${{ fromJson(inputs.partitions)[inputs.self_name].arr }}
        steps:
          - name: Run test
            timeout-minutes: ${{ fromJson(inputs.run_timeout_minutes) }}
            run: |
              cd test
              python3 run_suite.py --hw cuda --suite ${{ inputs.self_name }} \\
                --auto-partition-id ${{ matrix.partition }} \\
                --auto-partition-size ${{ fromJson(inputs.partitions)[inputs.self_name].size }} \\
                ${{ inputs.scheduled && '--timeout-from-est-time' || '' }} \\
                ${{ inputs.timeout_per_file && format('--timeout-per-file {0}', inputs.timeout_per_file) || '' }}
    """

    static let perCommit = """
    on:
      pull_request:
      workflow_dispatch:
        inputs:
          runner_arch: {type: string, default: mi300}
    jobs:
      check:
        runs-on: ubuntu-latest
        steps: [{run: echo}]
      small:
        uses: ./.github/workflows/_stage.yml
        with:
          self_name: base-b-small
          runner_config: 1-gpu-small
          partitions: ${{ needs.check.outputs.partitions }}
          run_timeout_minutes: '30'
          timeout_per_file: '1800'
      amd:
        runs-on: ${{ format('linux-{0}-1gpu', inputs.runner_arch || 'mi300') }}
        timeout-minutes: 120
        strategy:
          matrix:
            part: [0, 1, 2]
        steps:
          - name: Test
            timeout-minutes: ${{ (inputs.runner_arch || 'mi300') == 'mi300' && 75 || 60 }}
            run: bash exec.sh python3 run_suite.py --hw amd --suite stage-amd --auto-partition-id ${{ matrix.part }} --auto-partition-size 3 --timeout-per-file 2400 ${{ github.event_name == 'schedule' && '--continue-on-error' || '' }} || EXIT=$?
      docker:
        runs-on: ${{ matrix.runner }}
        strategy:
          matrix:
            include:
              - {runner: xeon, suite: base-cpu}
        steps:
          - run: docker exec c bash -c "cd test && python3 run_suite.py --hw cpu --suite ${{ matrix.suite }} --timeout-per-file 900"
      npu:
        runs-on: npu-runner
        steps:
          - env:
              SUITE: npu-suite
            run: |
              FLAG=""
              if [ "${{ inputs.runner_arch }}" = "mi300" ]; then
                FLAG="--nightly"
              fi
              python3 run_suite.py --hw npu --suite $SUITE $FLAG 2>&1 | tee log.txt
      dynamic:
        runs-on: ${{ needs.check.outputs.runner }}
        steps:
          - run: python3 run_suite.py --hw cuda --suite dynamic-suite
    """

    static let nightly = """
    on:
      schedule: [{cron: '0 0 * * *'}]
    jobs:
      large:
        uses: ./.github/workflows/_stage.yml
        with:
          self_name: nightly-large
          runner_config: 1-gpu-small
          partitions: ${{ needs.check.outputs.partitions }}
          run_timeout_minutes: '120'
          scheduled: true
      again:
        uses: ./.github/workflows/_stage.yml
        with:
          self_name: base-b-small
          runner_config: 1-gpu-small
          partitions: ${{ needs.check.outputs.partitions }}
          run_timeout_minutes: '45'
    """

    static let runnerConfigs = """
    runner_configs:
      1-gpu-small: {install: x.sh, runs_on: 1-gpu-5090}
    """

    func imported() throws -> WorkflowImporter.Result {
        let root = try Self.tree([".github/workflows/_stage.yml": Self.stage, ".github/workflows/pr.yml": Self.perCommit,
                                  ".github/workflows/nightly.yml": Self.nightly, "scripts/ci/runner_configs.yml": Self.runnerConfigs])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = root + "/.github/workflows"
        return try WorkflowImporter.read(paths: ["_stage.yml", "nightly.yml", "pr.yml"].map { folder + "/" + $0 })
    }

    func suite(_ result: WorkflowImporter.Result, _ backend: String, _ name: String, nightly: Bool = false) throws -> WorkflowImporter.ImportedSuite {
        try #require(result.suites.first { $0.config.key == SuiteKey(backend: backend, suite: name, nightly: nightly) })
    }

    @Test func reusableWorkflowsTheirInputsAndComputedPartitions() throws {
        let result = try imported()
        let small = try suite(result, "cuda", "base-b-small")
        #expect(small.config.computedPartitions)
        #expect(small.config.runner == "1-gpu-5090")
        #expect(small.config.timeoutMinutes == 30)
        #expect(small.config.perFileTimeoutSeconds == 1800)
        #expect(!small.config.timeoutFromEstTime && small.config.maxParallel == nil)
        #expect(small.config.source?.hasPrefix("pr.yml (per-commit) job small → _stage.yml job run") == true)
        let large = try suite(result, "cuda", "nightly-large")
        #expect(large.config.timeoutMinutes == 120 && large.config.timeoutFromEstTime && large.config.maxParallel == 1)
        #expect(large.config.perFileTimeoutSeconds == nil)
        // Per-commit workflows are read first; the nightly call with another timeout is a note.
        #expect(result.notes.contains { $0.contains("cuda/base-b-small is also run by nightly.yml (scheduled) job again") && $0.contains("45 min") })
    }

    @Test func matricesDefaultsShellAndRunTimeUnknowns() throws {
        let result = try imported()
        let amd = try suite(result, "amd", "stage-amd")
        #expect(amd.config.partitions == 3 && amd.config.runner == "linux-mi300-1gpu" && amd.config.timeoutMinutes == 75)
        #expect(amd.config.perFileTimeoutSeconds == 2400 && amd.unknown.isEmpty)
        let cpu = try suite(result, "cpu", "base-cpu")
        #expect(cpu.config.runner == "xeon" && cpu.config.perFileTimeoutSeconds == 900)
        #expect(cpu.config.timeoutMinutes == WorkflowImporter.defaultTimeoutMinutes)
        let npu = try suite(result, "npu", "npu-suite", nightly: true)
        #expect(npu.config.runner == "npu-runner")
        let dynamic = try suite(result, "cuda", "dynamic-suite")
        #expect(dynamic.unknown == [.runner])
        #expect(result.notes.contains { $0.contains("pr.yml") && $0.contains("dynamic-suite") && $0.contains("runs-on") })
        #expect(result.suites.first?.config.key.suite == "base-b-small", "per-commit first, jobs in file order")
        #expect(!result.notes.contains { $0.contains("none of the given files calls") }, "a called reusable workflow is not 'uncalled'")
    }

    @Test func theWrittenFileReadsBackWithUnknownsLeftToDefaults() throws {
        let result = try imported()
        let text = SuitesFileWriter.yaml(result, header: ["test"], defaults: SuitesConfig.Defaults(partitions: 1))
        let config = try SuitesConfig.parse(text, file: "out.yaml")
        #expect(config.suites.count == result.suites.count)
        for (read, imported) in zip(config.suites, result.suites) {
            #expect(read.key == imported.config.key)
            #expect(read.computedPartitions == imported.config.computedPartitions)
            #expect(read.runner == (imported.unknown.contains(.runner) ? "" : imported.config.runner))
            #expect(read.timeoutMinutes == imported.config.timeoutMinutes)
        }
        #expect(text.contains("partitions: computed"))
        #expect(SuitesFileWriter.yaml(result, header: ["test"], defaults: SuitesConfig.Defaults(partitions: 1)) == text)
    }

    @Test func computedPartitionsFollowSglangsRule() {
        var config = SuiteConfig(key: SuiteKey(backend: "cuda", suite: "s"), partitions: 1, runner: "r", timeoutMinutes: 30)
        config.computedPartitions = true
        #expect(config.partitionCount(estimatedSeconds: 0) == 1)
        #expect(config.partitionCount(estimatedSeconds: 1350) == 1)
        #expect(config.partitionCount(estimatedSeconds: 1351) == 2)
        #expect(config.partitionCount(estimatedSeconds: 10_000) == 8)
        config.computedPartitions = false
        #expect(config.partitionCount(estimatedSeconds: 10_000) == 1)
    }

    @Test(arguments: [
        ("jobs:\n  a: [1, 2]\n", 2, "jobs.a"),
        ("jobs:\n  a:\n    runs-on: x\n    steps:\n      - run: python3 run_suite.py --hw cuda --suite ${{ inputs. }}\n", 5, "jobs.a.steps[0].run"),
        ("jobs:\n  a:\n    runs-on: ${{ 'x }}\n    steps: []\n", 3, "jobs.a.runs-on"),
        ("jobs: {a: {strategy: {matrix: {p: 3}}, steps: []}}\n", 1, "jobs.a.strategy.matrix"),
        ("on: [push\n", 2, nil),
    ])
    func badWorkflowsAreLocated(text: String, line: Int, key: String?) throws {
        let root = try Self.tree([".github/workflows/w.yml": text])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/.github/workflows/w.yml"
        #expect {
            _ = try WorkflowImporter.read(paths: [path])
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.location?.file == path && error.location?.line == line && (key == nil || error.location?.key == key)
        }
    }

    @Test func seededMutationsOfAWorkflowNeverCrash() throws {
        let root = try Self.tree([".github/workflows/_stage.yml": Self.stage, "scripts/ci/runner_configs.yml": Self.runnerConfigs])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let text = Array(Self.perCommit.utf8)
        var random = SplitMix64(seed: 5)
        let interesting = Array("{}[]:,-#'\"$ \n\tab01|&;\\".utf8)
        let path = root + "/.github/workflows/pr.yml"
        for _ in 0..<300 {
            var sample = Array(text.prefix(Int(random.next() % UInt64(text.count))))
            for _ in 0..<(random.next() % 5) where !sample.isEmpty {
                sample[Int(random.next() % UInt64(sample.count))] = interesting[Int(random.next() % UInt64(interesting.count))]
            }
            try Data(sample).write(to: URL(fileURLWithPath: path))
            do {
                _ = try WorkflowImporter.read(paths: [path])
            } catch {
                #expect(error.location?.file == path || error.location?.file.hasSuffix("_stage.yml") == true, "\(error)")
            }
        }
    }

    static let sharedWorkflows = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/data/sglang-workflows/.github/workflows").standardized.path

    /// Values read by hand from sglang's workflows of 2026-08-22 (`../shared`, beside the checkout).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: sharedWorkflows)))
    func sglangsWorkflowsGiveTheHandReadValues() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.sharedWorkflows).filter { $0.hasSuffix(".yml") }.sorted()
        let result = try WorkflowImporter.read(paths: names.map { Self.sharedWorkflows + "/" + $0 })
        func check(_ backend: String, _ name: String, nightly: Bool = false, runner: String, timeout: Int,
                   partitions: Int? = nil, perFile: Int? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
            let found = try #require(result.suites.first { $0.config.key == SuiteKey(backend: backend, suite: name, nightly: nightly) },
                                     "\(backend)/\(name)", sourceLocation: sourceLocation)
            #expect(found.config.runner == runner, "\(name)", sourceLocation: sourceLocation)
            #expect(found.config.timeoutMinutes == timeout, "\(name)", sourceLocation: sourceLocation)
            if let partitions {
                #expect(!found.config.computedPartitions && found.config.partitions == partitions, "\(name)", sourceLocation: sourceLocation)
            } else {
                #expect(found.config.computedPartitions, "\(name)", sourceLocation: sourceLocation)
            }
            #expect(found.config.perFileTimeoutSeconds == perFile, "\(name)", sourceLocation: sourceLocation)
            #expect(found.unknown.isEmpty, "\(name)", sourceLocation: sourceLocation)
        }
        // pr-test.yml → _pr-test-stage.yml; runner from scripts/ci/runner_configs.yml.
        try check("cuda", "base-a-test-1-gpu-small", runner: "1-gpu-5090", timeout: 10)
        try check("cuda", "base-b-test-1-gpu-large", runner: "1-gpu-h100", timeout: 30, perFile: 1800)
        try check("cuda", "base-b-test-2-gpu-large", runner: "2-gpu-h100", timeout: 30)
        try check("cuda", "base-b-test-4-gpu-b200", runner: "4-gpu-b200", timeout: 40)
        // nightly-test-nvidia.yml: the same stage, scheduled.
        try check("cuda", "nightly-test-1-gpu-large", runner: "1-gpu-h100", timeout: 120)
        try check("cuda", "nightly-test-2-gpu-large", runner: "2-gpu-h100", timeout: 240)
        // pr-test-amd.yml: literal matrices and sizes, runner and timeouts from runner_arch's default.
        try check("amd", "stage-b-test-1-gpu-small-amd", runner: "linux-mi300-1gpu-sglang", timeout: 75, partitions: 14, perFile: 2400)
        try check("amd", "stage-b-test-1-gpu-large-amd", runner: "linux-mi300-1gpu-sglang", timeout: 60, partitions: 3, perFile: 2700)
        try check("amd", "stage-b-test-2-gpu-large-amd", runner: "linux-mi300-2gpu-sglang", timeout: 120, partitions: 2, perFile: 5400)
        // nightly-test-amd.yml, nightly-test-intel.yml, pr-test-arm64.yml (inside bash -c).
        try check("amd", "nightly-amd-1-gpu", nightly: true, runner: "linux-mi300-1gpu-sglang", timeout: 90, partitions: 1, perFile: 900)
        try check("xpu", "nightly-xpu-1-gpu", nightly: true, runner: "intel-bmg-nightly", timeout: 240, partitions: 1, perFile: 7200)
        try check("cpu", "base-b-test-cpu-arm64", runner: "ubuntu-24.04-arm", timeout: 36, partitions: 1, perFile: 1500)
        // pr-test-npu.yml → _npu-pr-test-stage.yml (runs-on is the runner_config input itself).
        try check("npu", "base-b-test-1-npu-a3", runner: "linux-aarch64-a3-2-", timeout: 60, partitions: 1, perFile: 3600)
        let large = try #require(result.suites.first { $0.config.key.suite == "nightly-test-1-gpu-large" })
        #expect(large.config.timeoutFromEstTime && large.config.maxParallel == 1)
    }

    /// The bundled suites file is what `gpuci suites import` gives on those workflows.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: sharedWorkflows)))
    func theBundledSuitesFileIsTheImportOfSglangsWorkflows() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.sharedWorkflows).filter { $0.hasSuffix(".yml") }.sorted()
        let result = try WorkflowImporter.read(paths: names.map { Self.sharedWorkflows + "/" + $0 })
        let imported = try SuitesConfig.parse(SuitesFileWriter.yaml(result, header: [], defaults: SuitesConfig.Defaults(partitions: 1)), file: "import")
        let bundled = try SuitesConfig.read(path: SharedData.packageRoot.appendingPathComponent(SuitesConfig.bundledPath).path)
        #expect(imported.suites.map(\.key) == bundled.suites.map(\.key))
        for (a, b) in zip(imported.suites, bundled.suites) {
            #expect(a.runner == b.runner && a.partitions == b.partitions && a.computedPartitions == b.computedPartitions
                    && a.timeoutMinutes == b.timeoutMinutes && a.perFileTimeoutSeconds == b.perFileTimeoutSeconds, "\(a.key)")
        }
        #expect(!(try String(contentsOf: SharedData.packageRoot.appendingPathComponent(SuitesConfig.bundledPath), encoding: .utf8)).contains("assumed"))
    }
}
