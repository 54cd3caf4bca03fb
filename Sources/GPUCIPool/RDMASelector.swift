import GPUCITopology

/// Picks the RDMA device a PD worker passes as `--disaggregation-ib-device`.
///
/// Candidates are the RDMA NICs whose port is up (`portActive != false`). The first of them wins,
/// preferring NICs on the NUMA node of the worker's first GPU, then by name in natural order
/// (`mlx5_2` before `mlx5_10`, as the reference probes `mlx5_0` … `mlx5_11`).
struct RDMASelector: Sendable, Hashable {
    private let candidates: [NIC]
    private let numaByGPU: [Int: Int]

    init(nics: [NIC], numaByGPU: [Int: Int]) {
        self.candidates = nics.filter { $0.rdma && $0.portActive != false }
            .sorted { Self.naturalLess($0.name, $1.name) }
        self.numaByGPU = numaByGPU
    }

    /// Whether any RDMA NIC with an active port exists.
    var hasDevice: Bool { !candidates.isEmpty }

    /// The device for a worker whose first GPU is `firstGPU` (nil: no slot → name order only).
    func device(firstGPU: Int?) -> String? {
        if let gpu = firstGPU, let node = numaByGPU[gpu],
           let local = candidates.first(where: { $0.numaNode == node }) {
            return local.name
        }
        return candidates.first?.name
    }

    /// Natural order: runs of digits compare by value, everything else by Unicode scalars.
    static func naturalLess(_ a: String, _ b: String) -> Bool {
        let x = chunks(a), y = chunks(b)
        for (p, q) in zip(x, y) where p != q {
            switch (p, q) {
            case let (.number(m), .number(n)): return m < n
            case let (.text(s), .text(t)): return s < t
            case (.number, .text): return true
            case (.text, .number): return false
            }
        }
        return x.count != y.count ? x.count < y.count : a < b
    }

    private enum Chunk: Equatable {
        case text(String)
        case number(Int)
    }

    private static func chunks(_ text: String) -> [Chunk] {
        var result: [Chunk] = []
        var current = ""
        var inDigits = false
        func flush() {
            guard !current.isEmpty else { return }
            if inDigits, let n = Int(current) { result.append(.number(n)) } else { result.append(.text(current)) }
            current = ""
        }
        for character in text {
            let isDigit = character.isASCII && character.isNumber
            if isDigit != inDigits { flush(); inDigits = isDigit }
            current.append(character)
        }
        flush()
        return result
    }
}
