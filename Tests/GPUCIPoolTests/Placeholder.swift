import Testing
@testable import GPUCIPool
