import GPUCIPool
@testable import GPUCISimulation
import Testing

@Suite struct CollectionScanTests {
    static func item(_ id: String, model: String? = nil, e2e: Bool = false, backends: [String] = [],
                     workers: WorkersMarker? = nil) -> TestItem {
        let parametrize = backends.isEmpty ? [] : [ParametrizeMarker(argnames: "setup_backend", values: backends.map(ParamValue.scalar), indirect: true)]
        return TestItem(id: id, markers: TestMarkers(model: model, e2e: e2e, workers: workers, parametrize: parametrize),
                        params: backends.first.map { ["setup_backend": .scalar($0)] } ?? [:])
    }

    /// Notes §8.15.
    static let worked15: [TestItem] = [
        item("t.py::A::test", model: "qwen-7b", backends: ["grpc", "http"]),
        item("t.py::B::test", e2e: true, backends: ["http"], workers: WorkersMarker(count: 2)),
        item("t.py::C::test", model: "llama-8b", backends: ["pd"], workers: WorkersMarker(prefill: 2, decode: 1)),
        item("t.py::D::test", model: "gpt-oss", backends: ["pd"]),
        item("t.py::E::test", model: "gpt-oss", backends: ["http"], workers: WorkersMarker(count: 3)),
        item("t.py::F::test", model: "llama-1b", e2e: true),
        item("t.py::G::test", model: "llama-8b", backends: ["openai"]),
        item("t.py::H::test", backends: ["grpc"]),
        item("t.py::I::test", model: "mistral-7b", backends: ["grpc"], workers: WorkersMarker(decode: 2)),
        item("t.py::J::test", model: "qwen-7b", backends: ["http"], workers: WorkersMarker(count: 4)),
    ]

    @Test func workedExample15() {
        let scan = CollectionScan(items: Self.worked15, tp: ReferenceModels.tp)
        #expect(scan.requirements.map(\.key) == [
            "qwen-7b:grpc", "qwen-7b:http", "qwen-7b:http:1", "qwen-7b:http:2", "qwen-7b:http:3",
            "llama-8b:http", "llama-8b:http:1", "llama-8b:http:prefill_0", "llama-8b:http:prefill_1",
            "llama-8b:http:decode_0", "gpt-oss:http:prefill_0", "gpt-oss:http:decode_0", "llama-1b:http",
            "mistral-7b:grpc:decode_0", "mistral-7b:grpc:decode_1",
        ])
        #expect(scan.maxTestGPUs == 6)
        #expect(scan.maxTestName == "t.py::E::test")
        #expect(scan.needsDefaultModel)
        #expect(scan.counts[WorkerTriple(model: "gpt-oss", mode: .http, type: .regular)] == 3)
        #expect(scan.counts[WorkerTriple(model: "mistral-7b", mode: .grpc, type: .prefill)] == 0)
    }

    @Test func workedExample17OnlyCloud() {
        let scan = CollectionScan(items: [Self.item("t.py::C::test", backends: ["openai"])], tp: ReferenceModels.tp)
        #expect(scan.requirements.map(\.key) == ["llama-8b:http"])
        #expect(scan.maxTestGPUs == 0)
        #expect(throws: Never.self) { try scan.validate(availableGPUs: 0) }
    }

    @Test func gpuCheckNamesFirstTestOfTheMaximum() {
        let items = [
            Self.item("a.py::X::t", model: "llama-8b", backends: ["pd"], workers: WorkersMarker(prefill: 2, decode: 2)),
            Self.item("b.py::Y::t", model: "llama-8b", backends: ["http"], workers: WorkersMarker(count: 4)),
            Self.item("c.py::Z::t", model: "gpt-oss", backends: ["pd"], workers: WorkersMarker(prefill: 2, decode: 1)),
        ]
        let scan = CollectionScan(items: items, tp: ReferenceModels.tp)
        #expect(scan.maxTestGPUs == 6)
        #expect(throws: Never.self) { try scan.validate(availableGPUs: 6) }
        do {
            try scan.validate(availableGPUs: 4)
            Issue.record("expected the GPU check to fail")
        } catch {
            #expect(error.test == "c.py::Z::t")
            #expect(error.description.contains("Test 'c.py::Z::t' requires 6 GPUs"))
            #expect(error.description.contains("Available: 4 GPUs"))
        }
    }

    @Test func pdFirstAndCountZero() {
        let items = [
            Self.item("p.py::T::pd", model: "llama-8b", backends: ["pd"], workers: WorkersMarker(prefill: 2, decode: 2)),
            Self.item("r.py::T::reg", model: "llama-8b", backends: ["http", "grpc"], workers: WorkersMarker(count: 4)),
            Self.item("z.py::T::zero", model: "qwen-7b", backends: ["http"], workers: WorkersMarker(count: 0)),
        ]
        let scan = CollectionScan(items: items, tp: ReferenceModels.tp)
        #expect(scan.requirements.map(\.key) == [
            "llama-8b:http:prefill_0", "llama-8b:http:prefill_1", "llama-8b:http:decode_0", "llama-8b:http:decode_1",
            "qwen-7b:http",
        ])
        #expect(scan.maxTestGPUs == 4)
        #expect(scan.maxTestName == "p.py::T::pd")
    }

    @Test func parametrizedModelTakesOnlyTheFirstValue() {
        var item = Self.item("m.py::T::t[qwen-7b]", backends: ["http"])
        item.markers.parametrize.append(ParametrizeMarker(argnames: "model_name", values: [.scalar("qwen-7b"), .scalar("llama-1b")]))
        let scan = CollectionScan(items: [item], tp: ReferenceModels.tp)
        #expect(scan.requirements.map(\.key) == ["qwen-7b:http"])
        #expect(!scan.needsDefaultModel)
    }
}
