import Foundation
import GPUCISupport

/// The parts of a pytest configuration file the collector follows when pytest runs without
/// arguments: `testpaths`. The file is pytest's own choice in a folder: `pytest.ini` (`[pytest]`),
/// `pyproject.toml` (`[tool.pytest.ini_options]`), `tox.ini` (`[pytest]`), `setup.cfg`
/// (`[tool:pytest]`) — the first that has the section.
public struct PytestConfig: Sendable, Hashable {
    /// The file read, relative to the folder.
    public var file: String
    /// `testpaths`, in order; empty when the file sets none.
    public var testpaths: [String]
    /// Options that change which files, classes or functions are collected (`python_files`,
    /// `python_classes`, `python_functions`) that the importer does not apply.
    public var unapplied: [String]

    /// The configuration in `folder`, or `nil` when it has no pytest configuration file.
    public static func read(folder: String) throws(InputError) -> PytestConfig? {
        let candidates = [("pytest.ini", "pytest"), ("pyproject.toml", "tool.pytest.ini_options"), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")]
        for (name, section) in candidates {
            let path = folder + "/" + name
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let text = try AtomicFile.readText(path)
            guard let values = try Self.section(section, in: text, file: path, toml: name.hasSuffix(".toml")) else {
                if name == "pytest.ini" { return PytestConfig(file: name, testpaths: [], unapplied: []) }
                continue
            }
            return PytestConfig(file: name, testpaths: values["testpaths"] ?? [],
                                unapplied: ["python_files", "python_classes", "python_functions"].filter { values[$0] != nil })
        }
        return nil
    }

    /// The keys of `[section]` with their values split into words (INI: whitespace and newlines
    /// of continuation lines; TOML: a string or a list of strings); `nil` without the section.
    static func section(_ section: String, in text: String, file: String, toml: Bool) throws(InputError) -> [String: [String]]? {
        var values: [String: [String]] = [:]
        var inside = false, found = false
        var current: String?
        var pending = ""
        var pendingLine = 0
        func finishTOML() throws(InputError) {
            guard let key = current, toml else { return }
            values[key] = try Self.tomlStrings(pending, file: file, line: pendingLine, key: key)
            current = nil
            pending = ""
        }
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") && !(toml && current != nil) {
                try finishTOML()
                inside = line == "[\(section)]"
                found = found || inside
                current = nil
                continue
            }
            guard inside, !line.hasPrefix("#"), !line.hasPrefix(";") else { continue }
            if toml, current != nil {
                pending += " " + line
                if Self.balanced(pending) { try finishTOML() }
                continue
            }
            if !toml, let key = current, raw.first == " " || raw.first == "\t", !line.isEmpty {
                values[key, default: []] += line.split(whereSeparator: \.isWhitespace).map(String.init)
                continue
            }
            guard let equals = line.firstIndex(where: { $0 == "=" || (!toml && $0 == ":") }) else { current = nil; continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            current = key
            if toml {
                pending = value
                pendingLine = offset + 1
                if Self.balanced(pending) { try finishTOML() }
            } else {
                values[key] = value.split(whereSeparator: \.isWhitespace).map(String.init)
            }
        }
        if toml, current != nil {
            throw InputError("unterminated value of '\(current ?? "")'", file: file, line: pendingLine, key: "\(section).\(current ?? "")")
        }
        return found ? values : nil
    }

    static func balanced(_ text: String) -> Bool {
        text.filter { $0 == "[" }.count == text.filter { $0 == "]" }.count
    }

    /// A TOML string or list of strings (basic or literal quotes).
    static func tomlStrings(_ text: String, file: String, line: Int, key: String) throws(InputError) -> [String] {
        var strings: [String] = []
        var characters = Substring(text.trimmingCharacters(in: .whitespaces))
        let list = characters.first == "["
        if list { characters = characters.dropFirst() }
        while let first = characters.first {
            if first == "\"" || first == "'" {
                characters = characters.dropFirst()
                guard let end = characters.firstIndex(of: first) else {
                    throw InputError("unterminated string in '\(key)'", file: file, line: line, key: key)
                }
                strings.append(String(characters[..<end]))
                characters = characters[characters.index(after: end)...]
            } else if first == "," || first == " " || first == "]" {
                characters = characters.dropFirst()
            } else if first == "#" {
                break
            } else {
                guard list else { return [] }
                throw InputError("expected a list of strings for '\(key)', found '\(text)'", file: file, line: line, key: key)
            }
        }
        return strings
    }
}
