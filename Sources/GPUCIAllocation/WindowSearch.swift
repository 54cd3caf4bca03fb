/// Tensor-parallel windows: `tp` GPUs adjacent among the free GPUs in id order whose memory
/// sum reaches the request (the reference's rule), found over a free mask in rank order.
enum WindowSearch {
    /// The rank of the first GPU of the first fitting window, or `nil`; the window is the
    /// `width` free ranks from there.
    ///
    /// Two cursors walk the set bits (head adds a GPU, tail drops one), so the search is a
    /// sliding sum over the free GPUs only. When even the smallest GPUs fill the request any
    /// window fits and the first free bit starts it; when the largest cannot, nothing does.
    static func firstStart(width: Int, requiredMiB: Double, freeCount: Int, freeRankWords: UnsafeBufferPointer<UInt64>,
                           rankMemory: UnsafeBufferPointer<Int32>, minMemory: Int32, maxMemory: Int32) -> Int? {
        guard width >= 2, freeCount >= width, !requiredMiB.isNaN,
              Double(width) * Double(maxMemory) >= requiredMiB else { return nil }
        var head = SetBitCursor(freeRankWords)
        if Double(width) * Double(minMemory) >= requiredMiB { return head.next() }
        var tail = head
        var sum = 0
        var taken = 0
        while let rank = head.next() {
            sum &+= Int(rankMemory[rank])
            taken &+= 1
            if taken > width, let dropped = tail.next() {
                sum &-= Int(rankMemory[dropped])
                taken &-= 1
            }
            if taken == width && Double(sum) >= requiredMiB { return tail.next() }
        }
        return nil
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
}
