import ArgumentParser
import GPUCIAllocation
import GPUCIHistory
import GPUCIPlanner
import GPUCIPool

/// `--format table|json`: a report for people, or the same report as JSON for programs.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
}

extension PlacementPolicy: ExpressibleByArgument {}
extension EvictionPolicy: ExpressibleByArgument {}
extension PartitionAlgorithm: ExpressibleByArgument {}
extension EstimateSource: ExpressibleByArgument {
    public init?(argument: String) {
        guard let source = try? EstimateSource(parsing: argument) else { return nil }
        self = source
    }

    public var defaultValueDescription: String { description }
}

/// `--since` / `--until` values, checked as ISO-8601 times before any work.
enum TimeWindowOption {
    static func validate(since: String?, until: String?) throws {
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, Timestamp.isValid(value) == false {
                throw ValidationError("\(name) \(value): expected an ISO-8601 time such as 2026-06-10T00:00:00Z")
            }
        }
    }
}
