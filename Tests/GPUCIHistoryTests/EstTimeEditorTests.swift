import GPUCISupport
import Testing
@testable import GPUCIHistory

@Suite struct EstTimeEditorTests {
    @Test func replacesOnlyTheLiteralBytes() throws {
        let source = Array("from x import register_cuda_ci\nregister_cuda_ci(est_time=100, suite=\"s\")  # ü\nregister_amd_ci(est_time=7.5, suite=\"s\")\n".utf8)
        let first = try #require(source.firstRange(of: Array("100".utf8)))
        let second = try #require(source.firstRange(of: Array("7.5".utf8)))
        let edited = try EstTimeEditor.apply([EstTimeEditor.Edit(span: second, seconds: 15), EstTimeEditor.Edit(span: first, seconds: 5)],
                                             to: source, file: "t.py")
        #expect(String(decoding: edited, as: UTF8.self)
            == "from x import register_cuda_ci\nregister_cuda_ci(est_time=5, suite=\"s\")  # ü\nregister_amd_ci(est_time=15, suite=\"s\")\n")
        let changes = EstTimeEditor.changedLines(old: source, new: edited)
        #expect(changes.map(\.line) == [2, 3])
    }

    /// Property: for random sources and random literal spans, every byte before and after the
    /// literal is unchanged.
    @Test func bytesOutsideTheLiteralAreUnchanged() throws {
        var random = SeededGenerator(seed: 11)
        for _ in 0..<300 {
            let prefix = (0..<Int.random(in: 0...80, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let suffix = (0..<Int.random(in: 0...80, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let literal = Array(String(Int.random(in: 0...100_000, using: &random)).utf8)
            let seconds = Int.random(in: 0...100_000, using: &random)
            let source = prefix + literal + suffix
            let edited = try EstTimeEditor.apply([EstTimeEditor.Edit(span: prefix.count..<(prefix.count + literal.count), seconds: seconds)],
                                                 to: source, file: "r.py")
            #expect(Array(edited.prefix(prefix.count)) == prefix)
            #expect(Array(edited.suffix(suffix.count)) == suffix)
            #expect(Array(edited[prefix.count..<(edited.count - suffix.count)]) == Array(String(seconds).utf8))
        }
    }

    @Test func staleSpansAreRefused() {
        let source = Array("register_cuda_ci(est_time=100, suite=\"s\")\n".utf8)
        #expect(throws: InputError.self) { try EstTimeEditor.apply([.init(span: 0..<3, seconds: 5)], to: source, file: "t.py") }
        #expect(throws: InputError.self) { try EstTimeEditor.apply([.init(span: 40..<90, seconds: 5)], to: source, file: "t.py") }
        #expect(throws: InputError.self) {
            try EstTimeEditor.apply([.init(span: 26..<29, seconds: 5), .init(span: 27..<29, seconds: 6)], to: source, file: "t.py")
        }
    }
}
