import DUO
import DUOClient
import BRP
import Crypto
import Foundation
import Logging
import Mustache
import RegieStorage

/// The time, injected: rules and handlers never call `Date()` themselves.
public struct AppClock: Sendable {
    public var now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    public static let system = AppClock { Date() }

    /// The system clock moved by whole days (a demo server's `CLOCK_OFFSET_DAYS`).
    public static func system(offsetDays days: Int) -> AppClock {
        days == 0 ? .system : AppClock { Date().addingTimeInterval(TimeInterval(days) * 86_400) }
    }
}

/// Keyed hashing for secrets Regie stores only as digests (session tokens, API keys), and random
/// tokens for cookies and CSRF.
public struct TokenHasher: Sendable {
    let key: SymmetricKey

    public init(secret: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data(secret.utf8)))
    }

    public func digest(_ token: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }

    /// 32 random bytes, base64url without padding (safe in cookies, forms and headers).
    public static func randomToken(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Constant-time comparison of two strings.
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Everything controllers need, built once by `buildApplication` and passed through initialisers.
public struct AppServices: Sendable {
    public let config: AppConfig
    public let database: Database
    public let clock: AppClock
    public let hasher: TokenHasher
    public let views: Views
    public let catalogue: Catalogue
    public let metrics: RegieMetrics
    public let users: UserStore
    public let sessions: SessionStore
    public let secondFactor: SecondFactorStore
    public let brp: BRPStore
    public let oidcStore: OIDCStore
    /// The relying party for each organisation's identity provider, by the provider's key.
    let oidc: [String: OIDCClient]
    /// The client for the BRP API Personen; nil when `BRP_URL` is not set (details are typed).
    public let brpClient: BRPClient?
    public let audit: AuditStore
    /// The group commit every `record` goes through: concurrent requests' entries share one transaction.
    public let auditCommit: AuditGroupCommit
    public let apiKeys: APIKeyStore
    public let persons: PersonStore
    public let casework: CaseworkStore
    public let settings: SettingsStore
    public let letters: SentLetterStore
    public let figures: FiguresStore
    public let ontzorgen: OntzorgenStore
    /// The providers the municipalities work with, their offers and start moments.
    public let providers: ProviderStore
    /// Newcomers' own logins for the attendance register.
    public let participants: ParticipantAccountStore
    /// bcrypt cost: 12 in production; tests lower it to stay fast.
    public let bcryptCost: UInt8
    public let duoStore: DUOStore
    /// The client for DUO's interface; nil when `DUO_URL` is not set (work waits in the queues).
    public let duoClient: DUOClient?
    /// Sends e-mail; nil when `SMTP_HOST` is not set.
    public let mailer: SMTPMailer?

    public init(config: AppConfig, database: Database, clock: AppClock, views: Views, catalogue: Catalogue, metrics: RegieMetrics, bcryptCost: UInt8, duoClient: DUOClient? = nil,
                brpClient: BRPClient? = nil) {
        self.config = config
        self.database = database
        self.mailer = config.smtp.map { SMTPMailer(config: $0, logger: Logger(label: "regie-mail")) }
        self.clock = clock
        self.hasher = TokenHasher(secret: config.sessionSecret)
        self.views = views
        self.catalogue = catalogue
        self.metrics = metrics
        self.users = UserStore(database: database)
        self.sessions = SessionStore(database: database)
        self.secondFactor = SecondFactorStore(database: database)
        self.brp = BRPStore(database: database)
        self.oidcStore = OIDCStore(database: database)
        self.oidc = Dictionary(uniqueKeysWithValues: config.oidc.map { ($0.key, OIDCClient(config: $0, logger: Logger(label: "regie-oidc"))) })
        self.brpClient = brpClient
        self.audit = AuditStore(database: database)
        self.auditCommit = AuditGroupCommit(store: audit)
        self.apiKeys = APIKeyStore(database: database)
        self.persons = PersonStore(database: database)
        self.casework = CaseworkStore(database: database, seal: config.fieldSeal)
        self.settings = SettingsStore(database: database)
        self.letters = SentLetterStore(database: database, seal: config.fieldSeal)
        self.figures = FiguresStore(database: database)
        self.ontzorgen = OntzorgenStore(database: database, seal: config.fieldSeal)
        self.providers = ProviderStore(database: database)
        self.participants = ParticipantAccountStore(database: database)
        self.duoStore = DUOStore(database: database)
        self.duoClient = duoClient
        self.bcryptCost = bcryptCost
    }

    /// The audit event for an action by the request's principal.
    public func auditEvent(_ action: AuditAction, context: RegieRequestContext, permission: Permission?, person: PersonRecord? = nil, detail: String = "") -> AuditEvent {
        let principal = context.principal
        var personId = person?.id
        var municipalityCode = person?.municipalityCode
        // A newcomer acts on their own file only: their entries name them and their municipality,
        // so the municipality's audit log shows them.
        if person == nil, case .newcomer(let id, let municipality) = principal {
            personId = id
            municipalityCode = municipality.code
        }
        return AuditEvent(
            actorId: principal?.actorId,
            actorName: principal?.displayName ?? "anoniem",
            actorRole: principal.flatMap { Policy.actingRole(for: $0, permission: permission)?.rawValue } ?? "-",
            organisationId: principal?.organisationId,
            action: action.rawValue,
            personId: personId,
            municipalityCode: municipalityCode,
            purpose: principal.map(Policy.purpose(for:)) ?? "-",
            requestId: context.requestID,
            detail: detail)
    }

    /// Appends one audit entry for the request and returns once it is committed (grouped with the
    /// entries of concurrent requests by `auditCommit`); throws when it could not be written, so the
    /// read it records is not served.
    public func record(_ action: AuditAction, context: RegieRequestContext, permission: Permission?, person: PersonRecord? = nil, detail: String = "") async throws {
        try await auditCommit.append(auditEvent(action, context: context, permission: permission, person: person, detail: detail), at: clock.now())
    }

    /// Appends one audit entry about a person known only by id (an audit-log search by BSN).
    public func record(_ action: AuditAction, context: RegieRequestContext, permission: Permission?, personId: String, detail: String = "") async throws {
        var event = auditEvent(action, context: context, permission: permission, detail: detail)
        event.personId = personId
        try await auditCommit.append(event, at: clock.now())
    }
}

extension AppServices {
    /// The catalogue bound to a request's language.
    func localizer(_ context: RegieRequestContext) -> Localizer { Localizer(catalogue: catalogue, locale: context.locale) }
}
