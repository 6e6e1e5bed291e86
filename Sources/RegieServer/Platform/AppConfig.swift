import Configuration
import Foundation
import Logging
import RegieStorage

/// Regie's one typed configuration, read once at start (flags > environment > `.env` > defaults).
/// Every key is documented in the README's configuration table.
public struct AppConfig: Sendable {
    public enum Mode: String, Sendable { case development, production }
    public enum LogFormat: String, Sendable { case json, text }

    public var mode: Mode
    public var host: String
    public var port: Int
    public var database: DatabaseLocation
    public var databaseMaxConnections: Int?
    /// Statements slower than this many milliseconds are logged with their SQL (`SLOW_STATEMENT_MS`).
    public var slowStatementMilliseconds: Int?
    /// Keys the HMAC of session tokens and API keys: a leaked database alone opens nothing.
    public var sessionSecret: String
    public var sessionIdleTimeout: TimeInterval
    public var sessionAbsoluteTimeout: TimeInterval
    public var cookieSecure: Bool
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    public var demo: Bool
    /// Days the server's clock runs ahead (`CLOCK_OFFSET_DAYS`): a trainer shows what happens when a
    /// term passes, and the browser test records an appointment's outcome after its time. Only with
    /// `DEMO=true` in development mode; refused anywhere else.
    public var clockOffsetDays: Int
    public var trustProxy: Bool
    /// The bearer token `/metrics` asks for (`METRICS_TOKEN`); without one, `/metrics` is open in
    /// development and closed in production.
    public var metricsToken: String?
    public var loginMaxFailures: Int
    public var loginWindow: TimeInterval
    /// Where users reach Regie (`PUBLIC_URL`, e.g. `https://regie.gemeente.nl`): the start of the
    /// password-set links handed out. Without it the link starts with the address the beheerder used.
    public var publicURL: String?
    /// Seals special-category fields (health, intake notes) at rest: AES-256-GCM, key from `FIELD_KEY`.
    public var fieldSeal: FieldSeal
    /// The DUO koppeling: endpoints, OINs, mutual TLS, the notification listener and the worker.
    public var duo: DUOConfig
    public var brp: BRPConfig = BRPConfig()
    /// Sign-in through the organisations' identity providers (none without `OIDC_ISSUER` or `OIDC_PROVIDERS`).
    public var oidc: [OIDCConfig] = []
    /// Where e-mail goes out (password-set links); nil without `SMTP_HOST`: links are shown once instead.
    public var smtp: SMTPConfig?

    /// The development secret; refused in production.
    static let developmentSecret = "regie-development-secret-do-not-use-in-production"

    public enum ConfigError: Error, CustomStringConvertible {
        case missingSessionSecret
        case weakSessionSecret
        case missingFieldKey
        case invalidFieldKey
        case invalid(key: String, value: String)
        case clockOffsetOutsideDemo

        public var description: String {
            switch self {
            case .missingSessionSecret: return "SESSION_SECRET is required when REGIE_ENV=production (at least 32 characters)."
            case .weakSessionSecret: return "SESSION_SECRET must be at least 32 characters."
            case .missingFieldKey: return "FIELD_KEY is required when REGIE_ENV=production (32 bytes, base64: `openssl rand -base64 32`)."
            case .invalidFieldKey: return "FIELD_KEY must be 32 bytes, base64-encoded (`openssl rand -base64 32`)."
            case .invalid(let key, let value): return "Invalid value for \(key): \(value)"
            case .clockOffsetOutsideDemo: return "CLOCK_OFFSET_DAYS is only for a demo server (DEMO=true, REGIE_ENV=development)."
            }
        }
    }

