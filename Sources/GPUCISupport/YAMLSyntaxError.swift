import Yams

/// Turns Yams' errors into located `InputError`s.
enum YAMLSyntaxError {
    /// `error` as an `InputError` in `file`, at the line and column Yams gives (line 1 when it
    /// gives none), with a one-line message.
    static func inputError(_ error: YamlError, text: String, file: String) -> InputError {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return InputError("not valid YAML: \(problem)", file: file, line: mark.line, column: mark.column)
        case let .duplicatedKeysInMapping(duplicates, context):
            return InputError("not valid YAML: duplicate keys \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")) in one mapping",
                              file: file, line: context.mark.line, column: context.mark.column)
        case let .reader(problem, offset, _, _):
            let (line, column) = offset.map { position(ofCharacter: $0, in: text) } ?? (1, nil)
            return InputError("not valid YAML: \(problem)", file: file, line: line, column: column)
        case .dataCouldNotBeDecoded:
            return InputError("not valid YAML: the text is not valid UTF-8", file: file, line: 1)
        case .no, .memory, .writer, .emitter, .representer:
            return InputError("not valid YAML: \(error)", file: file, line: 1)
        }
    }

    /// The 1-based line and column of the character at `offset` (Yams counts reader offsets in
    /// `Character`s from the start of the text).
    static func position(ofCharacter offset: Int, in text: String) -> (line: Int, column: Int?) {
        var line = 1, column = 1
        for character in text.prefix(offset) {
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
