import Foundation
import GPUCIPlanner
import GPUCISupport

/// Text and JSON renderings of suite plans.
enum PlanRendering {
    /// People's view: one block per suite, an ASCII bar per partition, the certificate, the hash.
    static func table(_ document: PlanDocument, plans: [SuitePlan]) -> String {
        var out = ""
        for (entry, plan) in zip(document.suites, plans) {
            var header = "\(plan.key)  algorithm \(plan.algorithm.rawValue)  partitions \(plan.partitions.count)"
            if let runner = entry.runner { header += "  runner \(runner)" }
            if let timeout = entry.timeoutMinutes { header += "  timeout \(timeout) min" }
            out += header + "\n"
            let width = 40
            let scale = plan.makespanSeconds > 0 ? Double(width) / plan.makespanSeconds : 0
            let indexWidth = max(1, String(plan.partitions.count - 1).count)
            let secondsWidth = plan.partitions.map { seconds($0.estSeconds).count }.max() ?? 1
            for partition in plan.partitions {
                let filled = Int((partition.estSeconds * scale).rounded())
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                out += "  " + pad(String(partition.index), indexWidth) + "  " + pad(seconds(partition.estSeconds), secondsWidth)
                    + "  |\(bar)|  \(partition.files.count) file\(partition.files.count == 1 ? "" : "s")"
                if let forecast = entry.forecast?.partitions.first(where: { $0.index == partition.index }) {
                    out += "  wall p50 \(seconds(forecast.p50Seconds)), p90 \(seconds(forecast.p90Seconds))"
                    if let risk = forecast.timeoutRisk { out += ", P(timeout) " + percent(risk) }
                }
                out += "\n"
            }
            if let forecast = entry.forecast {
                out += "  forecast: --estimates \(forecast.estimates), "
                    + (forecast.overheadSeconds.map { "overhead \(seconds($0)) per job (\(forecast.overheadSource))" } ?? "no overhead (no job history)")
                    + ", \(forecast.draws) Monte Carlo draws, fixed seed\n"
            }
            out += "  makespan \(seconds(plan.makespanSeconds)), lower bound \(seconds(plan.lowerBoundSeconds)), gap "
                + String(format: "%.2f", plan.gapPercent) + " %, " + proofText(plan) + "\n"
            if let binding = plan.bindingFile, plan.partitions.count > 1 {
                out += "  warning: \(binding) alone binds the makespan (its est ≥ Σ/\(plan.partitions.count) = "
                    + seconds(plan.totalSeconds / Double(plan.partitions.count)) + "): more partitions cannot help; split that file\n"
            }
            if let timeout = entry.timeoutMinutes, plan.makespanSeconds > Double(timeout * 60) {
                out += "  warning: the longest partition (\(seconds(plan.makespanSeconds))) exceeds the \(timeout) min step timeout\n"
            }
            if !plan.skipped.isEmpty {
                out += "  skipped (disabled): \(plan.skipped.count)\n"
            }
            out += "\n"
        }
        out += "plan hash sha256:\(document.hash)\n"
        return out
    }

    /// `{"planHash": …, "suites": [...]}`.
    static func json(_ document: PlanDocument) throws -> String {
        struct Wrapper: Encodable {
            var planHash: String
            var suites: [PlanDocument.Suite]
        }
        return try JSONOutput.string(Wrapper(planHash: "sha256:" + document.hash, suites: document.suites)) + "\n"
    }

    /// A value for `strategy.matrix`: one entry per job.
    static func githubMatrix(_ document: PlanDocument) throws -> String {
        struct Job: Encodable {
            var backend: String
            var suite: String
            var nightly: Bool
            var partition: Int
            var of: Int
            var runner: String
            var timeout: Int
            var estSeconds: Double
            var p90Seconds: Double?
            var timeoutRisk: Double?
        }
        struct Matrix: Encodable { var include: [Job] }
        var jobs: [Job] = []
        for suite in document.suites {
            for partition in suite.partitions {
                let forecast = suite.forecast?.partitions.first { $0.index == partition.index }
                jobs.append(Job(backend: suite.backend, suite: suite.suite, nightly: suite.nightly, partition: partition.index,
                                of: suite.partitions.count, runner: suite.runner ?? "unknown",
                                timeout: suite.timeoutMinutes ?? 30, estSeconds: partition.estSeconds,
                                p90Seconds: forecast?.p90Seconds, timeoutRisk: forecast?.timeoutRisk))
            }
        }
        return try JSONOutput.string(Matrix(include: jobs), pretty: false) + "\n"
    }

    static func proofText(_ plan: SuitePlan) -> String {
        switch plan.proof {
        case .lowerBound: "proved optimal (makespan = lower bound)"
        case .exhaustiveSearch: "proved optimal (exhaustive search)"
        case .none: "not proved optimal"
        }
    }

    static func percent(_ value: Double) -> String {
        value == 0 ? "0 %" : value < 0.001 ? "< 0.1 %" : String(format: "%.1f %%", value * 100)
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int64(value)) s" : String(format: "%.3f s", value)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
