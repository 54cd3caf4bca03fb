import HeapModule

/// One job of a CI run as the simulator sees it.
public struct CIRunJob: Sendable, Hashable, Codable {
    /// The job's display name (`base-b-test-1-gpu-large (5)`).
    public var name: String
    /// The group a `max-parallel` limit counts in: the suite (one matrix).
    public var group: String
    /// The runner label it asks for.
    public var label: String
    /// How long it runs once started (its files plus the per-job overhead), in seconds.
    public var durationSeconds: Double
    /// The job's timeout; a longer job is stopped there and counts as timed out.
    public var timeoutSeconds: Double?
    /// When the workflow creates it, in seconds from the run's start (stage dependencies,
    /// re-runs); 0 for a job dispatched at once.
    public var releaseSeconds: Double

    /// Creates a job.
    public init(name: String, group: String, label: String, durationSeconds: Double,
                timeoutSeconds: Double? = nil, releaseSeconds: Double = 0) {
        self.name = name
        self.group = group
        self.label = label
        self.durationSeconds = durationSeconds
        self.timeoutSeconds = timeoutSeconds
        self.releaseSeconds = releaseSeconds
    }
}

/// A CI run to simulate: its jobs in the order the workflow dispatches them, and each group's
/// `max-parallel`.
public struct CIRunSpec: Sendable, Hashable, Codable {
    /// The jobs, in dispatch order.
    public var jobs: [CIRunJob]
    /// At most this many jobs of a group are queued or running at once (GitHub's matrix
    /// `max-parallel`); a group not listed has no limit.
    public var maxParallel: [String: Int]

    /// Creates a run.
    public init(jobs: [CIRunJob], maxParallel: [String: Int] = [:]) {
        self.jobs = jobs
        self.maxParallel = maxParallel
    }
}

/// What happened to one job in a simulated run.
public struct JobOutcome: Sendable, Hashable, Codable {
    /// The job's name.
    public var name: String
    /// Its group (suite).
    public var group: String
    /// Its runner label.
    public var label: String
    /// When it was queued for a runner (its release, or the end of the sibling whose slot it took).
    public var queuedSeconds: Double
    /// When it started on a runner.
    public var startSeconds: Double
    /// When it ended (at its timeout when it timed out).
    public var endSeconds: Double
    /// Which runner of the label ran it, 0-based.
    public var runner: Int
    /// Whether it ran past its timeout.
    public var timedOut: Bool

    /// Seconds between being queued and starting.
    public var waitSeconds: Double { startSeconds - queuedSeconds }
}

/// A simulated CI run.
public struct CIRunResult: Sendable, Hashable, Codable {
    /// Every job, in the spec's order.
    public var jobs: [JobOutcome]
    /// The last job's end: when the run is green (or known red).
    public var timeToGreenSeconds: Double
    /// Σ runner occupancy of the run's jobs, in seconds.
    public var runnerSeconds: Double
    /// Runner-hours priced with each pool's `hourlyCost`, when every used pool has one.
    public var cost: Double?
    /// How many jobs hit their timeout.
    public var timedOut: Int {
        jobs.count { $0.timedOut }
    }
}

/// A discrete-event run of one CI workflow run on a fleet.
///
/// Jobs are queued at their release (at most `max-parallel` per group; the next sibling is queued
/// when one ends), each label's queue is served first come, first served (ties in dispatch order),
/// a job starts `dispatchSeconds` after being queued at the earliest, on the lowest-numbered free
/// runner of the pool's ``RunnerPool/available`` ones, and runs its duration or until its timeout.
/// The same spec and fleet give the same result.
public enum CIRunSimulator {
    private struct Timed: Comparable {
        var time: Double
        var order: Int

        static func < (lhs: Timed, rhs: Timed) -> Bool {
            lhs.time != rhs.time ? lhs.time < rhs.time : lhs.order < rhs.order
        }
    }

