/// The lines of a JSON Lines text: split on `\n` bytes (a `\r` before it dropped), numbered
/// from 1, lines of only JSON white space skipped.
///
/// Splitting by `Character` (grapheme clusters) was a quarter of a trace reader's time; JSON
/// text breaks lines only at the `\n` byte, so the UTF-8 view is enough.
public struct JSONLines: Sequence {
    /// One non-blank line.
    public struct Line {
        /// 1-based line number.
        public var number: Int
        /// The text without its line break.
        public var text: Substring
    }

    private let text: String

    /// The lines of `text`.
    public init(_ text: String) { self.text = text }

    /// An iterator over the non-blank lines.
    public func makeIterator() -> Iterator { Iterator(text) }

    /// Walks the text's UTF-8 bytes line by line.
    public struct Iterator: IteratorProtocol {
        private let text: String
        private var position: String.Index
        private var number = 0

        init(_ text: String) {
            self.text = text
            position = text.startIndex
        }

        /// The next non-blank line, or `nil` at the end.
        public mutating func next() -> Line? {
            let utf8 = text.utf8
            while position < utf8.endIndex {
                number += 1
                let start = position
                let end = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
                position = end < utf8.endIndex ? utf8.index(after: end) : end
                var stop = end
                if stop > start, utf8[utf8.index(before: stop)] == UInt8(ascii: "\r") { stop = utf8.index(before: stop) }
                let blank = utf8[start..<stop].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
                if !blank { return Line(number: number, text: text[start..<stop]) }
            }
            return nil
        }
    }
}
