import Foundation
import GPUCIPython
import GPUCISupport

/// The shared registry CSV: `file,backend,suite,est_time,extra`, CRLF rows, minimal quoting;
/// `extra` holds `nightly`, `disabled`, `stage`, `runner_config` as `k=v` joined by `;`, values
/// JSON-quoted when they contain `;`, `=`, `"`, surrounding blanks or are empty.
public enum RegistryCSV {
    /// The header row.
    public static let header = ["file", "backend", "suite", "est_time", "extra"]

    /// Parses CSV text; `file` names the source in errors.
    ///
    /// - Throws: `InputError` with the line of the first bad record.
    public static func parse(_ text: String, file: String) throws(InputError) -> [Registration] {
        let records = try CSVRecords.parse(text, file: file)
        guard let head = records.first else { throw InputError("empty file: expected the header \(header.joined(separator: ","))", file: file, line: 1) }
        guard head.fields == header else {
            throw InputError("expected the header \(header.joined(separator: ",")), found \(head.fields.joined(separator: ","))", file: file, line: head.line)
        }
        var registrations: [Registration] = []
        for record in records.dropFirst() {
            if record.fields == [""] { continue }
            registrations.append(try registration(record, file: file))
        }
        return registrations
    }

    /// Reads a CSV file; see ``parse(_:file:)``.
    public static func read(path: String) throws(InputError) -> [Registration] {
        try parse(AtomicFile.readText(path), file: path)
    }

    /// Renders registrations in the shared format (byte-identical to the shared CSV for its rows).
    public static func render(_ registrations: [Registration]) -> String {
        var text = header.joined(separator: ",") + "\r\n"
        for registration in registrations {
            let fields = [
                registration.file, registration.backend, registration.suite,
                registration.estTimeLiteral ?? formatSeconds(registration.estTime), extra(registration),
            ]
            text += fields.map(quoteField).joined(separator: ",") + "\r\n"
        }
        return text
    }

    /// A number the way Python prints it: integers without a fraction.
    static func formatSeconds(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private static func extra(_ registration: Registration) -> String {
        var pairs: [String] = []
        if registration.nightly { pairs.append("nightly=True") }
        if let disabled = registration.disabled { pairs.append("disabled=" + quoteExtraValue(disabled)) }
        if let stage = registration.stage { pairs.append("stage=" + quoteExtraValue(stage)) }
        if let runnerConfig = registration.runnerConfig { pairs.append("runner_config=" + quoteExtraValue(runnerConfig)) }
        return pairs.joined(separator: ";")
    }

    private static func quoteExtraValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value == "None" || value.contains(";") || value.contains("=") || value.contains("\"")
            || value.first?.isWhitespace == true || value.last?.isWhitespace == true
        return needsQuotes ? jsonQuoted(value) : value
    }

