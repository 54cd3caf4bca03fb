import Foundation

/// What gpuci knows about accelerators hwloc cannot describe itself: which PCI functions are
/// accelerators at all, and the memory of known models (driver-visible MiB where a public
/// figure exists, otherwise the marketing GB × 1024, as each entry says).
public enum AcceleratorCatalog {
    /// One known accelerator model.
    public struct Entry: Sendable, Hashable {
        /// PCI `vendor:device` ids (lower-case hex) of the model, when known.
        public var pciIDs: [String]
        /// Names as hwloc's `GPUModel`/`PCIDevice` infos spell them, matched as substrings
        /// (longest first), e.g. `H200`.
        public var modelNames: [String]
        /// The model name gpuci shows.
        public var model: String
        /// Memory per device in MiB.
        public var memoryMiB: Int
    }

    /// Known models. Sources are in `gpu-topology.md` §3; unverified ids are marked.
    public static let entries: [Entry] = [
        // nvidia-smi memory.total 143771 MiB; PCI 10de:2335 (public lspci fixtures).
        Entry(pciIDs: ["10de:2335"], modelNames: ["H200"], model: "H200", memoryMiB: 143_771),
        // nvidia-smi memory.total 81559 MiB for the 80 GB SXM5; PCI 10de:2330.
        Entry(pciIDs: ["10de:2330"], modelNames: ["H100"], model: "H100", memoryMiB: 81_559),
        // nvidia-smi memory.total 23028 MiB; PCI 10de:2236.
        Entry(pciIDs: ["10de:2236"], modelNames: ["A10"], model: "A10", memoryMiB: 23_028),
        // 6 GB GDDR5 × 1024 (marketing; ECC takes 1/8 of it); PCI 10de:06d2 (hwloc's own test captures).
        Entry(pciIDs: ["10de:06d2"], modelNames: ["M2070"], model: "Tesla M2070", memoryMiB: 6_144),
        // 192 GB HBM3 × 1024 (marketing); PCI 1002:74a1 is unverified.
        Entry(pciIDs: ["1002:74a1"], modelNames: ["MI300X"], model: "MI300X", memoryMiB: 196_608),
        // 256 GB HBM3E × 1024 (marketing); no PCI id known.
        Entry(pciIDs: [], modelNames: ["MI325X"], model: "MI325X", memoryMiB: 262_144),
        // 288 GB HBM3E × 1024 (marketing); MI350X is PCI 1002:75a0 (amd-smi in ROCm PR #2987).
        Entry(pciIDs: ["1002:75a0"], modelNames: ["MI350X"], model: "MI350X", memoryMiB: 294_912),
        // 288 GB HBM3E × 1024 (marketing); PCI id unverified, matched by name only.
        Entry(pciIDs: [], modelNames: ["MI355X"], model: "MI355X", memoryMiB: 294_912),
        // npu-smi 65536 MB HBM; PCI 19e5:d802. The 32 GB 910B4 must be matched before it.
        Entry(pciIDs: [], modelNames: ["910B4"], model: "Ascend 910B4", memoryMiB: 32_768),
        Entry(pciIDs: ["19e5:d802"], modelNames: ["910B"], model: "Ascend 910B", memoryMiB: 65_536),
        // npu-smi 65536 MB per die.
        Entry(pciIDs: [], modelNames: ["910C"], model: "Ascend 910C", memoryMiB: 65_536),
    ]

    /// The entry for PCI id `vendor:device`, if known.
    public static func entry(pciID: String) -> Entry? {
        entries.first { $0.pciIDs.contains(pciID.lowercased()) }
    }

    /// The entry whose name occurs in `modelName` (case-insensitive), if any; the first listed
    /// entry wins, so more specific names are listed first. A name ending in a digit must not
    /// be followed by another digit, so `A10` does not match `A100`.
    public static func entry(modelName: String) -> Entry? {
        let upper = modelName.uppercased()
        return entries.first { entry in entry.modelNames.contains { occurs($0.uppercased(), in: upper) } }
    }

    private static func occurs(_ name: String, in text: String) -> Bool {
        var searchStart = text.startIndex
        while let range = text.range(of: name, range: searchStart..<text.endIndex) {
            let endsInDigit = name.last?.isNumber ?? false
            if !endsInDigit || range.upperBound == text.endIndex || !text[range.upperBound].isNumber {
                return true
            }
            searchStart = text.index(after: range.lowerBound)
        }
        return false
    }

