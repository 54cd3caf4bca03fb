import Foundation
import GPUCISupport
import Yams

/// A node of a composed YAML document together with where it sits: the file, its key path
/// and its line, so every complaint names all three.
struct YAMLValue {
    let node: Node
    /// Key path from the document root, e.g. `devices[0].memoryMiB`.
    let path: String
    let file: String

    /// Parses `text` with Yams' node API; syntax errors keep the line Yams reports.
    static func document(_ text: String, file: String) throws(InputError) -> YAMLValue {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.inputError(error, file: file)
        } catch {
            throw InputError("not valid YAML: \(error)", file: file)
        }
        guard let root else { throw InputError("the file is empty (expected a YAML mapping)", file: file) }
        return YAMLValue(node: root, path: "", file: file)
    }

    private static func inputError(_ error: YamlError, file: String) -> InputError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return InputError("not valid YAML: \(problem)", file: file, line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return InputError("duplicate key \(duplicates.sorted().joined(separator: ", "))",
                              file: file, line: context.mark.line, column: context.mark.column)
        case .reader(let problem, _, _, _):
            return InputError("not readable YAML: \(problem)", file: file)
        default:
            return InputError("not valid YAML: \(error)", file: file)
        }
    }

    /// An error located at this node.
    func error(_ message: String) -> InputError {
        InputError(message, file: file, line: node.mark?.line, column: node.mark?.column,
                   key: path.isEmpty ? nil : path)
    }

    private var shown: String {
        if let scalar = node.scalar { return "'\(scalar.string)'" }
        if node.sequence != nil { return "a list" }
        if node.mapping != nil { return "a mapping" }
        return "an alias"
    }

    /// The node as a mapping; keys outside `allowed` are rejected with their own line.
    func mapping(allowed: Set<String>) throws(InputError) -> YAMLMap {
        guard let mapping = node.mapping else { throw error("expected a mapping, found \(shown)") }
        var entries: [(key: String, value: YAMLValue)] = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.scalar?.string else {
                throw YAMLValue(node: keyNode, path: path, file: file).error("expected a plain key")
            }
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                throw YAMLValue(node: keyNode, path: childPath, file: file)
                    .error("unknown key (expected one of \(allowed.sorted().joined(separator: ", ")))")
            }
            entries.append((key, YAMLValue(node: valueNode, path: childPath, file: file)))
        }
        return YAMLMap(owner: self, entries: entries)
    }

    /// Whether the node is a sequence.
    var isSequence: Bool { node.sequence != nil }

    /// The node as a sequence.
    func sequence() throws(InputError) -> [YAMLValue] {
        guard let sequence = node.sequence else { throw error("expected a list, found \(shown)") }
        return sequence.enumerated().map { offset, element in
            YAMLValue(node: element, path: "\(path)[\(offset)]", file: file)
        }
    }

    /// The node as a non-empty string.
    func string() throws(InputError) -> String {
        guard let scalar = node.scalar else { throw error("expected text, found \(shown)") }
        guard !scalar.string.trimmingCharacters(in: .whitespaces).isEmpty else { throw error("expected text, found nothing") }
        return scalar.string
    }

    /// The node as a decimal integer.
    func int() throws(InputError) -> Int {
        guard let scalar = node.scalar, let value = Int(scalar.string) else {
            throw error("expected a whole number, found \(shown)")
        }
        return value
    }

    /// The node as a decimal integer above zero.
    func positiveInt() throws(InputError) -> Int {
        let value = try int()
        guard value > 0 else { throw error("expected a number above 0, found \(value)") }
        return value
    }

    /// The node as `true` or `false`.
    func bool() throws(InputError) -> Bool {
        switch node.scalar?.string {
        case "true": return true
        case "false": return false
        default: throw error("expected true or false, found \(shown)")
        }
    }

    /// A value given once for a whole group or as a list of exactly `count` entries.
    func perItem<T>(count: Int, _ read: (YAMLValue) throws(InputError) -> T) throws(InputError) -> [T] {
        guard isSequence else { return Array(repeating: try read(self), count: count) }
        let items = try sequence()
        guard items.count == count else {
            throw error("expected one value for the whole group or a list of \(count), found \(items.count)")
        }
        var values: [T] = []
        for item in items { values.append(try read(item)) }
        return values
    }
}

/// The entries of a YAML mapping, in file order, with lookups that report missing keys.
struct YAMLMap {
    let owner: YAMLValue
    let entries: [(key: String, value: YAMLValue)]

    /// The value of `key`, or `nil` when absent.
    subscript(_ key: String) -> YAMLValue? {
        entries.first { $0.key == key }?.value
    }

    /// The value of `key`; its absence is an error located at the mapping.
    func required(_ key: String) throws(InputError) -> YAMLValue {
        guard let value = self[key] else { throw owner.error("missing key '\(key)'") }
        return value
    }
}
