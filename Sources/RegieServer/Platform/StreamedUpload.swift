import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import RegieStorage

/// A file of a `multipart/form-data` body that was never held whole in memory: as it arrives it is
/// cut into chunks of `chunkSize`, each sealed (`FieldSeal`, so no plaintext touches the disk) and
/// appended to a temporary file, from which the store copies the sealed chunks into the database.
/// Only its first and last bytes stay in memory, which is all the type check needs (a PDF's header,
/// a ZIP's local header and central directory).
public struct StreamedUpload: Sendable, Hashable {
    public let filename: String
    public let size: Int
    public let head: Data
    public let tail: Data
    /// The sealed chunks (`SealedChunkFile`); nil when the file was larger than the limit, and nothing
    /// of it was kept.
    public let sealedChunks: URL?

    public var tooLarge: Bool { sealedChunks == nil }

    public static let chunkSize = 1 << 20
    static let headSize = 1024
    static let tailSize = 256 * 1024

    public func remove() {
        if let sealedChunks { try? FileManager.default.removeItem(at: sealedChunks) }
    }
}

/// Parses a `multipart/form-data` body (the only form with a file is the documents form) as it streams in, with Vapor's MultipartKit: text fields (each at most `textLimit` bytes)
/// become form values; each file is sealed chunk by chunk into a temporary file, up to `fileLimit`
/// bytes — beyond it the file is dropped and marked too large, and the rest of the body is read only
/// to find the form's other fields, up to `drainLimit` bytes in all.
enum StreamedMultipart {
    final class State: @unchecked Sendable {
        var headers: [(String, String)] = []
        var text = ""
        var field = ByteBuffer()
        var uploads: [String: StreamedUpload] = [:]
        // The file part being read.
        var fileName: String?
        var fieldName: String?
        var handle: FileHandle?
        var url: URL?
        var pending = Data()
        var size = 0
        var head = Data()
        var tail = Data()
        var tooLarge = false
        var failure: (any Error)?
    }

    static func parse(_ body: RequestBody, boundary: String, seal: FieldSeal, fileLimit: Int, textLimit: Int = 64 * 1024,
                      drainLimit: Int = 64 << 20) async throws -> (FormData, [String: StreamedUpload]) {
        let parser = MultipartParser(boundary: boundary)
        let state = State()
        func flush(final: Bool) {
            while state.pending.count >= StreamedUpload.chunkSize || (final && !state.pending.isEmpty) {
                let chunk = state.pending.prefix(StreamedUpload.chunkSize)
                state.pending.removeFirst(chunk.count)
                do {
                    state.handle?.write(SealedChunkFile.frame(try seal.seal(data: Data(chunk))))
                } catch {
                    state.failure = error
                }
            }
        }
        func dropFile() {
            try? state.handle?.close()
            state.handle = nil
            if let url = state.url { try? FileManager.default.removeItem(at: url) }
            state.url = nil
            state.pending = Data()
        }
        parser.onHeader = { name, value in
            state.headers.append((name.lowercased(), value))
            guard name.lowercased() == "content-disposition" else { return }
            let parameters = parameters(value)
            if let filename = parameters["filename"], !filename.isEmpty, let name = parameters["name"] {
                state.fileName = filename
                state.fieldName = name
                state.size = 0
                state.head = Data()
                state.tail = Data()
                state.tooLarge = false
                let url = FileManager.default.temporaryDirectory.appendingPathComponent("regie-upload-\(UUID().uuidString)")
                FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
                state.url = url
                state.handle = FileHandle(forWritingAtPath: url.path)
            }
        }
        parser.onBody = { chunk in
            if state.fileName != nil {
                let bytes = Data(buffer: chunk)
                state.size += bytes.count
                guard !state.tooLarge else { return }
                if state.size > fileLimit {
                    state.tooLarge = true
                    dropFile()
                    return
                }
                if state.head.count < StreamedUpload.headSize { state.head.append(bytes.prefix(StreamedUpload.headSize - state.head.count)) }
                // The last bytes, trimmed only when twice as long as needed (so not on every buffer).
                state.tail.append(bytes)
                if state.tail.count > 2 * StreamedUpload.tailSize { state.tail = Data(state.tail.suffix(StreamedUpload.tailSize)) }
                state.pending.append(bytes)
                flush(final: false)
            } else if state.field.readableBytes < textLimit {
                var chunk = chunk
                state.field.writeBuffer(&chunk)
            }
        }
        parser.onPartComplete = {
            if let fileName = state.fileName, let fieldName = state.fieldName {
                if !state.tooLarge { flush(final: true) }
                try? state.handle?.close()
                state.handle = nil
                state.uploads[fieldName] = StreamedUpload(filename: fileName, size: state.size, head: state.head,
                                                          tail: Data(state.tail.suffix(StreamedUpload.tailSize)),
                                                          sealedChunks: state.tooLarge ? nil : state.url)
                state.url = nil
            } else if let name = parameters(state.headers.first { $0.0 == "content-disposition" }?.1 ?? "")["name"] {
                let value = String(buffer: state.field)
                state.text += (state.text.isEmpty ? "" : "&") + encode(name) + "=" + encode(value)
            }
            state.headers = []
            state.field = ByteBuffer()
            state.fileName = nil
            state.fieldName = nil
        }
        var read = 0
        do {
            for try await buffer in body {
                read += buffer.readableBytes
                try parser.execute(buffer)
                if let failure = state.failure { throw failure }
                if read > drainLimit { break }
            }
        } catch {
            dropFile()
            for upload in state.uploads.values { upload.remove() }
            throw error
        }
        if state.fileName != nil { dropFile() }   // a body that ended inside a file part
        return (FormData(urlEncoded: state.text), state.uploads)
    }

    /// `form-data; name="file"; filename="brief.pdf"` → ["name": "file", "filename": "brief.pdf"].
    static func parameters(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            result[pair[0].lowercased()] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return result
    }

    static func encode(_ value: String) -> String { QueryValue.encode(value) }
}
