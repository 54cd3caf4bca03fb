import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GPUCISupport
import Testing
@testable import GPUCIHistory

@Suite struct RetryClassifierTests {
    @Test func followsTheReferenceOrder() {
        #expect(RetryClassifier.classify("AssertionError: 0.61 not greater than 0.65").isRetriable)
        #expect(RetryClassifier.classify("accuracy=0.2 below threshold").isRetriable)
        #expect(RetryClassifier.classify("Traceback\nAssertionError").isRetriable)
        #expect(!RetryClassifier.classify("assertionerror").isRetriable)  // the last rule is case-sensitive
        #expect(!RetryClassifier.classify("ImportError: no module named x\nAssertionError").isRetriable)
        #expect(!RetryClassifier.classify("torch.OutOfMemoryError: CUDA out of memory; latency").isRetriable)
        // Case-insensitive OOM matches "room": non-retriable, as in the reference.
        #expect(!RetryClassifier.classify("no room left; accuracy low").isRetriable)
        #expect(!RetryClassifier.classify("exit 1").isRetriable)
        #expect(RetryClassifier.classify("TIMEOUT waiting for server") == .retriable("timeout"))
    }
}

@Suite struct ProcessRunnerTests {
    @Test func timeoutKillsTheWholeProcessGroup() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pidFile = folder.appendingPathComponent("grandchild.pid").path
        let shell = try ProcessGroupRunner.resolveExecutable("sh")
        let outcome = try ProcessGroupRunner.run(
            executable: shell, arguments: ["-c", "trap '' TERM; sleep 30 & echo $! > \"$0\"; wait", pidFile],
            workingDirectory: folder, timeout: 0.5, grace: 0.2)
        #expect(outcome.timedOut && !outcome.succeeded)
        let text = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let grandchild = try #require(pid_t(text))
        // The sleeping grandchild shared the group and got SIGKILL; it is gone or a zombie.
        var gone = false
        for _ in 0..<100 {
            if kill(grandchild, 0) != 0 || isZombie(grandchild) { gone = true; break }
            usleep(20_000)
        }
        #expect(gone)
    }

    /// A test that leaves a detached daemon holding its output does not hold gpuci (repro 17), and
    /// the child sees no descriptor of gpuci's beyond stdin, stdout and stderr.
    @Test func aDaemonLeftBehindDoesNotHoldTheRunner() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shell = try ProcessGroupRunner.resolveExecutable("sh")
        let outcome = try ProcessGroupRunner.run(
            executable: shell, arguments: ["-c", "ls /proc/self/fd; setsid sleep 20 & exit 0"],
            workingDirectory: folder, timeout: 15, grace: 1)
        #expect(outcome.succeeded && outcome.seconds < 10)
        // ls's own listing shows 0, 1, 2 and the descriptor it reads the folder with.
        let descriptors = outcome.output.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        #expect(descriptors.filter { $0 > 3 }.isEmpty, "\(outcome.output)")
    }

    @Test func exitStatusAndOutputAreCaptured() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shell = try ProcessGroupRunner.resolveExecutable("sh")
        let outcome = try ProcessGroupRunner.run(executable: shell, arguments: ["-c", "pwd; echo oops >&2; exit 3"],
                                                 workingDirectory: folder, timeout: 10)
        #expect(outcome.exitStatus == 3 && !outcome.timedOut)
        #expect(outcome.output.contains("oops"))
        #expect(outcome.output.contains(folder.lastPathComponent))
    }

    private func isZombie(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }
}

@Suite struct PartitionRunnerTests {
    func makeTree() throws -> URL {
        let root = try temporaryFolder()
        try write("print('ok')\n", to: "test/registered/test_pass.py", in: root)
        try write("import sys\nprint('ImportError: nope')\nsys.exit(1)\n", to: "test/registered/test_import.py", in: root)
        try write("""
        import os, sys
        if not os.path.exists('flaky.marker'):
            open('flaky.marker', 'w').close()
            print('AssertionError: 0.5 not greater than 0.9')
            sys.exit(1)
        print('second time lucky')
        """, to: "test/registered/test_flaky.py", in: root)
        return root
    }

