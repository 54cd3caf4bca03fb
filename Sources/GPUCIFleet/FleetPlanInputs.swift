import GPUCIHistory
import GPUCIPlanner

extension FleetPlanner {
    /// The suites of one stored run as planner choices: each suite's files (those that passed in
    /// the run), its label and partition count there, and for every candidate count the optimal
    /// partitioning of the files' history estimates with the Monte Carlo distribution of each
    /// partition's job duration (the files' drawn durations plus the suite's fitted overhead).
    ///
    /// - Parameters:
    ///   - runID: the template run.
    ///   - timeout: each suite's test-step timeout, in seconds.
    ///   - counts: the candidate counts of a suite, given its current count and file count.
    ///   - estTime: a file's registered est_time, for files the history cannot estimate.
    public static func suites(ofRun runID: String, runs: [CIRun], jobs: [CIJob], attempts: [Attempt], draws: Int,
                              timeout: (SuiteKey) -> Double, counts: (_ current: Int, _ files: Int) -> ClosedRange<Int>,
                              estTime: (DurationHistory.Key) -> Double?) -> [Suite] {
        let runJobs = jobs.filter { $0.runID == runID }
        let jobIDs = Set(runJobs.map(\.id))
        let passed = attempts.filter { $0.jobID.map(jobIDs.contains) ?? false && $0.outcome == .passed }
        var model = DurationModel(history: DurationHistory(attempts: attempts), estimator: .standard, estTime: estTime)
        model.draws = draws
        let overheads = OverheadFit.fits(runs: runs, jobs: jobs, attempts: attempts)
        let bySuite = Dictionary(grouping: runJobs, by: { SuiteKey(backend: $0.backend, suite: $0.suite) })
        var suites: [Suite] = []
        for key in bySuite.keys.sorted() {
            let suiteJobs = bySuite[key]!
            let labels = Dictionary(grouping: suiteJobs.compactMap(\.runnerLabel), by: { $0 })
            guard let label = labels.keys.sorted().max(by: { labels[$0]!.count < labels[$1]!.count }) else { continue }
            let files = Set(passed.filter { $0.suite == key.suite && $0.backend == key.backend }.map(\.file))
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            guard !files.isEmpty else { continue }
            // The partition indexes, not the job rows: a re-run shard is a second row of one partition.
            let indexes = suiteJobs.compactMap(\.partition)
            let current = indexes.max().map { $0 + 1 } ?? Set(suiteJobs.compactMap(\.name)).count
            let estimates = files.map { file in
                let fileKey = DurationHistory.Key(file: file, suite: key.suite, backend: key.backend)
                return model.estimate(fileKey, estTime: estTime(fileKey) ?? 0)
            }
            let fileDraws = model.sample(estimates, backend: key.backend, suite: key.suite)
            var candidates: [Int: [PartitionDistribution]] = [:]
            var risks: [Int: Double] = [:]
            let limit = timeout(key)
            let range = counts(current, files.count)
            for count in range where count <= files.count || count == current {
                let bins = Partitioner.partition(estimates.map(\.seconds), partitions: count, algorithm: .optimal,
                                                 options: PartitionOptions(searchNodeBudget: 1000)).bins
                candidates[count] = model.distributions(bins, fileDraws: fileDraws, overhead: overheads[key])
                risks[count] = model.distributions(bins, fileDraws: fileDraws).map { $0.exceedance(limit) }.max() ?? 0
            }
            suites.append(Suite(key: key, label: label, timeoutSeconds: limit, overheadSeconds: max(0, overheads[key]?.bias ?? 0),
                                currentPartitions: current, candidates: candidates, risks: risks))
        }
        return suites
    }
}
