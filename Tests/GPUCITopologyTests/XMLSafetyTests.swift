import Foundation
import GPUCISupport
import Testing
@testable import GPUCITopology

/// XML that crashed Foundation's parser or libhwloc gets a located error first (repros 07, 12).
@Suite struct XMLSafetyTests {
    static func load(_ bytes: [UInt8]) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-xml-\(UUID().uuidString).xml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        do {
            _ = try HwlocTopology(xmlFile: path)
            return "loaded"
        } catch {
            return "\(error)"
        }
    }

    @Test func anInvalidUTF8ByteIsLocated() {
        let text = Self.load([0x3C, 0xE2, 0x6A, 0x65, 0x63])
        #expect(text.contains(":1:2:") && text.contains("not UTF-8"))
        let later = Self.load(Array("<topology version=\"2.0\">\n<object type=\"Machine\" name=\"".utf8) + [0xFF] + Array("\"/></topology>".utf8))
        #expect(later.contains(":2:") && later.contains("not UTF-8"))
    }

    @Test(arguments: ["<!DOCTYPE topology>", "<!DOCTYPE topology [<!ELEMENT topology ANY>]>", "<!DOCTYPE topology PUBLIC \"x\" \"y\">",
                      "<!DOCTYPE topology SYSTEM \"hwloc.dtd\" [<!ENTITY a \"b\">]>"])
    func documentTypesLibhwlocCannotTakeAreRefused(doctype: String) {
        let text = Self.load(Array("\(doctype)\n<topology version=\"2.0\"/>\n".utf8))
        #expect(text.contains(":1:") && (text.contains("<!DOCTYPE topology SYSTEM") || text.contains("entity")), "\(text)")
    }

    @Test func hwlocsOwnDoctypePasses() throws {
        let data = Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE topology SYSTEM \"hwloc2.dtd\">\n<topology version=\"2.0\"/>\n".utf8)
        try XMLSafety.requireHwlocDoctype(data, file: "ok.xml")
        try XMLSafety.requireUTF8(data, file: "ok.xml")
    }

    /// libhwloc refuses a capture with errno 0 or EINVAL; the message says what it needs (repro 28).
    @Test func refusalsSayWhatACaptureNeeds() {
        let text = Self.load(Array("<topology version=\"2.0\"/>\n".utf8))
        #expect(text.contains("needs a Machine object with at least one PU") && !text.hasSuffix("Success"), "\(text)")
    }

    /// hwloc explains a refusal only on stderr under HWLOC_XML_VERBOSE; its reason is the message.
    @Test func refusalsCarryHwlocsOwnReason() {
        let text = Self.load(Array(("<topology version=\"2.0\"><object type=\"Machine\" os_index=\"0\" cpuset=\"0x1\" complete_cpuset=\"0x1\">"
            + "<object type=\"PU\" os_index=\"0\" cpuset=\"0x1\" complete_cpuset=\"0x1\"/></object></topology>\n").utf8))
        #expect(text.contains("hwloc could not load the topology: invalid root object without nodeset"), "\(text)")
        #expect(!text.contains("DTD") && !text.contains("discovery failed"), "\(text)")
    }

    /// libhwloc 2.9 dereferences NULL on a CPU-side object with a set but not its complete twin
    /// (repro 08): the file is refused at the object's line before hwloc reads it.
    @Test(arguments: [
        ("<object type=\"Machine\" os_index=\"0\" cpuset=\"0x1\"><object type=\"PU\" os_index=\"0\" cpuset=\"0x1\"/></object>", "complete_cpuset"),
        ("<object type=\"Machine\" os_index=\"0\" cpuset=\"0x1\" complete_cpuset=\"0x1\" nodeset=\"0x1\" complete_nodeset=\"0x1\">\n<object type=\"NUMANode\" os_index=\"0\" cpuset=\"0x1\" complete_cpuset=\"0x1\" nodeset=\"0x1\" local_memory=\"100\"/></object>", "complete_nodeset"),
    ])
    func setsWithoutTheirCompleteTwinAreRefusedBeforeHwloc(body: String, missing: String) {
        let text = Self.load(Array("<topology version=\"2.0\">\(body)</topology>\n".utf8))
        #expect(text.contains(missing) && text.contains("crashes without it"), "\(text)")
    }

    /// The same in a v1 file, found by the CI fuzz suite: the real v1 capture with one NUMA
    /// node's `complete_cpuset` misspelt crashed libhwloc in `hwloc_bitmap_isequal`.
    @Test func aV1NUMANodeWithoutItsCompleteCpusetIsRefusedBeforeHwloc() throws {
        let capture = try String(contentsOfFile: CaptureCorpusTests.path("24em64t-2n6c2t-pci.v1.xml"), encoding: .utf8)
        let damaged = capture.replacingOccurrences(of: "<object type=\"NUMANode\" os_index=\"0\" cpuset=\"0x00555555\" complete_cpuset=",
                                                   with: "<object type=\"NUMANode\" os_index=\"0\" cpuset=\"0x00555555\" complete_cpust=")
        #expect(damaged != capture)
        let text = Self.load(Array(damaged.utf8))
        #expect(text.contains(":33: complete_cpuset: the NUMANode object has a cpuset but no complete_cpuset"), "\(text)")
    }
}

/// A capture over libxml2's 10 MB default is read (repro 21).
@Suite struct LargeCaptureTests {
    @Test func aCaptureOverTenMegabytesIsRead() throws {
        let capture = try String(contentsOfFile: CaptureCorpusTests.path("nvidiaDGX2.v3.xml"), encoding: .utf8)
        let padded = capture.replacingOccurrences(of: "</topology>", with: String(repeating: " ", count: 11_000_000) + "</topology>")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-large-\(UUID().uuidString).xml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(padded.utf8).write(to: URL(fileURLWithPath: path))
        let topology = try TopologyLoader.load(path)
        #expect(topology.devices.count == 16)
    }
}
