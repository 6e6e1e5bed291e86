import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238, on HOTP of RFC 4226): HMAC-SHA1 over 30-second steps,
/// 6 digits — what every authenticator app reads from an `otpauth://` URI.
struct TOTP: Sendable {
    static let period: Int64 = 30
    static let digits = 6
    /// Steps accepted either side of now, for a phone whose clock is a little off.
    static let window: Int64 = 1

    let secret: [UInt8]

    /// A new secret of 160 bits (RFC 4226 recommends at least 128).
    static func newSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    static func step(at date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down)) / period
    }

    /// The code of one time step (RFC 4226 §5.3: dynamic truncation).
    func code(step: Int64, digits: Int = TOTP.digits) -> String {
        let counter = withUnsafeBytes(of: UInt64(bitPattern: step).bigEndian) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = UInt32(mac[offset] & 0x7f) << 24 | UInt32(mac[offset + 1]) << 16 | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])
        let modulo = (0..<digits).reduce(UInt32(1)) { value, _ in value * 10 }
        let text = String(binary % modulo)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// The step whose code was typed, within the window around `date` and later than `lastStep`
    /// (a code once used is never accepted again); nil otherwise. Spaces in the typed code are ignored.
    func matchingStep(_ typed: String, at date: Date, after lastStep: Int64?) -> Int64? {
        let code = typed.filter { !$0.isWhitespace }
        guard code.count == Self.digits, code.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let now = Self.step(at: date)
        var found: Int64?
        for step in (now - Self.window)...(now + Self.window) where step > (lastStep ?? .min) {
            // Every step in the window is compared, so the time taken does not tell which matched.
            if TokenHasher.equal(self.code(step: step), code), found == nil { found = step }
        }
        return found
    }

    /// The URI an authenticator app reads from the QR code (Google's Key Uri Format, which the apps share).
    func uri(account: String, issuer: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~@"))
        func encode(_ value: String) -> String { value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value }
        return "otpauth://totp/\(encode(issuer)):\(encode(account))?secret=\(Base32.encode(secret))&issuer=\(encode(issuer))"
            + "&algorithm=SHA1&digits=\(Self.digits)&period=\(Self.period)"
    }
}

/// Base32 of RFC 4648 §6, without padding: how a TOTP secret is typed into an app by hand.
enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    static func encode(_ bytes: [UInt8]) -> String {
        var result = ""
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                result.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { result.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return result
    }

    /// Case-insensitive; spaces, hyphens and padding are ignored. Nil for any other character.
    static func decode(_ text: String) -> [UInt8]? {
        var result: [UInt8] = []
        var buffer = 0, bits = 0
        for character in text.uppercased() where !" -=".contains(character) {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5 | value) & 0xFFFF
            bits += 5
            if bits >= 8 {
                result.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return result
    }

    /// The secret in groups of four, as an app's "enter a setup key" screen is easiest to type from.
    static func grouped(_ bytes: [UInt8]) -> String {
        let text = Array(encode(bytes))
        return stride(from: 0, to: text.count, by: 4).map { String(text[$0..<min($0 + 4, text.count)]) }.joined(separator: " ")
    }
}

/// One-time recovery codes for a lost phone: ten codes of 50 random bits each, shown once, stored
/// as keyed hashes.
enum RecoveryCodes {
    static let count = 10

    static func generate() -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let text = Base32.encode((0..<7).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).lowercased()
            return String(text.prefix(5)) + "-" + String(text.dropFirst(5).prefix(5))
        }
    }

    /// The code as typed, reduced to what was generated: lower case, without spaces or hyphens.
    static func normalised(_ typed: String) -> String {
        typed.lowercased().filter { !" -".contains($0) }
    }

    static func hash(_ typed: String, _ hasher: TokenHasher) -> String {
        hasher.digest("recovery|" + normalised(typed))
    }

    /// Whether the typed text has the shape of a recovery code (rather than a 6-digit code).
    static func looksLikeOne(_ typed: String) -> Bool {
        let code = normalised(typed)
        return code.count == 10 && code.allSatisfy { Base32.alphabet.contains(Character($0.uppercased())) }
    }
}
