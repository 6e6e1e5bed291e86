import Foundation
import Hummingbird
import NIOCore
import RegieStorage

/// Per-request state: who is asking, the decoded form, the language. Filled by the middleware
/// chain, read by controllers; nothing per-request lives anywhere else.
public struct RegieRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's address (or the first `X-Forwarded-For` hop when `TRUST_PROXY` is on).
    public var remoteAddress: String
    public var principal: Principal?
    public var form = FormData()
    /// Files of a `multipart/form-data` request, by field name.
    public var locale: UILocale = .nl
    /// Set when the request carried a session cookie that has expired (idle or absolute).
    public var sessionExpired = false
    /// The token behind the login form's double-submit cookie, for requests without a session.
    public var anonymousCSRF: String?
    /// A newcomer signed in to the attendance register (`/deelnemer`), with their session.
    public var participant: ParticipantSession?
    /// Set when the request came in over TLS (directly or, with `TRUST_PROXY`, at the proxy).
    public var isSecure = false

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// A 10 MiB cap on request bodies; forms are small. A larger body is answered with 413.
    public var maxUploadSize: Int { 10 * 1024 * 1024 }

    /// The files of a document upload, streamed and sealed to temporary files as they arrived
    /// (`StreamedMultipart`); removed when the request ends.
    public var streamedUploads: [String: StreamedUpload] = [:]

    public var requestID: String { logger[metadataKey: "hb.request.id"]?.description ?? "-" }

    /// The principal, or `AppError.unauthenticated`.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw AppError.unauthenticated }
        return principal
    }

    /// The principal if it holds `permission`; otherwise 401 or 403.
    public func require(_ permission: Permission) throws -> Principal {
        let principal = try requirePrincipal()
        guard Policy.allows(principal, permission) else { throw AppError.forbidden }
        return principal
    }

    /// The CSRF token forms on this request must carry.
    public var csrfToken: String {
        principal?.session?.csrfToken ?? participant?.csrfToken ?? anonymousCSRF ?? ""
    }
}

