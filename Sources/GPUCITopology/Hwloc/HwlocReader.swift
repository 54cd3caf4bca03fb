import GPUCISupport
/// Reads gpuci's ``Topology`` out of a loaded hwloc topology.
///
/// - Devices: one per accelerator PCI function, however many OS devices describe it (see
///   ``AcceleratorCatalog/classify(_:)``: a function is an accelerator by its ids, by a compute
///   OS device under it, or by owning a `GPUMemory` NUMA node), plus compute OS devices that
///   have no PCI parent (one backend per vendor, so `cuda0` and `nvml0` never count twice).
///   PCI devices come first in bus order. Accelerators gpuci does not schedule (vector
///   engines, Xeon Phi) are listed apart, never dropped.
/// - Links: the PCI tree gives PIX/PXB/PHB/NODE/SYS; `HCCSBandwidth`, `SIOBandwidth`,
///   `XGMIBandwidth` and `NVLinkBandwidth` matrices override pairs they join.
/// - NICs: OpenFabrics (RDMA) OS devices, and network OS devices of adapters without one;
///   NIC↔NIC and NIC↔device links from the same PCI tree.
/// - NUMA: host nodes in hwloc's logical order with their OS numbers; a `GPUMemory` node
///   belongs to its GPU. Distances from the NUMA latency matrix, however it is named.
struct HwlocReader {
    let topology: OpaquePointer

    /// The most accelerators a capture may hold: the link matrix is N² (as for inline specs).
    static let maximumAccelerators = InlineTopology.maxDevices

    /// The OS numbers of the host (not device-memory) NUMA nodes.
    private let hostNodes: Set<Int>

    init(topology: OpaquePointer) {
        self.topology = topology
        hostNodes = Set(HwlocTopology.objects(topology, .numaNode).filter { !Self.isDeviceMemory($0) }.map(\.osIndex))
    }

    /// A NUMA node made of an accelerator's memory (hwloc's `GPUMemory` subtype).
    static func isDeviceMemory(_ node: HwlocObject) -> Bool { node.subtype == "GPUMemory" }

    func read(name: String, source: TopologySource, file: String) throws(InputError) -> Topology {
        let numaObjects = HwlocTopology.objects(topology, .numaNode)
        let found = findAccelerators(memoryNodes: numaObjects.filter(Self.isDeviceMemory))
        let accelerators = found.scheduled
        guard accelerators.count <= Self.maximumAccelerators else {
            throw InputError("the topology has \(accelerators.count) accelerators; gpuci reads at most \(Self.maximumAccelerators) (every pair gets a link)", file: file)
        }
        let devices = accelerators.enumerated().map { index, accelerator in
            let memory = accelerator.memory
            return Device(index: index, kind: accelerator.kind, vendor: accelerator.vendor, model: accelerator.model,
                          memoryMiB: memory.mebibytes, memorySource: memory.source, numaNode: numaNode(of: accelerator.anchor),
                          memoryNUMANode: accelerator.memoryNode?.osIndex, pciBusID: accelerator.pci?.address.description,
                          cpuAffinity: HwlocTopology.nonIOAncestor(topology, accelerator.anchor)?.cpusetList)
        }
        let paths = accelerators.map { pciPath($0.anchor) }
        var links = paths.indices.map { a in
            paths.indices.map { b in a == b ? Link.selfLink : Self.link(paths[a], paths[b]) }
        }
        applyFabricMatrices(to: &links, accelerators: accelerators, devices: devices)
        let nics = readNICs(paths: paths)
        return Topology(name: name, source: source, devices: devices,
                        numaNodes: readNUMANodes(numaObjects.filter { !Self.isDeviceMemory($0) }), nics: nics,
                        links: links, unscheduled: found.unscheduled)
    }

    // MARK: Devices

