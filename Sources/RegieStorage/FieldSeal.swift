import Crypto
import Foundation

/// Encryption at rest for special-category fields (health, intake notes: AVG art. 9), with
/// AES-256-GCM and a key from the environment. A sealed value reads `v1:` + base64(nonce ‖
/// ciphertext ‖ tag); a database dump without the key reveals nothing of it.
public struct FieldSeal: Sendable {
    let key: SymmetricKey

    public enum SealError: Error, CustomStringConvertible {
        case invalidKey
        case unreadable

        public var description: String {
            switch self {
            case .invalidKey: "FIELD_KEY must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)."
            case .unreadable: "A sealed field could not be opened with the configured FIELD_KEY."
            }
        }
    }

    /// `base64Key` decodes to 32 bytes.
    public init(base64Key: String) throws(SealError) {
        guard let data = Data(base64Encoded: base64Key), data.count == 32 else { throw .invalidKey }
        key = SymmetricKey(data: data)
    }

    /// A key derived from a development passphrase: only for development, demo and tests.
    public init(developmentPassphrase: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data(("regie-field-seal|" + developmentPassphrase).utf8)))
    }

    public func seal(_ text: String) throws -> String {
        guard let combined = try AES.GCM.seal(Data(text.utf8), using: key).combined else { throw SealError.unreadable }
        return "v1:" + combined.base64EncodedString()
    }

    /// Seals bytes (a document) the same way.
    public func seal(data: Data) throws -> String {
        guard let combined = try AES.GCM.seal(data, using: key).combined else { throw SealError.unreadable }
        return "v1:" + combined.base64EncodedString()
    }

    public func openData(_ sealed: String) throws(SealError) -> Data {
        guard sealed.hasPrefix("v1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key) else { throw .unreadable }
        return plain
    }

    public func open(_ sealed: String) throws(SealError) -> String {
        guard sealed.hasPrefix("v1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key),
              let text = String(data: plain, encoding: .utf8) else { throw .unreadable }
        return text
    }
}
