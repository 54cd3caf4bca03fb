import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GPUCISupport
import Testing
@testable import GPUCITopology

/// Live discovery must agree with hwloc's own tool on this machine, whatever it holds.
@Suite struct LiveDiscoveryTests {
    /// `lstopo-no-graphics --of xml -`, hwloc's own capture of this machine.
    static func lstopoXML() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["lstopo-no-graphics", "--of", "xml", "-"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "lstopo-no-graphics (Debian package hwloc-nox) must be installed")
        return String(decoding: data, as: UTF8.self)
    }

    /// Counts, independently of gpuci's reader, the accelerator PCI functions and NUMA nodes
    /// in an hwloc XML document.
    final class Counter: NSObject, XMLParserDelegate {
        var accelerators = 0
        var numaNodes = 0
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes: [String: String] = [:]) {
            guard elementName == "object" else { return }
            if attributes["type"] == "NUMANode" { numaNodes += 1 }
            guard attributes["type"] == "PCIDev", let type = attributes["pci_type"] else { return }
            // "0302 [10de:2335] [10de:18be] a1": class, then [vendor:device].
            let classText = String(type.prefix(4))
            let vendorText = type.dropFirst(6).prefix(4)
            let gpuClasses: Set<String> = ["0300", "0302"]
            switch vendorText {
            case "10de" where gpuClasses.contains(classText): accelerators += 1
            case "1002" where gpuClasses.contains(classText) || classText == "0380" || classText.hasPrefix("12"): accelerators += 1
            case "8086" where classText == "0302" || classText == "0380": accelerators += 1
            case "19e5" where classText.hasPrefix("12"): accelerators += 1
            default: break
            }
        }
    }

    @Test func discoveryAgreesWithLstopo() throws {
        let live = try HwlocTopology.live()
        let thisSystem = live.isThisSystem
        #expect(thisSystem)
        let numaCount = live.count(.numaNode)
        let discovered = try live.topology(name: "live")
        #expect(discovered.source == .hwlocLive)

        let xml = try Self.lstopoXML()
        let parser = XMLParser(data: Data(xml.utf8))
        let counter = Counter()
        parser.delegate = counter
        #expect(parser.parse())
        #expect(discovered.devices.count == counter.accelerators)
        #expect(discovered.numaNodes.count == counter.numaNodes)
        #expect(discovered.numaNodes.count == numaCount)

        let captured = try HwlocTopology(xmlText: xml, label: "lstopo.xml").topology(name: "live")
        #expect(captured.devices == discovered.devices)
        #expect(captured.links == discovered.links)
        #expect(captured.nics.map(\.name) == discovered.nics.map(\.name))
        #expect(captured.numaNodes.map(\.index) == discovered.numaNodes.map(\.index))
    }

    @Test func libnumaAgreesWithHwlocOnNodeCount() throws {
        let discovered = try HwlocTopology.live().topology(name: "live")
        let host = try #require(HostNUMA.read())
        #expect(host.nodeCount == discovered.numaNodes.count)
        #expect(host.distances.count == host.nodeCount && host.distances.allSatisfy { $0.count == host.nodeCount })
        for node in 0..<host.nodeCount {
            #expect(host.distances[node][node] == nil || host.distances[node][node] == 10)
        }
    }

    @Test func exportedLiveXMLReloadsAsACapture() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gpuci-live-\(UUID().uuidString).xml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let live = try HwlocTopology.live()
        try live.exportXML(to: path)
        let discovered = try live.topology(name: "x")
        let reloaded = try TopologyLoader.load(path)
        #expect(reloaded.source == .hwlocXML)
        #expect(reloaded.devices == discovered.devices && reloaded.nics == discovered.nics)
    }
}