    private func findAccelerators(memoryNodes: [HwlocObject]) -> (scheduled: [HwlocAccelerator], unscheduled: [UnscheduledAccelerator]) {
        var memoryNodeByBus: [String: HwlocObject] = [:]
        for node in memoryNodes {
            if let bus = node.info("PCIBusID").flatMap({ PCIAddress($0) }) { memoryNodeByBus[bus.description] = node }
        }
        var found: [HwlocAccelerator] = []
        var unscheduled: [UnscheduledAccelerator] = []
        for object in HwlocTopology.pciDevices(topology) {
            guard let pci = object.pci else { continue }
            let compute = object.ioChildren.filter(HwlocAccelerator.isCompute)
                .sorted { HwlocAccelerator.rank($0) < HwlocAccelerator.rank($1) }
            let memoryNode = memoryNodeByBus[pci.address.description]
            let classification = AcceleratorCatalog.classify(pci)
            let vendorFromOS = compute.lazy.compactMap(HwlocAccelerator.vendor(of:)).first
            var accelerator: (Vendor, DeviceKind)?
            if case .accelerator(let vendor, let kind)? = classification {
                accelerator = (vendor, kind)
            } else if !compute.isEmpty, let vendor = vendorFromOS ?? AcceleratorCatalog.vendor(pciVendorID: pci.vendorID) {
                accelerator = (vendor, vendor == .huawei ? .npu : .gpu)
            } else if memoryNode != nil {
                // hwloc marks GPUMemory only for NVIDIA's coherent GPUs (POWER9 NVLink, Grace
                // Hopper); POWER9 dumps may carry no PCI ids at all.
                accelerator = (AcceleratorCatalog.vendor(pciVendorID: pci.vendorID) ?? .nvidia, .gpu)
            }
            if let (vendor, kind) = accelerator {
                found.append(HwlocAccelerator(anchor: object, osDevices: compute, pci: pci, vendor: vendor, kind: kind,
                                              memoryNode: memoryNode))
                continue
            }
            let engines = object.ioChildren.filter(HwlocAccelerator.isUnscheduled)
            if case .unscheduled(let model)? = classification {
                unscheduled.append(describeUnscheduled(object, pci: pci, osDevice: engines.first, model: model))
            } else if let engine = engines.first {
                unscheduled.append(describeUnscheduled(object, pci: pci, osDevice: engine, model: nil))
            } else if !compute.isEmpty {
                unscheduled.append(describeUnscheduled(object, pci: pci, osDevice: compute.first, model: nil,
                                                       reason: "its vendor (PCI \(pci.idText)) is not one gpuci schedules"))
            }
        }
        found.sort { ($0.pci?.address ?? PCIAddress(domain: 0, bus: 0, device: 0, function: 0))
            < ($1.pci?.address ?? PCIAddress(domain: 0, bus: 0, device: 0, function: 0)) }
        for object in HwlocTopology.osDevices(topology)
        where HwlocAccelerator.isUnscheduled(object) && !hasIOAncestor(object) {
            unscheduled.append(describeUnscheduled(object, pci: nil, osDevice: object, model: nil))
        }
        return (found + orphanAccelerators(), unscheduled)
    }

    private func describeUnscheduled(_ object: HwlocObject, pci: PCIIdentity?, osDevice: HwlocObject?, model: String?,
                                     reason: String = "gpuci schedules GPUs and NPUs only") -> UnscheduledAccelerator {
        let known = (osDevice.flatMap(HwlocAccelerator.backend(of:))).flatMap { HwlocAccelerator.unscheduledSubtypes[$0] }
        let kibibytes = known.flatMap { osDevice?.info($0.memoryKey) }.flatMap { UInt64($0) }
        let name = model ?? known?.model ?? osDevice.flatMap(HwlocAccelerator.backend(of:)).map { "\($0) co-processor" }
            ?? pci.map { "PCI \($0.idText)" } ?? "co-processor"
        return UnscheduledAccelerator(name: osDevice?.name ?? pci?.address.description ?? object.name ?? "unnamed",
                                      model: name, memoryMiB: kibibytes.map { Int(clamping: $0 / 1024) },
                                      numaNode: numaNode(of: object), pciBusID: pci?.address.description, reason: reason)
    }

