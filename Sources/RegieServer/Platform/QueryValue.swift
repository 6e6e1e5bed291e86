import Foundation

/// A value put into a URL's query (or an RFC 5987 header parameter): everything but RFC 3986's
/// unreserved ASCII characters is percent-encoded as UTF-8. `CharacterSet.alphanumerics` would let
/// letters such as "ë" or "ğ" through unencoded, which is neither a valid URL nor a valid header.
enum QueryValue {
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
