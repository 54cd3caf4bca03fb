import GPUCISupport
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
            SuitesCommand.self,
            HistoryCommand.self,
            BacktestCommand.self,
            FleetCommand.self,
            RunCommand.self,
            BenchCommand.self,
        ]
    )

    /// Creates the command; `GPUCI.main()` parses the arguments into it.
    public init() {}

    /// "Unknown subcommand" with the nearest name, for a mistyped subcommand in `arguments`
    /// (ArgumentParser suggests options, not subcommands); `nil` when every subcommand named is known.
    public static func subcommandTypo(in arguments: [String]) -> String? {
        var command: any ParsableCommand.Type = GPUCI.self
        var path = ["gpuci"]
        for argument in arguments {
            guard !argument.hasPrefix("-"), argument != "help" else { return nil }
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty else { return nil }
            let names = subcommands.map { $0._commandName }
            if let next = subcommands.first(where: { $0._commandName == argument }) {
                command = next
                path.append(argument)
                continue
            }
            guard let near = Suggestion.closest(to: argument, among: names) else { return nil }
            return "unknown subcommand '\(argument)' of \(path.joined(separator: " ")); did you mean '\(near)'?"
        }
        return nil
    }
}
