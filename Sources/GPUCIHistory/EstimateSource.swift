import GPUCIPlanner
import GPUCISupport

/// Where a plan's per-file seconds come from: the registry's est_time or an estimator over history.
public enum EstimateSource: Sendable, Hashable, CustomStringConvertible {
    /// The registered est_time.
    case registry
    /// The estimator over each file's passing samples for its (file, suite, backend); est_time
    /// where the estimator has too few.
    case history(DurationEstimator)

    /// Reads `registry`, `history` (gpuci's default estimator), `p90` (the p90 of all passing
    /// samples) or any ``DurationEstimator`` name (`ewma`, `sglang`, `median`, `quantile:…`, …).
    public init(parsing text: String) throws(InputError) {
        switch text {
        case "registry": self = .registry
        case "history": self = .history(.standard)
        case "p90": self = .history(.quantile(0.9, newest: nil, minimum: 1))
        default: self = .history(try DurationEstimator(parsing: text))
        }
    }

    public var description: String {
        switch self {
        case .registry: "registry"
        case let .history(estimator): estimator == .standard ? "history" : estimator.description
        }
    }

    /// `registrations` with est_time replaced from `attempts`; registrations that kept est_time
    /// for want of history are listed in `fallbacks`.
    public func apply(to registrations: [Registration], attempts: [Attempt]) -> (registrations: [Registration], fallbacks: [Registration]) {
        let (estimated, fallbacks, _) = estimate(registrations, attempts: attempts)
        return (estimated, fallbacks)
    }

    /// ``apply(to:attempts:)`` and the estimate behind each registration (in order), with the
    /// model that forecasts partitions of them (`nil` for the registry).
    public func estimate(_ registrations: [Registration], attempts: [Attempt])
        -> (registrations: [Registration], fallbacks: [Registration], model: EstimatedRegistry?) {
        guard case let .history(estimator) = self else { return (registrations, [], nil) }
        var exact: [DurationHistory.Key: Double] = [:]
        for registration in registrations {
            exact[DurationHistory.Key(file: registration.file, suite: registration.suite, backend: registration.backend)] = registration.estTime
        }
        let model = DurationModel(history: DurationHistory(attempts: attempts), estimator: estimator) { exact[$0] }
        var estimated: [Registration] = []
        var fallbacks: [Registration] = []
        var estimates: [FileEstimate] = []
        for registration in registrations {
            let key = DurationHistory.Key(file: registration.file, suite: registration.suite, backend: registration.backend)
            let estimate = model.estimate(key, estTime: registration.estTime)
            estimates.append(estimate)
            var updated = registration
            if estimate.basis == .history {
                updated.estTime = estimate.seconds
                updated.estTimeLiteral = nil
            } else {
                fallbacks.append(registration)
            }
            estimated.append(updated)
        }
        return (estimated, fallbacks, EstimatedRegistry(model: model, registrations: estimated, estimates: estimates))
    }
}

/// Registrations planned on history, with each one's estimate and the model that forecasts them.
public struct EstimatedRegistry: Sendable {
    /// The model of the history.
    public let model: DurationModel
    private var byKey: [DurationHistory.Key: FileEstimate] = [:]

    init(model: DurationModel, registrations: [Registration], estimates: [FileEstimate]) {
        self.model = model
        for (registration, estimate) in zip(registrations, estimates) {
            byKey[DurationHistory.Key(file: registration.file, suite: registration.suite, backend: registration.backend)] = estimate
        }
    }

    /// The estimate of `file` in `suite`.
    public func estimate(file: String, suite: String, backend: String) -> FileEstimate? {
        byKey[DurationHistory.Key(file: file, suite: suite, backend: backend)]
    }

    /// The forecast of each partition's duration (files as planned), with the overhead when given.
    public func forecast(_ plan: SuitePlan, overhead: OverheadFit?) -> [PartitionDistribution] {
        let partitions = plan.partitions.map { partition in
            partition.files.compactMap { estimate(file: $0, suite: plan.suite, backend: plan.backend) }
        }
        return model.simulate(partitions, backend: plan.backend, suite: plan.suite, overhead: overhead)
    }
}
