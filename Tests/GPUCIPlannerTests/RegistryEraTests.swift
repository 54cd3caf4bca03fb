import Foundation
import Testing
import GPUCIPython
import GPUCISupport
@testable import GPUCIPlanner

/// Reading sglang-like trees by the collector rules of each era (issue 10, item 4).
struct RegistryEraTests {
    /// A file that registers once for cuda and runs its tests when executed.
    static let runnable = "import unittest\nregister_cuda_ci(est_time=10, suite=\"s\")\n\nif __name__ == \"__main__\":\n    unittest.main()\n"

    /// A temporary tree; `files` maps repository-relative paths to their text.
    private static func tree(_ files: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-eras-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("test/registered"), withIntermediateDirectories: true)
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    private static func rules(_ name: String) throws -> RegistryRules {
        try #require(RegistryRules.named(name))
    }

    // MARK: - The table

    @Test func theTableIsContiguousAndOrdered() throws {
        let all = RegistryRules.all
        #expect(all.first?.name == "anchor" && all.first?.from == CalendarDay(2026, 1, 7))
        for (earlier, later) in zip(all, all.dropFirst()) {
            #expect(earlier.to == later.from, "\(earlier.name) ends where \(later.name) begins")
            #expect(earlier.from < later.from)
        }
        #expect(all.last?.to == nil)
        #expect(Set(all.map(\.name)).count == all.count)
        #expect(all.map(\.name) == ["anchor", "jit-kernel", "main-block", "skip-cpu-utils", "jit-moved", "collect-cpu-utils"])
        #expect(RegistryRules.inForce(on: CalendarDay(2026, 3, 22))?.name == "anchor")
        #expect(RegistryRules.inForce(on: CalendarDay(2026, 3, 23))?.name == "jit-kernel")
        #expect(RegistryRules.inForce(on: CalendarDay(2026, 6, 8))?.name == "skip-cpu-utils")
        #expect(RegistryRules.inForce(on: CalendarDay(2026, 6, 9))?.name == "jit-moved")
        #expect(RegistryRules.inForce(on: CalendarDay(2027, 1, 1))?.name == "collect-cpu-utils")
        #expect(RegistryRules.inForce(on: CalendarDay(2025, 12, 31)) == nil)
    }

    // MARK: - jit_kernel

    @Test(arguments: [("anchor", false), ("jit-kernel", true), ("main-block", true), ("skip-cpu-utils", true),
                      ("jit-moved", false), ("collect-cpu-utils", false)])
    func jitKernelFilesCountOnlyFromMarchToJune(name: String, collected: Bool) throws {
        let root = try Self.tree([
            "test/registered/test_a.py": Self.runnable,
            "python/sglang/jit_kernel/tests/test_k.py": Self.runnable,
            "python/sglang/jit_kernel/tests/deep/test_k2.py": Self.runnable + "register_amd_ci(est_time=5, suite=\"t\")\n",
            // Helpers the globs never match: no test_/bench_ prefix, or outside tests/ and benchmark/.
            "python/sglang/jit_kernel/tests/utils.py": "def helper():\n    pass\n",
            "python/sglang/jit_kernel/benchmark/marker.py": "X = 1\n",
            "python/sglang/jit_kernel/norm.py": "def norm():\n    pass\n",
            "python/sglang/jit_kernel/benchmark/bench_b.py": Self.runnable,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let rules = try Self.rules(name)
        for directory in [root.path, root.appendingPathComponent("test").path] {
            let scan = try RegistryScanner.scan(directory: directory, rules: rules)
            #expect(scan.problems.isEmpty, "\(scan.problems)")
            let files = scan.registrations.map(\.file)
            if collected {
                #expect(files == ["test/registered/test_a.py", "python/sglang/jit_kernel/tests/deep/test_k2.py",
                                  "python/sglang/jit_kernel/tests/deep/test_k2.py", "python/sglang/jit_kernel/tests/test_k.py",
                                  "python/sglang/jit_kernel/benchmark/bench_b.py"])
                #expect(scan.fileCount == 4)
            } else {
                #expect(files == ["test/registered/test_a.py"])
                #expect(scan.fileCount == 1)
            }
            #expect(scan.rules.rules.name == name && scan.rules.reason == "chosen with --rules")
        }
    }

