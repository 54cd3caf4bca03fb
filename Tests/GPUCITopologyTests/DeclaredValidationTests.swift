import Foundation
import GPUCISupport
import Testing
@testable import GPUCITopology

/// Bad declarations are `InputError`s that name the file, the line and the key.
@Suite struct DeclaredValidationTests {
    static let valid = """
    name: pair
    numaNodes:
      count: 2
      distances:
        - [10, 21]
        - [21, 10]
    devices:
      - count: 2
        kind: gpu
        vendor: NVIDIA
        model: H200
        memoryMiB: 143771
        numaNode: [0, 1]
    nics:
      - name: mlx5_0
        rdma: true
        numaNode: 0
        nearDevice: 0
    links:
      matrix:
        - [X, NV18]
        - [NV18, X]
    """

    func error(_ text: String) -> InputError? {
        #expect(throws: InputError.self) { _ = try DeclaredTopology.parse(text, file: "m.yaml") }
    }

    func replacing(_ old: String, _ new: String) -> String {
        if !Self.valid.contains(old) { Issue.record("the fixture lacks \(old)") }
        return Self.valid.replacingOccurrences(of: old, with: new)
    }

    @Test func validDeclarationParses() throws {
        let t = try DeclaredTopology.parse(Self.valid, file: "m.yaml").topology
        #expect(t.devices.count == 2 && t.link(0, 1) == .nvlink(18))
        #expect(t.nics[0].deviceLinks == [.pix, .sys])
    }

    @Test func negativeMemoryNamesLineAndKey() {
        let e = error(replacing("memoryMiB: 143771", "memoryMiB: -1"))
        #expect(e?.location == SourceLocation(file: "m.yaml", line: 12, column: 16, key: "devices[0].memoryMiB"))
        #expect(e?.description.hasPrefix("m.yaml:12:16: devices[0].memoryMiB: expected a number above 0") == true)
    }

    @Test func zeroMemoryIsRejected() {
        #expect(error(replacing("memoryMiB: 143771", "memoryMiB: 0"))?.location?.key == "devices[0].memoryMiB")
    }

    @Test func wrongIndexIsRejected() {
        let e = error(replacing("  - count: 2\n", "  - count: 2\n    index: 1\n"))
        #expect(e?.location?.key == "devices[0].index" && e?.location?.line == 9)
    }

    @Test func matrixOfWrongSizeIsRejected() {
        let e = error(replacing("\n    - [NV18, X]", ""))
        #expect(e?.location?.key == "links.matrix" && e?.message.contains("expected 2 rows") == true)
        let short = error(replacing("[NV18, X]", "[NV18]"))
        #expect(short?.location?.key == "links.matrix[1]" && short?.location?.line == 22)
    }

    @Test func diagonalMustBeX() {
        let e = error(replacing("[X, NV18]", "[NV18, NV18]"))
        #expect(e?.location?.key == "links.matrix[0][0]" && e?.location?.line == 21)
    }

    @Test func matrixMustBeSymmetric() {
        let e = error(replacing("[NV18, X]", "[NV12, X]"))
        #expect(e?.location?.key == "links.matrix[1][0]" && e?.message.contains("symmetric") == true)
    }

    @Test func unknownLabelIsRejected() {
        let e = error(replacing("[X, NV18]", "[X, NVLINK]"))
        #expect(e?.location?.key == "links.matrix[0][1]" && e?.message.contains("unknown link label 'NVLINK'") == true)
        let rule = error(replacing("  matrix:\n    - [X, NV18]\n    - [NV18, X]", "  all: FAST"))
        #expect(rule?.location?.key == "links.all")
    }

    @Test func nicNUMANodeOutOfRangeIsRejected() {
        let e = error(replacing("    numaNode: 0\n    nearDevice", "    numaNode: 2\n    nearDevice"))
        #expect(e?.location == SourceLocation(file: "m.yaml", line: 17, column: 15, key: "nics[0].numaNode"))
    }

    @Test func deviceNUMANodeOutOfRangeIsRejected() {
        #expect(error(replacing("numaNode: [0, 1]", "numaNode: [0, 5]"))?.location?.key == "devices[0].numaNode[1]")
        #expect(error(replacing("numaNode: [0, 1]", "numaNode: [0]"))?.location?.key == "devices[0].numaNode")
    }

    @Test func nearDeviceOutOfRangeIsRejected() {
        #expect(error(replacing("nearDevice: 0", "nearDevice: 9"))?.location?.key == "nics[0].nearDevice")
    }

    @Test func unknownKeyIsReportedAtItsLine() {
        let e = error(replacing("    model: H200", "    modle: H200"))
        #expect(e?.location?.line == 11 && e?.location?.key == "devices[0].modle")
    }

