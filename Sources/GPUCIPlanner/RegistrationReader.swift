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
    }

    /// Reads registrations from UTF-8 source bytes; `file` names the file in records and errors.
    public static func read(source: [UInt8], file: String) -> FileResult {
        let lines: [PythonLogicalLine]
        do {
            lines = try PythonTokenizer.logicalLines(source)
        } catch {
            return FileResult(registrations: [], problems: [
                InputError("cannot parse the file as Python: \(error.message)", file: file, line: error.line),
            ])
        }
        var result = FileResult(registrations: [], problems: [])
        for logical in lines where logical.indent == 0 && !opensBlock(logical.tokens) {
            for statement in splitStatements(logical.tokens) {
                guard let call = registrationCall(statement) else { continue }
                do {
                    result.registrations.append(try readCall(call, file: file))
                } catch {
                    result.problems.append(error)
                }
            }
        }
        return result
    }

    /// Reads registrations from source text; see ``read(source:file:)``.
    public static func read(text: String, file: String) -> FileResult {
        read(source: Array(text.utf8), file: file)
    }

    // MARK: - Statements

    private static let compoundKeywords: Set<String> = [
        "if", "elif", "else", "for", "while", "try", "except", "finally", "with", "def", "class", "async",
    ]

    private static func opensBlock(_ tokens: [PythonToken]) -> Bool {
        guard let first = tokens.first else { return false }
        switch first.kind {
        case .op("@"):
            return true
        case .name(let name) where compoundKeywords.contains(name):
            return true
        case .name("match"), .name("case"):
            if case .op(":") = tokens.last?.kind { return tokens.count > 2 }
            return false
        default:
            return false
        }
    }

    private static func splitStatements(_ tokens: [PythonToken]) -> [ArraySlice<PythonToken>] {
        var statements: [ArraySlice<PythonToken>] = []
        var depth = 0
        var start = 0
        for (index, token) in tokens.enumerated() {
            switch token.kind {
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")"), .op("]"), .op("}"): depth -= 1
            case .op(";") where depth == 0:
                statements.append(tokens[start..<index])
                start = index + 1
            default: break
            }
        }
        statements.append(tokens[start...])
        return statements.filter { !$0.isEmpty }
    }

    /// A statement that is exactly `register_<backend>_ci( … )`.
    private struct Call {
        var backend: String
        var line: Int
        var arguments: [ArraySlice<PythonToken>]
        var closeLine: Int
    }

    private static func registrationCall(_ statement: ArraySlice<PythonToken>) -> Call? {
        // Parentheses around the whole statement make no AST node: `(register_cuda_ci(…))` is
        // still an expression statement whose value is the call.
        var unwrapped = statement
        var layers = 0
        while unwrapped.count >= 3, case .op("(") = unwrapped.first?.kind, case .op(")") = unwrapped.last?.kind,
              wrapsWhole(unwrapped) {
            unwrapped = unwrapped.dropFirst().dropLast()
            layers += 1
            // Deeper nesting is no statement anyone writes; stop before it turns quadratic.
            if layers > 32 { return nil }
        }
        let tokens = Array(unwrapped)
        guard tokens.count >= 3, case .name(let name) = tokens[0].kind, case .op("(") = tokens[1].kind,
              name.hasPrefix("register_"), name.hasSuffix("_ci")
        else { return nil }
        let backend = String(name.dropFirst("register_".count).dropLast("_ci".count))
        guard backends.contains(backend) else { return nil }
        var depth = 0
        var arguments: [ArraySlice<PythonToken>] = []
        var argumentStart = 2
        for index in 1..<tokens.count {
            switch tokens[index].kind {
            case .op("("), .op("["), .op("{"):
                depth += 1
            case .op(")"), .op("]"), .op("}"):
                depth -= 1
                if depth == 0 {
                    guard index == tokens.count - 1 else { return nil }
                    arguments.append(tokens[argumentStart..<index])
                }
            case .op(",") where depth == 1:
                arguments.append(tokens[argumentStart..<index])
                argumentStart = index + 1
            default:
                break
            }
        }
        if arguments.last?.isEmpty == true { arguments.removeLast() }
        return Call(backend: backend, line: tokens[0].line, arguments: arguments, closeLine: tokens[tokens.count - 1].line)
    }

    // MARK: - Arguments

    private static let parameterNames = ["est_time", "suite", "nightly", "disabled"]
    private static let keywordNames: Set<String> = ["est_time", "suite", "nightly", "disabled", "stage", "runner_config"]

    private static func readCall(_ call: Call, file: String) throws(InputError) -> Registration {
        func problem(_ message: String, key: String? = nil) -> InputError {
            InputError(message, file: file, line: call.line, key: key)
        }
        var values: [String: ArraySlice<PythonToken>] = [:]
        var positionalCount = 0
        var sawKeyword = false
        for argument in call.arguments {
            guard let first = argument.first else {
                throw problem("invalid syntax: empty argument in register_\(call.backend)_ci(...)")
            }
            if case .op("*") = first.kind { throw problem("starred arguments are not allowed in register_\(call.backend)_ci(...)") }
            if case .op("**") = first.kind { throw problem("**kwargs are not allowed in register_\(call.backend)_ci(...)") }
            if argument.count >= 2, case .name(let keyword) = first.kind,
               case .op("=") = argument[argument.startIndex + 1].kind {
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
                let value = argument.dropFirst(2)
                guard !value.isEmpty else { throw problem("invalid syntax: keyword '\(keyword)' has no value", key: keyword) }
                values[keyword] = value
            } else {
                guard !sawKeyword else { throw problem("invalid syntax: positional argument follows keyword argument") }
                guard positionalCount < parameterNames.count else {
                    throw problem("register_\(call.backend)_ci takes at most 4 positional arguments (est_time, suite, nightly, disabled), got \(call.arguments.count)")
                }
                values[parameterNames[positionalCount]] = argument
                positionalCount += 1
            }
        }

        guard let estTokens = values["est_time"] else { throw problem("est_time is missing", key: "est_time") }
        let estTime: Double
        let estLiteral: String
        let estSpan: Range<Int>
        switch literal(estTokens) {
        case .number(.int(let value), let text, let span), .number(.float(let value), let text, let span):
            (estTime, estLiteral, estSpan) = (value, text, span)
        case .bool(let flag, let span):
            (estTime, estLiteral, estSpan) = (flag ? 1 : 0, flag ? "True" : "False", span)
        case .number(.complex, _, _), .string, .bytes, .noneValue:
            throw problem("est_time must be an int or float literal", key: "est_time")
        case .notConstant:
            throw problem("est_time must be a literal constant (a number such as 300)", key: "est_time")
        }
        guard estTime.isFinite else { throw problem("est_time must be finite", key: "est_time") }

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

        // The reference tells the legacy form from the stage form by which arguments are present,
        // so an explicit `suite=None` next to stage + runner_config is an error there too.
        if values["suite"] != nil, values["stage"] != nil || values["runner_config"] != nil {
            throw problem("give exactly one of suite or stage + runner_config", key: "suite")
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
            file: file, backend: call.backend, suite: effectiveSuite, estTime: estTime, nightly: nightly,
            disabled: disabled, stage: stage, runnerConfig: runnerConfig, line: call.line, estTimeSpan: estSpan,
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

    private static func literal(_ expression: ArraySlice<PythonToken>) -> Literal {
        var tokens = expression
        var unwrapped = 0
        while tokens.count >= 3, case .op("(") = tokens.first?.kind, case .op(")") = tokens.last?.kind,
              wrapsWhole(tokens) {
            tokens = tokens.dropFirst().dropLast()
            unwrapped += 1
            // Deeper nesting is no literal anyone writes; stop before it turns quadratic.
            if unwrapped > 32 { return .notConstant }
        }
        guard let first = tokens.first, let last = tokens.last else { return .notConstant }
        let span = first.span.lowerBound..<last.span.upperBound
        if tokens.count == 1 {
            switch first.kind {
            case .number(let text):
                guard let number = PythonNumber(text) else { return .notConstant }
                return .number(number, text, span)
            case .name("True"): return .bool(true, span)
            case .name("False"): return .bool(false, span)
            case .name("None"): return .noneValue
            default: break
            }
        }
        var joined = ""
        var sawBytes = false
        for token in tokens {
            guard case .string(let value) = token.kind, !value.isFormatted else { return .notConstant }
            sawBytes = sawBytes || value.isBytes
            joined += value.value
        }
        return sawBytes ? .bytes : .string(joined, span)
    }

    private static func wrapsWhole(_ tokens: ArraySlice<PythonToken>) -> Bool {
        var depth = 0
        for index in tokens.indices {
            switch tokens[index].kind {
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")"), .op("]"), .op("}"):
                depth -= 1
                if depth == 0, index != tokens.index(before: tokens.endIndex) { return false }
            default: break
            }
        }
        return true
    }
}
