import GPUCISupport
import Testing
@testable import GPUCIPython

/// The literal-expression parser: what it models, the spans it keeps, what it leaves opaque.
struct ExpressionParserTests {
    private func parse(_ source: String) throws -> (PythonExpression, [UInt8]) {
        let bytes = Array(source.utf8)
        let tokens = try PythonTokenizer.logicalLines(bytes).flatMap(\.tokens)
        var parser = PythonExpressionParser(tokens)
        let expression = try parser.parseExpression()
        #expect(parser.atEnd)
        return (expression, bytes)
    }

    private func text(_ expression: PythonExpression, _ bytes: [UInt8]) -> String {
        String(decoding: bytes[expression.span], as: UTF8.self)
    }

    @Test func literalsAndContainers() throws {
        let (value, bytes) = try parse("[1, -2.5, 'a' \"b\", True, None, (1,), (2), {'k': [x], **more}, ()]")
        let items = try #require(value.items)
        #expect(items.map(\.kind) == [
            .number("1"),
            .negated(PythonExpression(kind: .number("2.5"), span: 5..<8, line: 1)),
            .string("ab"),
            .bool(true),
            .none,
            .tuple([PythonExpression(kind: .number("1"), span: 32..<33, line: 1)]),
            .number("2"),
            items[7].kind,
            .tuple([]),
        ])
        #expect(items.map { text($0, bytes) } == ["1", "-2.5", "'a' \"b\"", "True", "None", "(1,)", "2", "{'k': [x], **more}", "()"])
        guard case let .dict(entries) = items[7].kind else { Issue.record("expected a dict"); return }
        #expect(entries.map { $0.key?.constantText } == ["k", nil])
        #expect(entries.map { $0.value.items?.count ?? -1 } == [1, -1])
        #expect(items[1].signedNumberText == "-2.5")
    }

    @Test func callsKeepArgumentFormsAndSpans() throws {
        let (value, bytes) = try parse("pytest.mark.parametrize('n', [1, 2], *rest, ids=None, **extra).with_args")
        guard case let .attribute(base, attribute) = value.kind else { Issue.record("expected an attribute"); return }
        #expect(attribute == "with_args")
        let call = try #require(base.call)
        #expect(call.callee.dottedName == "pytest.mark.parametrize")
        #expect(call.arguments.map(\.form) == [.positional, .positional, .starred, .keyword("ids"), .doubleStarred])
        #expect(call.positional.map { text($0, bytes) } == ["'n'", "[1, 2]"])
        #expect(call.keyword("ids")?.kind == PythonExpression.Kind.none)
        #expect(call.keyword("missing") == nil)
        #expect(text(base, bytes) == "pytest.mark.parametrize('n', [1, 2], *rest, ids=None, **extra)")
        #expect(value.dottedName == nil)
    }

    @Test func parenthesesKeepTheInnerSpan() throws {
        let (value, bytes) = try parse("f(((300)), est_time=(1_0))")
        let call = try #require(value.call)
        #expect(call.arguments.map { text($0.value, bytes) } == ["300", "1_0"])
    }

    @Test func bareTuplesAndTrailingCommas() throws {
        #expect(try parse("a, b.c,").0.items?.map(\.dottedName) == ["a", "b.c"])
        #expect(try parse("f(a,)").0.call?.arguments.count == 1)
    }

    @Test(arguments: ["1 + 2", "x[0]", "lambda: 1", "[i for i in y]", "not x", "a if b else c", "{1, 2}", "...", "+1", "f(x)[1:2]"])
    func whatItDoesNotModelIsOpaqueAndWhole(source: String) throws {
        let (value, bytes) = try parse(source)
        #expect(value.kind == .opaque || value.items?.contains { $0.kind == .opaque } == true, "\(value.kind)")
        #expect(text(value, bytes) == source)
    }

    @Test func aListElementThatIsOpaqueStaysInItsSlot() throws {
        let (value, bytes) = try parse("[a + 1, {'x': lambda y: y}, 'z']")
        let items = try #require(value.items)
        #expect(items.map(\.kind) == [.opaque, items[1].kind, .string("z")])
        #expect(items.map { text($0, bytes) } == ["a + 1", "{'x': lambda y: y}", "'z'"])
    }

    @Test(arguments: [
        ("f(1,,2)", "expected an expression"),
        ("f(,)", "expected an expression"),
        ("f(a=)", "keyword argument 'a' has no value"),
        ("[1, , 2]", "expected an expression"),
        ("x = b'a' 'b'", "cannot mix bytes"),
    ])
    func pythonSyntaxErrorsAreProblems(source: String, message: String) throws {
        let tokens = try PythonTokenizer.logicalLines(Array(source.utf8)).flatMap(\.tokens)
        var parser = PythonExpressionParser(tokens, from: source.hasPrefix("x =") ? 2 : 0)
        do {
            _ = try parser.parseExpression()
            Issue.record("expected a problem")
        } catch {
            #expect(error.message.contains(message), "\(error)")
            #expect(error.line == 1)
        }
    }

    @Test func parsingStopsAtTheGivenOperators() throws {
        let tokens = try PythonTokenizer.logicalLines(Array("x = model_pool.get('m', mode=GRPC): y\n".utf8)).flatMap(\.tokens)
        var parser = PythonExpressionParser(tokens, from: 2)
        let value = try parser.parseElement()
        #expect(value.call?.keyword("mode")?.dottedName == "GRPC")
        #expect(tokens[parser.position] == .op(":"))
    }
}
