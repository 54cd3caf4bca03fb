import Foundation
import Testing
import GPUCISupport
@testable import GPUCIPlanner

/// Reading and writing the shared registry CSV.
struct RegistryCSVTests {
    @Test func readsTheSharedCSVAndWritesItBackByteForByte() throws {
        let text = try SharedData.registryCSV()
        let registrations = try RegistryCSV.parse(text, file: "sglang-registry.csv")
        #expect(registrations.count == 2191)
        #expect(Set(registrations.map(\.file)).count == 1665)
        #expect(RegistryCSV.render(registrations) == text)
        let seed = registrations.filter { $0.file == "test/registered/backends/test_torch_compile.py" }
        #expect(!seed.isEmpty)
        let quoted = try #require(registrations.first { $0.file == "test/registered/debug_utils/test_engine_dumper_comparator_e2e.py" && $0.backend == "amd" })
        #expect(quoted.disabled == "TP=2 vs TP=4 numerical mismatch on AMD (comparator fails tolerance check)")
        #expect(quoted.nightly)
        let staged = try #require(registrations.first { $0.stage == "base-c" })
        #expect(staged.suite == "base-c-test-\(staged.runnerConfig ?? "")")
    }

    @Test(arguments: [
        ("file,backend,suite\r\n", 1, "expected the header"),
        ("file,backend,suite,est_time,extra\r\nx.py,tpu,s,1,\r\n", 2, "unknown backend"),
        ("file,backend,suite,est_time,extra\r\nx.py,cuda,s,ten,\r\n", 2, "expected a number"),
        ("file,backend,suite,est_time,extra\r\nx.py,cuda,s,-1,\r\n", 2, "expected a number"),
        ("file,backend,suite,est_time,extra\r\na.py,cuda,s,1,\r\nx.py,cuda,s,1,nightly=yes\r\n", 3, "nightly must be True or False"),
        ("file,backend,suite,est_time,extra\r\nx.py,cuda,s,1,colour=red\r\n", 2, "unknown key"),
        ("file,backend,suite,est_time,extra\r\nx.py,cuda,\"s\n2\",1,\r\ny.py,cuda,s,1,\"disabled=\"\"open\"\r\n", 4, "unterminated or invalid JSON"),
        ("file,backend,suite,est_time,extra\r\nx.py,cuda,\"s,1,\r\n", 2, "unterminated quoted field"),
        ("file,backend,suite,est_time,extra\r\nx.py,cuda,s,1\r\n", 2, "expected 5 fields"),
        ("file,backend,suite,est_time,extra\r\nx.py,cuda,s,1,stage=a\r\n", 2, "stage and runner_config"),
    ])
    func reportsTheLineOfABadRecord(text: String, line: Int, message: String) {
        #expect {
            _ = try RegistryCSV.parse(text, file: "r.csv")
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.location?.line == line && error.location?.file == "r.csv" && error.message.contains(message)
        }
    }

    @Test func seededRandomAndTruncatedInputsNeverCrash() throws {
        let text = try SharedData.registryCSV()
        let bytes = Array(text.utf8.prefix(20_000))
        var random = SeededRandom(seed: 7)
        for round in 0..<300 {
            var sample = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
            for _ in 0..<(round % 5) where !sample.isEmpty {
                sample[Int(random.next() % UInt64(sample.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            let mutated = String(decoding: sample, as: UTF8.self)
            do {
                let registrations = try RegistryCSV.parse(mutated, file: "fuzz.csv")
                #expect(registrations.allSatisfy { $0.estTime >= 0 && $0.estTime.isFinite })
            } catch {
                #expect(error.location?.file == "fuzz.csv")
            }
        }
    }
}

/// `disabled="None"` is a disabled registration whose reason is the string None; `disabled=None`
/// is Python's None (enabled). Both survive a CSV round trip (issue 10, item 4).
@Suite struct DisabledNoneRoundTripTests {
    @Test func theStringNoneStaysADisabledReason() throws {
        let source = """
        register_cuda_ci(est_time=10, suite="s", disabled="None")
        """
        let enabled = """
        register_cuda_ci(est_time=10, suite="s", disabled=None)
        """
        let disabled = RegistrationReader.read(text: source, file: "test/registered/a.py").registrations
        let plain = RegistrationReader.read(text: enabled, file: "test/registered/b.py").registrations
        #expect(disabled.map(\.disabled) == ["None"] && plain.map(\.disabled) == [nil])
        let csv = RegistryCSV.render(disabled + plain)
        #expect(csv.contains(#""disabled=""None""""#))
        let back = try RegistryCSV.parse(csv, file: "round.csv")
        #expect(back.map(\.disabled) == ["None", nil])
        #expect(back.map(\.isEnabled) == [false, true])
    }
}
