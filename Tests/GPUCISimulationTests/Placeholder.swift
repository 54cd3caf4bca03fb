import Testing
@testable import GPUCISimulation
