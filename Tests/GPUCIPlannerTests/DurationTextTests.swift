import Testing
import GPUCISupport

/// One duration format for every command's output.
struct DurationTextTests {
    @Test(arguments: [(0.0, "0s"), (0.04, "0s"), (40.8, "40.8s"), (41, "41s"), (59.96, "1m00s"), (940.8, "15m41s"),
                      (3723.4, "1h02m03s"), (-5, "-5s"), (360_000, "100h00m00s")])
    func formats(seconds: Double, text: String) {
        #expect(DurationText.clock(seconds) == text)
    }
}
