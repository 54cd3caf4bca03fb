/// How two devices reach each other, in the vocabulary of `nvidia-smi topo -m`.
///
/// `XGMI` (AMD Infinity Fabric), `HCCS` (Huawei Cache Coherence System) and `SIO` (the
/// on-package link between the two dies of an Ascend A3 NPU) extend NVIDIA's labels.
public enum Link: Sendable, Hashable {
    /// The device itself (`X`).
    case selfLink
    /// NVLink with the given number of bonded links (`NV18`); through NVSwitch on HGX boards.
    case nvlink(Int)
    /// AMD XGMI / Infinity Fabric.
    case xgmi
    /// Huawei HCCS.
    case hccs
    /// Ascend A3 die-to-die link inside one package.
    case sio
    /// At most one PCIe bridge between the devices (`PIX`).
    case pix
    /// Several PCIe bridges, no host bridge (`PXB`).
    case pxb
    /// Through a PCIe host bridge, i.e. the CPU (`PHB`).
    case phb
    /// Between host bridges inside one NUMA node (`NODE`).
    case node
    /// Across NUMA nodes over the SMP interconnect (`SYS`).
    case sys

    /// The label `nvidia-smi topo -m` prints (`X`, `NV18`, `PIX`, …).
    public var label: String {
        switch self {
        case .selfLink: "X"
        case .nvlink(let count): "NV\(count)"
        case .xgmi: "XGMI"
        case .hccs: "HCCS"
        case .sio: "SIO"
        case .pix: "PIX"
        case .pxb: "PXB"
        case .phb: "PHB"
        case .node: "NODE"
        case .sys: "SYS"
        }
    }

    /// Parses a label; `nil` when it is not one of the vocabulary's words.
    public init?(label: String) {
        switch label.uppercased() {
        case "X": self = .selfLink
        case "XGMI": self = .xgmi
        case "HCCS": self = .hccs
        case "SIO": self = .sio
        case "PIX": self = .pix
        case "PXB": self = .pxb
        case "PHB": self = .phb
        case "NODE": self = .node
        case "SYS": self = .sys
        default:
            let upper = label.uppercased()
            let digits = upper.dropFirst(2)
            guard upper.hasPrefix("NV"), !digits.isEmpty, digits.count <= 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let count = Int(digits), count > 0 else { return nil }
            self = .nvlink(count)
        }
    }

    /// Rank for placement: lower is better. Direct fabrics (NVLink, XGMI, HCCS, SIO) rank 1,
    /// then PCIe switch, bridges, host bridge, same NUMA node, and across sockets last.
    public var rank: Int {
        switch self {
        case .selfLink: 0
        case .sio: 1
        case .nvlink, .xgmi, .hccs: 1
        case .pix: 2
        case .pxb: 3
        case .phb: 4
        case .node: 5
        case .sys: 6
        }
    }

    /// Whether the link is a direct accelerator fabric rather than PCIe or the host.
    public var isFabric: Bool { rank == 1 }
}

extension Link: Codable {
    /// Decodes a label such as `NV18`; an unknown label is a `DecodingError`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let link = Link(label: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown link label '\(text)' (expected X, NV<n>, XGMI, HCCS, SIO, PIX, PXB, PHB, NODE or SYS)")
        }
        self = link
    }

    /// Encodes the label (`X`, `NV18`, `PIX`, …).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(label)
    }
}
