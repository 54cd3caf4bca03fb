import Testing
@testable import GPUCIAllocation
