import Testing
@testable import GPUCITopology
