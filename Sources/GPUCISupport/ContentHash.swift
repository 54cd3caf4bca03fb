import Crypto
import Foundation

/// Content hashes that key stored ingests and plans (swift-crypto's SHA-256).
public enum ContentHash {
    /// The lowercase hex SHA-256 of `data`.
    public static func sha256(_ data: Data) -> String {
        Crypto.SHA256.hash(data: data).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// The lowercase hex SHA-256 of `text`'s UTF-8 bytes.
    public static func sha256(_ text: String) -> String { sha256(Data(text.utf8)) }
}
