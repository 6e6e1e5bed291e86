import Foundation
import Hummingbird
import MultipartKit

/// A `multipart/form-data` body (a form with a file): text fields become form values, parts with a
/// filename become uploads. Parsed with Vapor's MultipartKit.
enum MultipartForm {
    static func parse(_ body: ByteBuffer, boundary: String) throws -> (FormData, [String: UploadedFile]) {
        let parser = MultipartParser(boundary: boundary)
        var headers: [(String, String)] = []
        var current = ByteBuffer()
        var text = ""
        var uploads: [String: UploadedFile] = [:]
        parser.onHeader = { name, value in headers.append((name.lowercased(), value)) }
        parser.onBody = { chunk in current.writeBuffer(&chunk) }
        parser.onPartComplete = {
            let disposition = headers.first { $0.0 == "content-disposition" }?.1 ?? ""
            let parameters = Self.parameters(disposition)
            if let name = parameters["name"] {
                if let filename = parameters["filename"] {
                    if !filename.isEmpty {
                        let type = headers.first { $0.0 == "content-type" }?.1 ?? "application/octet-stream"
                        uploads[name] = UploadedFile(filename: filename, contentType: type, data: Data(buffer: current))
                    }
                } else {
                    let value = String(buffer: current)
                    text += (text.isEmpty ? "" : "&") + Self.encode(name) + "=" + Self.encode(value)
                }
            }
            headers = []
            current = ByteBuffer()
        }
        try parser.execute(body)
        return (FormData(urlEncoded: text), uploads)
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

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
