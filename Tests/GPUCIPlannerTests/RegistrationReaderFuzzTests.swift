import GPUCITestSupport
import Testing
import GPUCISupport
@testable import GPUCIPlanner

/// Seeded random, truncated and token-soup inputs: the reader never crashes, and every
/// problem it reports names the file and a line inside it.
struct RegistrationReaderFuzzTests {
    private let realistic = #"""
    import unittest
    from sglang.test.ci.ci_register import register_amd_ci, register_cuda_ci

    register_cuda_ci(est_time=190, suite="stage-b-test-small-1-gpu")
    register_amd_ci(993, 'stage-b-test-small-1-gpu', False, None)  # AMD is slower
    register_cuda_ci(1_200.5, stage="base-b", runner_config="1-gpu-small", disabled=r"flaky \d")

    @unittest.skipIf(False, "x")
    class TestTorchCompile(unittest.TestCase):
        """Doc with 'quotes' and register_cuda_ci(1, "x")."""
        def test_mmlu(self):
            args = {"a": [1, 2, (3, 4)], 'b': f"{self!r:>10}"}
            self.assertGreater(0.65, 0.6)

    if __name__ == "__main__":
        unittest.main()
    """#

    private func check(_ bytes: [UInt8]) {
        let lineCount = bytes.filter { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }.count + 1
        let result = RegistrationReader.read(source: bytes, file: "fuzz.py")
        for problem in result.problems {
            #expect(problem.location?.file == "fuzz.py")
            #expect((problem.location?.line ?? 0) >= 1 && (problem.location?.line ?? 0) <= lineCount)
        }
        for registration in result.registrations {
            #expect(registration.estTime.isFinite)
            if let span = registration.estTimeSpan { #expect(span.lowerBound >= 0 && span.upperBound <= bytes.count) }
        }
    }

    @Test func randomBytes() {
        var random = SeededRandom(seed: 1)
        for _ in 0..<500 {
            let count = Int(random.next() % 200)
            check((0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        }
    }

    @Test func truncatedRealFiles() {
        let bytes = Array(realistic.utf8)
        for end in 0...bytes.count {
            check(Array(bytes[..<end]))
        }
        let complete = RegistrationReader.read(source: bytes, file: "fuzz.py")
        #expect(complete.problems.isEmpty)
        #expect(complete.registrations.count == 3)
    }

    @Test func mutatedRealFiles() {
        let interesting = Array(#"()[]{},'"\#\ =*:;.@0123456789jex_rbfu"#.utf8) + [10, 13, 9, 0, 0xC3, 0xFF]
        for sample in ByteMutations(of: Array(realistic.utf8), alphabet: interesting, count: 1500, seed: 2) {
            check(sample)
        }
    }

    @Test func tokenSoup() {
        var random = SeededRandom(seed: 3)
        let tokens = [
            "register_cuda_ci", "register_npu_ci", "(", ")", "[", "]", "{", "}", ",", "=", "*", "**", "\n", "    ",
            "\\\n", "#c\n", "10", "1_0.5e3", "0x1F", "2j", "'s'", "\"s\"", "r'\\q'", "b'x'", "f'{a}'", "'''t\n'''",
            "True", "False", "None", "suite", "est_time", "nightly", "disabled", "stage", "runner_config", "if", ":",
            "def", "class", "@", ";", ".", "ci", "-",
        ]
        for _ in 0..<2000 {
            let count = Int(random.next() % 30)
            let text = (0..<count).map { _ in tokens[Int(random.next() % UInt64(tokens.count))] }.joined(separator: " ")
            check(Array(text.utf8))
        }
    }

    @Test func deepNestingIsRejectedNotFatal() {
        let parens = "register_cuda_ci(" + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + ", 's')\n"
        let result = RegistrationReader.read(text: parens, file: "deep.py")
        #expect(result.registrations.isEmpty && result.problems.count == 1)
        let fstrings = String(repeating: "f'{", count: 2000) + String(repeating: "}'", count: 2000)
        let nested = RegistrationReader.read(text: "register_cuda_ci(1, \(fstrings))\n", file: "deep.py")
        #expect(nested.problems.first?.message.contains("nested") == true)
    }
}
