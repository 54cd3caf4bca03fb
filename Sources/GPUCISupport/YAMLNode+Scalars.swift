import Foundation

/// Typed reads of scalar nodes. Each takes an optional `what` (the value's meaning, shown in
/// parentheses) and throws an `InputError` at the node that says what was expected and found.
extension YAMLNode {
    /// The node as text. Numbers and booleans keep their spelling; a null is rejected.
    ///
    /// - Parameter allowEmpty: accept `""` and blank text; otherwise they are an error.
    public func string(allowEmpty: Bool = false, what: String? = nil) throws(InputError) -> String {
        guard let scalar = node.scalar, !isNull else {
            throw error("expected text\(Self.parenthesized(what)), found \(found)")
        }
        guard allowEmpty || scalar.string.contains(where: { !$0.isWhitespace }) else {
            throw error("expected text\(Self.parenthesized(what)), found nothing")
        }
        return scalar.string
    }

    /// The node as a decimal whole number (an optional sign, no `0x`, `_` or `1:30`).
    ///
    /// - Parameter range: the accepted values; `nil` accepts every `Int`.
    public func int(range: ClosedRange<Int>? = nil, what: String? = nil) throws(InputError) -> Int {
        guard let scalar = node.scalar, let value = Int(Self.trimmed(scalar.string)) else {
            throw error("expected a whole number\(Self.parenthesized(what)), found \(found)")
        }
        if let range, !range.contains(value) {
            throw error("expected \(Self.describe(range))\(Self.parenthesized(what)), found \(value)")
        }
        return value
    }

    /// The node as a decimal whole number of at least `range.lowerBound`.
    public func int(range: PartialRangeFrom<Int>, what: String? = nil) throws(InputError) -> Int {
        try int(range: range.lowerBound...Int.max, what: what)
    }

    /// The node as a finite decimal number (`inf` and `nan` are rejected).
    ///
    /// - Parameter range: the accepted values; `nil` accepts every finite number.
    public func double(range: ClosedRange<Double>? = nil, what: String? = nil) throws(InputError) -> Double {
        guard let scalar = node.scalar, let value = Double(Self.trimmed(scalar.string)),
              value.isFinite
        else { throw error("expected a number\(Self.parenthesized(what)), found \(found)") }
        if let range, !range.contains(value) {
            throw error("expected \(Self.describe(range))\(Self.parenthesized(what)), found \(found)")
        }
        return value
    }

    /// The node as a finite number of at least `range.lowerBound`.
    public func double(range: PartialRangeFrom<Double>, what: String? = nil) throws(InputError) -> Double {
        try double(range: range.lowerBound...Double.greatestFiniteMagnitude, what: what)
    }

    /// The node as seconds within ``DurationLimit`` (0 to 30 days): every accepted duration, and any
    /// sum of a session's worth of them, fits the simulators' integer clocks.
    public func seconds(what: String? = nil) throws(InputError) -> Double {
        try double(range: 0...DurationLimit.maximumSeconds, what: what)
    }

    /// The node as a finite number above zero.
    public func positiveDouble(what: String? = nil) throws(InputError) -> Double {
        let value = try double(what: what)
        guard value > 0 else { throw error("expected a positive number\(Self.parenthesized(what)), found \(found)") }
        return value
    }

    /// The node as a boolean: `true`, `yes`, `on` or `false`, `no`, `off`, in any case.
    public func bool(what: String? = nil) throws(InputError) -> Bool {
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false\(Self.parenthesized(what)), found \(found)")
        }
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (1, Int.max): "a number above 0"
        case (let low, Int.max): "a whole number ≥ \(low)"
        case (Int.min, let high): "a whole number ≤ \(high)"
        case (let low, let high): "a whole number from \(low) to \(high)"
        }
    }

    private static func describe(_ range: ClosedRange<Double>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (let low, .greatestFiniteMagnitude): "a number ≥ \(show(low))"
        case (-.greatestFiniteMagnitude, let high): "a number ≤ \(show(high))"
        case (let low, let high): "a number from \(show(low)) to \(show(high))"
        }
    }

    /// `3` rather than `3.0` for whole bounds.
    private static func show(_ bound: Double) -> String {
        bound == bound.rounded() && abs(bound) < 1e15 ? String(Int(bound)) : String(bound)
    }

    /// `text` without leading and trailing blanks (spaces and tabs), without a copy when it has none.
    static func trimmed(_ text: String) -> Substring {
        var slice = Substring(text)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return slice
    }
}
