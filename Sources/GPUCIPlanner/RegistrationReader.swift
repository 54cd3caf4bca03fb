import GPUCIPython
import GPUCISupport

/// Reads the `register_<backend>_ci(...)` calls of one Python test file, by sglang's rules.
///
/// Only module-level expression statements that are a call to one of the bare names count;
/// calls inside blocks, assignments or through an attribute are ignored. Arguments must be
/// literal constants: positional order est_time, suite, nightly, disabled, or keywords of those
/// names, or the newer `stage` + `runner_config` pair (suite `<stage>-test-<runner_config>`).
public enum RegistrationReader {
    /// The backends that have a registration function.
    public static let backends = ["cpu", "cuda", "amd", "npu", "xpu", "musa", "mlx"]

    /// What one file yields: its registrations in source order and every problem found.
    public struct FileResult: Sendable, Hashable {
        /// Well-formed registrations, in source order.
        public var registrations: [Registration]
        /// Malformed calls and syntax errors, each with the file and line.
        public var problems: [InputError]
        /// The file's `if __name__ == "__main__":` blocks (``PythonMainBlock/Finding/missing``
        /// when the file does not parse).
        public var mainBlock: PythonMainBlock.Finding = .missing
    }

    /// Reads registrations from UTF-8 source bytes; `file` names the file in records and errors.
    public static func read(source: [UInt8], file: String) -> FileResult {
        let module: PythonModule
        do {
            module = try PythonModuleReader.read(source, layout: .strict)
        } catch {
            return FileResult(registrations: [], problems: [error.inputError(file: file, prefix: parseFailure)])
        }
        var result = FileResult(registrations: [], problems: [], mainBlock: PythonMainBlock.find(in: module, source: source))
        for statement in module.statements where statement.isSimple {
            let tokens = statement.tokens
            // Parentheses around the whole statement make no AST node: `(register_cuda_ci(…))` is
            // still an expression statement whose value is the call, as sglang's AST visitor sees it.
            guard let nameIndex = tokens.firstIndex(where: { !$0.isOp("(") }), nameIndex + 1 < tokens.count,
                  let name = tokens[nameIndex].name, tokens[nameIndex + 1].isOp("("),
                  let backend = backend(calledBy: name)
            else { continue }
            let expression: PythonExpression
            do {
                var parser = PythonExpressionParser(tokens)
                expression = try parser.parseExpression()
                guard parser.atEnd else { continue }
            } catch {
                result.problems.append(error.inputError(file: file, prefix: parseFailure))
                continue
            }
            // Only the bare call itself counts: `register_cuda_ci(...).x` or `(...)(...)` do not.
            guard let call = expression.call, call.callee.kind == .name(name) else { continue }
            do {
                result.registrations.append(try readCall(call, backend: backend, line: tokens[nameIndex].line, file: file))
            } catch {
                result.problems.append(error)
            }
        }
        return result
    }

    /// Reads registrations from source text; see ``read(source:file:)``.
    public static func read(text: String, file: String) -> FileResult {
        read(source: Array(text.utf8), file: file)
    }

    private static let parseFailure = "cannot parse the file as Python: "

    /// The backend of `register_<backend>_ci`, when `name` is one of those functions.
    private static func backend(calledBy name: String) -> String? {
        guard name.hasPrefix("register_"), name.hasSuffix("_ci") else { return nil }
        let backend = String(name.dropFirst("register_".count).dropLast("_ci".count))
        return backends.contains(backend) ? backend : nil
    }

    // MARK: - Arguments

    private static let parameterNames = ["est_time", "suite", "nightly", "disabled"]
    private static let keywordNames: Set<String> = ["est_time", "suite", "nightly", "disabled", "stage", "runner_config"]

