/// Chooses the smallest partition count whose plan fits a job timeout, with a proof.
public enum PartitionRecommender {
    /// One row of the count → makespan table.
    public struct Row: Sendable, Hashable, Codable {
        /// The partition count.
        public var partitions: Int
        /// The planned makespan, in seconds.
        public var makespanSeconds: Double
        /// The lower bound for this count, in seconds.
        public var lowerBoundSeconds: Double
        /// Makespan plus the per-job overhead, in seconds.
        public var jobSeconds: Double
        /// Σ over jobs of (overhead + load) × GPUs per job, in minutes.
        public var gpuMinutes: Double
        /// Whether the plan fits the timeout.
        public var fits: Bool
        /// Whether the lower bound alone shows that no plan with this count fits.
        public var provedInfeasible: Bool
    }

    /// The outcome for one suite.
    public struct Recommendation: Sendable, Hashable, Codable {
        /// The smallest count whose plan fits; `nil` when no count can fit.
        public var partitions: Int?
        /// Whether `partitions − 1` is proved not to fit (by its lower bound, or because it is 0).
        public var provedMinimal: Bool
        /// Why the recommendation is or is not proved minimal, in words.
        public var reason: String
        /// The file longer than the per-job capacity, when one is.
        public var oversizedFile: String?
        /// The table, from 1 partition up to a few past the recommendation.
        public var rows: [Row]
    }

    /// Recommends a partition count for `registrations` of `key`.
    ///
    /// - Parameters:
    ///   - timeoutSeconds: the job's step timeout.
    ///   - overheadSeconds: fixed cost of every job (runner start, checkout, warm-up).
    ///   - gpusPerJob: GPUs each job holds, for GPU-minutes.
    ///   - maxPartitions: the largest count considered.
    public static func recommend(_ registrations: [Registration], key: SuiteKey, timeoutSeconds: Double,
                                 overheadSeconds: Double, gpusPerJob: Int, maxPartitions: Int = 64,
                                 algorithm: PartitionAlgorithm = .optimal,
                                 options: PartitionOptions = PartitionOptions()) -> Recommendation {
        let enabled = SuitePlanner.select(registrations, key: key).enabled
        let weights = enabled.map { Millis.from(seconds: $0.estTime) }
        let capacity = Millis.from(seconds: timeoutSeconds - overheadSeconds)
        let overhead = Millis.from(seconds: overheadSeconds)
        let limit = max(1, min(maxPartitions, max(enabled.count, 1)))
        var rows: [Row] = []
        var answer: Int? = nil
        if let longest = weights.indices.max(by: { weights[$0] < weights[$1] || (weights[$0] == weights[$1] && $0 > $1) }),
           weights[longest] > capacity {
            for m in 1...min(limit, 4) { rows.append(row(weights, m: m, capacity: capacity, overhead: overhead, gpus: gpusPerJob, algorithm: algorithm, options: options)) }
            return Recommendation(
                partitions: nil, provedMinimal: false,
                reason: "\(enabled[longest].file) alone takes \(format(weights[longest])), more than the \(format(capacity)) a job has after overhead: no partition count fits; split that file or raise the timeout",
                oversizedFile: enabled[longest].file, rows: rows)
        }
        for m in 1...limit {
            let current = row(weights, m: m, capacity: capacity, overhead: overhead, gpus: gpusPerJob, algorithm: algorithm, options: options)
            rows.append(current)
            if answer == nil, current.fits { answer = m }
            if let answer, m >= answer + 2 { break }
        }
        guard let answer else {
            return Recommendation(partitions: nil, provedMinimal: false,
                                  reason: "no plan with up to \(limit) partitions fits \(format(capacity)) per job",
                                  oversizedFile: nil, rows: rows)
        }
        if answer == 1 {
            return Recommendation(partitions: 1, provedMinimal: true, reason: "one partition fits", oversizedFile: nil, rows: rows)
        }
        let previous = rows[answer - 2]
        if previous.provedInfeasible {
            return Recommendation(
                partitions: answer, provedMinimal: true,
                reason: "proved minimal: with \(answer - 1) partitions the lower bound \(format(Millis.from(seconds: previous.lowerBoundSeconds))) exceeds the \(format(capacity)) a job has after overhead",
                oversizedFile: nil, rows: rows)
        }
        return Recommendation(
            partitions: answer, provedMinimal: false,
            reason: "not proved minimal: \(answer - 1) partitions might fit (lower bound \(format(Millis.from(seconds: previous.lowerBoundSeconds))) ≤ \(format(capacity)), best plan found \(format(Millis.from(seconds: previous.makespanSeconds))))",
            oversizedFile: nil, rows: rows)
    }

    /// GPUs per job read from a suite or runner name (`…-4-gpu-…`, `…-16-npu-…`), else 1.
    public static func gpusPerJob(suite: String) -> Int {
        let parts = suite.split(separator: "-")
        for (index, part) in parts.enumerated().dropFirst() where part == "gpu" || part == "npu" {
            if let count = Int(parts[index - 1]), count > 0 { return count }
        }
        return 1
    }

    private static func row(_ weights: [Int64], m: Int, capacity: Int64, overhead: Int64, gpus: Int,
                            algorithm: PartitionAlgorithm, options: PartitionOptions) -> Row {
        let bound = MakespanBound.lowerBound(weights, partitions: m)
        let result = Partitioner.partition(weights.map(Millis.seconds), partitions: m, algorithm: algorithm, options: options)
        let busy = result.loads.reduce(0, +) + overhead * Int64(m)
        return Row(
            partitions: m, makespanSeconds: Millis.seconds(result.makespan), lowerBoundSeconds: Millis.seconds(max(bound, result.lowerBound)),
            jobSeconds: Millis.seconds(result.makespan + overhead),
            gpuMinutes: Double(busy) / 60_000 * Double(gpus),
            fits: result.makespan <= capacity, provedInfeasible: max(bound, result.lowerBound) > capacity)
    }

    private static func format(_ millis: Int64) -> String {
        millis % 1000 == 0 ? "\(millis / 1000) s" : "\(Millis.seconds(millis)) s"
    }
}
