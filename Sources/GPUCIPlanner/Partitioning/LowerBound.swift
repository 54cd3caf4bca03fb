/// Lower bounds on the optimal makespan of identical-machine scheduling (P||Cmax).
public enum MakespanBound {
    /// max(⌈Σ/m⌉, p₁, and for every k ≥ 1 with km+1 ≤ n the sum of the k+1 smallest of the
    /// km+1 largest weights) — for k = 1 that is p_m + p_{m+1} — rounded up to a multiple of the
    /// weights' greatest common divisor (every load is such a multiple). `weights` need not be sorted.
    public static func lowerBound(_ weights: [Int64], partitions: Int) -> Int64 {
        guard partitions > 0, !weights.isEmpty else { return 0 }
        let sorted = weights.sorted(by: >)
        let total = sorted.reduce(0, +)
        let m = Int64(partitions)
        var bound = max((total + m - 1) / m, sorted[0])
        var k = 1
        while k * partitions + 1 <= sorted.count {
            // Among the km+1 largest, some partition holds k+1 of them: at least the k+1 smallest.
            var sum: Int64 = 0
            for index in (k * partitions - k)...(k * partitions) { sum += sorted[index] }
            bound = max(bound, sum)
            k += 1
        }
        let unit = granularity(sorted)
        return (bound + unit - 1) / unit * unit
    }

    /// The greatest common divisor of the non-zero weights (1 when there are none).
    public static func granularity(_ weights: [Int64]) -> Int64 {
        var divisor: Int64 = 0
        for weight in weights where weight > 0 {
            var (a, b) = (divisor, weight)
            while b != 0 { (a, b) = (b, a % b) }
            divisor = a
            if divisor == 1 { break }
        }
        return max(divisor, 1)
    }
}
