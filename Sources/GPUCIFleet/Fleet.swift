import Foundation
import GPUCISupport

/// The runners a CI run competes for: one pool per runner label.
///
/// A node is described in `Topologies/`; a fleet file (`Fleets/*.yaml`) describes how many such
/// nodes a CI system has under each label, how long the scheduler takes to hand one to a job, and
/// how much of each pool other work keeps busy.
public struct Fleet: Sendable, Hashable, Codable {
    /// A fleet's name (the file's `fleet:`).
    public var name: String
    /// The pools, in file order; labels are unique.
    public var pools: [RunnerPool]

    /// Creates a fleet; labels must be unique.
    public init(name: String, pools: [RunnerPool]) {
        self.name = name
        self.pools = pools
    }

    /// The pool of `label`, if the fleet has one.
    public func pool(_ label: String) -> RunnerPool? {
        pools.first { $0.label == label }
    }

    /// The fleet with `runners` runners under `label` (a new pool when the fleet has none).
    public func with(runners: Int, for label: String) -> Fleet {
        var copy = self
        if let index = copy.pools.firstIndex(where: { $0.label == label }) {
            copy.pools[index].runners = runners
        } else {
            copy.pools.append(RunnerPool(label: label, runners: runners))
        }
        return copy
    }
}

/// The runners of one label.
public struct RunnerPool: Sendable, Hashable, Codable {
    /// The runner label jobs ask for (`runs-on:`).
    public var label: String
    /// How many runners carry the label.
    public var runners: Int
    /// GPUs per runner, when known (for reports; the simulator does not need it).
    public var gpusPerRunner: Int?
    /// What one runner costs per hour, when known; runner-minutes are priced with it.
    public var hourlyCost: Double?
    /// Seconds from a job being queued to its start on a free runner (scheduling, boot).
    public var dispatchSeconds: Double
    /// The share of the pool kept busy by other work (other workflows, other repositories),
    /// 0 ≤ load < 1: ``available`` runners are left to the simulated run.
    public var backgroundLoad: Double

    /// Creates a pool.
    public init(label: String, runners: Int, gpusPerRunner: Int? = nil, hourlyCost: Double? = nil,
                dispatchSeconds: Double = 0, backgroundLoad: Double = 0) {
        self.label = label
        self.runners = runners
        self.gpusPerRunner = gpusPerRunner
        self.hourlyCost = hourlyCost
        self.dispatchSeconds = dispatchSeconds
        self.backgroundLoad = backgroundLoad
    }

    /// The runners left to the simulated run: `runners − round(load · runners)`, at least one
    /// when the pool has any.
    public var available: Int {
        guard runners > 0 else { return 0 }
        let busy = Int((backgroundLoad * Double(runners)).rounded())
        return max(1, runners - busy)
    }
}

/// Why a fleet cannot run a CI run.
public struct FleetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, naming the job, label and file.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