    public init(reader: ConfigReader) throws {
        let modeText = reader.string(forKey: "regie.env", default: "development")
        guard let mode = Mode(rawValue: modeText) else { throw ConfigError.invalid(key: "REGIE_ENV", value: modeText) }
        self.mode = mode
        host = reader.string(forKey: "host", default: "127.0.0.1")
        port = reader.int(forKey: "port", default: 8080)
        if let url = reader.string(forKey: "database.url"), !url.isEmpty {
            database = DatabaseLocation(url)
        } else {
            database = .sqlite(path: reader.string(forKey: "database.path", default: "data/regie.sqlite"))
        }
        databaseMaxConnections = reader.int(forKey: "database.max.connections")
        slowStatementMilliseconds = reader.int(forKey: "slow.statement.ms")
        let secret = reader.string(forKey: "session.secret", isSecret: true)
        switch (mode, secret) {
        case (.production, nil): throw ConfigError.missingSessionSecret
        case (_, .some(let value)) where value.count < 32: throw ConfigError.weakSessionSecret
        case (_, .some(let value)): sessionSecret = value
        case (.development, nil): sessionSecret = Self.developmentSecret
        }
        sessionIdleTimeout = TimeInterval(reader.int(forKey: "session.idle.minutes", default: 30) * 60)
        sessionAbsoluteTimeout = TimeInterval(reader.int(forKey: "session.absolute.hours", default: 10) * 3600)
        cookieSecure = reader.bool(forKey: "cookie.secure", default: mode == .production)
        let levelText = reader.string(forKey: "log.level", default: "info")
        guard let level = Logger.Level(rawValue: levelText) else { throw ConfigError.invalid(key: "LOG_LEVEL", value: levelText) }
        logLevel = level
        let formatText = reader.string(forKey: "log.format", default: "json")
        guard let format = LogFormat(rawValue: formatText) else { throw ConfigError.invalid(key: "LOG_FORMAT", value: formatText) }
        logFormat = format
        demo = reader.bool(forKey: "demo", default: false)
        clockOffsetDays = reader.int(forKey: "clock.offset.days", default: 0)
        if clockOffsetDays != 0 {
            guard demo, mode == .development else { throw ConfigError.clockOffsetOutsideDemo }
            guard (-3660...3660).contains(clockOffsetDays) else { throw ConfigError.invalid(key: "CLOCK_OFFSET_DAYS", value: String(clockOffsetDays)) }
        }
        trustProxy = reader.bool(forKey: "trust.proxy", default: false)
        metricsToken = reader.string(forKey: "metrics.token", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        loginMaxFailures = reader.int(forKey: "login.max.failures", default: 5)
        loginWindow = TimeInterval(reader.int(forKey: "login.window.minutes", default: 15) * 60)
        publicURL = try reader.string(forKey: "public.url").flatMap { value in
            let trimmed = value.hasSuffix("/") ? String(value.dropLast()) : value
            guard !trimmed.isEmpty else { return nil }
            guard trimmed.hasPrefix("https://") || trimmed.hasPrefix("http://") else { throw ConfigError.invalid(key: "PUBLIC_URL", value: value) }
            return trimmed
        }
        switch (mode, reader.string(forKey: "field.key", isSecret: true)) {
        case (.production, nil): throw ConfigError.missingFieldKey
        case (_, .some(let key)):
            guard let seal = try? FieldSeal(base64Key: key) else { throw ConfigError.invalidFieldKey }
            fieldSeal = seal
        case (.development, nil): fieldSeal = FieldSeal(developmentPassphrase: Self.developmentSecret)
        }
        duo = try DUOConfig(reader: reader, mode: mode, host: host)
        brp = try BRPConfig(reader: reader, mode: mode)
        oidc = try OIDCConfig.read(reader, mode: mode)
        smtp = try SMTPConfig(reader: reader, mode: mode)
    }

    /// Builds the reader: `overrides` (from command-line flags, in environment-variable form) first,
    /// then the process environment, then a `.env` file in the working directory if present.
    public static func reader(overrides: [String: String] = [:], environment: [String: String]? = nil, envFile: String? = ".env") async throws -> ConfigReader {
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(environmentVariables: overrides),
            EnvironmentVariablesProvider(environmentVariables: environment ?? ProcessInfo.processInfo.environment),
        ]
        if let envFile {
            providers.append(try await EnvironmentVariablesProvider(environmentFilePath: .init(envFile), allowMissing: true))
        }
        return ConfigReader(providers: providers)
    }
}

extension AppConfig: CustomStringConvertible, CustomReflectable {
    /// Safe to log: the session secret and database credentials are left out.
    public var description: String {
        "AppConfig(mode: \(mode.rawValue), address: \(host):\(port), database: \(database), logLevel: \(logLevel), demo: \(demo)\(clockOffsetDays == 0 ? "" : ", clockOffsetDays: \(clockOffsetDays)"))"
    }

    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}
