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