    /// Compute OS devices with no PCI device above them: per vendor, only the best backend.
    private func orphanAccelerators() -> [HwlocAccelerator] {
        var byVendor: [Vendor: [HwlocObject]] = [:]
        for object in HwlocTopology.osDevices(topology) {
            if HwlocAccelerator.isCompute(object), !hasIOAncestor(object), let vendor = HwlocAccelerator.vendor(of: object) {
                byVendor[vendor, default: []].append(object)
            }
        }
        var result: [HwlocAccelerator] = []
        for vendor in Vendor.allCases {
            guard let objects = byVendor[vendor], !objects.isEmpty else { continue }
            let best = objects.map(HwlocAccelerator.rank).min() ?? 0
            let bestSubtype = objects.filter { HwlocAccelerator.rank($0) == best }.compactMap(\.subtype).min()
            let chosen = objects.filter { HwlocAccelerator.rank($0) == best && $0.subtype == bestSubtype }
                .sorted { NaturalOrder.less($0.name ?? "", $1.name ?? "") }
            for object in chosen {
                result.append(HwlocAccelerator(anchor: object, osDevices: [object], pci: nil, vendor: vendor,
                                               kind: vendor == .huawei ? .npu : .gpu))
            }
        }
        return result
    }

    private func hasIOAncestor(_ object: HwlocObject) -> Bool {
        var current = object.parent
        while let ancestor = current {
            if ancestor.isPCIDevice || ancestor.isOSDevice { return true }
            current = ancestor.parent
        }
        return false
    }

    /// The OS number of the one host NUMA node local to `object`, or `nil` when its first
    /// non-I/O ancestor spans several (or none).
    private func numaNode(of object: HwlocObject) -> Int? {
        guard let ancestor = HwlocTopology.nonIOAncestor(topology, object) else { return nil }
        let indices = ancestor.nodesetIndices.filter(hostNodes.contains)
        return indices.count == 1 ? indices[0] : nil
    }

    // MARK: Links

    /// An object's place for link labels: its ancestors root first (gp indexes and what each is),
    /// and the NUMA nodes of its first non-I/O ancestor. Built once per device, so a link is a
    /// walk down two arrays, not two hashed ancestor chains per pair.
    struct PCIPath {
        enum Kind { case hostBridge, bridge, io, other }
        var ids: [UInt64]
        var kinds: [Kind]
        var nodes: [Int]
    }

    func pciPath(_ object: HwlocObject) -> PCIPath {
        var ids: [UInt64] = [], kinds: [PCIPath.Kind] = []
        var current: HwlocObject? = object
        while let node = current {
            ids.append(node.gpIndex)
            kinds.append(node.isHostBridge ? .hostBridge : node.isBridge ? .bridge : node.isIO ? .io : .other)
            current = node.parent
        }
        return PCIPath(ids: ids.reversed(), kinds: kinds.reversed(),
                       nodes: (HwlocTopology.nonIOAncestor(topology, object)?.nodesetIndices ?? []).filter(hostNodes.contains))
    }

    /// The `nvidia-smi topo` label for the PCI path between two objects.
    func pciLink(_ a: HwlocObject, _ b: HwlocObject) -> Link {
        Self.link(pciPath(a), pciPath(b))
    }

    /// The label from the lowest common ancestor of two paths (the last shared entry root first).
    static func link(_ a: PCIPath, _ b: PCIPath) -> Link {
        var shared = -1
        let limit = min(a.ids.count, b.ids.count)
        while shared + 1 < limit, a.ids[shared + 1] == b.ids[shared + 1] { shared += 1 }
        guard shared >= 0 else { return .sys }
        let hopsA = a.ids.count - 1 - shared, hopsB = b.ids.count - 1 - shared
        switch a.kinds[shared] {
        case .hostBridge: return .phb
        case .bridge: return hopsA - 1 <= 1 && hopsB - 1 <= 1 ? .pix : .pxb
        case .io: return .pix
        case .other: return !a.nodes.isEmpty && a.nodes == b.nodes ? .node : .sys
        }
    }

    private func applyFabricMatrices(to links: inout [[Link]], accelerators: [HwlocAccelerator], devices: [Device]) {
        var indexByAnchor: [UInt64: Int] = [:]
        for (index, accelerator) in accelerators.enumerated() { indexByAnchor[accelerator.anchor.gpIndex] = index }
        let fabrics: [(name: String, link: (UInt64, Int) -> Link)] = [
            ("HCCSBandwidth", { _, _ in .hccs }),
            ("SIOBandwidth", { _, _ in .sio }),
            ("XGMIBandwidth", { _, _ in .xgmi }),
            ("NVLinkBandwidth", { bandwidth, device in
                .nvlink(max(1, Int((Double(bandwidth) / Self.nvlinkRate(model: devices[device].model)).rounded())))
            }),
        ]
        for fabric in fabrics {
            guard let matrix = DistanceMatrix.read(topology, name: fabric.name, closeSwitches: fabric.name == "NVLinkBandwidth")
            else { continue }
            let members = matrix.objects.map { object in indexByAnchor[anchor(of: object).gpIndex] }
            for (i, a) in members.enumerated() {
                for (j, b) in members.enumerated() {
                    guard let a, let b, a != b else { continue }
                    let value = max(matrix.value(i, j), matrix.value(j, i))
                    if value > 0 { links[a][b] = fabric.link(value, a) }
                }
            }
        }
    }

