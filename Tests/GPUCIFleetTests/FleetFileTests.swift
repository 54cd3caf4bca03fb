import Foundation
import GPUCISupport
import GPUCITestSupport
import Testing
@testable import GPUCIFleet

@Suite struct FleetFileTests {
    static let sample = """
        fleet: sglang-ci
        runners:
          1-gpu-h100: {count: 13, gpus: 1, dispatchSeconds: 18, backgroundLoad: 0, hourlyCost: 3.5}
          "8-gpu-h200": {count: 5, dispatchSeconds: 43, backgroundLoad: 0.4}
          ubuntu-latest: {count: 4}
        """

    @Test func readsAFleet() throws {
        let fleet = try FleetFile.parse(Self.sample, file: "f.yaml")
        #expect(fleet.name == "sglang-ci")
        #expect(fleet.pools.map(\.label) == ["1-gpu-h100", "8-gpu-h200", "ubuntu-latest"])
        #expect(fleet.pools[0] == RunnerPool(label: "1-gpu-h100", runners: 13, gpusPerRunner: 1, hourlyCost: 3.5, dispatchSeconds: 18))
        #expect(fleet.pools[1].available == 3)
        #expect(fleet.pools[2].dispatchSeconds == 0 && fleet.pools[2].backgroundLoad == 0)
    }

    @Test func writesWhatItReads() throws {
        let fleet = try FleetFile.parse(Self.sample, file: "f.yaml")
        let again = try FleetFile.parse(FleetFile.yaml(fleet, comment: ["a comment"]), file: "again.yaml")
        #expect(again == fleet)
        let odd = Fleet(name: "yes", pools: [RunnerPool(label: "true", runners: 2, dispatchSeconds: 1.25, backgroundLoad: 1.0 / 3)])
        let read = try FleetFile.parse(FleetFile.yaml(odd), file: "odd.yaml")
        #expect(read.name == "yes" && read.pools[0].label == "true" && read.pools[0].available == odd.pools[0].available)
    }

    @Test func loadWindowsApplyByStartHour() throws {
        let text = Self.sample + "\nwindows:\n  - {hours: \"22-06\", backgroundLoad: {\"8-gpu-h200\": 0.8}}\n"
        let fleet = try FleetFile.parse(text, file: "f.yaml")
        #expect(fleet.windows == [LoadWindow(fromHour: 22, toHour: 6, backgroundLoad: ["8-gpu-h200": 0.8])])
        #expect(fleet.at(hour: 23).pool("8-gpu-h200")?.available == 1)
        #expect(fleet.at(hour: 5).pool("8-gpu-h200")?.available == 1)
        #expect(fleet.at(hour: 12).pool("8-gpu-h200")?.available == 3)
        #expect(fleet.at(hour: 23).pool("1-gpu-h100") == fleet.pool("1-gpu-h100"))
        #expect(try FleetFile.parse(FleetFile.yaml(fleet), file: "again.yaml") == fleet)
        // Two runners bought: the four other work holds stay busy, the run gets the rest.
        let bought = fleet.with(runners: 7, for: "8-gpu-h200")
        #expect(bought.pool("8-gpu-h200")?.available == 5 && bought.at(hour: 23).pool("8-gpu-h200")?.available == 3)
        #expect(fleet.with(runners: 2, for: "8-gpu-h200").at(hour: 23).pool("8-gpu-h200")?.available == 1)
    }

    @Test func aFittedHeavyLoadAndOddLabelsReadBack() throws {
        let fleet = Fleet(name: "big", pools: [RunnerPool(label: "a\nb\u{1}", runners: 101, dispatchSeconds: 123_456.789,
                                                         backgroundLoad: 100.0 / 101)])
        let read = try FleetFile.parse(FleetFile.yaml(fleet), file: "big.yaml")
        #expect(read == fleet)
        #expect(read.pools[0].available == 1)
    }

    @Test(arguments: [
        ("fleet: x\nrunners:\n  a: {count: 1}\nwindows:\n  - {hours: \"06-06\", backgroundLoad: {a: 0.5}}\n", "f.yaml:5", "expected hours as FROM-TO"),
        ("fleet: x\nrunners:\n  a: {count: 1}\nwindows:\n  - {hours: \"06-18\", backgroundLoad: {b: 0.5}}\n", "f.yaml:5", "names label 'b'"),
        ("fleet: x\nrunners:\n  a: {count: 1}\nwindows:\n  - {hours: \"25-3\", backgroundLoad: {a: 0.5}}\n", "f.yaml:5", "expected hours"),
        ("fleet: x\nrunners:\n  a: {count: -1}\n", "f.yaml:3", "from 0 to 100000 (runners), found -1"),
        ("fleet: x\nrunners:\n  a: {count: 2, backgroundLoad: 1.5}\n", "f.yaml:3", "busy share"),
        ("fleet: x\nrunners:\n  a: {cont: 2}\n", "f.yaml:3", "unknown key 'cont'"),
        ("fleet: x\nrunners:\n  a: {gpus: 2}\n", "f.yaml:3", "missing key 'count'"),
        ("fleet: x\nrunners:\n  a: {count: 1}\n  a: {count: 2}\n", "f.yaml:3", "duplicate keys 'a'"),
        ("fleet: x\nrunners: {}\n", "f.yaml:2", "at least one runner label"),
        ("runners:\n  a: {count: 1}\n", "f.yaml:1", "missing key 'fleet'"),
        ("fleet: x\nrunners:\n  a: {count: 1, dispatchSeconds: nan}\n", "f.yaml:3", "expected a number"),
    ])
    func badFilesGetLocatedErrors(text: String, location: String, message: String) {
        #expect {
            _ = try FleetFile.parse(text, file: "f.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains(location) && text.contains(message)
        }
    }

    /// Damaged copies of a good file are read or rejected with a located error, never a crash.
    @Test func fuzzedFilesNeverCrash() {
        let alphabet = Array("{}[]:,-\"'#\n 0123456789.abcountgpus".utf8)
        var rejected = 0
        for sample in ByteMutations(of: Array(Self.sample.utf8), alphabet: alphabet, count: 2000, seed: 14) {
            do {
                let fleet = try FleetFile.parse(String(decoding: sample, as: UTF8.self), file: "fuzz.yaml")
                #expect(!fleet.pools.isEmpty && fleet.pools.allSatisfy { $0.runners >= 0 && (0..<1).contains($0.backgroundLoad) })
            } catch {
                rejected += 1
                #expect(error.location?.file == "fuzz.yaml")
            }
        }
        #expect(rejected > 100)
    }

    @Test func theBundledFleetReads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fleets/sglang-ci.yaml").standardized.path
        let fleet = try FleetFile.read(path: path)
        #expect(fleet.name == "sglang-ci")
        #expect(fleet.pool("8-gpu-h200") != nil && fleet.pool("1-gpu-h100") != nil)
    }
}
