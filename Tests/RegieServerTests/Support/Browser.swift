import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A tiny browser over the test client: keeps cookies, finds CSRF tokens, posts forms.
/// Lives inside one test; never shared between tasks.
final class Browser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String

        var location: String? { headers[.location] }

        /// The value of the first `_csrf` field on the page.
        var csrf: String? {
            guard let range = body.range(of: "name=\"_csrf\" value=\"") else { return nil }
            let rest = body[range.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
    }

    private func cookieHeader() -> String {
        cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
    }

    private func remember(_ response: TestResponse) {
        for value in response.headers[values: .setCookie] {
            let pair = value.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let name = String(pair[0]), cookieValue = String(pair[1])
            if cookieValue.isEmpty || value.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = cookieValue }
        }
    }

    @discardableResult
    func get(_ path: String, headers extra: HTTPFields = [:]) async throws -> Page {
        var headers = extra
        if !cookies.isEmpty { headers[.cookie] = cookieHeader() }
        let response = try await client.execute(uri: path, method: .get, headers: headers, body: nil)
        remember(response)
        let page = Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        return page
    }

    @discardableResult
    func post(_ path: String, form: [(String, String)], csrf: String? = nil) async throws -> Page {
        var fields = form
        if let csrf { fields.append(("_csrf", csrf)) }
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if !cookies.isEmpty { headers[.cookie] = cookieHeader() }
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
        remember(response)
        let page = Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        return page
    }

    /// Posts a `multipart/form-data` form with one file, as a browser does for an upload.
    func postFile(_ path: String, form: [(String, String)], file: (name: String, filename: String, contentType: String, data: Data), csrf: String?) async throws -> Page {
        let boundary = "----regie-test-boundary"
        var body = Data()
        func line(_ text: String) { body.append(Data((text + "\r\n").utf8)) }
        for (name, value) in form + (csrf.map { [("_csrf", $0)] } ?? []) {
            line("--\(boundary)")
            line("Content-Disposition: form-data; name=\"\(name)\"")
            line("")
            line(value)
        }
        line("--\(boundary)")
        line("Content-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"")
        line("Content-Type: \(file.contentType)")
        line("")
        body.append(file.data)
        line("")
        line("--\(boundary)--")
        var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
        if !cookies.isEmpty { headers[.cookie] = cookieHeader() }
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: body))
        remember(response)
        return Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// Logs in through the real form and returns the session's CSRF token.
    @discardableResult
    func login(_ email: String, password: String = "correct horse battery staple") async throws -> String {
        let form = try await get("/inloggen")
        let result = try await post("/inloggen", form: [("email", email), ("password", password), ("terug", "/account")], csrf: form.csrf)
        guard result.status == .seeOther else { throw BrowserError.loginFailed(result.status.code, result.body) }
        let account = try await get("/account")
        guard let token = account.csrf else { throw BrowserError.noCSRF }
        return token
    }

    enum BrowserError: Error { case loginFailed(Int, String), noCSRF }
}
