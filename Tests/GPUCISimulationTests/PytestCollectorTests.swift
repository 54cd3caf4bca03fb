import GPUCIPython
import Foundation
import GPUCIAllocation
import GPUCIPool
import GPUCISupport
@testable import GPUCISimulation
import Testing

@Suite struct PytestCollectorTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/e2e_test").path

    static func items(_ source: String, file: String = "test_m.py") throws(InputError) -> [TestItem] {
        try PytestCollector.collect(module: PythonModuleReader.read(source, file: file), file: file)
    }

    @Test func tokenizerHandlesStringsCommentsAndBrackets() throws {
        let source = """
        x = "a # not a comment"  # a comment
        y = '''triple
        quoted "with" quotes'''
        z = [1,
             2]  # bracket continues
        w = r"raw\\n" + b'bytes' + f"{x}"
        v = 1 + \\
            2
        """
        let lines = try PythonTokenizer.lines(source, file: "t.py")
        #expect(lines.count == 5)
        #expect(lines[0].tokens[2] == .string("a # not a comment"))
        #expect(lines[1].tokens[2] == .string("triple\nquoted \"with\" quotes"))
        #expect(lines[2].line == 4)
        #expect(lines[2].tokens.count == 7)
        #expect(lines[3].tokens[2] == .string("raw\\n"))
        #expect(lines[4].tokens.count == 5)
    }

    @Test func unclosedThingsAreErrorsWithLines() {
        #expect(throws: InputError.self) { try PythonTokenizer.lines("x = (1,\n2\n", file: "t.py") }
        do {
            _ = try PythonTokenizer.lines("a = 1\nb = 'open\n", file: "t.py")
            Issue.record("expected an error")
        } catch {
            #expect(error.location?.line == 2)
        }
        do {
            _ = try PythonTokenizer.lines("a = 1\nb = ]\n", file: "t.py")
            Issue.record("expected an error")
        } catch {
            #expect(error.location?.line == 2)
            #expect(error.message.contains("unbalanced"))
        }
    }

    @Test func markersFromDecoratorsClassAndModule() throws {
        let items = try Self.items("""
        import pytest
        pytestmark = pytest.mark.e2e

        @pytest.mark.model("qwen-7b")
        @pytest.mark.workers(count=2)
        @pytest.mark.parametrize("setup_backend", ["http", "grpc"], indirect=True)
        class TestA:
            pytestmark = [pytest.mark.gateway(policy="cache_aware", timeout=90)]

            @pytest.mark.parametrize("n", [1, 2])
            def test_one(self, setup_backend, n):
                pass

            def helper(self):
                pass

            async def test_two(self, setup_backend): ...

        class TestHasInit:
            def __init__(self):
                pass
            def test_never(self):
                pass

        @pytest.mark.model("llama-1b")
        def test_free():
            pass

        def not_a_test():
            pass
        """)
        #expect(items.map(\.id) == [
            "test_m.py::TestA::test_one[1-http]", "test_m.py::TestA::test_one[2-http]", "test_m.py::TestA::test_two[http]",
            "test_m.py::TestA::test_one[1-grpc]", "test_m.py::TestA::test_one[2-grpc]", "test_m.py::TestA::test_two[grpc]",
            "test_m.py::test_free",
        ])
        let first = items[0]
        #expect(first.markers.model == "qwen-7b")
        #expect(first.markers.e2e)
        #expect(first.markers.workers == WorkersMarker(count: 2))
        #expect(first.markers.gateway == GatewayMarker(policy: "cache_aware", timeout: 90))
        #expect(first.markers.parametrize.map(\.argnames) == ["n", "setup_backend"])
        #expect(first.markers.parametrize[1].indirect)
        #expect(first.params == ["n": .scalar("1"), "setup_backend": .scalar("http")])
        #expect(items[6].markers.model == "llama-1b")
        #expect(items[6].markers.e2e)
    }

    /// Inherited tests: base-class methods come first, overrides stay with the subclass, and class
    /// marks are read along the MRO base first (so the base's `model` marker is the closest one).
    @Test func inheritedTestsAndMarks() throws {
        let items = try Self.items("""
        import pytest

        @pytest.mark.e2e
        class TestBase:
            pytestmark = [pytest.mark.model("qwen-7b")]
            def test_a(self): ...
            def test_b(self): ...

        @pytest.mark.parametrize("setup_backend", ["grpc"], indirect=True)
        @pytest.mark.model("llama-1b")
        class TestDerived(TestBase, metaclass=Meta):
            def test_b(self): ...
            def test_c(self): ...
        """)
        #expect(items.map(\.id) == ["test_m.py::TestBase::test_a", "test_m.py::TestBase::test_b",
                                    "test_m.py::TestDerived::test_a[grpc]", "test_m.py::TestDerived::test_b[grpc]",
                                    "test_m.py::TestDerived::test_c[grpc]"])
        #expect(items[2].markers.model == "qwen-7b")
        #expect(items[2].markers.e2e)
        #expect(items[4].markers.parametrize.map(\.argnames) == ["setup_backend"])
    }

    @Test func multiNameParametrizeAndIDs() throws {
        let items = try Self.items("""
        import pytest
        @pytest.mark.parametrize("model,mode", [("qwen-7b", "http"), pytest.param("llama-1b", "grpc", id="small")])
        def test_pairs(model, mode):
            pass
        @pytest.mark.parametrize("x", ["a", "a", None, True, 3.5])
        def test_dupes(x):
            pass
        """)
        #expect(items.map(\.id) == ["test_m.py::test_pairs[qwen-7b-http]", "test_m.py::test_pairs[small]",
                                    "test_m.py::test_dupes[a0]", "test_m.py::test_dupes[a1]", "test_m.py::test_dupes[None]",
                                    "test_m.py::test_dupes[True]", "test_m.py::test_dupes[3.5]"])
        #expect(items[0].markers.parametrize[0].values == [.tuple(["qwen-7b", "http"]), .tuple(["llama-1b", "grpc"])])
        #expect(CollectionScan.model(of: items[0]) == "qwen-7b-http")
    }

    @Test func badMarkerArgumentsNameTheLine() {
        do {
            _ = try Self.items("import pytest\n\n@pytest.mark.workers(count='two')\ndef test_x():\n    pass\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.location?.line == 4)
            #expect(error.message.contains("workers"))
        }
    }

    /// The shipped fixture tree mirrors sgl-model-gateway/e2e_test: the "e2e" CI job (router +
    /// embeddings) gives the requirements of the notes §8.13.
    @Test func workedExample13FromTheFixtureTree() throws {
        let items = try PytestCollector.collect(paths: [Self.fixtures + "/router", Self.fixtures + "/embeddings"])
        #expect(items.first?.id == "router/test_mmlu.py::TestMMLU::test_mmlu_basic[grpc]")
        let scan = CollectionScan(items: items, tp: ReferenceModels.tp)
        #expect(scan.requirements.map(\.key) == ["llama-8b:grpc", "llama-8b:http", "llama-8b:http:prefill_0",
                                                  "llama-8b:http:decode_0", "embedding:grpc", "embedding:http"])
        #expect(scan.maxTestGPUs == 2)
        #expect(scan.maxTestName == "router/test_pd_mmlu.py::TestPDMMLU::test_pd_mmlu_basic[pd]")
        let igw = try #require(items.first { $0.id == "router/test_worker_api.py::TestIGWMode::test_igw_multiple_workers" })
        #expect(igw.uses == [WorkerUse(model: "llama-8b", mode: .http), WorkerUse(model: "llama-8b", mode: .grpc)])
        #expect(igw.gatewayModes == [.igw])

        // Startup on 4×A10: the four llama workers on GPUs 0–3, both embedding workers deferred;
        // then get(embedding, grpc) evicts decode_0 (last launched, never used) and takes GPU 3.
        var pool = ModelPool(gpus: (0..<4).map { GPUInfo(id: $0, name: "A10", memoryMiB: 23028) }, catalog: ReferenceModels.catalog)
        let startup = pool.startup(scan.requirements, now: 0)
        #expect(startup.launched.map(\.gpus) == [[0], [1], [2], [3]])
        #expect(startup.deferred.map(\.key) == ["embedding:grpc", "embedding:http"])
        let (instance, outcome) = try pool.get(model: "embedding", mode: .grpc, now: 1)
        #expect(outcome.evicted == ["llama-8b:http:decode_0"])
        #expect(instance.gpus == [3])
    }

    @Test func shippedScenarioIsTheImportOfTheFixtureTree() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shipped = try ScenarioParser.load(path: root.appendingPathComponent("Scenarios/gateway-e2e.yaml").path)
        let items = try PytestCollector.collect(paths: [Self.fixtures + "/router", Self.fixtures + "/embeddings"])
        #expect(shipped.tests.map(\.id) == items.map(\.id))
        #expect(shipped.tests.map(\.markers) == items.map(\.markers))
        #expect(shipped.tests.map(\.uses) == items.map(\.uses))
    }

    /// Every fixture module cut at seeded random points: a module or a clean error, never a crash.
    @Test func truncatedFixtureModulesNeverCrash() throws {
        var random = SplitMix64(seed: 11)
        for name in ["router/test_mmlu.py", "router/test_worker_api.py", "embeddings/test_basic.py", "embeddings/test_correctness.py"] {
            let source = try String(contentsOfFile: Self.fixtures + "/" + name, encoding: .utf8)
            let scalars = Array(source.unicodeScalars)
            for _ in 0..<60 {
                var cut = String.UnicodeScalarView()
                cut.append(contentsOf: scalars.prefix(Int.random(in: 0...scalars.count, using: &random)))
                do { _ = try Self.items(String(cut), file: name) } catch { #expect(error.location?.file == name) }
            }
        }
    }

    /// Seeded random Python-ish text: the reader returns a module or an error, never crashes.
    @Test func fuzzedPythonNeverCrashes() throws {
        let pieces = ["@pytest.mark.e2e\n", "@pytest.mark.parametrize(\"setup_backend\", [\"http\", \"grpc\"], indirect=True)\n",
                      "class TestX:\n", "    def test_a(self):\n", "        pass\n", "def test_b():\n", "    x = (1,\n", "2)\n",
                      "'''doc\n", "'''\n", "# comment (\n", "    pytestmark = [pytest.mark.model('m')]\n", "\\\n", "\"unterminated\n",
                      "@pytest.mark.workers(count=2, prefill=None)\n", "]\n", "\tdef test_c(): ...\n", "x = {'a': [1, 2}\n",
                      "async def test_d():\n", "    model_pool.get(\"llama-8b\", ConnectionMode.GRPC)\n", "é = 'ü'\n"]
        var random = SplitMix64(seed: 7)
        var parsed = 0
        for _ in 0..<500 {
            let source = (0..<Int.random(in: 0...14, using: &random)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined()
            do {
                _ = try Self.items(source)
                parsed += 1
            } catch {
                #expect(error.location?.file == "test_m.py")
            }
        }
        // Both outcomes must be exercised: a good share of the soup is valid Python.
        #expect(parsed > 20)
    }
}
