import Testing
@testable import GPUCIHistory
