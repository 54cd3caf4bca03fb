import GPUCISupport

/// Rewrites `est_time` literals in a Python source file, byte for byte outside the literals.
public enum EstTimeEditor {
    /// One literal to replace: its UTF-8 byte range (``GPUCIPlanner/Registration/estTimeSpan``)
    /// and the new whole number of seconds.
    public struct Edit: Sendable, Hashable {
        /// UTF-8 byte offsets of the current literal.
        public var span: Range<Int>
        /// The new est_time in seconds.
        public var seconds: Int

        /// Creates an edit of the literal at `span`.
        public init(span: Range<Int>, seconds: Int) {
            self.span = span
            self.seconds = seconds
        }
    }

    /// A changed line, for the preview.
    public struct ChangedLine: Sendable, Hashable {
        /// 1-based line number.
        public var line: Int
        /// The line before.
        public var old: String
        /// The line after.
        public var new: String
    }

    /// `source` with every edit applied. Each span must lie inside `source` and hold a Python
    /// number literal (digits, `_`, `.`, exponent); spans must not overlap.
    ///
    /// - Throws: `InputError` naming `file` (and the line) when a span does not hold a number.
    public static func apply(_ edits: [Edit], to source: [UInt8], file: String) throws(InputError) -> [UInt8] {
        var result = source
        var previousStart = Int.max
        for edit in edits.sorted(by: { $0.span.lowerBound > $1.span.lowerBound }) {
            let span = edit.span
            let line = source.prefix(max(0, min(span.lowerBound, source.count))).count(where: { $0 == UInt8(ascii: "\n") }) + 1
            guard span.lowerBound >= 0, span.upperBound <= source.count, !span.isEmpty else {
                throw InputError("est_time span \(span) lies outside the file (\(source.count) bytes); re-read the registry",
                                 file: file, line: line, key: "est_time")
            }
            guard span.upperBound <= previousStart else {
                throw InputError("two est_time spans overlap", file: file, line: line, key: "est_time")
            }
            guard isNumberLiteral(source[span]) else {
                throw InputError("expected a decimal number literal, found \"\(String(decoding: source[span], as: UTF8.self))\" (gpuci rewrites only decimal literals; change this one by hand)",
                                 file: file, line: line, key: "est_time")
            }
            guard edit.seconds >= 0 else {
                throw InputError("est_time must not be negative (\(edit.seconds))", file: file, line: line, key: "est_time")
            }
            result.replaceSubrange(span, with: Array(String(edit.seconds).utf8))
            previousStart = span.lowerBound
        }
        return result
    }

    /// The lines that differ between `old` and `new`, which must have the same number of lines
    /// (true for results of ``apply(_:to:file:)``).
    public static func changedLines(old: [UInt8], new: [UInt8]) -> [ChangedLine] {
        let oldLines = old.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let newLines = new.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var changes: [ChangedLine] = []
        for index in 0..<min(oldLines.count, newLines.count) where oldLines[index] != newLines[index] {
            changes.append(ChangedLine(line: index + 1, old: String(decoding: oldLines[index], as: UTF8.self),
                                       new: String(decoding: newLines[index], as: UTF8.self)))
        }
        return changes
    }

    private static func isNumberLiteral(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) || first == UInt8(ascii: ".") else {
            return false
        }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-")].contains(byte)
        }
    }
}