    /// MB/s per NVLink and direction for a GPU model: NVLink 1.0 (Pascal P100) 20,000;
    /// 2.0–4.0 (Volta, Ampere, Hopper) 25,000; 5.0 (Blackwell) 50,000.
    static func nvlinkRate(model: String) -> Double {
        let upper = model.uppercased()
        if ["B100", "B200", "B300", "GB200", "GB300"].contains(where: upper.contains) { return 50_000 }
        if ["P100", "GP100"].contains(where: upper.contains) { return 20_000 }
        return 25_000
    }

    /// The object standing for `object` among the accelerators: its PCI parent for an OS device.
    private func anchor(of object: HwlocObject) -> HwlocObject {
        if object.isOSDevice, let parent = object.parent, parent.isPCIDevice { return parent }
        return object
    }

    // MARK: NUMA nodes and NICs

    /// Host NUMA nodes in logical order with their OS numbers, distances among host nodes only.
    private func readNUMANodes(_ objects: [HwlocObject]) -> [NUMANode] {
        var rows: [Int: [Int]] = [:]
        if let matrix = DistanceMatrix.numaLatency(topology) {
            let position = Dictionary(matrix.objects.enumerated().map { ($1.osIndex, $0) }, uniquingKeysWith: { a, _ in a })
            let columns = objects.map { position[$0.osIndex] }
            if columns.allSatisfy({ $0 != nil }) {
                for (object, row) in zip(objects, columns) {
                    rows[object.osIndex] = columns.map { Int(clamping: matrix.value(row!, $0!)) }
                }
            }
        }
        return objects.enumerated().map { position, object in
            let mebibytes = object.localMemoryBytes / (1024 * 1024)
            return NUMANode(index: position, osIndex: object.osIndex, memoryMiB: mebibytes > 0 ? Int(clamping: mebibytes) : nil,
                            distances: rows[object.osIndex])
        }
    }

    /// usNIC (Cisco VIC) ports are OpenFabrics devices over UDP: verbs, but no RDMA for GPUs.
    static func isRDMA(_ object: HwlocObject) -> Bool {
        object.osDeviceType == .openFabrics && !(object.name ?? "").hasPrefix("usnic")
    }

    private func readNICs(paths: [PCIPath]) -> [NIC] {
        var nics: [(key: String, nic: NIC, path: PCIPath)] = []
        for object in HwlocTopology.osDevices(topology) {
            let type = object.osDeviceType
            guard type == .openFabrics || type == .network, let name = object.name else { continue }
            let parent = object.parent
            if type == .network, let parent, parent.isPCIDevice,
               parent.ioChildren.contains(where: { $0.osDeviceType == .openFabrics }) {
                continue
            }
            let states = object.infos.filter { $0.key.hasPrefix("Port") && $0.key.hasSuffix("State") }.map(\.value)
            let place = parent.flatMap { $0.isPCIDevice ? $0 : nil } ?? object
            let placePath = pciPath(place)
            let deviceLinks = paths.map { Self.link($0, placePath) }
            let nic = NIC(name: name, rdma: Self.isRDMA(object), rateGbps: nil,
                          numaNode: numaNode(of: object), pciBusID: place.pci?.address.description,
                          portActive: states.isEmpty ? nil : states.contains("4"), deviceLinks: deviceLinks)
            nics.append((name, nic, placePath))
        }
        nics.sort { NaturalOrder.less($0.key, $1.key) }
        return nics.enumerated().map { index, entry in
            var nic = entry.nic
            nic.nicLinks = nics.indices.map { other in
                other == index ? .selfLink : Self.link(entry.path, nics[other].path)
            }
            return nic
        }
    }
}
