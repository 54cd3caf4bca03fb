import CZlib
import Foundation
import GPUCISupport

/// gzip decompression with zlib, for `lstopo node.xml.gz` captures.
enum Gzip {
    /// The largest capture gpuci inflates: 256 MiB (hwloc's largest real captures are a few MiB).
    static let maximumInflatedBytes = 256 << 20

    /// Whether `data` starts with gzip's magic bytes.
    static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// The inflated bytes of a gzip stream (concatenated members included).
    ///
    /// - Throws: `InputError` naming `file` for a corrupt or truncated stream, or one that
    ///   inflates past ``maximumInflatedBytes``.
    static func inflate(_ data: Data, file: String) throws(InputError) -> Data {
        var stream = z_stream()
        // 16 + MAX_WBITS: a gzip header and trailer, not a raw zlib stream.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw InputError("zlib could not start inflating", file: file)
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let result: Result<Data, InputError> = data.withUnsafeBytes { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[0..<produced])
                if output.count > maximumInflatedBytes {
                    return .failure(InputError("the gzip capture inflates past \(maximumInflatedBytes >> 20) MiB; not an hwloc capture", file: file))
                }
                switch status {
                case Z_STREAM_END:
                    guard stream.avail_in > 0 else { return .success(output) }
                    // Another gzip member follows (`cat a.gz b.gz`).
                    guard inflateReset(&stream) == Z_OK else { return .failure(InputError("zlib could not restart", file: file)) }
                case Z_OK:
                    if stream.avail_in == 0 && produced == 0 {
                        return .failure(InputError("the gzip capture is truncated", file: file))
                    }
                case Z_BUF_ERROR:
                    return .failure(InputError("the gzip capture is truncated", file: file))
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    return .failure(InputError("the gzip capture is corrupt (zlib: \(reason))", file: file))
                }
            }
        }
        return try result.get()
    }
}
