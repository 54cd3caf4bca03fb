extension ModelSpec {
    /// The catalog's startup estimate for a model of `memoryGB` (16 when unknown) and `tp` ranks.
    ///
    /// An assumption, not a measurement: 20 s fixed cost (imports, CUDA context, CUDA-graph capture),
    /// 1 s per GB of weights (a warm local cache read at about 1 GB/s), 10 s per extra rank (NCCL set-up).
    ///
    ///     ModelSpec.estimatedStartupSeconds(memoryGB: 60, tp: 4)   // 110
    public static func estimatedStartupSeconds(memoryGB: Double?, tp: Int) -> Double {
        20 + (memoryGB ?? 16) + 10 * Double(max(tp, 1) - 1)
    }
}