    @Test func retriesRetriableFailuresAndRecordsEveryAttempt() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let configuration = PartitionRunner.Configuration(root: try RegistryRoot(path: root.path), timeoutPerFile: 30,
                                                          retries: 1, retryWait: 0, continueOnError: true, backend: "cpu")
        var recorded: [Attempt] = []
        let summary = try PartitionRunner(configuration: configuration).run(
            files: ["test/registered/test_flaky.py", "test/registered/test_import.py", "test/registered/test_pass.py"]
        ) { attempt in recorded.append(attempt) }
        #expect(recorded.map(\.outcome) == [.retried, .passed, .failed, .passed])
        #expect(recorded.map(\.attempt) == [1, 2, 1, 1])
        #expect(summary.results.map(\.passed) == [true, false, true])
        #expect(!summary.passed)
        let xml = JUnitWriter.document(summary, suite: "s")
        #expect(try JUnitReader.read(data: Data(xml.utf8), source: "out.xml", backend: "cpu").map(\.outcome) == [.passed, .failed, .passed])
    }

    @Test func stopsAtTheFirstFailureWithoutContinueOnError() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let configuration = PartitionRunner.Configuration(root: try RegistryRoot(path: root.path), timeoutPerFile: 30, backend: "cpu")
        let summary = try PartitionRunner(configuration: configuration).run(
            files: ["test/registered/test_import.py", "test/registered/test_pass.py"]) { _ in }
        #expect(summary.results.map(\.skipped) == [false, true])
    }

    @Test func refusesFilesOutsideTheRoot() throws {
        let root = try makeTree()
        let outside = try temporaryFolder()
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: outside)
        }
        let target = try write("print('escaped')\n", to: "evil.py", in: outside)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("test/registered/link.py").path,
                                                   withDestinationPath: target)
        let registryRoot = try RegistryRoot(path: root.path)
        for file in ["test/registered/link.py", "../\(outside.lastPathComponent)/evil.py", target, "test/registered/missing.py", "test"] {
            #expect(throws: InputError.self) { try registryRoot.resolve(file) }
        }
        let configuration = PartitionRunner.Configuration(root: registryRoot, backend: "cpu")
        var ran = 0
        #expect(throws: InputError.self) {
            try PartitionRunner(configuration: configuration).run(files: ["test/registered/test_pass.py", "test/registered/link.py"]) { _ in ran += 1 }
        }
        #expect(ran == 0)
    }
}

/// A newline in a file name survives gpuci's own JUnit report (repro 19a).
@Suite struct JUnitAttributeTests {
    @Test func controlCharactersInAttributesAreReferences() throws {
        let name = "test/registered/test\nnew\tline.py"
        #expect(JUnitWriter.escape(name, attribute: true) == "test/registered/test&#10;new&#9;line.py")
        #expect(JUnitWriter.escape("a\nb") == "a\nb")
        let xml = "<testsuite name=\"s\"><testcase classname=\"c\" name=\"\(JUnitWriter.escape(name, attribute: true))\" file=\"\(JUnitWriter.escape(name, attribute: true))\" time=\"1.5\"/></testsuite>"
        let attempts = try JUnitReader.read(data: Data(xml.utf8), source: "out.xml", backend: "cpu")
        #expect(attempts.map(\.file) == [name])
    }
}

/// Five bytes that trapped Foundation's XML parser (repro 07).
@Suite struct JUnitEncodingTests {
    @Test func anInvalidUTF8JUnitIsLocated() {
        #expect {
            _ = try JUnitReader.read(data: Data([0x3C, 0xE2, 0x6A, 0x65, 0x63]), source: "junit.xml", backend: "cuda")
        } throws: { error in "\(error)".hasPrefix("junit.xml:1:2:") && "\(error)".contains("not UTF-8") }
    }
}

