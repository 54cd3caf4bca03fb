import GPUCISupport

/// One `python3 run_suite.py --hw … --suite …` command found in a step's `run:` script.
public struct RunSuiteInvocation: Sendable, Hashable {
    /// A word of the command line: literal text, or text holding an expression known only at run time.
    public enum Word: Sendable, Hashable {
        case literal(String)
        case unknown(String)

        /// The literal text, if known.
        public var literal: String? {
            if case .literal(let text) = self { return text }
            return nil
        }

        /// The word as it reads in messages.
        public var rendered: String {
            switch self {
            case .literal(let text): return text
            case .unknown(let expression): return "${{ \(expression) }}"
            }
        }
    }

    /// `--hw`.
    public var hardware: Word?
    /// `--suite`.
    public var suite: Word?
    /// `--nightly`.
    public var nightly = false
    /// `--auto-partition-id`.
    public var partitionID: Word?
    /// `--auto-partition-size`.
    public var partitionSize: Word?
    /// `--timeout-per-file` (seconds).
    public var timeoutPerFile: Word?
    /// `--timeout-from-est-time`.
    public var timeoutFromEstTime = false
    /// Options and words gpuci does not read, and unknown parts that might have held a flag that
    /// matters — each said in the import report.
    public var notes: [String] = []

    /// run_suite.py's options that take a value, and those that do not (its `argparse` setup).
    static let valued: Set<String> = ["--hw", "--suite", "--auto-partition-id", "--auto-partition-size", "--timeout-per-file",
                                      "--max-attempts", "--partition-model-file", "--retry-wait-seconds", "--retry-timeout-increase"]
    static let flags: Set<String> = ["--nightly", "--continue-on-error", "--timeout-from-est-time", "--enable-retry", "--report-est-time"]
    /// Flags whose absence or presence changes what gpuci reports.
    static let significant: Set<String> = ["--nightly", "--timeout-from-est-time", "--auto-partition-size", "--auto-partition-id", "--timeout-per-file", "--suite", "--hw"]

    /// The `run_suite.py` commands of a `run:` script after its known `${{ }}` parts were put in.
    ///
    /// Unknown parts arrive as placeholder words from ``ShellCommandLine``; `unknownText` maps a
    /// placeholder to its expression.
    public static func find(in script: String, unknowns: [String], environment: [String: String] = [:]) -> [RunSuiteInvocation] {
        let variables = ShellVariables(environment: environment, script: script)
        return ShellCommandLine.commands(script).flatMap { words -> [RunSuiteInvocation] in
            guard let start = words.firstIndex(where: { word in
                let name = word.split(separator: "/").last.map(String.init) ?? word
                return name == "run_suite.py"
            }) else {
                // A script handed to `bash -c "…"` or `docker exec … sh -c "…"` is one word.
                return words.filter { $0.contains("run_suite.py") && $0.contains(" ") }
                    .flatMap { find(in: $0, unknowns: unknowns, environment: environment) }
            }
            var arguments: [Word] = []
            for word in words[(start + 1)...] {
                switch variables.expand(word) {
                case .known(let expanded):
                    let parts = word.hasPrefix("$") ? expanded.split(separator: " ").map(String.init) : [expanded]
                    for part in parts {
                        let expressions = ShellCommandLine.placeholders(in: part)
                        arguments.append(expressions.isEmpty ? .literal(part)
                            : .unknown(expressions.map { unknowns.indices.contains($0) ? unknowns[$0] : "?" }.joined(separator: " ")))
                    }
                case .unknown(let candidates):
                    let quoted = candidates.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }
                    arguments.append(.unknown("shell \(word)" + (quoted.isEmpty ? "" : " set to one of " + quoted.joined(separator: ", "))))
                }
            }
            return [parse(arguments)]
        }
    }

    static func parse(_ arguments: [Word]) -> RunSuiteInvocation {
        var invocation = RunSuiteInvocation()
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            guard case .literal(let text) = word else {
                if case .unknown(let expression) = word {
                    let possible = WorkflowExpression.literals(in: expression).flatMap { $0.split(separator: " ").map(String.init) }
                    let matters = possible.filter { significant.contains($0) }
                    if !matters.isEmpty {
                        invocation.notes.append("an argument known only at run time may be \(matters.joined(separator: " or ")): ${{ \(expression) }}")
                    }
                }
                continue
            }
            if let redirect = text.firstIndex(where: { $0 == ">" || $0 == "<" }),
               text[..<redirect].allSatisfy({ $0.isNumber || $0 == "&" }) {
                if text[redirect...].allSatisfy({ $0 == ">" || $0 == "<" || $0 == "&" }), !text.hasSuffix("&") { index += 1 }
                continue
            }
            var option = text, inlineValue: Word?
            if let equals = text.firstIndex(of: "="), text.hasPrefix("--") {
                option = String(text[..<equals])
                inlineValue = .literal(String(text[text.index(after: equals)...]))
            }
            if valued.contains(option) {
                let value: Word
                if let inlineValue {
                    value = inlineValue
                } else if index < arguments.count {
                    value = arguments[index]
                    index += 1
                } else {
                    invocation.notes.append("\(option) without a value")
                    continue
                }
                switch option {
                case "--hw": invocation.hardware = value
                case "--suite": invocation.suite = value
                case "--auto-partition-id": invocation.partitionID = value
                case "--auto-partition-size": invocation.partitionSize = value
                case "--timeout-per-file": invocation.timeoutPerFile = value
                default: break
                }
            } else if flags.contains(option) {
                if option == "--nightly" { invocation.nightly = true }
                if option == "--timeout-from-est-time" { invocation.timeoutFromEstTime = true }
            } else {
                invocation.notes.append("run_suite.py argument '\(text)' is not one gpuci knows")
            }
        }
        return invocation
    }
}

