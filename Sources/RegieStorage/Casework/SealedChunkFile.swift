import Foundation

/// A temporary file of sealed chunks (each `FieldSeal`-sealed, so no plaintext is on disk): a 4-byte
/// big-endian length, then the sealed text, again and again. A streamed upload writes it as the bytes
/// arrive; `CaseworkStore.insertDocument` copies the chunks into `document_chunks` one at a time.
public enum SealedChunkFile {
    public static func frame(_ sealed: String) -> Data {
        let text = Data(sealed.utf8)
        let count = text.count
        return Data([UInt8(count >> 24 & 0xFF), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]) + text
    }

    public struct Truncated: Error {}

    /// Calls `body` with each sealed chunk in order.
    public static func read(_ url: URL, _ body: (String) async throws -> Void) async throws {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        while let length = try handle.read(upToCount: 4), !length.isEmpty {
            guard length.count == 4 else { throw Truncated() }
            let count = length.reduce(0) { $0 << 8 | Int($1) }
            guard let text = try handle.read(upToCount: count), text.count == count else { throw Truncated() }
            try await body(String(decoding: text, as: UTF8.self))
        }
    }
}

/// What a document holds: its bytes (an API upload, at most 7 MiB), or a file of sealed chunks (a
/// streamed web upload, up to 20 MiB).
public enum DocumentContent: Sendable {
    case data(Data)
    case sealedChunks(URL)
}
