import Foundation
import GPUCISupport
import Testing
@testable import GPUCITopology

/// Seeded randomness so random inputs repeat exactly.
typealias SeededGenerator = SplitMix64

/// Damages `text`: truncation, characters swapped for syntax-bearing ones, lines dropped or doubled.
func mutate(_ text: String, alphabet: [Character], using rng: inout SeededGenerator) -> String {
    var characters = Array(text)
    guard !characters.isEmpty else { return text }
    switch Int.random(in: 0..<4, using: &rng) {
    case 0:
        characters = Array(characters.prefix(Int.random(in: 0..<characters.count, using: &rng)))
    case 1:
        for _ in 0..<Int.random(in: 1...8, using: &rng) {
            let at = Int.random(in: 0..<characters.count, using: &rng)
            characters[at] = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
        }
    case 2:
        var lines = String(characters).split(separator: "\n", omittingEmptySubsequences: false)
        if !lines.isEmpty { lines.remove(at: Int.random(in: 0..<lines.count, using: &rng)) }
        characters = Array(lines.joined(separator: "\n"))
    default:
        var lines = String(characters).split(separator: "\n", omittingEmptySubsequences: false)
        if !lines.isEmpty {
            let at = Int.random(in: 0..<lines.count, using: &rng)
            lines.insert(lines[at], at: Int.random(in: 0...lines.count, using: &rng))
        }
        characters = Array(lines.joined(separator: "\n"))
    }
    return String(characters)
}

/// The invariants every accepted topology satisfies.
func expectWellFormed(_ t: Topology) {
    #expect(t.links.count == t.devices.count)
    for (a, row) in t.links.enumerated() {
        #expect(row.count == t.devices.count)
        for (b, link) in row.enumerated() {
            #expect((a == b) == (link == .selfLink))
            #expect(link == t.links[b][a])
        }
    }
    #expect(t.devices.map(\.index) == Array(t.devices.indices))
    #expect(t.devices.allSatisfy { ($0.memoryMiB ?? 1) > 0 })
}

@Suite struct FuzzTests {
    @Test(arguments: ["a10-4", "a10-8", "ascend-910b-8", "ascend-a3-16", "h100-8", "h200-8", "mi35x-8"])
    func damagedYAMLNeverCrashes(_ name: String) throws {
        let text = try BundledTextForTests.shipped(name)
        var rng = SeededGenerator(seed: 0xC0FFEE ^ UInt64(name.count))
        let alphabet = Array("[]{}:,-#&*!|>'\"% \n\t0123456789XNV")
        var rejected = 0
        for _ in 0..<150 {
            let damaged = mutate(text, alphabet: alphabet, using: &rng)
            do {
                expectWellFormed(try DeclaredTopology.parse(damaged, file: "\(name).yaml").topology)
            } catch {
                rejected += 1
                #expect(error.location?.file == "\(name).yaml")
            }
        }
        #expect(rejected > 0)
    }

    @Test func randomBytesAsYAMLNeverCrash() {
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<200 {
            let length = Int.random(in: 0..<200, using: &rng)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...127, using: &rng) }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(throws: InputError.self) { _ = try DeclaredTopology.parse(text, file: "random.yaml") }
        }
    }

    @Test(arguments: [1_000, 100_000])
    func deeplyNestedInputIsAnError(_ depth: Int) {
        let flow = "name: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: InputError.self) { _ = try DeclaredTopology.parse(flow, file: "deep.yaml") }
        let block = String(repeating: "- ", count: depth) + "x"
        #expect(throws: InputError.self) { _ = try DeclaredTopology.parse(block, file: "deep.yaml") }
        let xml = String(repeating: "<object>", count: depth) + String(repeating: "</object>", count: depth)
        #expect(throws: InputError.self) { _ = try HwlocTopology(xmlText: "<topology>\(xml)</topology>", label: "deep.xml") }
    }

    @Test func damagedHwlocXMLNeverCrashesNorFallsBackToTheHost() {
        let text = HwlocReaderTests.barePCIMachine()
        var rng = SeededGenerator(seed: 7)
        let alphabet = Array("<>/=\" x0123456789abcdef:[]-")
        var rejected = 0
        for _ in 0..<150 {
            let damaged = mutate(text, alphabet: alphabet, using: &rng)
            do {
                let hwloc = try HwlocTopology(xmlText: damaged, label: "damaged.xml")
                let thisSystem = hwloc.isThisSystem
                #expect(!thisSystem)
                expectWellFormed(try hwloc.topology(name: "damaged"))
            } catch {
                rejected += 1
                #expect(error.location?.file == "damaged.xml")
            }
        }
        #expect(rejected > 0)
    }

    /// The real captures (v1, v2 and v3 XML, the v3 ones through the rewrite) damaged.
    @Test(arguments: ["16intel64-usnic.xml", "24em64t-2n6c2t-pci.v1.xml", "32intel64-8-vector-engines.xml",
                      "48amd64-sparse-numa-ids.xml", "96em64t-4n4d3ca2co-pci.xml", "nvidiaDGX2.v3.xml",
                      "power9-gpu-numa-nodes.xml"])
    func damagedRealCapturesNeverCrash(_ name: String) throws {
        let text = try AtomicFile.readText(CaptureCorpusTests.path(name))
        var rng = SeededGenerator(seed: 0x11 ^ UInt64(name.count))
        let alphabet = Array("<>/=\" x0123456789abcdef:[]-")
        for _ in 0..<60 {
            let damaged = mutate(text, alphabet: alphabet, using: &rng)
            do {
                expectWellFormed(try HwlocTopology(xmlText: damaged, label: name).topology(name: "damaged"))
            } catch {
                #expect(error.location?.file == name)
            }
        }
    }
}

/// Reads a shipped YAML file's text the way the loader finds it.
enum BundledTextForTests {
    static func shipped(_ name: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try AtomicFile.readText(root.appendingPathComponent("Topologies/\(name).yaml").path)
    }
}
