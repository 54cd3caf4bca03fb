import ArgumentParser

/// The `gpuci` command: topology, allocation, pool, simulation, CI planning and run history.
public struct GPUCI: ParsableCommand {
    /// The subcommands, by layer: topology, allocation, pool, simulation, planning, history.
    public static let configuration = CommandConfiguration(
        commandName: "gpuci",
        abstract: "Simulate GPU CI for LLM serving: topologies, worker placement, test sessions, CI plans.",
        version: "0.1.0",
        subcommands: [
            TopologyCommand.self,
            AllocateCommand.self,
            PoolCommand.self,
            SimulateCommand.self,
            ScenarioCommand.self,
            RegistryCommand.self,
            PlanCommand.self,
            HistoryCommand.self,
            BacktestCommand.self,
            FleetCommand.self,
            RunCommand.self,
            BenchCommand.self,
        ]
    )

    /// Creates the command; `GPUCI.main()` parses the arguments into it.
    public init() {}
}
