import GPUCISupport
import Testing
@testable import GPUCIPython

/// The module reader: statements, compound suites, decorated definitions and class bodies.
struct ModuleReaderTests {
    static let module = """
    import pytest
    pytestmark = pytest.mark.e2e; X = 1

    @pytest.mark.model("qwen-7b")
    @pytest.mark.parametrize("n", [1, 2])
    class TestA(Base, mixins.Extra, metaclass=Meta):
        pytestmark = [pytest.mark.gateway(policy="cache_aware")]

        def helper(self): return model_pool.get("m")

        async def test_two(self):
            if True:
                model_pool.get("llama", ConnectionMode.GRPC)

        class TestInner:
            def test_deep(self): ...

    if __name__ == "__main__": main(); done()
    match command:
        case "go":
            pass
    match = 3
    """

    @Test func topLevelStatements() throws {
        let module = try PythonModuleReader.read(Self.module, file: "m.py", layout: .strict)
        let summary = module.statements.map { statement -> String in
            switch statement.kind {
            case .simple: "simple \(statement.line) \(statement.tokens.first?.name ?? "?")"
            case let .compound(keyword, body): "compound \(statement.line) \(keyword) \(body.count)"
            case let .definition(definition): "definition \(statement.line) \(definition.name)"
            }
        }
        #expect(summary == [
            "simple 1 import", "simple 2 pytestmark", "simple 2 X", "definition 6 TestA",
            "compound 18 if 2", "compound 19 match 1", "simple 22 match",
        ])
        // A compound header runs through its colon.
        #expect(module.statements[4].tokens.last?.kind == .op(":"))
    }

    @Test func decoratedClassWithItsBody() throws {
        let module = try PythonModuleReader.read(Self.module, file: "m.py", layout: .strict)
        let test = try #require(module.definitions.first)
        #expect(test.kind == .classDef && test.line == 6)
        #expect(test.decorators.map { $0.call?.callee.dottedName } == ["pytest.mark.model", "pytest.mark.parametrize"])
        #expect(test.baseNames == ["Base", "mixins.Extra"])
        #expect(test.arguments.last?.form == .keyword("metaclass"))
        #expect(test.members.map(\.name) == ["helper", "test_two", "TestInner"])
        #expect(test.members.map(\.kind) == [.function, .function, .classDef])
        #expect(test.members.map(\.line) == [9, 11, 15])
        #expect(test.members[2].members.map(\.name) == ["test_deep"])
        #expect(test.body.filter(\.isSimple).map { $0.tokens.first?.name } == ["pytestmark"])
        // The inline body of `helper` and the nested `if` of `test_two` are both statements.
        #expect(test.members[0].body.map(\.tokens.count) == [7])
        let nested = test.members[1].body.flatMap(\.tokenLists)
        #expect(nested.count == 2 && nested[1].first?.kind == .name("model_pool"))
    }

    @Test(arguments: [
        ("  x = 1\n", 1, "unexpected indent"),
        ("class A:\n", 1, "expected an indented block"),
        ("class A:\nx = 1\n", 2, "expected an indented block"),
        ("@decorator\nx = 1\n", 1, "decorator must be followed"),
        ("@decorator\n", 1, "decorator must be followed"),
        ("if x\n    pass\n", 2, "unexpected indent"),
        ("if x\n", 1, "expected ':'"),
        ("def (x): pass\n", 1, "expected a name after 'def'"),
        ("@f(,)\ndef g(): pass\n", 1, "expected an expression"),
    ])
    func strictLayoutFollowsPython(source: String, line: Int, message: String) {
        do {
            _ = try PythonModuleReader.read(source, file: "m.py", layout: .strict)
            Issue.record("expected an error")
        } catch {
            #expect(error.location?.file == "m.py")
            #expect(error.location?.line == line)
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func tolerantLayoutPassesOverLayoutMistakesOnly() throws {
        let source = "    def test_a(): pass\nclass TestB:\n@pytest.mark.e2e\nx = 1\n        stray = 2\ndef test_c():\n    pass\n"
        #expect(throws: InputError.self) { try PythonModuleReader.read(source, file: "m.py") }
        let module = try PythonModuleReader.read(source, file: "m.py", layout: .tolerant)
        #expect(module.definitions.map(\.name) == ["test_a", "TestB", "test_c"])
        #expect(module.definitions.map(\.decorators.count) == [0, 0, 0])
        #expect(module.definitions[1].body.isEmpty)
        #expect(throws: InputError.self) { try PythonModuleReader.read("x = 'open\n", file: "m.py", layout: .tolerant) }
    }
}