    /// JSON string quoting as Python's `json.dumps` writes it (non-ASCII as `\uXXXX`).
    static func jsonQuoted(_ value: String) -> String {
        var out = "\""
        for unit in value.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(unit)!)
            default:
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out + "\""
    }

    private static func quoteField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func registration(_ record: CSVRecords.Record, file: String) throws(InputError) -> Registration {
        func problem(_ message: String, key: String) -> InputError {
            InputError(message, file: file, line: record.line, key: key)
        }
        guard record.fields.count == header.count else {
            throw InputError("expected \(header.count) fields (\(header.joined(separator: ","))), found \(record.fields.count)", file: file, line: record.line)
        }
        let path = record.fields[0], backend = record.fields[1], suite = record.fields[2], literal = record.fields[3]
        guard !path.isEmpty else { throw problem("the file path is empty", key: "file") }
        guard RegistrationReader.backends.contains(backend) else {
            throw problem("unknown backend '\(backend)' (expected one of \(RegistrationReader.backends.joined(separator: ", ")))", key: "backend")
        }
        let estTime: Double
        switch literal {
        case "True": estTime = 1
        case "False": estTime = 0
        default:
            guard PythonNumber.isWellFormed(literal), let number = PythonNumber(literal) else {
                throw problem("expected a number of seconds, found '\(literal)'", key: "est_time")
            }
            switch number {
            case .int(let value), .float(let value): estTime = value
            case .complex: throw problem("expected a number of seconds, found '\(literal)'", key: "est_time")
            }
        }
        guard DurationLimit.accepts(estTime) else { throw problem("expected \(DurationLimit.expected), found '\(literal)'", key: "est_time") }
        var registration = Registration(file: path, backend: backend, suite: suite, estTime: estTime, estTimeLiteral: literal)
        for (key, value, quoted) in try extraPairs(record.fields[4], problem: problem) {
            switch key {
            case "nightly":
                guard value == "True" || value == "False" else { throw problem("nightly must be True or False, found '\(value)'", key: "extra.nightly") }
                registration.nightly = value == "True"
            case "disabled":
                // A bare None is Python's None (enabled); the string "None" is quoted (a reason).
                registration.disabled = value == "None" && !quoted ? nil : value
            case "stage":
                registration.stage = value
            case "runner_config":
                registration.runnerConfig = value
            default:
                throw problem("unknown key '\(key)' (expected nightly, disabled, stage or runner_config)", key: "extra")
            }
        }
        if (registration.stage == nil) != (registration.runnerConfig == nil) {
            throw problem("stage and runner_config must be given together", key: "extra")
        }
        if let stage = registration.stage, let runnerConfig = registration.runnerConfig, suite != "\(stage)-test-\(runnerConfig)" {
            throw problem("suite '\(suite)' does not match stage and runner_config ('\(stage)-test-\(runnerConfig)')", key: "suite")
        }
        return registration
    }

    /// The `key=value` pairs of an `extra` cell, each with whether its value was JSON-quoted.
    private static func extraPairs(_ extra: String, problem: (String, String) -> InputError) throws(InputError) -> [(String, String, quoted: Bool)] {
        var pairs: [(String, String, quoted: Bool)] = []
        var rest = Substring(extra)
        var seen: Set<String> = []
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else {
                throw problem("expected key=value in '\(extra)'", "extra")
            }
            let key = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
            let value: String
            let quoted = rest.first == "\""
            if quoted {
                guard let (decoded, remainder) = jsonString(rest) else {
                    throw problem("unterminated or invalid JSON-quoted value for '\(key)'", "extra.\(key)")
                }
                value = decoded
                rest = remainder
                if !rest.isEmpty {
                    guard rest.first == ";" else { throw problem("expected ';' after the quoted value of '\(key)'", "extra.\(key)") }
                    rest = rest.dropFirst()
                    guard !rest.isEmpty else { throw problem("trailing ';' in '\(extra)'", "extra") }
                }
            } else if let semicolon = rest.firstIndex(of: ";") {
                value = String(rest[..<semicolon])
                rest = rest[rest.index(after: semicolon)...]
                guard !rest.isEmpty else { throw problem("trailing ';' in '\(extra)'", "extra") }
            } else {
                value = String(rest)
                rest = ""
            }
            guard seen.insert(key).inserted else { throw problem("key '\(key)' repeated", "extra.\(key)") }
            pairs.append((key, value, quoted))
        }
        return pairs
    }

    /// Decodes the JSON string at the start of `text`; returns it and the text after it.
    private static func jsonString(_ text: Substring) -> (String, Substring)? {
        var index = text.index(after: text.startIndex)
        var escaped = false
        while index < text.endIndex {
            let character = text[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                let end = text.index(after: index)
                let literal = String(text[text.startIndex..<end])
                guard let data = "[\(literal)]".data(using: .utf8),
                      let array = try? JSONSerialization.jsonObject(with: data) as? [String],
                      let value = array.first
                else { return nil }
                return (value, text[end...])
            }
            index = text.index(after: index)
        }
        return nil
    }
}
