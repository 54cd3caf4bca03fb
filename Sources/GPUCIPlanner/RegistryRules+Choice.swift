import Foundation
import GPUCISupport

/// How the collector rules for a tree are chosen: by name, or `auto` from the tree's own date.
public enum RegistryRulesChoice: Sendable, Hashable {
    /// The rules in force on the day of the tree's latest commit (`git log -1 --format=%cI`),
    /// or the newest rules, with a note, when the tree is no git checkout.
    case auto
    /// One era of ``RegistryRules/all``.
    case named(RegistryRules)

    /// Reads `auto` or an era name.
    ///
    /// - Throws: `InputError` naming the known eras when `text` is neither.
    public init(parsing text: String) throws(InputError) {
        if text == "auto" { self = .auto; return }
        guard let rules = RegistryRules.named(text) else {
            let names = RegistryRules.all.map(\.name)
            throw InputError("--rules: unknown rule set '\(text)' (expected auto or one of \(names.joined(separator: ", ")))"
                + Suggestion.phrase(for: text, among: names + ["auto"]))
        }
        self = .named(rules)
    }
}

/// The rules chosen for a tree and why.
public struct RegistryRulesResolution: Sendable, Hashable {
    /// The rules in force.
    public var rules: RegistryRules
    /// Why these: `--rules NAME`, the commit date, or why the date could not be had.
    public var reason: String
    /// Whether gpuci fell back (no usable commit date): the reason must be said on stderr.
    public var isFallback: Bool

    /// Creates a resolution.
    public init(rules: RegistryRules, reason: String, isFallback: Bool) {
        self.rules = rules
        self.reason = reason
        self.isFallback = isFallback
    }

    /// `rules 'main-block' (sglang ~2026-04-21 – 2026-05-14): <reason>`.
    public var description: String {
        "rules '\(rules.name)' (sglang \(rules.period)): \(reason)"
    }
}

extension RegistryRulesChoice {
    /// The rules for the tree at `directory`.
    ///
    /// For ``auto``, the era of the tree's commit day (UTC) from `commitDate`, which defaults to
    /// asking git; a tree that is no checkout (or has no commits, or no git) gets the newest rules,
    /// and a commit older than every era gets the oldest, both marked as a fallback.
    public func resolve(directory: String,
                        commitDate: (String) -> Result<String, GitDateProblem> = GitCommitDate.read) -> RegistryRulesResolution {
        switch self {
        case let .named(rules):
            return RegistryRulesResolution(rules: rules, reason: "chosen with --rules", isFallback: false)
        case .auto:
            switch commitDate(directory) {
            case let .failure(problem):
                return RegistryRulesResolution(
                    rules: .newest, reason: "\(problem.message), so the newest rules are used (choose others with --rules)",
                    isFallback: true)
            case let .success(text):
                guard let day = GitCommitDate.utcDay(text) else {
                    return RegistryRulesResolution(
                        rules: .newest, reason: "git gave the commit date '\(text)', which is no ISO 8601 date, so the newest rules are used",
                        isFallback: true)
                }
                guard let rules = RegistryRules.inForce(on: day) else {
                    return RegistryRulesResolution(
                        rules: .anchor, reason: "the tree's last commit (\(day) UTC) predates every rule set; the oldest are used",
                        isFallback: true)
                }
                return RegistryRulesResolution(rules: rules, reason: "the tree's last commit is of \(day) (UTC)", isFallback: false)
            }
        }
    }
}

/// Why a tree's commit date could not be read.
public struct GitDateProblem: Error, Sendable, Hashable {
    /// What went wrong, as a clause (`… is not in a git checkout`).
    public var message: String

    /// Creates a problem.
    public init(_ message: String) {
        self.message = message
    }
}

/// Reads the committer date of a checkout's `HEAD` with git.
public enum GitCommitDate {
    /// Runs `git -C directory log -1 --format=%cI`; the date text, or why there is none.
    public static func read(directory: String) -> Result<String, GitDateProblem> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory, "log", "-1", "--format=%cI"]
        // A user's config could page or colour the output; neither applies to --format, but
        // keep git from prompting or reading a terminal.
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_PAGER"] = "cat"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure(GitDateProblem("git could not be started to date \(directory)"))
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let date = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !date.isEmpty else {
            if process.terminationStatus == 127 { return .failure(GitDateProblem("git is not installed, so \(directory) cannot be dated")) }
            let firstLine = problem.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            if firstLine.contains("not a git repository") {
                return .failure(GitDateProblem("\(directory) is not in a git checkout"))
            }
            let detail = firstLine.isEmpty ? "no commit date" : firstLine
            return .failure(GitDateProblem("git could not date \(directory) (\(detail))"))
        }
        return .success(date)
    }

    /// The UTC calendar day of an ISO 8601 date with offset (`2026-04-20T23:30:00-08:00` →
    /// 2026-04-21); `nil` when `text` is none.
    public static func utcDay(_ text: String) -> CalendarDay? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { return nil }
        guard let utc = TimeZone(secondsFromGMT: 0) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
        return CalendarDay(year, month, day)
    }
}
