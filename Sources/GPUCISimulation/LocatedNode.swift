import Foundation
import GPUCISupport
import Yams

/// A YAML node with the file and key path it came from, so every complaint names its line.
struct LocatedNode {
    let node: Node
    let file: String
    let path: String

    /// Parses `text` (YAML or JSON) into its root node.
    static func parse(_ text: String, file: String) throws(InputError) -> LocatedNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.describe(error, file: file)
        } catch {
            throw InputError("not valid YAML: \(error)", file: file)
        }
        guard let root else { throw InputError("the document is empty (expected a mapping)", file: file, line: 1) }
        return LocatedNode(node: root, file: file, path: "")
    }

    private static func describe(_ error: YamlError, file: String) -> InputError {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return InputError("not valid YAML: \(problem)", file: file, line: mark.line, column: mark.column)
        case let .reader(problem, _, _, _):
            return InputError("cannot read the YAML text: \(problem)", file: file)
        case let .duplicatedKeysInMapping(duplicates, context):
            return InputError("duplicate key \(duplicates.sorted().joined(separator: ", "))",
                              file: file, line: context.mark.line)
        default:
            return InputError("not valid YAML: \(error)", file: file)
        }
    }

    var line: Int? { node.mark?.line }

    /// An error located at this node.
    func error(_ message: String) -> InputError {
        InputError(message, file: file, line: line, key: path.isEmpty ? nil : path)
    }

    private func child(_ node: Node, _ component: String) -> LocatedNode {
        LocatedNode(node: node, file: file, path: path.isEmpty ? component : "\(path).\(component)")
    }

    var isNull: Bool {
        guard let scalar = node.scalar else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The mapping's entries in document order; keys outside `allowed` are errors.
    func mapping(allowed: [String]? = nil, what: String) throws(InputError) -> [(key: String, value: LocatedNode)] {
        guard let mapping = node.mapping else { throw error("expected a mapping (\(what))") }
        var entries: [(key: String, value: LocatedNode)] = []
        var seen: Set<String> = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.scalar?.string else {
                throw InputError("expected a plain key", file: file, line: keyNode.mark?.line, key: path.isEmpty ? nil : path)
            }
            if let allowed, !allowed.contains(key) {
                throw InputError("unknown key '\(key)' (expected one of: \(allowed.joined(separator: ", ")))",
                                 file: file, line: keyNode.mark?.line, key: path.isEmpty ? key : "\(path).\(key)")
            }
            guard seen.insert(key).inserted else {
                throw InputError("duplicate key '\(key)'", file: file, line: keyNode.mark?.line, key: path)
            }
            entries.append((key, child(valueNode, key)))
        }
        return entries
    }

    /// The sequence's items.
    func sequence(what: String) throws(InputError) -> [LocatedNode] {
        guard let sequence = node.sequence else { throw error("expected a list (\(what))") }
        return sequence.enumerated().map { index, item in
            LocatedNode(node: item, file: file, path: "\(path)[\(index)]")
        }
    }

    /// A scalar as text (numbers and booleans keep their spelling).
    func string(what: String) throws(InputError) -> String {
        guard let scalar = node.scalar, !isNull else { throw error("expected a string (\(what))") }
        return scalar.string
    }

    /// A whole number.
    func int(what: String) throws(InputError) -> Int {
        guard let scalar = node.scalar, let value = Int(scalar.string.trimmingCharacters(in: .whitespaces)) else {
            throw error("expected a whole number (\(what))")
        }
        return value
    }

    /// A finite number.
    func double(what: String) throws(InputError) -> Double {
        guard let scalar = node.scalar, let value = Double(scalar.string.trimmingCharacters(in: .whitespaces)),
              value.isFinite
        else { throw error("expected a number (\(what))") }
        return value
    }

    /// A number of seconds, at least 0.
    func seconds(what: String) throws(InputError) -> Double {
        let value = try double(what: what)
        guard value >= 0 else { throw error("expected seconds ≥ 0 (\(what)), got \(value)") }
        return value
    }

    /// `true`/`false`.
    func bool(what: String) throws(InputError) -> Bool {
        guard let scalar = node.scalar else { throw error("expected true or false (\(what))") }
        switch scalar.string {
        case "true", "True", "TRUE", "yes": return true
        case "false", "False", "FALSE", "no": return false
        default: throw error("expected true or false (\(what)), got '\(scalar.string)'")
        }
    }
}