    /// Simulates `spec` on `fleet`.
    ///
    /// - Throws: `FleetError` when a job asks for a label the fleet lacks or whose pool is empty,
    ///   or when a duration, release or limit is out of range.
    public static func simulate(_ spec: CIRunSpec, on fleet: Fleet) throws(FleetError) -> CIRunResult {
        let jobs = spec.jobs
        var poolIndex: [String: Int] = [:]
        for (index, pool) in fleet.pools.enumerated() where poolIndex[pool.label] == nil {
            poolIndex[pool.label] = index
        }
        var jobPool = [Int](repeating: 0, count: jobs.count)
        var groupIndex: [String: Int] = [:]
        var siblings: [[Int]] = []
        var jobGroup = [Int](repeating: 0, count: jobs.count)
        for (index, job) in jobs.enumerated() {
            guard let pool = poolIndex[job.label] else {
                throw FleetError("job '\(job.name)' runs on label '\(job.label)', which fleet '\(fleet.name)' does not have (it has: \(fleet.pools.map(\.label).joined(separator: ", ")))")
            }
            guard fleet.pools[pool].available > 0 else {
                throw FleetError("job '\(job.name)' runs on label '\(job.label)', which has no runners in fleet '\(fleet.name)'")
            }
            guard job.durationSeconds.isFinite, job.durationSeconds >= 0, job.releaseSeconds.isFinite, job.releaseSeconds >= 0,
                  job.timeoutSeconds.map({ $0.isFinite && $0 > 0 }) ?? true else {
                throw FleetError("job '\(job.name)': duration, release and timeout must be finite and not negative (duration \(job.durationSeconds), release \(job.releaseSeconds), timeout \(job.timeoutSeconds.map { "\($0)" } ?? "none"))")
            }
            jobPool[index] = pool
            let group = groupIndex[job.group] ?? {
                groupIndex[job.group] = siblings.count
                siblings.append([])
                return siblings.count - 1
            }()
            siblings[group].append(index)
            jobGroup[index] = group
        }
        var limit = [Int](repeating: Int.max, count: siblings.count)
        for group in spec.maxParallel.keys.sorted() {
            let value = spec.maxParallel[group]!
            guard value >= 1 else { throw FleetError("max-parallel of '\(group)' must be at least 1, found \(value)") }
            if let index = groupIndex[group] { limit[index] = value }
        }

        let pools = fleet.pools
        var ready = [Heap<Timed>](repeating: Heap(), count: pools.count)
        var busy = pools.map { [Bool](repeating: false, count: $0.available) }
        var free = pools.map(\.available)
        var completions = Heap<Timed>()
        var queued = [Double](repeating: 0, count: jobs.count)
        var started = [Double](repeating: 0, count: jobs.count)
        var ended = [Double](repeating: 0, count: jobs.count)
        var runnerOf = [Int](repeating: 0, count: jobs.count)
        var next = [Int](repeating: 0, count: siblings.count)
        var inProgress = [Int](repeating: 0, count: siblings.count)

        func enqueue(_ job: Int, at time: Double) {
            let queuedAt = max(time, jobs[job].releaseSeconds)
            queued[job] = queuedAt
            ready[jobPool[job]].insert(Timed(time: queuedAt + pools[jobPool[job]].dispatchSeconds, order: job))
        }
        for group in siblings.indices {
            while inProgress[group] < limit[group], next[group] < siblings[group].count {
                enqueue(siblings[group][next[group]], at: 0)
                next[group] += 1
                inProgress[group] += 1
            }
        }

        var now = 0.0
        while true {
            while let done = completions.min, done.time <= now {
                completions.removeMin()
                let job = done.order, pool = jobPool[job], group = jobGroup[job]
                busy[pool][runnerOf[job]] = false
                free[pool] += 1
                inProgress[group] -= 1
                if next[group] < siblings[group].count {
                    enqueue(siblings[group][next[group]], at: done.time)
                    next[group] += 1
                    inProgress[group] += 1
                }
            }
            var upcoming = completions.min?.time ?? .infinity
            for pool in pools.indices {
                while free[pool] > 0, let head = ready[pool].min {
                    guard head.time <= now else {
                        upcoming = min(upcoming, head.time)
                        break
                    }
                    ready[pool].removeMin()
                    let job = head.order
                    let runner = busy[pool].firstIndex(of: false)!
                    busy[pool][runner] = true
                    free[pool] -= 1
                    runnerOf[job] = runner
                    started[job] = now
                    let run = min(jobs[job].durationSeconds, jobs[job].timeoutSeconds ?? .infinity)
                    ended[job] = now + run
                    completions.insert(Timed(time: ended[job], order: job))
                    upcoming = min(upcoming, ended[job])
                }
            }
            guard upcoming.isFinite else { break }
            now = upcoming
        }

        var outcomes: [JobOutcome] = []
        outcomes.reserveCapacity(jobs.count)
        var runnerSeconds = 0.0
        var cost: Double? = 0
        for (index, job) in jobs.enumerated() {
            let occupied = ended[index] - started[index]
            runnerSeconds += occupied
            if let price = pools[jobPool[index]].hourlyCost { cost? += price * occupied / 3600 } else { cost = nil }
            outcomes.append(JobOutcome(name: job.name, group: job.group, label: job.label, queuedSeconds: queued[index],
                                       startSeconds: started[index], endSeconds: ended[index], runner: runnerOf[index],
                                       timedOut: job.timeoutSeconds.map { job.durationSeconds > $0 } ?? false))
        }
        return CIRunResult(jobs: outcomes, timeToGreenSeconds: ended.max() ?? 0, runnerSeconds: runnerSeconds,
                           cost: jobs.isEmpty ? nil : cost)
    }
}
