import Testing
import GPUCISupport
@testable import GPUCIPlanner

/// The reference registration rules (sglang-reference §5.1 and the newer forms).
struct RegistrationReaderTests {
    private func read(_ source: String) -> RegistrationReader.FileResult {
        RegistrationReader.read(text: source, file: "test/registered/x/test_a.py")
    }

    @Test func positionalKeywordAndNewStyleCalls() throws {
        let source = """
        # -*- coding: utf-8 -*-
        \"\"\"Docstring mentioning register_cuda_ci(1, "not-a-call")\"\"\"
        import unittest
        from sglang.test.ci.ci_register import register_amd_ci, register_cuda_ci, register_npu_ci

        register_cuda_ci(190, "stage-b-test-small-1-gpu")
        register_amd_ci(est_time=993, suite='stage-b-test-small-1-gpu')
        register_cuda_ci(1_200.5, "nightly-1-gpu", True, None)
        register_npu_ci(
            est_time=400,   # minutes? no, seconds
            suite=r"nightly-1-npu-a3",
            nightly=True,
            disabled="flaky on " "A3",
        )
        register_cuda_ci(est_time=1800, stage="base-c", runner_config="4-gpu-gb300")
        register_cuda_ci(3e2, \\
            'stage-a-test-1'); register_cuda_ci(.5, u"tiny")

        class TestA(unittest.TestCase):
            def test_x(self):
                register_cuda_ci(1, "inside-def")

        if __name__ == "__main__":
            unittest.main()
        """
        let result = read(source)
        #expect(result.problems.isEmpty)
        let summary = result.registrations.map { "\($0.backend) \($0.suite) \($0.estTime) \($0.nightly) \($0.disabled ?? "-") \($0.line ?? 0)" }
        #expect(summary == [
            "cuda stage-b-test-small-1-gpu 190.0 false - 6",
            "amd stage-b-test-small-1-gpu 993.0 false - 7",
            "cuda nightly-1-gpu 1200.5 true - 8",
            "npu nightly-1-npu-a3 400.0 true flaky on A3 9",
            "cuda base-c-test-4-gpu-gb300 1800.0 false - 15",
            "cuda stage-a-test-1 300.0 false - 16",
            "cuda tiny 0.5 false - 17",
        ])
        let staged = result.registrations[4]
        #expect(staged.stage == "base-c" && staged.runnerConfig == "4-gpu-gb300")
        // The span is the literal's bytes, which `history apply` rewrites.
        let bytes = Array(source.utf8)
        for registration in result.registrations {
            let span = try #require(registration.estTimeSpan)
            #expect(String(decoding: bytes[span], as: UTF8.self) == registration.estTimeLiteral)
        }
        #expect(result.registrations.map(\.estTimeLiteral) == ["190", "993", "1_200.5", "400", "1800", "3e2", ".5"])
    }

    @Test func callsOutsideModuleLevelExpressionStatementsAreIgnored() {
        let source = """
        import sglang.test.ci.ci_register as ci_register
        ci_register.register_cuda_ci(10, "attribute")
        if True:
            register_cuda_ci(10, "inside-if")
        if True: register_cuda_ci(10, "one-line-if"); register_cuda_ci(10, "after-semicolon-in-if")
        x = register_cuda_ci(10, "assigned")
        register_cuda_ci(10, "chained").x
        @decorator(register_cuda_ci(10, "decorator"))
        def f():
            pass
        s = '''
        register_cuda_ci(10, "in-string")
        '''
        register_tpu_ci(10, "unknown-backend")
        register_cuda_ci(10, "real")
        """
        let result = read(source)
        #expect(result.problems.isEmpty)
        #expect(result.registrations.map(\.suite) == ["real"])
    }

    @Test(arguments: [
        ("register_cuda_ci(*args)", "starred"),
        ("register_cuda_ci(10, 's', **extra)", "**kwargs"),
        ("register_cuda_ci(10, 's', False, None, 5)", "at most 4 positional"),
        ("register_cuda_ci(10, 's', owner='me')", "unknown keyword argument 'owner'"),
        ("register_cuda_ci(10, 's', suite='t')", "repeats a positional"),
        ("register_cuda_ci(TIME, 's')", "est_time must be a literal constant"),
        ("register_cuda_ci(-5, 's')", "est_time must be a literal constant"),
        ("register_cuda_ci('10', 's')", "est_time must be an int or float"),
        ("register_cuda_ci(2j, 's')", "est_time must be an int or float"),
        ("register_cuda_ci(suite='s')", "est_time is missing"),
        ("register_cuda_ci(10)", "suite is missing"),
        ("register_cuda_ci(10, SUITE)", "suite must be a literal constant"),
        ("register_cuda_ci(10, b's')", "suite must be a string literal"),
        ("register_cuda_ci(10, f's{x}')", "suite must be a literal constant"),
        ("register_cuda_ci(10, 's', nightly=1)", "nightly must be a bool literal"),
        ("register_cuda_ci(10, 's', nightly=None)", "nightly must be a bool literal"),
        ("register_cuda_ci(10, 's', disabled=True)", "disabled must be a string literal"),
        ("register_cuda_ci(10, 's', stage='a', runner_config='b')", "exactly one of suite"),
        ("register_cuda_ci(10, stage='a')", "stage and runner_config must be given together"),
        ("register_cuda_ci(est_time=10, 's')", "positional argument follows keyword"),
        ("register_cuda_ci(10, 's', nightly=True, nightly=False)", "repeated"),
    ])
    func malformedCallsAreReportedWithFileAndLine(call: String, message: String) throws {
        let result = read("import os\n\n\(call)\n")
        #expect(result.registrations.isEmpty)
        let problem = try #require(result.problems.first)
        #expect(problem.location?.file == "test/registered/x/test_a.py")
        #expect(problem.location?.line == 3)
        #expect(problem.message.contains(message), "\(problem)")
    }

    /// Found by diffing against sglang's `RegistryVisitor` (ci_register.py @ 000853484b): parentheses
    /// around the whole statement make no AST node, so the call still registers there.
    @Test func aParenthesizedCallStatementRegistersLikeInTheReference() {
        let result = read("(register_cuda_ci(10, 's'))\n((register_amd_ci(20, 't')))\n(register_cuda_ci(30, 'u')).x\n")
        #expect(result.problems.isEmpty)
        #expect(result.registrations.map(\.suite) == ["s", "t"])
        #expect(result.registrations.map(\.estTime) == [10, 20])
    }

    /// Found by the same diff: the reference decides the legacy vs stage form by which arguments
    /// are present, so `suite=None` next to stage + runner_config is rejected, not ignored.
    @Test(arguments: ["register_cuda_ci(10, None, stage='b', runner_config='r')",
                      "register_cuda_ci(10, suite=None, stage='b', runner_config='r')"])
    func anExplicitNoneSuiteBesideStageIsRejected(call: String) throws {
        let result = read("\(call)\n")
        #expect(result.registrations.isEmpty)
        let problem = try #require(result.problems.first)
        #expect(problem.message.contains("exactly one of suite"), "\(problem)")
    }

    @Test func aBoolEstTimePassesLikeInTheReference() {
        let result = read("register_cuda_ci(True, 's')\n")
        #expect(result.registrations.map(\.estTime) == [1])
    }

    @Test(arguments: [
        ("register_cuda_ci(10, 's'\n", "was never closed"),
        ("register_cuda_ci(10, 's'))\n", "unmatched ')'"),
        ("x = 'open\nregister_cuda_ci(10, 's')\n", "unterminated string"),
        ("  register_cuda_ci(10, 's')\n", "unexpected indent"),
        ("if x:\nregister_cuda_ci(10, 's')\n", "expected an indented block"),
        ("register_cuda_ci(10, 's') \\ x\n", "after line continuation"),
        ("register_cuda_ci(0x, 's')\n", "invalid number"),
        ("register_cuda_ci(1__0, 's')\n", "invalid number"),
        ("register_cuda_ci(10, 's$')$\n", "invalid character"),
    ])
    func syntaxErrorsNameTheFileAndLine(source: String, message: String) throws {
        let result = read("import os\n" + source)
        let problem = try #require(result.problems.first)
        #expect(problem.message.contains(message), "\(problem)")
        #expect(problem.location?.line != nil)
    }

    @Test func stringFormsDecode() {
        let source = #"""
        register_cuda_ci(1, 'a\tb\x41\u00e9\101\'')
        register_cuda_ci(2, r'raw\n\'')
        register_cuda_ci(3, """tri
        ple""")
        register_cuda_ci(4, Rb'x' if False else 'y')
        register_cuda_ci(5, ("paren"))
        register_cuda_ci(6, f"{'nested'}")
        register_cuda_ci(7, 'é' 'x', disabled=None)
        """#
        let result = read(source)
        #expect(result.registrations.map(\.suite) == ["a\tbAéA'", "raw\\n\\'", "tri\nple", "paren", "éx"])
        #expect(result.problems.count == 2)
        #expect(result.problems.map { $0.location?.line } == [5, 7])
    }

    @Test func nestedFStringsParse() {
        let source = #"""
        y = f"{d["k"]:>{width}} {f'{x!r}'}"
        register_cuda_ci(1, "ok")
        register_cuda_ci(1, "s", disabled=f"{d["k"]}")
        """#
        let result = read(source)
        #expect(result.registrations.map(\.suite) == ["ok"])
        #expect(result.problems.map { $0.location?.line } == [3])
        #expect(result.problems.first?.message.contains("disabled must be a string literal") == true)
    }
}
