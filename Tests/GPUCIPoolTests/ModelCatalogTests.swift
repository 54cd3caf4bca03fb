import Foundation
import GPUCIPool
import GPUCISupport
import Testing

@Suite struct ModelCatalogTests {
    @Test func bundledCatalogHasTheReferenceTable() throws {
        let catalog = try ModelCatalog.bundled()
        #expect(catalog.models.map(\.id) == ["llama-8b", "llama-1b", "qwen-7b", "qwen-14b", "deepseek-7b", "qwen-30b",
                                             "mistral-7b", "embedding", "gpt-oss"])
        #expect(catalog["qwen-30b"]?.tp == 4)
        #expect(catalog["qwen-30b"]?.memoryGB == 60)
        #expect(catalog["qwen-14b"]?.workerArgs == ["--context-length=1000"])
        #expect(catalog["embedding"]?.features == ["embedding"])
        #expect(catalog["gpt-oss"]?.hfPath == "openai/gpt-oss-20b")
        #expect(catalog.cloudModels.map(\.id) == ["openai", "xai"])
        #expect(catalog.cloudModel("xai")?.keyEnv == "XAI_API_KEY")
        for model in catalog.models {
            #expect(model.startupSeconds == ModelSpec.estimatedStartupSeconds(memoryGB: model.memoryGB, tp: model.tp))
        }
    }

    @Test func replacingKeepsPositionAndAppendsNewIDs() throws {
        let catalog = try ModelCatalog.bundled()
            .replacing([ModelSpec(id: "qwen-30b", memoryGB: 60, tp: 2), ModelSpec(id: "new", memoryGB: 1)])
        #expect(catalog["qwen-30b"]?.tp == 2)
        #expect(catalog.models[5].id == "qwen-30b")
        #expect(catalog.models.last?.id == "new")
    }

    static func error(_ yaml: String) -> InputError? {
        do {
            _ = try ModelCatalog.parse(yaml, file: "m.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("models:\n  - id: a\n    hf_path: x\n    memory_gb: 4\n    colour: red\n", 5, "unknown key 'colour'"),
        ("models:\n  - id: a\n    hf_path: x\n    memory_gb: -4\n", 4, "positive number"),
        ("models:\n  - id: a\n    hf_path: x\n    memory_gb: 4\n    tp: 0\n", 5, "at least 1"),
        ("models:\n  - id: a\n    hf_path: x\n    memory_gb: 4\n    tp: 1.5\n", 5, "at least 1"),
        ("models:\n  - id: a\n    hf_path: x\n    memory_gb: 4\n  - id: a\n    hf_path: y\n    memory_gb: 8\n", 5, "duplicate model id 'a'"),
        ("models:\n  - hf_path: x\n    memory_gb: 4\n", 2, "missing `id`"),
        ("models:\n  - id: a\n    hf_path: x\n", 2, "missing `memory_gb`"),
        ("models:\n  - id: a\n    hf_path: x\n    memory_gb: 4\n    features: chat\n", 5, "list of strings"),
        ("models:\n  - id: a\n    hf_path: [x\n", 4, "not valid YAML"),
        ("extra: 1\nmodels: []\n", 1, "unknown key 'extra'"),
        ("models:\n  - id: a\n    hf_path: x\n    memory_gb: 4\n    id: b\n", 2, "duplicate keys"),
    ])
    func badCatalogsNameTheLine(yaml: String, line: Int, message: String) throws {
        let error = try #require(Self.error(yaml))
        #expect(error.location?.file == "m.yaml")
        #expect(error.location?.line == line, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func missingFileIsAnInputError() {
        #expect(throws: InputError.self) { try ModelCatalog.load(path: "/nonexistent/models.yaml") }
    }

    @Test func fuzzedCatalogsNeverCrash() throws {
        let text = try String(contentsOfFile: BundledPath.models, encoding: .utf8)
        let bytes = Array(text.utf8)
        var rng = SeededGenerator(seed: 42)
        var accepted = 0, rejected = 0
        for round in 0..<400 {
            var mutated = bytes
            if round % 2 == 0 {
                mutated = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            } else {
                for _ in 0..<Int.random(in: 1...6, using: &rng) where !mutated.isEmpty {
                    let position = Int.random(in: 0..<mutated.count, using: &rng)
                    mutated[position] = Array("-:[]{}#\n 0a\"'".utf8).randomElement(using: &rng)!
                }
            }
            do {
                let catalog = try ModelCatalog.parse(String(decoding: mutated, as: UTF8.self), file: "fuzz.yaml")
                #expect(catalog.models.allSatisfy { $0.tp >= 1 && ($0.memoryGB ?? 1) > 0 })
                accepted += 1
            } catch {
                #expect(error.location?.file == "fuzz.yaml")
                rejected += 1
            }
        }
        #expect(accepted > 0 && rejected > 0)
    }
}

enum BundledPath {
    /// `Scenarios/models.yaml` in this checkout.
    static var models: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scenarios/models.yaml").path
    }
}