    /// Memory in MiB written into a model name as `-NNGB` (e.g. `A100-SXM4-80GB` → 81920).
    public static func memoryFromName(_ modelName: String) -> Int? {
        let characters = Array(modelName.uppercased())
        var index = 0
        while index < characters.count {
            if characters[index] == "-" {
                var end = index + 1
                while end < characters.count, characters[end].isASCII, characters[end].isNumber { end += 1 }
                if end > index + 1, end + 1 < characters.count, characters[end] == "G", characters[end + 1] == "B",
                   end - index - 1 <= 5, let gigabytes = Int(String(characters[(index + 1)..<end])), gigabytes > 0 {
                    return gigabytes * 1024
                }
            }
            index += 1
        }
        return nil
    }

    /// What a PCI function is, by its ids alone.
    enum PCIClassification: Equatable {
        /// A GPU or NPU gpuci schedules.
        case accelerator(Vendor, DeviceKind)
        /// An accelerator of a kind gpuci does not schedule.
        case unscheduled(model: String)
    }

    /// VGA-class (0x0300) functions of AMD and Intel that are compute GPUs (ROCm / oneAPI
    /// parts; ids from the public pci.ids database). Their other VGA functions are 2D or
    /// integrated graphics, such as the ATI ES1000 (1002:515e) that server boards carry for
    /// their console.
    static let computeVGA: Set<String> = [
        "1002:66af",                                   // Radeon VII (Vega 20)
        "1002:73a3", "1002:73bf",                      // Radeon Pro W6800, RX 6800/6900 (Navi 21)
        "1002:7448", "1002:744c", "1002:745e",         // Radeon Pro W7900, RX 7900 (Navi 31), Pro W7800
        "1002:7550",                                   // RX 9070 (Navi 48)
        "8086:56a0", "8086:56a1", "8086:56a5",         // Arc A770, A750, A380
        "8086:e20b",                                   // Arc B580
    ]

    /// Whether PCI function `pci` is an accelerator, and of which kind, or `nil`.
    ///
    /// - NVIDIA (10de) VGA and 3D controllers: every one runs CUDA (NVSwitch is a bridge class).
    /// - AMD (1002) 3D (0302), other display (0380) and processing accelerators (12xx): the
    ///   Instinct line. A VGA (0300) function only when ``computeVGA`` lists it.
    /// - Intel (8086) 3D and other display controllers (Data Center GPU Max/Flex), VGA only when
    ///   listed; Xeon Phi co-processors are unscheduled.
    /// - Huawei (19e5) processing accelerators (0x12xx): NPUs.
    /// - NEC (1bcf) SX-Aurora vector engines: unscheduled.
    /// - Anything else, such as a BMC's ASPEED (1a03) or Matrox (102b) VGA, never counts.
    static func classify(_ pci: PCIIdentity) -> PCIClassification? {
        let classID = pci.classID
        switch pci.vendorID {
        case 0x10de where classID == 0x0300 || classID == 0x0302:
            return .accelerator(.nvidia, .gpu)
        case 0x1002 where [0x0302, 0x0380].contains(classID) || classID >> 8 == 0x12:
            return .accelerator(.amd, .gpu)
        case 0x8086 where classID == 0x0302 || classID == 0x0380:
            return .accelerator(.intel, .gpu)
        case 0x1002 where classID == 0x0300 && computeVGA.contains(pci.idText),
             0x8086 where classID == 0x0300 && computeVGA.contains(pci.idText):
            return .accelerator(pci.vendorID == 0x1002 ? .amd : .intel, .gpu)
        case 0x8086 where classID == 0x0b40 && (0x2250...0x225e).contains(pci.deviceID):
            return .unscheduled(model: "Intel Xeon Phi")
        case 0x19e5 where classID >> 8 == 0x12:
            return .accelerator(.huawei, .npu)
        case 0x1bcf where classID == 0x0b40 || classID >> 8 == 0x12:
            return .unscheduled(model: "NEC SX-Aurora Vector Engine")
        default:
            return nil
        }
    }

    /// The vendor a PCI vendor id belongs to, when it is an accelerator vendor.
    static func vendor(pciVendorID: Int) -> Vendor? {
        switch pciVendorID {
        case 0x10de: .nvidia
        case 0x1002: .amd
        case 0x8086: .intel
        case 0x19e5: .huawei
        default: nil
        }
    }
}