/// The shell variables of a `run:` script that have one value wherever they are read: the
/// step's `env:` and `NAME=value` / `export NAME=value` commands outside any `if`/`case`/loop that
/// are the variable's only assignment. Anything else (`$(…)`, a variable set in a branch or twice)
/// is unknown, with the values it may take.
struct ShellVariables {
    enum Expansion { case known(String), unknown([String]) }

    private var known: [String: String]
    private var candidates: [String: [String]] = [:]

    init(environment: [String: String], script: String) {
        known = environment
        // Per open block: whether its current branch surely runs (true), surely not (false), or may.
        var blocks: [Bool?] = []
        for words in ShellCommandLine.commands(script) {
            var words = words[...]
            while let first = words.first, ["then", "do", "{", "}"].contains(first) { words = words.dropFirst() }
            guard let first = words.first else { continue }
            switch first {
            case "if": blocks.append(Self.test(Array(words.dropFirst()), known: known)); continue
            case "case", "for", "while", "until": blocks.append(nil); continue
            case "else": if let last = blocks.popLast() { blocks.append(last.map { !$0 }) }; words = words.dropFirst()
            case "elif": _ = blocks.popLast(); blocks.append(nil); continue
            case "fi", "esac", "done": _ = blocks.popLast(); continue
            default: break
            }
            if blocks.contains(false) { continue }
            if words.first == "export" || words.first == "local" { words = words.dropFirst() }
            guard !words.isEmpty, words.allSatisfy({ Self.assignment($0) != nil }) else { continue }
            for word in words {
                guard let (name, value) = Self.assignment(word) else { continue }
                if blocks.allSatisfy({ $0 == true }) {
                    known[name] = value
                    candidates[name] = nil
                } else {
                    let before = known[name].map { [$0] } ?? candidates[name] ?? [""]
                    known[name] = nil
                    candidates[name] = Array(Set(before + [value])).sorted()
                }
            }
        }
        // A value that reads another variable is known only when that one is.
        for _ in 0..<4 {
            for (name, value) in known {
                switch expand(value) {
                case .known(let expanded): known[name] = expanded
                case .unknown(let values): known[name] = nil; candidates[name] = values
                }
            }
        }
    }

    /// The outcome of `[ A = B ]`, `[ A != B ]`, `[ -n A ]`, `[ -z A ]` (also `[[ … ]]`) over known
    /// words; `nil` for anything else.
    static func test(_ words: [String], known: [String: String]) -> Bool? {
        var words = words
        guard let open = words.first, open == "[" || open == "[[", let close = words.last, close == "]" || close == "]]" else { return nil }
        words = Array(words.dropFirst().dropLast())
        let probe = ShellVariables(known: known)
        let values = words.map { word -> String? in
            if case .known(let text) = probe.expand(word), ShellCommandLine.placeholders(in: text).isEmpty { return text }
            return nil
        }
        switch words.count {
        case 3 where ["=", "==", "!="].contains(words[1]):
            guard let left = values[0], let right = values[2] else { return nil }
            return words[1] == "!=" ? left != right : left == right
        case 2 where words[0] == "-n" || words[0] == "-z":
            guard let value = values[1] else { return nil }
            return words[0] == "-n" ? !value.isEmpty : value.isEmpty
        default: return nil
        }
    }

