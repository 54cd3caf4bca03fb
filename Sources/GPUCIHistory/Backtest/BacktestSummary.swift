/// The backtest's records added up per method, per suite and in total.
public struct BacktestSummary: Sendable, Hashable, Codable {
    /// One method over a set of (run, suite) cases.
    public struct Line: Sendable, Hashable, Codable {
        /// `backend/suite`, or `total`.
        public var scope: String
        /// The method.
        public var method: String
        /// (run, suite) cases scored.
        public var cases: Int
        /// Σ of the realized longest partitions, in seconds.
        public var realizedMaxSeconds: Double
        /// Σ of the runs' lower bounds, in seconds.
        public var lowerBoundSeconds: Double
        /// Partitions scored.
        public var partitions: Int
        /// Partitions whose realized time exceeded their predicted p90.
        public var exceededP90: Int
        /// Σ runner-minutes (realized + fitted overhead per partition).
        public var runnerMinutes: Double
        /// Cases where the method's longest partition was shorter / longer than sglang-actual's.
        public var shorterThanActual: Int
        /// See ``shorterThanActual``.
        public var longerThanActual: Int

        /// realized / lower bound.
        public var ratioToLowerBound: Double { lowerBoundSeconds > 0 ? realizedMaxSeconds / lowerBoundSeconds : 1 }
        /// The share of partitions above their predicted p90 (10 % is perfect calibration).
        public var p90Exceeded: Double { partitions > 0 ? Double(exceededP90) / Double(partitions) : 0 }
    }

    /// Per-suite lines (suite order, then method order), then one total line per method.
    public var lines: [Line]

    /// Adds up `records`; `methods` gives the order of the methods.
    public init(_ records: [Backtest.Record], methods: [String]) {
        var actual: [String: Double] = [:]
        for record in records where record.method == Backtest.Method.sglangActual.description {
            actual["\(record.run)\u{1F}\(record.backend)/\(record.suite)"] = record.realizedMaxSeconds
        }
        func line(_ scope: String, _ method: String, _ selected: [Backtest.Record]) -> Line {
            var line = Line(scope: scope, method: method, cases: selected.count, realizedMaxSeconds: 0, lowerBoundSeconds: 0,
                            partitions: 0, exceededP90: 0, runnerMinutes: 0, shorterThanActual: 0, longerThanActual: 0)
            for record in selected {
                line.realizedMaxSeconds += record.realizedMaxSeconds
                line.lowerBoundSeconds += record.lowerBoundSeconds
                line.partitions += record.realizedSeconds.count
                line.exceededP90 += zip(record.realizedSeconds, record.predictedP90Seconds).filter { $0 > $1 }.count
                line.runnerMinutes += record.runnerMinutes
                if let baseline = actual["\(record.run)\u{1F}\(record.backend)/\(record.suite)"] {
                    if record.realizedMaxSeconds < baseline { line.shorterThanActual += 1 }
                    if record.realizedMaxSeconds > baseline { line.longerThanActual += 1 }
                }
            }
            return line
        }
        let scopes = Set(records.map { "\($0.backend)/\($0.suite)" }).sorted()
        var lines: [Line] = []
        for scope in scopes {
            for method in methods {
                lines.append(line(scope, method, records.filter { "\($0.backend)/\($0.suite)" == scope && $0.method == method }))
            }
        }
        for method in methods { lines.append(line("total", method, records.filter { $0.method == method })) }
        self.lines = lines
    }

    /// The total line of `method`.
    public func total(_ method: String) -> Line? {
        lines.first { $0.scope == "total" && $0.method == method }
    }
}
