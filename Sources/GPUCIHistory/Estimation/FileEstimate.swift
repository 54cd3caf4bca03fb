/// One file's planned duration with what it rests on.
public struct FileEstimate: Sendable, Hashable, Encodable {
    /// Where an estimate comes from.
    public enum Basis: String, Sendable, Hashable, Codable {
        /// The estimator over the file's own history.
        case history
        /// The registered est_time (too little history).
        case estTime = "est_time"
    }

    /// The point estimate, in seconds.
    public var seconds: Double
    /// Passing samples it rests on (0 for est_time).
    public var samples: Int
    /// The robust spread of the samples (1.4826 × MAD, the σ of a normal), in seconds; 0 with fewer than 2.
    public var spreadSeconds: Double
    /// History or est_time.
    public var basis: Basis
    /// Multiplicative errors seen for this file (sample / point estimate); empty for est_time.
    var factors: [Double]

    /// Creates an estimate.
    public init(seconds: Double, samples: Int, spreadSeconds: Double, basis: Basis) {
        self.init(seconds: seconds, samples: samples, spreadSeconds: spreadSeconds, basis: basis, factors: [])
    }

    init(seconds: Double, samples: Int, spreadSeconds: Double, basis: Basis, factors: [Double]) {
        self.seconds = seconds
        self.samples = samples
        self.spreadSeconds = spreadSeconds
        self.basis = basis
        self.factors = factors
    }

    private enum CodingKeys: String, CodingKey { case seconds, samples, spreadSeconds, basis }
}
