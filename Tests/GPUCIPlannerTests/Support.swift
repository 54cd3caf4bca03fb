import GPUCISupport
import Foundation

/// Locates the bundled example data of this checkout.
enum SharedData {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func registryCSV() throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent("Scenarios/ci/sglang-registry.csv"), encoding: .utf8)
    }
}

/// Seeded randomness so random inputs repeat exactly.
typealias SeededRandom = SplitMix64
