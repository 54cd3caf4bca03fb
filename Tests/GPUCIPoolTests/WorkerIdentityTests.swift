import GPUCIPool
import Testing

@Suite struct WorkerIdentityTests {
    @Test func keysFollowTheReference() {
        #expect(WorkerIdentity(model: "llama-8b", mode: .http).key == "llama-8b:http")
        #expect(WorkerIdentity(model: "llama-8b", mode: .grpc, index: 2).key == "llama-8b:grpc:2")
        #expect(WorkerIdentity(model: "llama-8b", mode: .http, type: .prefill).key == "llama-8b:http:prefill_0")
        #expect(WorkerIdentity(model: "llama-8b", mode: .http, type: .decode, index: 1).key == "llama-8b:http:decode_1")
        #expect(WorkerIdentity(model: "llama-8b", mode: .grpc, index: 0).key == "llama-8b:grpc")
    }

    @Test func identitiesDifferingOnlyByIndexAreDistinct() {
        let a = WorkerIdentity(model: "m", mode: .http, type: .prefill, index: 0)
        let b = WorkerIdentity(model: "m", mode: .http, type: .prefill, index: 1)
        #expect(a != b)
        #expect(Set([a, b, a]).count == 2)
    }
}
