import GPUCISupport

/// Seeded damage for fuzz tests: copies of a well-formed input with one to four bytes replaced,
/// removed or inserted, drawn from `alphabet` (characters that carry syntax are the interesting ones).
public struct ByteMutations: Sequence, IteratorProtocol {
    private let original: [UInt8]
    private let alphabet: [UInt8]
    private var random: SplitMix64
    private var remaining: Int

    /// `count` mutations of `original`, the same ones for the same `seed`.
    public init(of original: [UInt8], alphabet: [UInt8], count: Int, seed: UInt64) {
        precondition(!original.isEmpty && !alphabet.isEmpty, "mutations need an input and an alphabet")
        self.original = original
        self.alphabet = alphabet
        self.random = SplitMix64(seed: seed)
        self.remaining = count
    }

    /// The next damaged copy, or `nil` after `count` of them.
    public mutating func next() -> [UInt8]? {
        guard remaining > 0 else { return nil }
        remaining -= 1
        var sample = original
        for _ in 0..<(1 + random.next() % 4) {
            let index = Int(random.next() % UInt64(sample.count))
            switch random.next() % 3 {
            case 0: sample[index] = alphabet[Int(random.next() % UInt64(alphabet.count))]
            case 1: sample.remove(at: index)
            default: sample.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: index)
            }
        }
        return sample
    }
}
