import GPUCISupport
import Testing
@testable import GPUCITopology

@Suite struct InlineTopologyTests {
    @Test func countsSizesAndLists() throws {
        let eight = try #require(try InlineTopology.parse("8x80GB"))
        #expect(eight.devices.map(\.memoryMiB) == Array(repeating: 81920, count: 8))
        #expect(eight.source == .inline && eight.links[0][1] == .phb && eight.links[3][3] == .selfLink)
        let mixed = try #require(try InlineTopology.parse("80GB, 2x81559MiB,12.5GB"))
        #expect(mixed.devices.map(\.memoryMiB) == [81920, 81559, 81559, 12800])
        #expect(mixed.devices.map(\.index) == [0, 1, 2, 3])
    }

    @Test func namesAndPathsAreNotInlineSpecs() throws {
        for text in ["h200-8", "node.yaml", "node.xml", "", "GB"] {
            #expect(try InlineTopology.parse(text) == nil, "\(text)")
        }
    }

    @Test(arguments: ["0x80GB", "8x0GB", "-1x80GB", "8xGB", "8x80", "8x-5GB", "80GB,,80GB", "1e300GB",
                      "9223372036854775807GB", "99999999999MiB", "4097x1GB", "4000x1GB,100x1GB", "8x1e3GB", "8xnanGB"])
    func malformedSpecsAreLocatedErrors(text: String) {
        do {
            let topology = try InlineTopology.parse(text)
            #expect(topology == nil, "\(text) was accepted")
        } catch {
            #expect(error.location?.file == "inline" && error.location?.key == text)
        }
    }

    @Test func fuzzedSpecsNeverCrash() {
        var random = SplitMix64(seed: 11)
        let alphabet = Array("0123456789xX,.GBMiBgbe- ")
        for _ in 0..<5000 {
            let text = String((0..<Int.random(in: 1...16, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            if let topology = try? InlineTopology.parse(text) {
                #expect((1...InlineTopology.maxDevices).contains(topology.devices.count))
                #expect(topology.devices.allSatisfy { (1...InlineTopology.maxMemoryMiB).contains($0.memoryMiB ?? 0) })
            }
        }
    }
}