    private static func readCall(_ call: PythonCall, backend: String, line: Int, file: String) throws(InputError) -> Registration {
        func problem(_ message: String, key: String? = nil) -> InputError {
            InputError(message, file: file, line: line, key: key)
        }
        var values: [String: PythonExpression] = [:]
        var positionalCount = 0
        var sawKeyword = false
        for argument in call.arguments {
            switch argument.form {
            case .starred:
                throw problem("starred arguments are not allowed in register_\(backend)_ci(...)")
            case .doubleStarred:
                throw problem("**kwargs are not allowed in register_\(backend)_ci(...)")
            case let .keyword(keyword):
                sawKeyword = true
                guard keywordNames.contains(keyword) else {
                    throw problem("unknown keyword argument '\(keyword)' (expected est_time, suite, nightly, disabled, stage or runner_config)", key: keyword)
                }
                guard values[keyword] == nil else {
                    let positional = parameterNames.prefix(positionalCount).contains(keyword)
                    throw problem(positional
                        ? "keyword argument '\(keyword)' repeats a positional argument"
                        : "keyword argument '\(keyword)' repeated", key: keyword)
                }
                values[keyword] = argument.value
            case .positional:
                guard !sawKeyword else { throw problem("invalid syntax: positional argument follows keyword argument") }
                guard positionalCount < parameterNames.count else {
                    throw problem("register_\(backend)_ci takes at most 4 positional arguments (est_time, suite, nightly, disabled), got \(call.arguments.count)")
                }
                values[parameterNames[positionalCount]] = argument.value
                positionalCount += 1
            }
        }

        guard let estExpression = values["est_time"] else { throw problem("est_time is missing", key: "est_time") }
        let estTime: Double
        let estLiteral: String
        let estSpan: Range<Int>
        switch literal(estExpression) {
        case .number(.int(let value), let text, let span), .number(.float(let value), let text, let span):
            (estTime, estLiteral, estSpan) = (value, text, span)
        case .bool(let flag, let span):
            (estTime, estLiteral, estSpan) = (flag ? 1 : 0, flag ? "True" : "False", span)
        case .number(.complex, _, _), .string, .bytes, .noneValue:
            throw problem("est_time must be an int or float literal", key: "est_time")
        case .notConstant:
            throw problem("est_time must be a literal constant (a number such as 300)", key: "est_time")
        }
        guard DurationLimit.accepts(estTime) else { throw problem("est_time must be \(DurationLimit.expected), found \(estLiteral)", key: "est_time") }

        let nightly: Bool
        switch values["nightly"].map(literal) {
        case nil: nightly = false
        case .bool(let flag, _)?: nightly = flag
        default: throw problem("nightly must be a bool literal (True or False)", key: "nightly")
        }

        let disabled: String?
        switch values["disabled"].map(literal) {
        case nil, .noneValue?: disabled = nil
        case .string(let text, _)?: disabled = text
        default: throw problem("disabled must be a string literal (the reason) or None", key: "disabled")
        }

        func text(_ key: String) throws(InputError) -> String? {
            switch values[key].map(literal) {
            case nil: return nil
            case .noneValue? where key == "suite": return nil
            case .string(let text, _)?: return text
            case .notConstant?: throw problem("\(key) must be a literal constant (a string)", key: key)
            default: throw problem("\(key) must be a string literal", key: key)
            }
        }
        let suite = try text("suite")
        let stage = try text("stage")
        let runnerConfig = try text("runner_config")
        // Like the reference, the form is decided by which arguments are present: an explicit
        // `suite=None` beside stage + runner_config is a conflict, not an absent suite.
        if values["suite"] != nil, suite == nil, stage != nil || runnerConfig != nil {
            throw problem("give exactly one of suite or stage + runner_config", key: "suite")
        }
        let effectiveSuite: String
        switch (suite, stage, runnerConfig) {
        case (let suite?, nil, nil):
            effectiveSuite = suite
        case (nil, let stage?, let runnerConfig?):
            effectiveSuite = "\(stage)-test-\(runnerConfig)"
        case (nil, nil, nil):
            throw problem("suite is missing (give suite, or stage and runner_config)", key: "suite")
        case (nil, _, _):
            throw problem("stage and runner_config must be given together", key: stage == nil ? "stage" : "runner_config")
        default:
            throw problem("give exactly one of suite or stage + runner_config", key: "suite")
        }
        return Registration(
            file: file, backend: backend, suite: effectiveSuite, estTime: estTime, nightly: nightly,
            disabled: disabled, stage: stage, runnerConfig: runnerConfig, line: line, estTimeSpan: estSpan,
            estTimeLiteral: estLiteral)
    }

    /// The constant an argument expression denotes, if it is a literal.
    private enum Literal {
        case number(PythonNumber, String, Range<Int>)
        case string(String, Range<Int>)
        case bool(Bool, Range<Int>)
        /// A bytes constant: a literal, but never a `str`.
        case bytes
        case noneValue
        case notConstant
    }

    private static func literal(_ expression: PythonExpression) -> Literal {
        let span = expression.span
        switch expression.kind {
        case let .number(text):
            guard let number = PythonNumber(text) else { return .notConstant }
            return .number(number, text, span)
        case let .bool(flag): return .bool(flag, span)
        case .none: return .noneValue
        case let .string(string) where string.isBytes: return .bytes
        case let .string(string): return string.constantText.map { .string($0, span) } ?? .notConstant
        default: return .notConstant
        }
    }
}
