// swift-tools-version: 6.1
import PackageDescription

// The root package is a path dependency whose identity is the folder name of the checkout
// (CI clones into arbitrary folders), so derive it rather than hard-code it.
let rootPackage = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "").lowercased()

func benchmarkTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: products.map { .product(name: $0, package: rootPackage) }
            + [.product(name: "Benchmark", package: "benchmark")],
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "gpuci-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../"),
        // Naming the trait turns off the default RuntimeInterposer trait, whose dependency
        // is not available here.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        benchmarkTarget("AllocatorBenchmarks", ["GPUCIAllocation", "GPUCITopology"]),
        benchmarkTarget("PoolBenchmarks", ["GPUCIPool", "GPUCIAllocation", "GPUCITopology"]),
        benchmarkTarget("SimulatorBenchmarks", ["GPUCISimulation", "GPUCIPool", "GPUCITopology"]),
        benchmarkTarget("PlannerBenchmarks", ["GPUCIPlanner"]),
        benchmarkTarget("HistoryBenchmarks", ["GPUCIHistory", "GPUCIPlanner"]),
        benchmarkTarget("FleetBenchmarks", ["GPUCIFleet", "GPUCIHistory", "GPUCIPlanner"]),
    ]
)
