/// Orders names the way people count: `mlx5_2` before `mlx5_10`.
enum NaturalOrder {
    static func less(_ a: String, _ b: String) -> Bool {
        let keyA = key(a), keyB = key(b)
        for (x, y) in zip(keyA, keyB) where x != y {
            switch (x, y) {
            case (.number(let m), .number(let n)): return m < n
            case (.text(let s), .text(let t)): return s < t
            case (.number, .text): return true
            case (.text, .number): return false
            }
        }
        return keyA.count != keyB.count ? keyA.count < keyB.count : a < b
    }

    private enum Part: Equatable {
        case text(String)
        case number(Int)
    }

    private static func key(_ text: String) -> [Part] {
        var parts: [Part] = []
        var current = ""
        var inNumber = false
        for character in text {
            let digit = character.isASCII && character.isNumber
            if digit != inNumber, !current.isEmpty {
                parts.append(inNumber ? .number(Int(current) ?? Int.max) : .text(current))
                current = ""
            }
            inNumber = digit
            current.append(character)
        }
        if !current.isEmpty { parts.append(inNumber ? .number(Int(current) ?? Int.max) : .text(current)) }
        return parts
    }
}
