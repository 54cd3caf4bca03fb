import GPUCIPlanner

/// Where a plan's per-file seconds come from.
public enum EstimateSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// The registered est_time.
    case registry
    /// The median of the file's passed attempts on that backend.
    case history
    /// The 90th percentile of the file's passed attempts on that backend.
    case p90

    /// `registrations` with est_time replaced from `attempts`; a registration whose (file, backend)
    /// has no passed attempt keeps its registered est_time and is listed in `fallbacks`.
    public func apply(to registrations: [Registration], attempts: [Attempt]) -> (registrations: [Registration], fallbacks: [Registration]) {
        guard self != .registry else { return (registrations, []) }
        struct Key: Hashable { var file: String; var backend: String }
        var samples: [Key: [Double]] = [:]
        for attempt in attempts where attempt.outcome == .passed {
            samples[Key(file: attempt.file, backend: attempt.backend), default: []].append(attempt.seconds)
        }
        var estimated: [Registration] = []
        var fallbacks: [Registration] = []
        for registration in registrations {
            let values = samples[Key(file: registration.file, backend: registration.backend)] ?? []
            let observed = self == .history ? RobustStatistics.median(values) : RobustStatistics.percentile(values, 0.9)
            guard let observed else {
                fallbacks.append(registration)
                estimated.append(registration)
                continue
            }
            var updated = registration
            updated.estTime = observed
            updated.estTimeLiteral = nil
            estimated.append(updated)
        }
        return (estimated, fallbacks)
    }
}
