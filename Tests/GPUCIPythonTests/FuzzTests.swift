import GPUCISupport
import GPUCITestSupport
import Testing
@testable import GPUCIPython

/// Seeded random bytes, truncated and mutated real-looking modules and token soup: the reader
/// returns a module or a problem on a line of the input, in either layout, and never crashes.
struct FuzzTests {
    static let realistic = #"""
    # -*- coding: utf-8 -*-
    import pytest
    from sglang.test.ci.ci_register import register_cuda_ci

    register_cuda_ci(est_time=1_200.5, suite="stage-b-test-small-1-gpu", disabled=r"flaky \d")
    pytestmark = [pytest.mark.e2e, pytest.mark.model("llama-8b")]

    @pytest.mark.parametrize("setup_backend", ["http", "grpc"], indirect=True)
    @pytest.mark.workers(count=2, prefill=None)
    class TestRouter(Base, metaclass=Meta):
        """Doc with 'quotes' and register_cuda_ci(1, "x")."""
        def test_mmlu(self, setup_backend):
            args = {"a": [1, 2, (3, 4)], 'b': f"{self!r:>10}", **extra}
            model_pool.get("llama-8b", ConnectionMode.GRPC); x = -0x1F + 2j
            if args: return b'\x00' \
                + b"y"

    async def test_free(): ...
    match command:
        case [x, *rest] if x > 0:
            pass
    """#

    static let layouts: [PythonModuleReader.Layout] = [.strict, .tolerant]

    /// Reads `bytes` in both layouts and checks every outcome.
    private func check(_ bytes: [UInt8]) {
        let lineCount = bytes.filter { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }.count + 1
        for layout in Self.layouts {
            do {
                let module = try PythonModuleReader.read(bytes, layout: layout)
                for tokens in module.statements.flatMap(\.tokenLists) {
                    for token in tokens {
                        #expect(token.span.lowerBound >= 0 && token.span.upperBound <= bytes.count)
                        #expect(token.line >= 1 && token.line <= lineCount && token.column >= 1)
                    }
                }
            } catch {
                #expect(error.line >= 1 && error.line <= lineCount, "\(error)")
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test func theRealisticModuleReads() throws {
        let module = try PythonModuleReader.read(Array(Self.realistic.utf8), layout: .strict)
        #expect(module.definitions.map(\.name) == ["TestRouter", "test_free"])
        #expect(module.statements.count == 7)
    }

    @Test func randomBytes() {
        var random = SplitMix64(seed: 21)
        for _ in 0..<600 {
            let count = Int(random.next() % 240)
            check((0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        }
    }

    @Test func everyTruncationOfARealModule() {
        let bytes = Array(Self.realistic.utf8)
        for end in 0...bytes.count {
            check(Array(bytes[..<end]))
        }
    }

    @Test func mutatedRealModules() {
        let interesting = Array(#"()[]{},'"\#\ =*:;.@-0123456789jex_rbfu"#.utf8) + [10, 13, 9, 12, 0, 0xC3, 0xFF, 0xEF]
        for sample in ByteMutations(of: Array(Self.realistic.utf8), alphabet: interesting, count: 1500, seed: 22) {
            check(sample)
        }
    }

    @Test func tokenSoup() {
        var random = SplitMix64(seed: 23)
        let pieces = [
            "class", "def", "async", "if", "else", "match", "case", "lambda", "@", ":", ";", ",", "=", "*", "**", "-",
            "(", ")", "[", "]", "{", "}", ".", "\n", "\n    ", "\n        ", "\t", "\\\n", "#c\n", "x", "pytest.mark.e2e",
            "f(", "1_0.5e3", "0x1F", "2j", "'s'", "\"s\"", "r'\\q'", "b'x'", "f'{a}'", "'''t\n'''", "True", "None",
            "pass", "...", "model_pool.get(", "for", "in",
        ]
        var read = 0
        for _ in 0..<2500 {
            let count = Int(random.next() % 40)
            let text = (0..<count).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined(separator: " ")
            check(Array(text.utf8))
            if (try? PythonModuleReader.read(Array(text.utf8), layout: .tolerant)) != nil { read += 1 }
        }
        // The soup is not all rejected: some of it reads, so the reader's paths past the tokenizer run.
        #expect(read > 100)
    }

    @Test func deepButLegalNestingParses() throws {
        let depth = PythonTokenizer.maximumBracketDepth
        let source = "x = " + String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
            + "\nf(" + String(repeating: "g(", count: depth - 1) + String(repeating: ")", count: depth) + "\n"
        let module = try PythonModuleReader.read(Array(source.utf8), layout: .strict)
        var parser = PythonExpressionParser(module.statements[0].tokens, from: 2)
        var value = try parser.parseExpression()
        var levels = 0
        while let items = value.items, let first = items.first {
            value = first
            levels += 1
        }
        #expect(levels == depth && value.kind == .number("1"))
        var calls = PythonExpressionParser(module.statements[1].tokens)
        #expect(try calls.parseExpression().call != nil)
    }
}
