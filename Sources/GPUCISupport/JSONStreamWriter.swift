/// JSON written as it goes into one byte buffer, in exactly the bytes ``JSONOutput/string(_:pretty:)``
/// (Foundation's `JSONEncoder` with sorted keys and unescaped slashes) gives for the same value —
/// without building the encoder's tree of boxed values, which for a 10,000-test session report
/// was most of `gpuci simulate --format json`.
///
/// The caller writes an object's keys in ascending byte order (as `.sortedKeys` would) and leaves
/// out absent optionals (as `encodeIfPresent` does); a test per document checks the bytes against
/// `JSONEncoder`.
///
///     var out = JSONStreamWriter(pretty: true)
///     out.beginObject()
///     out.key("gpus"); out.integers([0, 1])
///     out.key("name"); out.string("h200")
///     out.endObject()
///     let text = out.text
public struct JSONStreamWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    /// Whether containers are broken over indented lines (`JSONEncoder`'s `.prettyPrinted`).
    public let pretty: Bool
    private var depth = 0
    /// Whether the innermost open container has no element yet.
    private var empty = true
    /// Whether the next value follows a key (and so needs no separator of its own).
    private var afterKey = false

    /// Creates an empty writer; `capacity` reserves room for the expected output size.
    public init(pretty: Bool, capacity: Int = 0) {
        self.pretty = pretty
        bytes.reserveCapacity(capacity)
    }

    /// The bytes as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Opens an object (`{`).
    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    /// Closes the innermost object (`}`).
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    /// Opens an array (`[`).
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    /// Closes the innermost array (`]`).
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Writes an object key; the next call writes its value.
    public mutating func key(_ name: String) {
        separate()
        quote(name)
        if pretty {
            bytes.append(contentsOf: [0x20, UInt8(ascii: ":"), 0x20])
        } else {
            bytes.append(UInt8(ascii: ":"))
        }
        afterKey = true
    }

    /// Writes a string value.
    public mutating func string(_ value: String) {
        separate()
        quote(value)
    }

    /// Writes an integer value.
    public mutating func integer<T: BinaryInteger>(_ value: T) {
        separate()
        digits(value)
    }

    /// Writes `null`.
    public mutating func null() {
        separate()
        bytes.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
    }

    /// Writes a Boolean value.
    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8))
    }

    /// Writes a finite number as `JSONEncoder` does: Swift's shortest round-trip form without a
    /// trailing `.0` (`30`, `-0`, `0.1`, `1e-07`, `1e+16`).
    public mutating func number(_ value: Double) {
        precondition(value.isFinite, "JSON has no form for \(value)")
        separate()
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            if value == 0, value.sign == .minus { bytes.append(UInt8(ascii: "-")) }
            digits(Int64(value))
            return
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// Writes an array of integers.
    public mutating func integers(_ values: [Int]) {
        beginArray()
        for value in values { integer(value) }
        endArray()
    }

    /// Writes an array of strings.
    public mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// Writes `key` and `value` when `value` is present (`encodeIfPresent`).
    public mutating func key(_ name: String, ifPresent value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        depth += 1
        empty = true
    }

    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        if pretty {
            if empty { bytes.append(0x0A) }
            newline()
        }
        bytes.append(bracket)
        empty = false
    }

    /// The comma and line break before an element, or nothing right after a key.
    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        if depth == 0 { return }
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        if pretty { newline() }
    }

    private mutating func newline() {
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(0x20, count: 2 * depth))
    }

    private mutating func digits<T: BinaryInteger>(_ value: T) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        let start = bytes.count
        while magnitude > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        bytes[start...].reverse()
    }

    /// `text` as a string literal, escaped as `JSONEncoder` escapes it: `\"`, `\\`, `\b`, `\f`,
    /// `\n`, `\r`, `\t`, other control characters as `\u00xx`; everything else as is.
    private mutating func quote(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