    @Test func missingKeyIsReported() {
        let e = error(replacing("    vendor: NVIDIA\n", ""))
        #expect(e?.message == "missing key 'vendor'" && e?.location?.key == "devices[0]")
    }

    @Test func unknownVendorAndKind() {
        #expect(error(replacing("vendor: NVIDIA", "vendor: Acme"))?.location?.key == "devices[0].vendor")
        #expect(error(replacing("kind: gpu", "kind: tpu"))?.location?.key == "devices[0].kind")
    }

    @Test func numaDistancesAreChecked() {
        #expect(error(replacing("- [10, 21]\n", "- [11, 21]\n"))?.location?.key == "numaNodes.distances[0][0]")
        #expect(error(replacing("- [21, 10]\n", "- [22, 10]\n"))?.message.contains("symmetric") == true)
        #expect(error(replacing("- [21, 10]\n", "- [21]\n"))?.location?.key == "numaNodes.distances[1]")
    }

    @Test func duplicateKeysAndSyntaxErrorsHaveLines() {
        let duplicate = error(replacing("name: pair\n", "name: pair\nname: other\n"))
        #expect(duplicate?.location?.file == "m.yaml" && duplicate?.message.contains("duplicate") == true)
        let syntax = error("name: [unclosed\n")
        #expect(syntax?.location?.file == "m.yaml" && syntax?.location?.line != nil)
        #expect(error("")?.message.contains("empty") == true)
        #expect(error("- just\n- a list\n")?.message.contains("expected a mapping") == true)
    }

    @Test func ruleFormsApplyInOrder() throws {
        let text = """
        name: rules
        numaNodes: {count: 2}
        devices:
          - {count: 4, kind: gpu, vendor: NVIDIA, model: A10, memoryMiB: 23028, numaNode: [0, 0, 1, 1]}
        links:
          default: SYS
          sameNUMA: NODE
          groups:
            - {devices: [1, 2], link: PXB}
            - {devices: [0, 1], link: PIX}
        """
        let t = try DeclaredTopology.parse(text, file: "r.yaml").topology
        #expect(t.link(0, 1) == .pix && t.link(1, 2) == .pxb && t.link(2, 3) == .node && t.link(0, 3) == .sys)
        let both = text.replacingOccurrences(of: "default: SYS", with: "default: SYS\n  all: NV4")
        #expect(throws: InputError.self) { _ = try DeclaredTopology.parse(both, file: "r.yaml") }
        let selfRule = text.replacingOccurrences(of: "default: SYS", with: "default: X")
        #expect(throws: InputError.self) { _ = try DeclaredTopology.parse(selfRule, file: "r.yaml") }
        let badGroup = text.replacingOccurrences(of: "[1, 2]", with: "[1, 7]")
        let e = #expect(throws: InputError.self) { _ = try DeclaredTopology.parse(badGroup, file: "r.yaml") }
        #expect(e?.location?.key == "links.groups[0].devices[1]" && e?.location?.line == 9)
    }

    @Test func nicNameTemplatesAndDuplicates() throws {
        let text = """
        name: nics
        devices:
          - {count: 2, kind: gpu, vendor: AMD, model: MI355X, memoryMiB: 294912}
        nics:
          - {count: 2, name: "ionic_{i}", rdma: true}
        links: {all: XGMI}
        """
        let t = try DeclaredTopology.parse(text, file: "n.yaml").topology
        #expect(t.nics.map(\.name) == ["ionic_0", "ionic_1"] && t.nics.allSatisfy { $0.deviceLinks == nil })
        let untemplated = text.replacingOccurrences(of: "ionic_{i}", with: "ionic")
        #expect(throws: InputError.self) { _ = try DeclaredTopology.parse(untemplated, file: "n.yaml") }
        let twice = text.replacingOccurrences(of: "  - {count: 2, name: \"ionic_{i}\", rdma: true}",
                                              with: "  - {name: a, rdma: true}\n  - {name: a, rdma: false}")
        #expect(throws: InputError.self) { _ = try DeclaredTopology.parse(twice, file: "n.yaml") }
    }

    @Test func badYAMLFileThroughTheLoaderNamesThePath() throws {
        let path = "/tmp/gpuci-declared-\(UInt64.random(in: 0...UInt64.max)).yaml"
        try AtomicFile.write(replacing("memoryMiB: 143771", "memoryMiB: lots"), to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let e = #expect(throws: InputError.self) { _ = try TopologyLoader.load(path) }
        #expect(e?.location?.file == path && e?.location?.line == 12)
        #expect(throws: InputError.self) { _ = try TopologyLoader.load("/tmp/definitely-missing-gpuci.yml") }
    }
}
