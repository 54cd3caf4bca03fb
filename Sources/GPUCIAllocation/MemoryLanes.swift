/// Free memory per GPU as `Int32` lanes in list order, padded to whole 64-GPU blocks.
///
/// A used GPU and a padding lane hold `Int32.min`, which no threshold reaches, so the
/// first-fit test for a single GPU is one vector compare per 8 GPUs with no mask merge.
enum MemoryLanes {
    /// Lanes per block: one free-mask word covers one block.
    static let blockLanes = 64
    /// The value of a lane that never fits.
    static let closed = Int32.min

    /// The smallest lane threshold equivalent to `memoryMiB >= required` for integral memory,
    /// or `nil` when no lane can reach it (NaN, or above `Int32.max`).
    static func threshold(forRequiredMiB required: Double) -> Int32? {
        guard !required.isNaN, required <= Double(Int32.max) else { return nil }
        let up = required.rounded(.up)
        if up <= Double(Int32.min) + 1 { return Int32.min + 1 }
        return Int32(up)
    }

    /// The first position in list order whose lane is at least `need`, scanning only the 8-lane
    /// groups whose byte of `freeWords` has a bit set (`lanes` holds 64 per word).
    ///
    /// `any()` on the compare alone is the hot test; the hit lane is located by a rescan of
    /// those 8 lanes (reusing the mask made LLVM extract every lane each iteration).
    static func firstFit(need: Int32, lanes: UnsafePointer<Int32>, freeWords words: UnsafeBufferPointer<UInt64>) -> Int? {
        let needV = SIMD8<Int32>(repeating: need)
        let raw = UnsafeRawPointer(lanes)
        for w in 0..<words.count {
            let word = words[w]
            if word == 0 { continue }
            var group = 0
            while group < 8 {
                if (word >> UInt64(group &* 8)) & 0xFF != 0 {
                    let first = w &* 64 &+ group &* 8
                    let v = raw.loadUnaligned(fromByteOffset: first &* 4, as: SIMD8<Int32>.self)
                    if any(v .>= needV) {
                        for lane in 0..<8 where lanes[first &+ lane] >= need { return first &+ lane }
                    }
                }
                group &+= 1
            }
        }
        return nil
    }
}
