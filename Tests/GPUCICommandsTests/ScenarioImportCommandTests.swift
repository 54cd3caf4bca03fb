import Foundation
import Testing

/// `gpuci scenario import` with no paths collects like pytest without arguments: the configuration's
/// `testpaths` in their order, notes on stderr, the fixture scopes in the scenario.
@Suite(.serialized)
struct ScenarioImportCommandTests {
    @Test func withoutPathsTheTestpathsAreCollected() throws {
        let fixtures = GPUCIExecutable.packageRoot.appendingPathComponent("Tests/GPUCISimulationTests/Fixtures/e2e_test_v2")
        let folder = try GPUCIExecutable.scratchFolder("import-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tree = folder.appendingPathComponent("tree")
        try FileManager.default.copyItem(at: fixtures, to: tree)
        try "[tool.pytest.ini_options]\ntestpaths = [\"router\", \"chat\"]\n".write(to: tree.appendingPathComponent("pyproject.toml"), atomically: true, encoding: .utf8)
        let run = try GPUCIExecutable.run(["scenario", "import"], in: tree)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("note: collecting pyproject.toml's testpaths: router chat"))
        #expect(run.stderr.contains("skipif condition 'sys.platform == 'nonexistent'' is evaluated by pytest at run time"))
        let ids = run.stdout.split(separator: "\n").filter { $0.hasPrefix("  - id: ") }.map { String($0.dropFirst(8)) }
        #expect(ids.first == "\"router/test_mmlu.py::TestMMLU::test_mmlu_basic[http]\"")
        #expect(ids.last == "\"chat/test_chat_local.py::TestChatCloud::test_chat_stream[openai]\"")
        #expect(ids.count == 20)
        #expect(run.stdout.contains("fixtureScopes: {model_pool: session, setup_backend: function}"))
        #expect(run.stdout.contains("    skip: \"grpc worker image not built\""))
    }
}
