/// Walks the set bits of a word array in ascending bit order (bit `i` of word `w` is element `64w + i`).
@usableFromInline
struct SetBitCursor {
    @usableFromInline let words: UnsafeBufferPointer<UInt64>
    @usableFromInline var wordIndex: Int
    @usableFromInline var current: UInt64

    @inlinable
    init(_ words: UnsafeBufferPointer<UInt64>) {
        self.words = words
        self.wordIndex = 0
        self.current = words.isEmpty ? 0 : words[0]
    }

    /// A cursor whose first `next()` is the first set bit at or after `index`.
    @inlinable
    init(_ words: UnsafeBufferPointer<UInt64>, from index: Int) {
        self.words = words
        self.wordIndex = index >> 6
        self.current = wordIndex < words.count ? words[wordIndex] & (~UInt64(0) << UInt64(index & 63)) : 0
    }

    /// The next set bit, or `nil` once every word is exhausted.
    @inlinable
    mutating func next() -> Int? {
        while current == 0 {
            wordIndex &+= 1
            guard wordIndex < words.count else {
                wordIndex = words.count
                return nil
            }
            current = words[wordIndex]
        }
        let bit = current.trailingZeroBitCount
        current &= current &- 1
        return wordIndex &* 64 &+ bit
    }
}
