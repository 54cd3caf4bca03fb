import GPUCISupport
import Testing
@testable import GPUCIPython

/// The tokenizer: token kinds, exact byte spans, lines and columns, every literal form, joining.
struct TokenizerTests {
    private func tokens(_ source: String) throws -> [PythonToken] {
        try PythonTokenizer.logicalLines(Array(source.utf8)).flatMap(\.tokens)
    }

    private func problem(_ source: String) -> PythonSyntaxProblem? {
        do {
            _ = try PythonTokenizer.logicalLines(Array(source.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func spansLinesAndColumnsAreBytesOfTheSource() throws {
        let source = "é = 'ü'  # c\nregister_cuda_ci(1_000, \"s\")\n"
        let bytes = Array(source.utf8)
        let all = try tokens(source)
        #expect(all.map { String(decoding: bytes[$0.span], as: UTF8.self) }
            == ["é", "=", "'ü'", "register_cuda_ci", "(", "1_000", ",", "\"s\"", ")"])
        #expect(all.map(\.line) == [1, 1, 1, 2, 2, 2, 2, 2, 2])
        // Columns count UTF-8 bytes from 1: `é` is two bytes wide.
        #expect(all.map(\.column) == [1, 4, 6, 1, 17, 18, 23, 25, 28])
        #expect(all[5] == .number("1_000"))
        #expect(all[2] == .string("ü"))
    }

    @Test func stringPrefixesQuotesAndEscapes() throws {
        let source = #"""
        a = 'q\'\x41\101\u00e9\q'
        b = r"raw\n\"" + R'x'
        c = b'\xff' + Rb"\d" + BR'y'
        d = f"{x!r:>{w}} {'in'} lit" + rf'{a}\n'
        e = """tri
        ple""" + u'U'
        """#
        let strings = try tokens(source).compactMap { token -> PythonString? in
            if case let .string(string) = token.kind { string } else { nil }
        }
        #expect(strings.map(\.value) == ["q'AAé\\q", "raw\\n\\\"", "x", "\u{FF}", "\\d", "y", "  lit", "\\n", "tri\nple", "U"])
        #expect(strings.map(\.isBytes) == [false, false, false, true, true, true, false, false, false, false])
        #expect(strings.map(\.isFormatted) == [false, false, false, false, false, false, true, true, false, false])
        #expect(strings[0].constantText == "q'AAé\\q" && strings[3].constantText == nil && strings[6].constantText == nil)
    }

    @Test func numbersAsWritten() throws {
        let numbers = try tokens("x = [0, 1_000, 0x1F, 0o7_7, 0b1, 3.5, .5, 5., 1e3, 1.5E-2_0, 2j, 1_0.5e3]\n").compactMap { token -> String? in
            if case let .number(text) = token.kind { text } else { nil }
        }
        #expect(numbers == ["0", "1_000", "0x1F", "0o7_7", "0b1", "3.5", ".5", "5.", "1e3", "1.5E-2_0", "2j", "1_0.5e3"])
        #expect(numbers.map { PythonNumber($0) } == [
            .int(0), .int(1000), .int(31), .int(63), .int(1), .float(3.5), .float(0.5), .float(5), .float(1000), .float(1.5e-20),
            .complex, .float(10500),
        ])
        for bad in ["0x", "1__0", "1_", "012", "0b2", "1e", "3abc"] {
            #expect(problem("x = \(bad)\n") != nil, "\(bad)")
        }
    }

    @Test func commentsAndLineJoining() throws {
        let source = "x = (1,  # a comment (\n     2)\ny = 1 + \\\n    2\n# only a comment\n\nz = {\n}\r\nw = 'a#b'\r\n"
        let lines = try PythonTokenizer.logicalLines(Array(source.utf8))
        #expect(lines.map(\.line) == [1, 3, 7, 9])
        #expect(lines.map { $0.tokens.count } == [7, 5, 4, 3])
        #expect(lines.map(\.indent) == [0, 0, 0, 0])
        #expect(lines[3].tokens[2] == .string("a#b"))
    }

    @Test func byteOrderMarkAndTabsInIndentation() throws {
        let source = "\u{FEFF}if x:\n\tpass\nif y:\n        pass\n"
        let lines = try PythonTokenizer.logicalLines(Array(source.utf8))
        #expect(lines.map(\.indent) == [0, 8, 0, 8])
        #expect(lines[0].tokens[0].span == 3..<5)
        #expect(lines[0].tokens[0].column == 1)
    }

    @Test(arguments: [
        ("x = (1,\n2\n", 1, "'(' was never closed"),
        ("a = 1\nb = ]\n", 2, "unbalanced brackets: unmatched ']'"),
        ("a = (1]\n", 1, "does not match opening parenthesis '('"),
        ("a = 1\nb = 'open\n", 2, "unterminated string literal"),
        ("a = '''open\n\n", 1, "unterminated triple-quoted string literal"),
        ("  a = 1\n", 1, "unexpected indent"),
        ("if x:\npass\n", 2, "expected an indented block"),
        ("if x:\n    a\n  b\n", 3, "unindent does not match"),
        ("a = 1 \\ b\n", 1, "after line continuation"),
        ("a = $\n", 1, "invalid character"),
        ("a = 1 ! 2\n", 1, "invalid syntax: '!'"),
        ("a = b'é'\n", 1, "bytes can only contain ASCII"),
        ("a = '\\x4'\n", 1, "truncated"),
        ("a = 1\0\n", 1, "null bytes"),
        ("a = '\\N{DASH}'\n", 1, "not supported"),
    ])
    func problemsNameTheirLine(source: String, line: Int, message: String) throws {
        let found = try #require(problem(source))
        #expect(found.line == line)
        #expect(found.message.contains(message), "\(found)")
        let error = found.inputError(file: "m.py", prefix: "cannot parse: ")
        #expect(error.location?.file == "m.py" && error.location?.line == line)
        #expect(error.message.hasPrefix("cannot parse: "))
    }

    @Test func bracketDepthIsCappedLikePython() throws {
        let depth = PythonTokenizer.maximumBracketDepth
        _ = try tokens("x = " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + "\n")
        let deeper = problem("x = " + String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1) + "\n")
        #expect(deeper?.message == "too many nested parentheses")
    }

    @Test func linesTakesTextAndNamesTheFile() {
        do {
            _ = try PythonTokenizer.lines("ok = 1\nbad = (\n", file: "pkg/test_x.py")
            Issue.record("expected an error")
        } catch {
            #expect(error.location?.file == "pkg/test_x.py")
            #expect(error.location?.line == 2)
        }
    }
}
