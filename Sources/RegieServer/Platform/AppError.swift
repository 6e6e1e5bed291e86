import Foundation

/// The errors a request can end in, typed here and mapped once at the edge: an HTML page for the
/// web, `application/problem+json` for the API.
public enum AppError: Error, Sendable {
    /// Not there, or not in the principal's municipalities: the two are indistinguishable by design.
    case notFound
    /// Signed in, but the role does not allow this.
    case forbidden
    /// Not signed in (web: redirect to the login page; API: 401).
    case unauthenticated
    /// The CSRF token was missing or wrong.
    case csrfRejected
    /// Input that cannot be processed, with the fields it concerns (field path → message key).
    case invalid(detail: String, fields: [FieldError])
    /// Valid input the law or the stored state does not allow (409 a conflict, 422 a rule), with the
    /// fields or rules it concerns.
    case rejected(status: Int, detail: String, fields: [FieldError])

    public struct FieldError: Sendable, Hashable {
        public let name: String
        public let message: String

        public init(name: String, message: String) {
            self.name = name
            self.message = message
        }
    }
}
