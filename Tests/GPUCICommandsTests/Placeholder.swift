import Testing
@testable import GPUCICommands
