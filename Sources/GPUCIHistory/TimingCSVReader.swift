import GPUCISupport

/// Reads the plain timing CSV: a header naming the columns, then one attempt per row.
///
/// Required columns: `file`, `backend`, `seconds`, `outcome` (`passed`, `failed`, `timeout` or
/// `retried`), `timestamp` (ISO-8601 or unix seconds; may be empty). Optional: `suite`, `attempt`
/// (1-based), `run_id`. Columns may come in any order; fields may be double-quoted (RFC 4180).
public enum TimingCSVReader {
    static let required = ["file", "backend", "seconds", "outcome", "timestamp"]
    static let optional = ["suite", "attempt", "run_id"]

    /// Parses `text`; `source` names the file in errors. `backend` fills empty backend cells.
    public static func read(text: String, source: String, backend: String? = nil, suite: String? = nil,
                            runID: String? = nil) throws(InputError) -> [Attempt] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        if lines.last == "" { lines.removeLast() }
        guard let headerLine = lines.first else {
            throw InputError("empty file; expected a header \(required.joined(separator: ","))", file: source, line: 1)
        }
        let header = try CSVLine.fields(headerLine, source: source, line: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        var column: [String: Int] = [:]
        for (index, name) in header.enumerated() {
            guard required.contains(name) || optional.contains(name) else {
                throw InputError("unknown column \"\(name)\"; expected \((required + optional).joined(separator: ", "))",
                                 file: source, line: 1, key: name)
            }
            guard column[name] == nil else { throw InputError("column \"\(name)\" appears twice", file: source, line: 1, key: name) }
            column[name] = index
        }
        for name in required where column[name] == nil {
            throw InputError("missing column \"\(name)\"; expected a header \(required.joined(separator: ","))",
                             file: source, line: 1, key: name)
        }
        var attempts: [Attempt] = []
        for (offset, line) in lines.enumerated().dropFirst() {
            let number = offset + 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let fields = try CSVLine.fields(line, source: source, line: number)
            guard fields.count == header.count else {
                throw InputError("expected \(header.count) fields, found \(fields.count)", file: source, line: number)
            }
            func cell(_ name: String) -> String? {
                column[name].map { fields[$0].trimmingCharacters(in: .whitespaces) }
            }
            guard let file = cell("file"), !file.isEmpty else {
                throw InputError("empty file name", file: source, line: number, key: "file")
            }
            let rowBackend = cell("backend").flatMap { $0.isEmpty ? nil : $0 } ?? backend
            guard let rowBackend, !rowBackend.isEmpty else {
                throw InputError("empty backend and no --backend given", file: source, line: number, key: "backend")
            }
            let secondsText = cell("seconds") ?? ""
            guard let seconds = Double(secondsText), DurationLimit.accepts(seconds) else {
                throw InputError("expected \(DurationLimit.expected), found \"\(secondsText)\"",
                                 file: source, line: number, key: "seconds")
            }
            let outcomeText = cell("outcome") ?? ""
            guard let outcome = AttemptOutcome(rawValue: outcomeText) else {
                throw InputError("expected passed, failed, timeout or retried, found \"\(outcomeText)\"",
                                 file: source, line: number, key: "outcome")
            }
            var startedAt: String?
            if let timestamp = cell("timestamp"), !timestamp.isEmpty {
                guard let normalized = Timestamp.normalized(timestamp) else {
                    throw InputError("expected an ISO-8601 time or unix seconds, found \"\(timestamp)\"",
                                     file: source, line: number, key: "timestamp")
                }
                startedAt = normalized
            }
            var attemptNumber = 1
            if let text = cell("attempt"), !text.isEmpty {
                guard let value = Int(text), value >= 1 else {
                    throw InputError("expected a positive attempt number, found \"\(text)\"", file: source, line: number, key: "attempt")
                }
                attemptNumber = value
            }
            attempts.append(Attempt(file: file, backend: rowBackend,
                                    suite: cell("suite").flatMap { $0.isEmpty ? nil : $0 } ?? suite,
                                    startedAt: startedAt, seconds: seconds, outcome: outcome, attempt: attemptNumber,
                                    runID: cell("run_id").flatMap { $0.isEmpty ? nil : $0 } ?? runID))
        }
        return attempts
    }
}

/// Splits one CSV line into fields, honouring double quotes (`""` inside quotes is one `"`).
enum CSVLine {
    static func fields(_ line: String, source: String, line number: Int) throws(InputError) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var afterQuote = false
        for character in line {
            if quoted {
                if character == "\"" { quoted = false; afterQuote = true } else { current.append(character) }
            } else if character == "," {
                fields.append(current)
                current = ""
                afterQuote = false
            } else if character == "\"" {
                if afterQuote { current.append("\""); quoted = true; afterQuote = false; continue }
                guard current.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw InputError("a quote inside an unquoted field", file: source, line: number)
                }
                current = ""
                quoted = true
            } else {
                if afterQuote, !character.isWhitespace {
                    throw InputError("text after a closing quote", file: source, line: number)
                }
                current.append(character)
            }
        }
        guard !quoted else { throw InputError("unterminated quoted field", file: source, line: number) }
        fields.append(current)
        return fields
    }
}
