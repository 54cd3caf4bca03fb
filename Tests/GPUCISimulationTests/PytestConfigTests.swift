import Foundation
import Testing
import GPUCISupport
import GPUCIPool
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

/// `pytest_collection_modifyitems` hooks that change the items' order: pytest runs them, the static
/// import says so (smg's later tree clusters items by backend and model in such a hook).
struct ReorderingHookTests {
    static func notes(conftest: String) throws -> [String] {
        let folder = try PytestConfigTests.folder([
            "pytest.ini": "[pytest]\n",
            "conftest.py": conftest,
            "test_a.py": "def test_b():\n    pass\n\ndef test_a():\n    pass\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let collection = try PytestCollector.session(paths: [folder])
        #expect(collection.items.map(\.function) == ["test_b", "test_a"])
        return collection.notes.filter { $0.contains("pytest_collection_modifyitems") }
    }

    @Test(arguments: [
        ("def pytest_collection_modifyitems(session, config, items):\n    items.sort(key=lambda item: item.name)\n", 2),
        ("def pytest_collection_modifyitems(config, items):\n    ordered = sorted(items, key=str)\n    items[:] = ordered\n", 3),
        ("def pytest_collection_modifyitems(config, items):\n    if config.getoption('x'):\n        del items[0]\n", 3),
        ("def pytest_collection_modifyitems(session, config, items):\n    for item in list(items):\n        if item.name == 'x':\n            items.remove(item)\n", 4),
    ])
    func aHookThatReordersIsNamedWithItsLine(conftest: String, line: Int) throws {
        let notes = try Self.notes(conftest: conftest)
        #expect(notes.count == 1)
        #expect(notes.first?.contains("conftest.py:\(line): pytest_collection_modifyitems reorders or deselects") == true)
    }

    @Test(arguments: [
        "def pytest_collection_modifyitems(config, items):\n    for item in items:\n        item.add_marker('e2e')\n    total = len(items)\n    items2 = sorted(items)\n",
        "def pytest_collection_modifyitems(config, items):\n    config.stash[key] = [item.nodeid for item in items]\n    other.items.sort()\n",
        "def pytest_runtest_setup(item):\n    items = []\n    items.sort()\n",
    ])
    func aHookThatOnlyReadsTheItemsIsNotNamed(conftest: String) throws {
        #expect(try Self.notes(conftest: conftest).isEmpty)
    }
}

struct SlotPoolDetectionTests {
    @Test func smgsWorkerPoolIsNamedAndOtherPoolsAreNot() throws {
        let pool = "class WorkerPool:\n    def __init__(self):\n        self._key = None\n\n    def acquire(self, *, model_id, engine):\n        return []\n"
        let folder = try PytestConfigTests.folder(["pytest.ini": "[pytest]\n", "test_a.py": "def test_a():\n    pass\n"])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func collect() throws -> (notes: [String], eviction: EvictionPolicy?) {
            let collection = try PytestCollector.session(paths: [folder])
            return (collection.notes.filter { $0.contains("WorkerPool") }, collection.eviction)
        }
        #expect(try collect().notes.isEmpty && collect().eviction == nil)
        try FileManager.default.createDirectory(atPath: folder + "/infra", withIntermediateDirectories: true)
        for other in ["class WorkerPool:\n    pass\n", "def broken(:\n"] {
            try other.write(toFile: folder + "/infra/worker_pool.py", atomically: true, encoding: .utf8)
            #expect(try collect().notes.isEmpty && collect().eviction == nil)
        }
        try pool.write(toFile: folder + "/infra/worker_pool.py", atomically: true, encoding: .utf8)
        let found = try collect()
        #expect(found.eviction == .slots(1))
        #expect(found.notes.count == 1)
        #expect(found.notes.first?.hasSuffix("worker_pool.py:1: the tree caches workers in smg's session WorkerPool (one worker set at a time, PD workers uncached); the scenario says eviction: slots:1, which simulate follows unless --eviction is given") == true)
    }
}
