/// One accelerator found in an hwloc topology: a PCI function, or an OS device that has no
/// PCI parent, with every OS device that describes it (`cuda0`, `nvml0`, `opencl0d0`, …) and
/// the NUMA node made of its memory, if any.
struct HwlocAccelerator {
    /// The object that stands for the device: its PCI function, or the lone OS device.
    var anchor: HwlocObject
    /// Compute OS devices under the anchor, best backend first.
    var osDevices: [HwlocObject]
    var pci: PCIIdentity?
    var vendor: Vendor
    var kind: DeviceKind
    /// A `GPUMemory` NUMA node whose `PCIBusID` is this device.
    var memoryNode: HwlocObject?

    /// Backends that expose compute devices, best source of facts first.
    static let backendPriority = ["NVML", "CUDA", "RSMI", "LevelZero", "OpenCL", "Ascend"]

    /// Info keys holding device memory, all in KiB, in order of trust.
    static let memoryKeys = ["CUDAGlobalMemorySize", "RSMIVRAMSize", "LevelZeroHBMSize", "LevelZeroMemorySize",
                             "OpenCLGlobalMemorySize"]

    /// Co-processor OS devices of kinds gpuci does not schedule, with what they are and the
    /// info key of their memory (KiB).
    static let unscheduledSubtypes: [String: (model: String, memoryKey: String)] = [
        "VectorEngine": ("NEC SX-Aurora Vector Engine", "VectorEngineMemorySize"),
        "MIC": ("Intel Xeon Phi", "MICMemorySize"),
    ]

    /// Whether an OS device is a compute view of an accelerator: a GPU or co-processor from a
    /// compute backend, never a DRM `card*`/`renderD*` node, an X display or a vector engine.
    static func isCompute(_ object: HwlocObject) -> Bool {
        switch object.osDeviceType {
        case .coprocessor?, .gpu?: return backendPriority.contains(backend(of: object) ?? "")
        default: return false
        }
    }

    /// Whether an OS device is a co-processor gpuci does not schedule (any co-processor that is
    /// not a compute backend's view of a GPU).
    static func isUnscheduled(_ object: HwlocObject) -> Bool {
        object.osDeviceType == .coprocessor && !isCompute(object)
    }

    /// The backend behind an OS device: its subtype (hwloc 2.x), or the `CoProcType`/`Backend`
    /// info hwloc 1.x wrote instead.
    static func backend(of object: HwlocObject) -> String? {
        object.subtype ?? object.info("CoProcType") ?? object.info("Backend")
    }

    static func rank(_ object: HwlocObject) -> Int {
        backendPriority.firstIndex(of: backend(of: object) ?? "") ?? backendPriority.count
    }

    /// The vendor a compute OS device reports through its backend or `GPUVendor` info.
    static func vendor(of object: HwlocObject) -> Vendor? {
        switch backend(of: object) {
        case "NVML", "CUDA": return .nvidia
        case "RSMI": return .amd
        case "LevelZero": return .intel
        case "Ascend": return .huawei
        default: break
        }
        let text = (object.info("GPUVendor") ?? "").lowercased()
        if text.contains("nvidia") { return .nvidia }
        if text.contains("amd") || text.contains("advanced micro") { return .amd }
        if text.contains("intel") { return .intel }
        if text.contains("huawei") { return .huawei }
        return nil
    }

    /// Model name: `GPUModel` of the best OS device, else the PCI device name, else the catalog.
    var model: String {
        for device in osDevices {
            if let model = device.info("GPUModel"), !model.isEmpty { return model }
        }
        if let name = anchor.info("PCIDevice"), !name.isEmpty { return name }
        if let pci, let entry = AcceleratorCatalog.entry(pciID: pci.idText) { return entry.model }
        if let pci, pci.vendorID == 0 { return "\(vendor.rawValue) GPU (no PCI ids in the capture)" }
        if let pci { return "PCI \(pci.idText)" }
        return anchor.name ?? "unknown"
    }

    /// Memory in MiB and where it comes from: the driver (OS device info, KiB), else the
    /// device's own NUMA node, else the catalog by PCI id or name, else a `-NNGB` in the
    /// model name, else unknown.
    var memory: (mebibytes: Int?, source: MemorySource) {
        for device in osDevices {
            for key in Self.memoryKeys {
                if let text = device.info(key), let kibibytes = UInt64(text), kibibytes >= 1024 {
                    return (Int(clamping: kibibytes / 1024), .driver)
                }
            }
        }
        if let memoryNode, memoryNode.localMemoryBytes >= 1 << 20 {
            return (Int(clamping: memoryNode.localMemoryBytes >> 20), .memoryNode)
        }
        if let pci, let entry = AcceleratorCatalog.entry(pciID: pci.idText) { return (entry.memoryMiB, .catalog) }
        let names = [model] + [anchor.info("PCIDevice")].compactMap { $0 }
        for name in names {
            if let entry = AcceleratorCatalog.entry(modelName: name) { return (entry.memoryMiB, .catalog) }
        }
        for name in names {
            if let mebibytes = AcceleratorCatalog.memoryFromName(name) { return (mebibytes, .modelName) }
        }
        return (nil, .unknown)
    }
}
