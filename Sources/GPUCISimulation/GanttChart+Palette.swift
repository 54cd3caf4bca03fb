import Foundation

/// A colour in CIE L*a*b* (D65), where Euclidean distance (CIE76 ΔE) roughly follows perceived difference.
struct LabColour: Sendable, Hashable {
    var l: Double
    var a: Double
    var b: Double

    /// The colour of an sRGB hex string `#rrggbb`; `nil` for anything else.
    init?(hex: String) {
        guard hex.count == 7, hex.first == "#", let value = UInt32(hex.dropFirst(), radix: 16) else { return nil }
        let channels = [value >> 16, value >> 8 & 0xff, value & 0xff].map { Self.linear(Double($0) / 255) }
        let (r, g, bl) = (channels[0], channels[1], channels[2])
        let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * bl) / 0.95047
        let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * bl
        let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * bl) / 1.08883
        let (fx, fy, fz) = (Self.f(x), Self.f(y), Self.f(z))
        self.init(l: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz))
    }

    init(l: Double, a: Double, b: Double) {
        self.l = l
        self.a = a
        self.b = b
    }

    /// CIE76 ΔE.
    func distance(to other: LabColour) -> Double {
        ((l - other.l) * (l - other.l) + (a - other.a) * (a - other.a) + (b - other.b) * (b - other.b)).squareRoot()
    }

    /// The nearest sRGB hex string, or `nil` when the colour lies outside the sRGB gamut.
    var hex: String? {
        let fy = (l + 16) / 116, fx = fy + a / 500, fz = fy - b / 200
        let (x, y, z) = (0.95047 * Self.inverseF(fx), Self.inverseF(fy), 1.08883 * Self.inverseF(fz))
        let linear = [3.2404542 * x - 1.5371385 * y - 0.4985314 * z,
                      -0.9692660 * x + 1.8760108 * y + 0.0415560 * z,
                      0.0556434 * x - 0.2040259 * y + 1.0572252 * z]
        guard linear.allSatisfy({ (-0.001...1.001).contains($0) }) else { return nil }
        let bytes = linear.map { Int((Self.gamma(min(max($0, 0), 1)) * 255).rounded()) }
        return String(format: "#%02x%02x%02x", bytes[0], bytes[1], bytes[2])
    }

    private static func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
    private static func gamma(_ c: Double) -> Double { c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055 }
    private static func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
    private static func inverseF(_ t: Double) -> Double { t * t * t > 216.0 / 24389 ? t * t * t : (116 * t - 16) * 27 / 24389 }
}

/// Model colours that never read as a test status.
///
/// Candidates are a grid in CIE LCh (lightness 45–75, chroma 35–65, hue every 10°) kept only when inside
/// sRGB; a candidate closer than `minimumStatusDistance` (ΔE) to a status colour is dropped, which removes
/// the red band near "failed", the pale yellows near "setup" and, by the chroma floor, every grey.
/// The rest are ordered by farthest-point sampling seeded with the status colours: each next colour is
/// the candidate farthest from everything chosen so far (ties to the lower grid index), so the first
/// few models are as far apart as the grid allows and later ones fill the gaps. Past the end it repeats.
enum ModelPalette {
    /// The least ΔE between any model colour and any status colour.
    static let minimumStatusDistance = 25.0

    /// Every candidate colour, in the order models receive them.
    static let colours: [String] = {
        let seeds = GanttChart.statusColours.compactMap(LabColour.init(hex:))
        var candidates: [(hex: String, lab: LabColour)] = []
        for lightness in stride(from: 45.0, through: 75, by: 10) {
            for chroma in stride(from: 35.0, through: 65, by: 15) {
                for hue in stride(from: 0.0, to: 360, by: 10) {
                    let radians = hue * .pi / 180
                    guard let hex = LabColour(l: lightness, a: chroma * cos(radians), b: chroma * sin(radians)).hex,
                          let lab = LabColour(hex: hex), !candidates.contains(where: { $0.hex == hex }),
                          seeds.allSatisfy({ $0.distance(to: lab) >= minimumStatusDistance }) else { continue }
                    candidates.append((hex, lab))
                }
            }
        }
        var nearest = candidates.map { candidate in seeds.map { $0.distance(to: candidate.lab) }.min() ?? .infinity }
        var order: [String] = []
        var used = [Bool](repeating: false, count: candidates.count)
        for _ in candidates.indices {
            var best = -1
            for index in candidates.indices where !used[index] && (best < 0 || nearest[index] > nearest[best]) { best = index }
            used[best] = true
            order.append(candidates[best].hex)
            for index in candidates.indices where !used[index] {
                nearest[index] = min(nearest[index], candidates[index].lab.distance(to: candidates[best].lab))
            }
        }
        return order
    }()

    /// The colour of the model at `index` in first-launch order.
    static func colour(at index: Int) -> String { colours[index % colours.count] }
}