    private init(known: [String: String]) { self.known = known }

    static func assignment(_ word: String) -> (String, String)? {
        guard let equals = word.firstIndex(of: "="), equals > word.startIndex else { return nil }
        let name = word[..<equals]
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !(name.first?.isNumber ?? true) else { return nil }
        return (String(name), String(word[word.index(after: equals)...]))
    }

    /// `word` with `$NAME` and `${NAME}` put in; unknown when one of them is unknown or the word
    /// holds a command substitution.
    func expand(_ word: String) -> Expansion {
        guard word.contains("$") else { return .known(word) }
        var out = ""
        var characters = word[...]
        while let character = characters.popFirst() {
            guard character == "$" else { out.append(character); continue }
            var name = ""
            if characters.first == "{" {
                characters.removeFirst()
                while let next = characters.popFirst(), next != "}" { name.append(next) }
            } else if characters.first == "(" {
                return .unknown([])
            } else {
                while let next = characters.first, next.isLetter || next.isNumber || next == "_" { name.append(next); characters.removeFirst() }
            }
            guard !name.isEmpty else { out.append("$"); continue }
            guard let value = known[name] else { return .unknown(candidates[name] ?? []) }
            out += value
        }
        return .known(out)
    }
}

/// Splits a `run:` script into commands of words the way bash would for simple commands:
/// backslash-newline continues a line; quotes and backslashes group; `#` starts a comment;
/// newlines, `;`, `&&`, `||`, `|` and `&` end a command. Substitutions (`$(…)`, `$VAR`) stay
/// as their text.
public enum ShellCommandLine {
    static let placeholderStart: Unicode.Scalar = "\u{E000}"
    static let placeholderEnd: Unicode.Scalar = "\u{E001}"

    /// The placeholder word for the `index`th unknown expression.
    public static func placeholder(_ index: Int) -> String {
        "\(Character(placeholderStart))\(index)\(Character(placeholderEnd))"
    }

    /// The indexes of the placeholders inside `word`.
    static func placeholders(in word: String) -> [Int] {
        var found: [Int] = []
        var current: String?
        for scalar in word.unicodeScalars {
            if scalar == placeholderStart { current = "" }
            else if scalar == placeholderEnd { if let digits = current, let index = Int(digits) { found.append(index) }; current = nil }
            else if current != nil { current?.unicodeScalars.append(scalar) }
        }
        return found
    }

    /// The commands of `script`, each as its words.
    public static func commands(_ script: String) -> [[String]] {
        var commands: [[String]] = []
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        let characters = Array(script)
        var index = 0
        func endWord() {
            if inWord { words.append(word) }
            word = ""
            inWord = false
        }
        func endCommand() {
            endWord()
            if !words.isEmpty { commands.append(words) }
            words = []
        }
        while index < characters.count {
            let character = characters[index]
            index += 1
            if let open = quote {
                if character == open { quote = nil; continue }
                if open == "\"", character == "\\", index < characters.count, "\"\\$`\n".contains(characters[index]) {
                    if characters[index] != "\n" { word.append(characters[index]) }
                    index += 1
                    continue
                }
                word.append(character)
                continue
            }
            switch character {
            case "\\":
                if index < characters.count {
                    if characters[index] != "\n" { word.append(characters[index]); inWord = true }
                    index += 1
                }
            case "'", "\"":
                quote = character
                inWord = true
            case " ", "\t":
                endWord()
            case "&" where word.hasSuffix(">") || word.hasSuffix("<") || (index < characters.count && characters[index] == ">"):
                word.append(character)
                inWord = true
            case "\n", ";", "|", "&":
                endCommand()
            case "#" where !inWord:
                while index < characters.count, characters[index] != "\n" { index += 1 }
            default:
                word.append(character)
                inWord = true
            }
        }
        endCommand()
        return commands
    }
}
