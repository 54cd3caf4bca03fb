/// One accelerator found in an hwloc topology: a PCI function, or an OS device that has no
/// PCI parent, with every OS device that describes it (`cuda0`, `nvml0`, `opencl0d0`, …).
struct HwlocAccelerator {
    /// The object that stands for the device: its PCI function, or the lone OS device.
    var anchor: HwlocObject
    /// Compute OS devices under the anchor, best backend first.
    var osDevices: [HwlocObject]
    var pci: PCIIdentity?
    var vendor: Vendor
    var kind: DeviceKind

    /// Backends that expose compute devices, best source of facts first.
    static let backendPriority = ["NVML", "CUDA", "RSMI", "LevelZero", "OpenCL"]

    /// Info keys holding device memory, all in KiB, in order of trust.
    static let memoryKeys = ["CUDAGlobalMemorySize", "RSMIVRAMSize", "LevelZeroHBMSize", "LevelZeroMemorySize",
                             "OpenCLGlobalMemorySize"]

    /// Whether an OS device is a compute view of an accelerator: a GPU or co-processor from a
    /// compute backend, never a DRM `card*`/`renderD*` node or an X display.
    static func isCompute(_ object: HwlocObject) -> Bool {
        switch object.osDeviceType {
        case .coprocessor?: return true
        case .gpu?: return backendPriority.contains(object.subtype ?? "")
        default: return false
        }
    }

    static func rank(_ object: HwlocObject) -> Int {
        backendPriority.firstIndex(of: object.subtype ?? "") ?? backendPriority.count
    }

    /// The vendor a compute OS device reports through its backend or `GPUVendor` info.
    static func vendor(of object: HwlocObject) -> Vendor? {
        switch object.subtype {
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
        if let pci { return "PCI \(pci.idText)" }
        return anchor.name ?? "unknown"
    }

    /// Memory in MiB: OS device info (KiB), else the catalog by PCI id or name, else a
    /// `-NNGB` in the model name, else unknown.
    var memoryMiB: Int? {
        for device in osDevices {
            for key in Self.memoryKeys {
                if let text = device.info(key), let kibibytes = UInt64(text), kibibytes >= 1024 {
                    return Int(clamping: kibibytes / 1024)
                }
            }
        }
        if let pci, let entry = AcceleratorCatalog.entry(pciID: pci.idText) { return entry.memoryMiB }
        let names = [model] + [anchor.info("PCIDevice")].compactMap { $0 }
        for name in names {
            if let entry = AcceleratorCatalog.entry(modelName: name) { return entry.memoryMiB }
        }
        for name in names {
            if let mebibytes = AcceleratorCatalog.memoryFromName(name) { return mebibytes }
        }
        return nil
    }
}
