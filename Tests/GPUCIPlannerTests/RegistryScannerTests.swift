import Foundation
import Testing
import GPUCISupport
@testable import GPUCIPlanner

/// Scanning whole `test/registered/` trees.
struct RegistryScannerTests {
    /// Writes a source tree that registers exactly the given rows, one file per path.
    private func writeTree(_ registrations: [Registration], at root: URL) throws {
        var sources: [(String, String)] = []
        for registration in registrations {
            var arguments = [registration.estTimeLiteral ?? RegistryCSV.formatSeconds(registration.estTime)]
            if let stage = registration.stage, let runner = registration.runnerConfig {
                arguments += ["stage=\(RegistryCSV.jsonQuoted(stage))", "runner_config=\(RegistryCSV.jsonQuoted(runner))"]
            } else {
                arguments.append("suite=\(RegistryCSV.jsonQuoted(registration.suite))")
            }
            if registration.nightly { arguments.append("nightly=True") }
            if let disabled = registration.disabled { arguments.append("disabled=\(RegistryCSV.jsonQuoted(disabled))") }
            let call = "register_\(registration.backend)_ci(\(arguments.joined(separator: ", ")))\n"
            if let last = sources.last, last.0 == registration.file {
                sources[sources.count - 1].1 += call
            } else {
                sources.append((registration.file, "import unittest\nfrom sglang.test.ci.ci_register import *\n\n" + call))
            }
        }
        for (file, source) in sources {
            let url = root.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try (source + "\n\nif __name__ == \"__main__\":\n    unittest.main()\n").write(to: url, atomically: true, encoding: .utf8)
        }
    }

    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-planner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func scanningATreeBuiltFromTheCSVRoundTrips() throws {
        let text = try SharedData.registryCSV()
        let registrations = try RegistryCSV.parse(text, file: "sglang-registry.csv")
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try writeTree(registrations, at: root)
        for init_ in ["test/registered/__init__.py", "test/registered/amd/conftest.py"] {
            try "import pytest\n".write(to: root.appendingPathComponent(init_), atomically: true, encoding: .utf8)
        }
        let fromRoot = try RegistryScanner.scan(directory: root.path)
        #expect(fromRoot.problems.isEmpty)
        #expect(RegistryCSV.render(fromRoot.registrations) == text)
        // The folder holding registered/ (sglang's test/) reports the same paths.
        let fromTest = try RegistryScanner.scan(directory: root.appendingPathComponent("test").path)
        #expect(fromTest.registrations == fromRoot.registrations)
        #expect(fromRoot.registrations.allSatisfy { $0.line != nil && $0.estTimeSpan != nil })
    }

    @Test func filesWithoutRegistrationAndMalformedCallsAreAllReported() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let files = [
            "registered/b/test_ok.py": "register_cuda_ci(10, 'stage-a-test-1')\n",
            "registered/a/helpers.py": "def helper():\n    register_cuda_ci(10, 'inside')\n",
            "registered/c/test_bad.py": "import os\nregister_cuda_ci(10, 's', colour='red')\nregister_cuda_ci(est_time=x, suite='s')\n",
            "registered/c/__init__.py": "",
            "registered/.hidden/test_hidden.py": "",
            "registered/d/README.md": "not python",
        ]
        for (path, source) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try source.write(to: url, atomically: true, encoding: .utf8)
        }
        let scan = try RegistryScanner.scan(directory: root.path)
        #expect(scan.fileCount == 3)
        #expect(scan.registrations.map(\.file) == ["test/registered/b/test_ok.py"])
        #expect(scan.problems.map(\.description) == [
            "test/registered/a/helpers.py: No CI registry found: expected a module-level register_<backend>_ci(...) call",
            "test/registered/c/test_bad.py:2: colour: unknown keyword argument 'colour' (expected est_time, suite, nightly, disabled, stage or runner_config)",
            "test/registered/c/test_bad.py:3: est_time: est_time must be a literal constant (a number such as 300)",
        ])
        #expect(throws: InputError.self) { try scan.requireClean() }
    }

    @Test func aFolderWithoutRegisteredIsAnError() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: InputError.self) { try RegistryScanner.scan(directory: root.path) }
    }
}

/// Symbolic links in trees: followed like sglang's recursive glob, loops entered once (repros 23, 25).
@Suite struct SymlinkedTreeTests {
    @Test func aSymlinkedRegisteredFolderScansAndLoopsEnd() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-links-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let real = folder.appendingPathComponent("real/registered")
        try FileManager.default.createDirectory(at: real.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try "register_cuda_ci(est_time=5, suite=\"s\")\n".write(to: real.appendingPathComponent("test_a.py"), atomically: true, encoding: .utf8)
        try "register_cuda_ci(est_time=7, suite=\"s\")\n".write(to: real.appendingPathComponent("sub/test_b.py"), atomically: true, encoding: .utf8)
        // Two loops: sub/up → .., sub/again → .
        try FileManager.default.createSymbolicLink(atPath: real.appendingPathComponent("sub/up").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: real.appendingPathComponent("sub/again").path, withDestinationPath: ".")
        let repo = folder.appendingPathComponent("repo/test")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repo.appendingPathComponent("registered").path, withDestinationPath: real.path)
        let scan = try RegistryScanner.scan(directory: folder.appendingPathComponent("repo").path)
        #expect(scan.problems.isEmpty)
        #expect(scan.registrations.map(\.file) == ["test/registered/sub/test_b.py", "test/registered/test_a.py"])
    }
}
