import GPUCISupport

/// One era of sglang's CI collector: which files `test/run_suite.py` discovered and which
/// checks `collect_tests` made, over the dates that sglang's `main` had them.
///
/// The table is ``all``, oldest first; each era runs from ``from`` (inclusive) to the next
/// era's ``from`` (exclusive). Dates are calendar days in UTC; a boundary marked
/// ``boundaryIsApproximate`` is known only to within a few days.
public struct RegistryRules: Sendable, Hashable {
    /// A folder whose Python files sglang collected, with its glob and exclusions.
    public struct Root: Sendable, Hashable {
        /// Repository-relative folder, e.g. `test/registered`.
        public var folder: String
        /// The file-name prefix a file needs (`test_`, `bench_`); empty for every `.py` file.
        public var namePrefix: String
        /// Path endings that are not collected, matched like sglang's `f.endswith(...)`
        /// (`/conftest.py` skips every `conftest.py`, `/cpu/utils.py` every `…/cpu/utils.py`).
        public var skippedSuffixes: [String]

        /// Creates a root.
        public init(folder: String, namePrefix: String = "", skippedSuffixes: [String] = []) {
            self.folder = folder
            self.namePrefix = namePrefix
            self.skippedSuffixes = skippedSuffixes
        }

        /// Whether the root collects the file `path` (repository-relative) named `name`.
        public func collects(path: String, name: String) -> Bool {
            name.hasSuffix(".py") && name.hasPrefix(namePrefix)
                && !skippedSuffixes.contains { ("/" + path).hasSuffix($0) }
        }
    }

    /// The name `--rules` takes (`anchor`, `jit-kernel`, …).
    public var name: String
    /// First day (UTC) the rules were in force on sglang's `main`.
    public var from: CalendarDay
    /// First day they no longer were (the next era's ``from``); `nil` for the newest.
    public var to: CalendarDay?
    /// Whether ``from`` is known only to within a few days.
    public var boundaryIsApproximate: Bool
    /// The folders collected, in sglang's discovery order.
    public var roots: [Root]
    /// Whether every file with an enabled registration must have an executable
    /// `if __name__ == "__main__":` block (see ``PythonMainBlock``).
    public var requiresMainBlock: Bool
    /// Where the rules come from: the sglang commit or pull request that started the era.
    public var source: String
    /// What changed at ``from``, in one line.
    public var summary: String

    /// The `test/registered/` root; `extraSkips` are skipped beside `conftest.py` and `__init__.py`.
    ///
    /// gpuci skips `conftest.py` and `__init__.py` in every era: sglang's discovery has done so
    /// since at least the jit_kernel era (its date at the anchor is not pinned down; helper
    /// modules of that name never carry registrations).
    static func registered(skipping extraSkips: [String] = []) -> Root {
        Root(folder: "test/registered", skippedSuffixes: ["/conftest.py", "/__init__.py"] + extraSkips)
    }

    /// The roots sglang #21239 added: `python/sglang/jit_kernel/{tests/**/test_*.py,benchmark/**/bench_*.py}`.
    static let jitKernelRoots = [
        Root(folder: "python/sglang/jit_kernel/tests", namePrefix: "test_"),
        Root(folder: "python/sglang/jit_kernel/benchmark", namePrefix: "bench_"),
    ]

    /// Every era gpuci knows, oldest first.
    public static let all: [RegistryRules] = [
        RegistryRules(
            name: "anchor", from: CalendarDay(2026, 1, 7), to: CalendarDay(2026, 3, 23), boundaryIsApproximate: false,
            roots: [registered()], requiresMainBlock: false,
            source: "sglang c356ed03d (#16671), the anchor",
            summary: "test/registered/**/*.py; every collected file must register"),
        RegistryRules(
            name: "jit-kernel", from: CalendarDay(2026, 3, 23), to: CalendarDay(2026, 4, 21), boundaryIsApproximate: false,
            roots: [registered()] + jitKernelRoots, requiresMainBlock: false,
            source: "sglang #21239 (260abe1)",
            summary: "also python/sglang/jit_kernel/tests/**/test_*.py and benchmark/**/bench_*.py"),
        RegistryRules(
            name: "main-block", from: CalendarDay(2026, 4, 21), to: CalendarDay(2026, 5, 14), boundaryIsApproximate: true,
            roots: [registered()] + jitKernelRoots, requiresMainBlock: true,
            source: "sglang #23305",
            summary: "a file with an enabled registration needs an if __name__ == \"__main__\": block that calls something"),
        RegistryRules(
            name: "skip-cpu-utils", from: CalendarDay(2026, 5, 14), to: CalendarDay(2026, 6, 9), boundaryIsApproximate: true,
            roots: [registered(skipping: ["/cpu/utils.py"])] + jitKernelRoots, requiresMainBlock: true,
            source: "sglang test/run_suite.py (pull request not identified)",
            summary: "test/registered/**/cpu/utils.py is not collected"),
        RegistryRules(
            name: "jit-moved", from: CalendarDay(2026, 6, 9), to: CalendarDay(2026, 8, 13), boundaryIsApproximate: false,
            roots: [registered(skipping: ["/cpu/utils.py"])], requiresMainBlock: true,
            source: "sglang #27644",
            summary: "jit_kernel tests moved to test/registered/jit/; the jit_kernel globs dropped"),
        RegistryRules(
            name: "collect-cpu-utils", from: CalendarDay(2026, 8, 13), to: nil, boundaryIsApproximate: true,
            roots: [registered()], requiresMainBlock: true,
            source: "sglang test/run_suite.py as of 2026-08-13 (the reference notes date #34309 here)",
            summary: "test/registered/**/cpu/utils.py is collected again"),
    ]

    /// The newest era.
    public static var newest: RegistryRules { all[all.count - 1] }

    /// The anchor's rules (sglang c356ed03d, 2026-01-07), which gpuci implemented first.
    public static var anchor: RegistryRules { all[0] }

    /// The era called `name`, or `nil`.
    public static func named(_ name: String) -> RegistryRules? {
        all.first { $0.name == name }
    }

    /// The era in force on `day`; `nil` when `day` predates the oldest.
    public static func inForce(on day: CalendarDay) -> RegistryRules? {
        all.last { $0.from <= day }
    }

    /// `2026-03-23 – 2026-04-21` or `2026-08-13 –`, with `~` on an approximate start.
    public var period: String {
        (boundaryIsApproximate ? "~" : "") + from.description + " – " + (to.map(\.description) ?? "")
    }
}

/// A calendar day (UTC), ordered; written `YYYY-MM-DD`.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year.
    public var year: Int
    /// The month, 1–12.
    public var month: Int
    /// The day of the month, 1–31.
    public var day: Int

    /// Creates a day.
    public init(_ year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `YYYY-MM-DD`, the first ten characters of an ISO 8601 date; `nil` when malformed.
    public init?(iso text: some StringProtocol) {
        let parts = text.prefix(10).split(separator: "-", omittingEmptySubsequences: false)
        guard text.count >= 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        self.init(year, month, day)
    }

    /// Orders by year, month, day.
    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
