// swift-tools-version: 6.1
import PackageDescription

// Layers, arrows pointing one way:
//
//   GPUCITopology → GPUCIAllocation → GPUCIPool → GPUCISimulation
//   GPUCIPython → GPUCIPlanner → GPUCIHistory → GPUCIFleet   (beside them; GPUCISimulation
//                                               reads pytest trees with GPUCIPython too)
//   GPUCICommands (swift-argument-parser) on top; `gpuci` is its thin executable.
//
// GPUCISupport holds the few helpers every layer shares (located errors, located YAML, atomic
// writes, deterministic JSON, seeded randomness). GPUCIData carries the bundled `Topologies/`
// and `Scenarios/` folders.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

// Everything at the root that is neither GPUCIData's source nor its resources.
let dataTargetExcludes = [
    "README.md", "Tests", "Benchmarks", "Scripts", "docs", "contrib",
    "Sources/CHwloc", "Sources/CNuma", "Sources/CZlib", "Sources/CSpawn", "Sources/GPUCISupport", "Sources/GPUCITopology",
    "Sources/GPUCIAllocation", "Sources/GPUCIPool", "Sources/GPUCISimulation", "Sources/GPUCIPlanner",
    "Sources/GPUCIHistory", "Sources/GPUCIFleet", "Sources/GPUCICommands", "Sources/gpuci", "Sources/GPUCIPython",
]

let package = Package(
    name: "gpuci",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gpuci", targets: ["gpuci"]),
        .library(name: "GPUCITopology", targets: ["GPUCITopology"]),
        .library(name: "GPUCIAllocation", targets: ["GPUCIAllocation"]),
        .library(name: "GPUCIPool", targets: ["GPUCIPool"]),
        .library(name: "GPUCISimulation", targets: ["GPUCISimulation"]),
        .library(name: "GPUCIPlanner", targets: ["GPUCIPlanner"]),
        .library(name: "GPUCIHistory", targets: ["GPUCIHistory"]),
        .library(name: "GPUCIFleet", targets: ["GPUCIFleet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        .systemLibrary(name: "CHwloc", pkgConfig: "hwloc", providers: [.apt(["libhwloc-dev"])]),
        .systemLibrary(name: "CNuma", pkgConfig: "numa", providers: [.apt(["libnuma-dev"])]),
        // zlib, for gzip-compressed hwloc captures (`node.xml.gz`).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // posix_spawn with a working directory and closefrom (glibc's _np actions, not in Swift's Glibc module).
        .target(name: "CSpawn"),
        .target(
            name: "GPUCISupport",
            dependencies: ["Yams", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The bundled data lives at the package root (Topologies/, Scenarios/) where users
        // find it; this target only copies it next to the executable.
        .target(
            name: "GPUCIData",
            dependencies: ["GPUCISupport"],
            path: ".",
            exclude: dataTargetExcludes,
            sources: ["Sources/GPUCIData"],
            resources: [.copy("Topologies"), .copy("Scenarios"), .copy("Fleets")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GPUCITopology",
            dependencies: ["CHwloc", "CNuma", "CZlib", "GPUCISupport", "GPUCIData"],
            swiftSettings: swiftSettings
        ),
        .target(name: "GPUCIPython", dependencies: ["GPUCISupport"], swiftSettings: swiftSettings),
        .target(name: "GPUCIAllocation", dependencies: ["GPUCITopology", "GPUCISupport"], swiftSettings: swiftSettings),
        .target(
            name: "GPUCIPool",
            dependencies: ["GPUCIAllocation", "GPUCITopology", "GPUCISupport", "GPUCIData",
                           .product(name: "HeapModule", package: "swift-collections")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GPUCISimulation",
            dependencies: ["GPUCIPool", "GPUCIAllocation", "GPUCITopology", "GPUCIPython", "GPUCISupport"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GPUCIPlanner",
            dependencies: ["GPUCIPython", "GPUCISupport", "GPUCIData", "Yams", .product(name: "HeapModule", package: "swift-collections")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GPUCIHistory",
            dependencies: ["GPUCIPlanner", "GPUCISupport", "CSpawn", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GPUCIFleet",
            dependencies: ["GPUCIHistory", "GPUCIPlanner", "GPUCISupport", .product(name: "HeapModule", package: "swift-collections")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GPUCICommands",
            dependencies: [
                "GPUCITopology", "GPUCIAllocation", "GPUCIPool", "GPUCISimulation",
                "GPUCIPlanner", "GPUCIHistory", "GPUCIFleet", "GPUCISupport", "GPUCIData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "gpuci", dependencies: ["GPUCICommands"], swiftSettings: swiftSettings),

        // Captures/ holds real hwloc XML the tests read by path.
        .testTarget(name: "GPUCITopologyTests", dependencies: ["GPUCITopology"], exclude: ["Captures"]),
        .testTarget(name: "GPUCIAllocationTests", dependencies: ["GPUCIAllocation"]),
        .testTarget(name: "GPUCIPoolTests", dependencies: ["GPUCIPool"]),
        .testTarget(name: "GPUCISimulationTests", dependencies: ["GPUCISimulation"], exclude: ["Fixtures"]),
        .testTarget(name: "GPUCIPythonTests", dependencies: ["GPUCIPython", "GPUCITestSupport"]),
        // Seeded fuzz inputs shared by the test targets (not a product).
        .target(name: "GPUCITestSupport", dependencies: ["GPUCISupport"], path: "Tests/GPUCITestSupport"),
        .testTarget(name: "GPUCIPlannerTests", dependencies: ["GPUCIPlanner", "GPUCITestSupport"]),
        .testTarget(
            name: "GPUCIHistoryTests",
            dependencies: ["GPUCIHistory", "GPUCITestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Fixtures"]),
        .testTarget(name: "GPUCIFleetTests", dependencies: ["GPUCIFleet", "GPUCITestSupport"]),
        .testTarget(name: "GPUCICommandsTests", dependencies: ["GPUCICommands", "Yams"]),
        // The CI fuzz suite: seeded mutations of every reader's input (issue 15).
        .testTarget(
            name: "GPUCIFuzzTests",
            dependencies: ["GPUCITopology", "GPUCIAllocation", "GPUCIPool", "GPUCISimulation", "GPUCIPython",
                           "GPUCIPlanner", "GPUCIHistory", "GPUCIFleet", "GPUCITestSupport", "Yams"]),
    ]
)
