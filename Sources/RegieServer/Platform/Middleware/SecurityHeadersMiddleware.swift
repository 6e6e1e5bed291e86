import Foundation
import HTTPTypes
import Hummingbird

/// Security headers on every response (quality.md "Security and privacy"): a CSP without inline
/// script, no framing, no referrer leaks, no MIME sniffing; HSTS when the request came over TLS.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = RegieRequestContext

    static let contentSecurityPolicy = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ].joined(separator: "; ")

    let alwaysHSTS: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // Errors no middleware turned into a page (e.g. an unknown path) get the headers too.
            response = try error.response(from: request, context: context)
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        // A page may ask for stricter (the password-set page, whose address holds its token).
        if response.headers[HTTPField.Name("Referrer-Policy")!] == nil {
            response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        }
        response.headers[HTTPField.Name("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=()"
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        if alwaysHSTS || context.isSecure {
            response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains"
        }
        return response
    }
}

/// Fills in the peer address and whether the request is secure, trusting `X-Forwarded-*` only
/// when configured to (behind a known proxy).
struct ClientInfoMiddleware: RouterMiddleware {
    typealias Context = RegieRequestContext
    let trustProxy: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if trustProxy {
            if let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!]?.split(separator: ",").first {
                context.remoteAddress = forwarded.trimmingCharacters(in: .whitespaces)
            }
            context.isSecure = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
        } else {
            context.isSecure = request.head.scheme == "https"
        }
        return try await next(request, context)
    }
}
