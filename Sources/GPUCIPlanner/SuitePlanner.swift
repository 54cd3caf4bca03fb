/// Plans suites from registrations: filter by suite, drop disabled files, partition.
public enum SuitePlanner {
    /// The enabled registrations of `key` and the disabled ones, in path order (byte order of
    /// the file path, source order within a file) — sglang's discovery order — whatever the
    /// order of the input.
    public static func select(_ registrations: [Registration], key: SuiteKey) -> (enabled: [Registration], skipped: [Registration]) {
        let matching = registrations.enumerated()
            .filter { SuiteKey($0.element) == key }
            .sorted { left, right in
                left.element.file == right.element.file
                    ? left.offset < right.offset
                    : left.element.file.utf8.lexicographicallyPrecedes(right.element.file.utf8)
            }
            .map(\.element)
        return (matching.filter(\.isEnabled), matching.filter { !$0.isEnabled })
    }

    /// Plans one suite into `partitions` jobs.
    public static func plan(_ registrations: [Registration], key: SuiteKey, partitions: Int,
                            algorithm: PartitionAlgorithm, options: PartitionOptions = PartitionOptions()) -> SuitePlan {
        let (enabled, skipped) = select(registrations, key: key)
        let result = Partitioner.partition(enabled.map(\.estTime), partitions: partitions, algorithm: algorithm, options: options)
        let planned = result.bins.enumerated().map { index, items in
            PlannedPartition(index: index, estSeconds: Millis.seconds(result.loads[index]), files: items.map { enabled[$0].file })
        }
        return SuitePlan(
            backend: key.backend, suite: key.suite, nightly: key.nightly, algorithm: algorithm, partitions: planned,
            makespanSeconds: Millis.seconds(result.makespan), lowerBoundSeconds: Millis.seconds(result.lowerBound),
            optimal: result.isOptimal, proof: result.proof, gapPercent: result.gapPercent,
            bindingFile: result.bindingItem.map { enabled[$0].file },
            skipped: skipped.map { SkippedFile(file: $0.file, reason: $0.disabled ?? "") },
            searchNodes: result.searchNodes)
    }
}
