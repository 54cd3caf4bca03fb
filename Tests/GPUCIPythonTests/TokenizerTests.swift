import GPUCISupport
import Testing
@testable import GPUCIPython
