import Foundation
import Testing
import GPUCISupport
@testable import GPUCISimulation

/// pytest's configuration files as far as the importer follows them: `testpaths`.
struct PytestConfigTests {
    static func folder(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: root + "/" + name, atomically: true, encoding: .utf8) }
        return root
    }

    @Test(arguments: [
        ("pyproject.toml", "[project]\nname='x'\n[tool.pytest.ini_options]\ntestpaths = [\"router\", 'embeddings']\nmarkers = [\"e2e\"]\n", ["router", "embeddings"]),
        ("pyproject.toml", "[tool.pytest.ini_options]\ntestpaths = [\n  \"a\",\n  \"b\",  # two\n]\n", ["a", "b"]),
        ("pyproject.toml", "[tool.pytest.ini_options]\ntestpaths = \"only\"\n", ["only"]),
        ("pytest.ini", "[pytest]\ntestpaths = router\n    embeddings\naddopts = -q\n", ["router", "embeddings"]),
        ("setup.cfg", "[metadata]\nname = x\n[tool:pytest]\ntestpaths = t1 t2\n", ["t1", "t2"]),
        ("tox.ini", "[tox]\nenvlist = py\n[pytest]\ntestpaths: tests\n", ["tests"]),
    ])
    func testpathsAreRead(file: String, text: String, expected: [String]) throws {
        let folder = try Self.folder([file: text])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = try #require(try PytestConfig.read(folder: folder))
        #expect(config.file == file && config.testpaths == expected)
    }

    @Test func pytestIniWinsAndOtherFilesWithoutTheSectionAreSkipped() throws {
        let folder = try Self.folder(["setup.cfg": "[metadata]\nname = x\n", "pyproject.toml": "[project]\nname='x'\n"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try PytestConfig.read(folder: folder) == nil)
        let both = try Self.folder(["pytest.ini": "[pytest]\n", "pyproject.toml": "[tool.pytest.ini_options]\ntestpaths = ['x']\npython_files = ['check_*.py']\n"])
        defer { try? FileManager.default.removeItem(atPath: both) }
        #expect(try PytestConfig.read(folder: both)?.testpaths == [])
        try FileManager.default.removeItem(atPath: both + "/pytest.ini")
        #expect(try PytestConfig.read(folder: both)?.unapplied == ["python_files"])
    }

    @Test(arguments: ["[tool.pytest.ini_options]\ntestpaths = [\"a\n", "[tool.pytest.ini_options]\ntestpaths = [a, b]\n", "[tool.pytest.ini_options]\ntestpaths = [\"a\",\n"])
    func badTOMLIsLocated(text: String) throws {
        let folder = try Self.folder(["pyproject.toml": text])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect {
            _ = try PytestConfig.read(folder: folder)
        } throws: { error in
            (error as? InputError)?.location?.file.hasSuffix("pyproject.toml") == true && (error as? InputError)?.location?.line == 2
        }
    }
}
