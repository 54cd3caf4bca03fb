/// Tensor-parallel windows: `tp` GPUs adjacent among the free GPUs in id order whose memory
/// sum reaches the request (the reference's rule), found over a free mask in rank order.
enum WindowSearch {
    /// The ranks of the first fitting window, or `nil`.
    ///
    /// Two cursors walk the set bits (head adds a GPU, tail drops one), so the search is a
    /// sliding sum over the free GPUs only. When even the smallest GPUs fill the request any
    /// window fits and the first `tp` free bits are the answer; when the largest cannot, nothing does.
    static func first(width: Int, requiredMiB: Double, freeCount: Int, freeRankWords: [UInt64],
                      layout: AllocatorLayout) -> [Int]? {
        guard width >= 2, freeCount >= width, !requiredMiB.isNaN,
              Double(width) * Double(layout.maxMemory) >= requiredMiB else { return nil }
        return freeRankWords.withUnsafeBufferPointer { words -> [Int]? in
            if Double(width) * Double(layout.minMemory) >= requiredMiB {
                var cursor = SetBitCursor(words)
                return take(width, from: &cursor)
            }
            return layout.rankMemory.withUnsafeBufferPointer { memory -> [Int]? in
                var head = SetBitCursor(words)
                var tail = head
                var sum = 0
                var taken = 0
                while let rank = head.next() {
                    sum &+= Int(memory[rank])
                    taken &+= 1
                    if taken > width, let dropped = tail.next() {
                        sum &-= Int(memory[dropped])
                        taken &-= 1
                    }
                    if taken == width && Double(sum) >= requiredMiB {
                        return take(width, from: &tail)
                    }
                }
                return nil
            }
        }
    }

    /// Calls `body` with the ranks of every fitting window in order.
    static func forEachFit(width: Int, requiredMiB: Double, sequence ranks: [Int], layout: AllocatorLayout,
                           _ body: (ArraySlice<Int>) -> Void) {
        guard width >= 2, ranks.count >= width, !requiredMiB.isNaN else { return }
        var sum = 0
        for (index, rank) in ranks.enumerated() {
            sum += Int(layout.rankMemory[rank])
            if index >= width { sum -= Int(layout.rankMemory[ranks[index - width]]) }
            if index >= width - 1 && Double(sum) >= requiredMiB {
                body(ranks[(index - width + 1)...index])
            }
        }
    }

    private static func take(_ width: Int, from cursor: inout SetBitCursor) -> [Int]? {
        var ranks: [Int] = []
        ranks.reserveCapacity(width)
        for _ in 0..<width {
            guard let rank = cursor.next() else { return nil }
            ranks.append(rank)
        }
        return ranks
    }
}
