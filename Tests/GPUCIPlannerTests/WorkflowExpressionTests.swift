import Testing
import GPUCISupport
@testable import GPUCIPlanner

/// GitHub Actions expressions over known inputs and matrix values, unknown elsewhere.
struct WorkflowExpressionTests {
    let context = WorkflowContext(
        inputs: .object([("runner_arch", .null), ("scheduled", .bool(true)), ("timeout", .string("30")),
                         ("partitions", .string(#"{"suite-a": {"size": 3, "arr": [0, 1, 2]}}"#)), ("name", .string("suite-a"))]),
        matrix: .object([("part", .number(2))]))

    @Test(arguments: [
        ("format('linux-{0}-1gpu-sglang', inputs.runner_arch || 'mi300')", WorkflowValue.string("linux-mi300-1gpu-sglang")),
        ("(inputs.runner_arch || 'mi300') == 'mi300' && 5400 || 2700", .number(5400)),
        ("inputs.scheduled && '--timeout-from-est-time' || ''", .string("--timeout-from-est-time")),
        ("!inputs.scheduled && 'a' || 'b'", .string("b")),
        ("fromJson(inputs.timeout)", .number(30)),
        ("fromJson(inputs.partitions)[inputs.name].size", .number(3)),
        ("fromJson(inputs.partitions)['suite-a'].arr[1]", .number(1)),
        ("fromJson(inputs.partitions).missing.size", .null),
        ("matrix.part", .number(2)),
        ("'It''s'", .string("It's")),
        ("'ABC' == 'abc'", .bool(true)),
        ("'1' == 1", .bool(true)),
        ("contains(fromJson('[\"a\",\"b\"]'), 'b')", .bool(true)),
        ("startsWith('base-a-x', 'base-a')", .bool(true)),
        ("toJson(matrix)", .string(#"{"part":2}"#)),
        ("join(fromJson('[1,2]'), '-')", .string("1-2")),
        ("3 > 2 && 0x10 == 16", .bool(true)),
    ])
    func knownValues(expression: String, expected: WorkflowValue) throws {
        #expect(try WorkflowExpression.evaluate(expression, in: context) == expected)
    }

    @Test(arguments: [
        "needs.check-changes.outputs.partitions",
        "github.event_name == 'schedule'",
        "fromJson(needs.x.outputs.y)[inputs.name].size",
        "(github.event_name == 'schedule' || inputs.runner_arch) && '--continue-on-error' || ''",
        "format('{0}', steps.rc.outputs.label)",
    ])
    func runTimeValuesStayUnknown(expression: String) throws {
        #expect(!(try WorkflowExpression.evaluate(expression, in: context)).isKnown)
    }

    @Test func shortCircuitSettlesWithoutTheUnknownSide() throws {
        #expect(try WorkflowExpression.evaluate("inputs.scheduled || github.x", in: context) == .bool(true))
        #expect(try WorkflowExpression.evaluate("!inputs.scheduled && github.x", in: context) == .bool(false))
    }

    @Test func interpolationKeepsASingleExpressionsTypeAndFillsText() throws {
        #expect(try WorkflowExpression.interpolate("${{ fromJson(inputs.timeout) }}", in: context) == .number(30))
        #expect(try WorkflowExpression.interpolate("run-${{ matrix.part }}-of-${{ fromJson(inputs.timeout) }}", in: context) == .string("run-2-of-30"))
        #expect(!(try WorkflowExpression.interpolate("x ${{ github.sha }}", in: context)).isKnown)
        #expect(try WorkflowExpression.split("a ${{ '}}' }} b") == [.text("a "), .expression("'}}'"), .text(" b")])
    }

    @Test(arguments: [("inputs.", 8), ("'open", 1), ("fromJson('{bad')", 17), ("a b", 3), ("(1", 3), ("", 1)])
    func malformedExpressionsSayWhere(expression: String, column: Int) {
        #expect {
            _ = try WorkflowExpression.evaluate(expression, in: context)
        } throws: { error in
            (error as? WorkflowExpressionError)?.column == column
        }
    }

    @Test func seededRandomExpressionsNeverCrash() {
        let pieces = ["inputs.", "matrix.", "github.", "'a'", "''", "(", ")", "[", "]", "&&", "||", "!", "==", "!=", "<", "1", "0x1f",
                      "fromJson(", "format(", "toJson(", "contains(", ",", ".", "*", "null", "true", "name", " ", "'{\"a\":1}'", "-", "1e3"]
        var random = SplitMix64(seed: 77)
        for _ in 0..<3_000 {
            let count = Int(random.next() % 12) + 1
            let text = (0..<count).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            do {
                _ = try WorkflowExpression.evaluate(text, in: context)
            } catch {
                #expect(error.column >= 1 && error.column <= text.unicodeScalars.count + 1, "\(text): \(error)")
            }
        }
    }
}