/// XML parser failures say what is wrong, not Foundation's error domain and number (repro 28, item 3).
@Suite struct XMLMessageTests {
    @Test func anUnescapedAmpersandIsNamed() {
        let xml = "<testsuites>\n<testsuite name=\"a & b\">\n</testsuite>\n</testsuites>\n"
        #expect {
            _ = try JUnitReader.read(data: Data(xml.utf8), source: "junit.xml", backend: "cuda")
        } throws: { error in
            "\(error)".hasPrefix("junit.xml:") && ("\(error)".contains("unescaped '&'") || "\(error)".contains("name was expected"))
                && !"\(error)".contains("NSXMLParserErrorDomain")
        }
    }
}

/// Reports past libxml2's 10 MB limits (repro 21; repro 28, item 4): a document or a text node of
/// any size up to 1 GiB is read; one attribute or CDATA section over 10 MB is named, not dropped.
@Suite struct LargeJUnitTests {
    @Test func aReportOverTenMegabytesIsRead() throws {
        var xml = "<testsuite name=\"s\">\n"
        for index in 0..<200_000 { xml += "<testcase file=\"t/a\(index % 100).py\" name=\"t\(index)\" time=\"1\"/>\n" }
        xml += "</testsuite>\n"
        #expect(xml.utf8.count > 10_000_000)
        let attempts = try JUnitReader.read(data: Data(xml.utf8), source: "big.xml", backend: "cuda")
        #expect(attempts.count == 100)
        #expect(attempts.allSatisfy { $0.seconds == 2000 })
    }

    @Test func capturedOutputOverTenMegabytesIsRead() throws {
        let output = String(repeating: String(repeating: "x", count: 99) + "\n", count: 101_000)
        let xml = "<testsuite name=\"s\">\n<testcase file=\"t/a.py\" name=\"t\" time=\"1.5\"><system-out>\(output)</system-out></testcase>\n</testsuite>\n"
        let attempts = try JUnitReader.read(data: Data(xml.utf8), source: "out.xml", backend: "cuda")
        #expect(attempts.map(\.file) == ["t/a.py"])
        #expect(attempts.first?.seconds == 1.5)
    }

    @Test func anAttributeOverTenMegabytesIsNamed() {
        let xml = "<testsuite>\n<testcase file=\"" + String(repeating: "a", count: 10_000_001) + ".py\" name=\"x\" time=\"1\"/></testsuite>\n"
        #expect {
            _ = try JUnitReader.read(data: Data(xml.utf8), source: "long.xml", backend: "cuda")
        } throws: { error in
            "\(error)" == "long.xml:2: an attribute value of 10000004 bytes; libxml2 reads at most 10000000 bytes in one"
        }
    }

    @Test func aCDATASectionOverTenMegabytesIsNamedAndQuotesInItAreNotAttributes() throws {
        let text = String(repeating: "it's ", count: 2_200_000)
        let xml = "<testsuite name=\"s\">\n<testcase file=\"t/a.py\" name=\"t\" time=\"1\"><system-out><![CDATA[\(text)]]></system-out></testcase>\n</testsuite>\n"
        #expect {
            _ = try JUnitReader.read(data: Data(xml.utf8), source: "cdata.xml", backend: "cuda")
        } throws: { error in "\(error)".hasPrefix("cdata.xml:2: a CDATA section of 11000000 bytes") }
        let small = "<testsuite name=\"s\">\n<!-- don't -->\n<testcase file=\"t/a.py\" name=\"t\" time=\"1\"><system-out><![CDATA[it's]]></system-out>"
            + "<system-err>" + String(repeating: "it's ", count: 2_200_000) + "</system-err></testcase>\n</testsuite>\n"
        #expect(try JUnitReader.read(data: Data(small.utf8), source: "ok.xml", backend: "cuda").count == 1)
    }
}