    @Test func anUnregisteredJitKernelTestIsFatalInTheJitEra() throws {
        let root = try Self.tree([
            "test/registered/test_a.py": Self.runnable,
            "python/sglang/jit_kernel/tests/test_empty.py": "import torch\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let scan = try RegistryScanner.scan(directory: root.path, rules: try Self.rules("jit-kernel"))
        #expect(scan.problems.map(\.description) == [
            "python/sglang/jit_kernel/tests/test_empty.py: No CI registry found: expected a module-level register_<backend>_ci(...) call",
        ])
        #expect(try RegistryScanner.scan(directory: root.path, rules: .anchor).problems.isEmpty)
    }

    // MARK: - cpu/utils.py

    @Test(arguments: [("anchor", true), ("jit-kernel", true), ("main-block", true), ("skip-cpu-utils", false),
                      ("jit-moved", false), ("collect-cpu-utils", true)])
    func cpuUtilsWithoutRegistrationsIsFatalOutsideTheSkipWindow(name: String, fatal: Bool) throws {
        let root = try Self.tree([
            "test/registered/cpu/test_cpu.py": Self.runnable,
            "test/registered/cpu/utils.py": "import torch\n\ndef make_inputs():\n    return torch.zeros(1)\n",
            // sglang's check is `f.endswith("/cpu/utils.py")`: a deeper cpu/utils.py goes too.
            "test/registered/models/cpu/utils.py": "X = 1\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let scan = try RegistryScanner.scan(directory: root.path, rules: try Self.rules(name))
        if fatal {
            #expect(scan.problems.map(\.location?.file) == ["test/registered/cpu/utils.py", "test/registered/models/cpu/utils.py"])
            #expect(scan.problems.allSatisfy { $0.message.hasPrefix("No CI registry found") })
            #expect(throws: InputError.self) { try scan.requireClean() }
            #expect(scan.fileCount == 3)
        } else {
            #expect(scan.problems.isEmpty)
            #expect(try scan.requireClean().map(\.file) == ["test/registered/cpu/test_cpu.py"])
            #expect(scan.fileCount == 1)
        }
    }

    // MARK: - The __main__ rule

    @Test(arguments: [("anchor", false), ("jit-kernel", false), ("main-block", true), ("skip-cpu-utils", true),
                      ("jit-moved", true), ("collect-cpu-utils", true)])
    func aFileWithoutAMainBlockIsRejectedFromAprilOn(name: String, rejected: Bool) throws {
        let root = try Self.tree([
            "test/registered/test_ok.py": Self.runnable,
            // pytest-style, no main block: `python3 FILE` exits 0 having run nothing.
            "test/registered/test_pytest.py": "import pytest\n\n\nregister_cuda_ci(est_time=30, suite=\"s\")\n\n\ndef test_x():\n    assert True\n",
            // A main block that calls nothing.
            "test/registered/test_pass.py": "register_cuda_ci(5, \"s\")\n\nif __name__ == \"__main__\":\n    pass\n",
            // Every registration disabled: exempt.
            "test/registered/test_helper.py": "register_cuda_ci(5, \"s\", disabled=\"helper\")\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let scan = try RegistryScanner.scan(directory: root.path, rules: try Self.rules(name))
        #expect(scan.registrations.count == 4)
        if rejected {
            #expect(scan.problems.map { "\($0.location?.file ?? ""):\($0.location?.line ?? 0)" } == [
                "test/registered/test_pass.py:3", "test/registered/test_pytest.py:4",
            ])
            #expect(scan.problems[0].message.contains("calls nothing"))
            #expect(scan.problems[1].message.contains("missing an if __name__ == \"__main__\": block"))
            #expect(scan.problems[1].message.contains("rules '\(name)'"))
            #expect(scan.problems[1].description.hasPrefix("test/registered/test_pytest.py:4: "))
        } else {
            #expect(scan.problems.isEmpty, "\(scan.problems)")
        }
    }

    /// Sources and whether their main block runs something, by `collect_tests`'s AST rule.
    static let mainBlockCases: [(String, String)] = [
        ("if __name__ == \"__main__\":\n    unittest.main()\n", "runs 1"),
        ("import sys\nif __name__ == '__main__':\n    sys.exit(pytest.main([__file__, \"-v\"]))\n", "runs 2"),
        ("if (__name__) == ('__main__'):\n    main()\n", "runs 1"),
        ("if (__name__ == \"__ma\" \"in__\"):  # joined literals\n    main()\n", "runs 1"),
        ("if __name__ == '__main__': main()\n", "runs 1"),
        ("if __name__ == \"__main__\":\n    def f():\n        g()\n", "runs 1"),
        ("if __name__ == \"__main__\":\n    @decorate()\n    def f():\n        pass\n", "runs 1"),
        ("if __name__ == \"__main__\":\n    x = f\"{compute()}\"\n", "runs 1"),
        ("if __name__ == \"__main__\":\n    x = [y for y in range(3)]\n", "runs 1"),
        ("if __name__ == \"__main__\":\n    class A(Base(1)):\n        pass\n", "runs 1"),
        ("if __name__ == \"__main__\":\n    pass\n", "nothing 1"),
        ("if __name__ == \"__main__\":\n    import unittest\n    x = 1\n    print\n", "nothing 1"),
        ("if __name__ == \"__main__\":\n    def f(a):\n        return (a)\n", "nothing 1"),
        ("if __name__ == \"__main__\":\n    class A(Base):\n        x = f\"{y!r:>10}\"\n", "nothing 1"),
        ("if __name__ == \"__main__\":\n    match x:\n        case Point(x=1):\n            pass\n", "nothing 1"),
        ("if __name__ == \"__main__\":\n    match x:\n        case Point(x=1) if ok():\n            pass\n", "runs 1"),
        ("if __name__ == \"__main__\":\n    pass\nelse:\n    main()\n", "nothing 1"),
        ("if __name__ == \"__main__\":\n    pass\nif __name__ == \"__main__\":\n    main()\n", "runs 3"),
        ("if \"__main__\" == __name__:\n    main()\n", "missing"),
        ("if __name__ == b\"__main__\":\n    main()\n", "missing"),
        ("if __name__ == f\"__main__\":\n    main()\n", "missing"),
        ("if __name__ != \"__main__\":\n    main()\n", "missing"),
        ("if __name__ == \"__main__\" and True:\n    main()\n", "missing"),
        ("if __name__ == \"__main__\" == x:\n    main()\n", "missing"),
        ("if not __name__ == \"__main__\":\n    main()\n", "missing"),
        ("try:\n    if __name__ == \"__main__\":\n        main()\nexcept Exception:\n    pass\n", "missing"),
        ("def f():\n    if __name__ == \"__main__\":\n        main()\n", "missing"),
        ("main()\n", "missing"),
    ]

    @Test(arguments: mainBlockCases)
    func mainBlocksAreFoundAsTheCollectorFindsThem(source: String, expected: String) throws {
        let bytes = Array(source.utf8)
        let module = try PythonModuleReader.read(bytes)
        let found = switch PythonMainBlock.find(in: module, source: bytes) {
        case let .runs(line): "runs \(line)"
        case let .runsNothing(line): "nothing \(line)"
        case .missing: "missing"
        }
        #expect(found == expected, "\(source)")
    }

    // MARK: - BOM, conftest.py, __init__.py

    @Test(arguments: RegistryRules.all.map(\.name))
    func aByteOrderMarkIsAcceptedAndHelpersAreNeverCollected(name: String) throws {
        let root = try Self.tree([
            "test/registered/test_bom.py": "\u{FEFF}" + Self.runnable,
            "test/registered/__init__.py": "",
            "test/registered/conftest.py": "import pytest\n\n@pytest.fixture\ndef server():\n    yield 1\n",
            "test/registered/sub/__init__.py": "from .x import *\n",
            "test/registered/sub/conftest.py": "",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let scan = try RegistryScanner.scan(directory: root.path, rules: try Self.rules(name))
        #expect(scan.problems.isEmpty, "\(scan.problems)")
        #expect(scan.fileCount == 1)
        #expect(scan.registrations.map { "\($0.file):\($0.line ?? 0)" } == ["test/registered/test_bom.py:2"])
        #expect(scan.registrations.first?.estTime == 10)
    }

    @Test func aByteOrderMarkAfterTheStartIsASyntaxErrorAsInPython() throws {
        let root = try Self.tree(["test/registered/test_bom.py": Self.runnable + "\u{FEFF}x = 1\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        let scan = try RegistryScanner.scan(directory: root.path, rules: .newest)
        #expect(scan.problems.count == 1)
        #expect(scan.problems.first?.location?.file == "test/registered/test_bom.py")
        #expect(scan.problems.first?.location?.line == 6)
    }

    // MARK: - auto

    /// Runs git in `directory`; the commit's author and committer dates are `date`.
    private static func git(_ arguments: [String], in directory: URL, date: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"] + arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        if let date { environment["GIT_COMMITTER_DATE"] = date }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "git \(arguments)")
    }

    @Test func autoPicksTheRulesOfTheCheckoutsCommitDate() throws {
        let root = try Self.tree([
            "test/registered/test_a.py": Self.runnable,
            "test/registered/cpu/utils.py": "X = 1\n",
            "python/sglang/jit_kernel/tests/test_k.py": Self.runnable,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        try Self.git(["init", "-q"], in: root)
        try Self.git(["add", "-A"], in: root)
        try Self.git(["commit", "-q", "-m", "may", "--date=2026-05-20T12:00:00+02:00"], in: root, date: "2026-05-20T12:00:00+02:00")

        let may = try RegistryScanner.scan(directory: root.path, choice: .auto)
        #expect(may.rules.rules.name == "skip-cpu-utils" && !may.rules.isFallback)
        #expect(may.rules.reason == "the tree's last commit is of 2026-05-20 (UTC)")
        #expect(may.problems.isEmpty, "\(may.problems)")
        #expect(may.registrations.map(\.file) == ["test/registered/test_a.py", "python/sglang/jit_kernel/tests/test_k.py"])
        // A folder inside the checkout is dated by the checkout.
        #expect(try RegistryScanner.scan(directory: root.appendingPathComponent("test").path, choice: .auto).rules.rules.name == "skip-cpu-utils")

        // The committer date counts, read as a UTC day: 23:30 at -08:00 on 2026-06-08 is 2026-06-09.
        try "# touched\n".write(to: root.appendingPathComponent("README"), atomically: true, encoding: .utf8)
        try Self.git(["add", "-A"], in: root)
        try Self.git(["commit", "-q", "-m", "june", "--date=2026-01-01T00:00:00Z"], in: root, date: "2026-06-08T23:30:00-08:00")
        let june = try RegistryScanner.scan(directory: root.path, choice: .auto)
        #expect(june.rules.rules.name == "jit-moved")
        #expect(june.registrations.map(\.file) == ["test/registered/test_a.py"])
    }

    @Test func autoFallsBackToTheNewestRulesWithANoteOutsideACheckout() throws {
        let root = try Self.tree(["test/registered/test_a.py": Self.runnable])
        defer { try? FileManager.default.removeItem(at: root) }
        let scan = try RegistryScanner.scan(directory: root.path, choice: .auto, commitDate: { directory in
            .failure(GitDateProblem("\(directory) is not in a git checkout"))
        })
        #expect(scan.rules.rules == .newest && scan.rules.isFallback)
        #expect(scan.rules.description == "rules 'collect-cpu-utils' (sglang ~2026-08-13 – ): \(root.path) is not in a git checkout, so the newest rules are used (choose others with --rules)")
        // The real git says the same of a temporary folder.
        let real = RegistryRulesChoice.auto.resolve(directory: root.path)
        #expect(real.rules == .newest && real.isFallback && real.reason.contains("not in a git checkout"), "\(real.reason)")
    }

    @Test func autoDatesOutsideTheTableAndBadDatesAreSaid() {
        func resolve(_ text: String) -> RegistryRulesResolution {
            RegistryRulesChoice.auto.resolve(directory: "t", commitDate: { _ in .success(text) })
        }
        #expect(resolve("2026-03-22T23:59:59-01:00").rules.name == "jit-kernel")
        #expect(resolve("2026-03-22T23:59:59+00:00").rules.name == "anchor")
        let old = resolve("2025-11-02T10:00:00+00:00")
        #expect(old.rules == .anchor && old.isFallback && old.reason.contains("predates every rule set"))
        let garbled = resolve("yesterday")
        #expect(garbled.rules == .newest && garbled.isFallback && garbled.reason.contains("'yesterday'"))
    }

    @Test func rulesNamesAreCheckedWithASuggestion() throws {
        #expect(try RegistryRulesChoice(parsing: "auto") == .auto)
        #expect(try RegistryRulesChoice(parsing: "jit-moved") == .named(try Self.rules("jit-moved")))
        do {
            _ = try RegistryRulesChoice(parsing: "jit-kernal")
            Issue.record("accepted a misspelt name")
        } catch {
            #expect(error.description.hasPrefix("--rules: unknown rule set 'jit-kernal' (expected auto or one of anchor, jit-kernel,"))
            #expect(error.description.hasSuffix("; did you mean 'jit-kernel'?"), "\(error.description)")
        }
    }
}
