import Testing
@testable import GPUCIPlanner
