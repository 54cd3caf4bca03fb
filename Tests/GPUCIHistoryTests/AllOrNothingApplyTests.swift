import Foundation
import GPUCISupport
import Testing
@testable import GPUCIHistory

/// `history apply --write` edits all files or none, and writes keep what a file was (repros 13–16).
@Suite struct AllOrNothingApplyTests {
    static func tree(_ literals: [String]) throws -> (folder: URL, targets: [EstTimeChangeSet.Target]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-apply-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var targets: [EstTimeChangeSet.Target] = []
        for (index, literal) in literals.enumerated() {
            let path = folder.appendingPathComponent("test_\(index).py").path
            try "import os\nregister_cuda_ci(est_time=\(literal), suite=\"s\")\n".write(toFile: path, atomically: true, encoding: .utf8)
            targets.append(.init(file: "test/registered/test_\(index).py", path: path, backend: "cuda", seconds: 300))
        }
        return (folder, targets)
    }

    static func contents(_ targets: [EstTimeChangeSet.Target]) -> [String] {
        targets.map { (try? String(contentsOfFile: $0.path, encoding: .utf8)) ?? "" }
    }

    @Test func theThirdOfFiveFailingLeavesAllFiveAsTheyWere() throws {
        let (folder, targets) = try Self.tree(["60", "60", "0x3C", "60", "60"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = Self.contents(targets)
        #expect {
            _ = try EstTimeChangeSet.prepare(targets)
        } throws: { error in
            "\(error)".contains("test_2.py:2") && "\(error)".contains("\"0x3C\"") && "\(error)".contains("nothing was written")
        }
        #expect(Self.contents(targets) == before)
    }

    @Test func aFileChangedBetweenPlanAndWriteStopsEverything() throws {
        let (folder, targets) = try Self.tree(["60", "60", "60"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let changes = try EstTimeChangeSet.prepare(targets)
        #expect(changes.changes.count == 3)
        try "RETRIES = 1111\nregister_cuda_ci(est_time=60, suite=\"s\")\n".write(toFile: targets[2].path, atomically: true, encoding: .utf8)
        let before = Self.contents(targets)
        #expect { try changes.write() } throws: { "\($0)".contains("test_2.py") && "\($0)".contains("changed since gpuci read it") }
        #expect(Self.contents(targets) == before)
        // Prepared again, the literal is found where it is now.
        try EstTimeChangeSet.prepare(targets).write()
        #expect(Self.contents(targets)[2] == "RETRIES = 1111\nregister_cuda_ci(est_time=300, suite=\"s\")\n")
        #expect(Self.contents(targets)[0].contains("est_time=300"))
    }

    @Test func writesKeepModeFollowLinksAndSweepStaleTemporaries() throws {
        let (folder, targets) = try Self.tree(["60", "60"])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(chmod(targets[0].path, 0o755) == 0 && chmod(targets[1].path, 0o444) == 0)
        let link = folder.appendingPathComponent("link.py").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: targets[0].path)
        // A temporary left by a process that no longer runs (pid 2^22 − 1 is above Linux's default pid_max).
        let stale = folder.appendingPathComponent(".test_0.py.4194303.tmp").path
        try "half".write(toFile: stale, atomically: false, encoding: .utf8)
        try EstTimeChangeSet.prepare(targets).write()
        func mode(_ path: String) throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0 }
        #expect(try mode(targets[0].path) == 0o755 && mode(targets[1].path) == 0o444)
        try AtomicFile.write("through the link\n", to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == targets[0].path)
        #expect(try String(contentsOfFile: targets[0].path, encoding: .utf8) == "through the link\n")
        #expect(!FileManager.default.fileExists(atPath: stale))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func aMissingOutputFolderIsNamed() {
        #expect {
            try AtomicFile.write("x", to: "no/such/dir/x.svg")
        } throws: { "\($0)".contains("x.svg") && "\($0)".contains("folder") && "\($0)".contains("does not exist") }
    }
}
