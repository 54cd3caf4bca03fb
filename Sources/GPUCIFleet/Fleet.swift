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
    /// Hours of the day (UTC) with their own background load, for runs that start in them.
    public var windows: [LoadWindow]

    /// Creates a fleet; labels must be unique.
    public init(name: String, pools: [RunnerPool], windows: [LoadWindow] = []) {
        self.name = name
        self.pools = pools
        self.windows = windows
    }

    /// The fleet a run starting at `hour` (UTC, 0–23) meets: the first window holding the hour
    /// sets the background load of the labels it lists.
    public func at(hour: Int) -> Fleet {
        guard let window = windows.first(where: { $0.contains(hour: hour) }) else { return self }
        var copy = self
        for index in copy.pools.indices {
            if let load = window.backgroundLoad[copy.pools[index].label] { copy.pools[index].backgroundLoad = load }
        }
        return copy
    }

    /// The pool of `label`, if the fleet has one.
    public func pool(_ label: String) -> RunnerPool? {
        pools.first { $0.label == label }
    }

    /// The fleet with `runners` runners under `label` (a new pool when the fleet has none). The
    /// runners other work keeps busy stay as many as before, in every window: bought runners go
    /// to the run.
    public func with(runners: Int, for label: String) -> Fleet {
        var copy = self
        func rescaled(_ load: Double, from old: Int) -> Double {
            guard runners > 0 else { return 0 }
            let busy = (load * Double(old)).rounded()
            return min(RunnerPool.maximumLoad, busy / Double(runners))
        }
        if let index = copy.pools.firstIndex(where: { $0.label == label }) {
            let old = copy.pools[index].runners
            copy.pools[index].backgroundLoad = rescaled(copy.pools[index].backgroundLoad, from: old)
            for window in copy.windows.indices {
                if let load = copy.windows[window].backgroundLoad[label] {
                    copy.windows[window].backgroundLoad[label] = rescaled(load, from: old)
                }
            }
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

    /// The largest background load a pool may have: below 1, so a pool is never all busy.
    public static let maximumLoad = 0.9999

    /// The runners left to the simulated run: `runners − round(load · runners)`, at least one
    /// when the pool has any.
    public var available: Int {
        guard runners > 0 else { return 0 }
        let busy = Int((backgroundLoad * Double(runners)).rounded())
        return max(1, runners - busy)
    }
}

/// Hours of the day with their own background load: other traffic on shared runners follows
/// working hours.
public struct LoadWindow: Sendable, Hashable, Codable {
    /// The first hour (UTC, 0–23) of the window.
    public var fromHour: Int
    /// The hour it ends before (1–24); a window may wrap past midnight (`fromHour > toHour`).
    public var toHour: Int
    /// Label → background load inside the window.
    public var backgroundLoad: [String: Double]

    /// Creates a window.
    public init(fromHour: Int, toHour: Int, backgroundLoad: [String: Double] = [:]) {
        self.fromHour = fromHour
        self.toHour = toHour
        self.backgroundLoad = backgroundLoad
    }

    /// Whether a run starting at `hour` falls in the window.
    public func contains(hour: Int) -> Bool {
        fromHour < toHour ? (fromHour..<toHour).contains(hour) : hour >= fromHour || hour < toHour
    }

    /// `06-18`.
    public var hours: String { String(format: "%02d-%02d", fromHour, toHour) }
}

/// Why a fleet cannot run a CI run.
public struct FleetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, naming the job, label and file.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
