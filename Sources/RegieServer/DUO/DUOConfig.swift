import Configuration
import DUO
import DUOClient
import Foundation

/// How this Regie instance talks with DUO (README, configuration table):
/// - `DUO_URL`: DUO's base URL including the major version (`https://…/v1`); unset = pushes and
///   pulls wait in the outbox/queue until it is set.
/// - `DUO_OIN`: DUO's OIN (the `Bron` of notifications, the `Doel` of Regie's requests).
/// - `DUO_MUNICIPALITY_OINS`: `GM0988=00000001…,GM1706=…`: each municipality's OIN (the `Bron`
///   of Regie's requests and the `Doel` a notification must carry).
/// - `DUO_TLS_CERT`, `DUO_TLS_KEY`, `DUO_TLS_CA`: PEM files for mutual TLS, used by the client and
///   by the notification listener (which then requires a client certificate signed by the CA).
/// - `DUO_NOTIFY_PORT`: port of the Notificatie API listener (0 = off; development: 8081 when
///   `DUO_URL` is set).
/// - `DUO_WORKER`: process notifications and the outbox in this instance (default true).
public struct DUOConfig: Sendable {
    public var baseURL: String?
    public var duoOIN: String
    public var municipalityOINs: [String: String]
    public var tls: DUOTLSFiles?
    public var notifyHost: String
    public var notifyPort: Int
    public var worker: Bool
    public var pollInterval: Duration

    /// Development values: never valid OINs of real organisations.
    public static let developmentDUOOIN = DevelopmentOIN.duo
    public static func developmentOIN(for municipalityCode: String) -> String {
        DevelopmentOIN.municipality(municipalityCode)
    }

    public init(baseURL: String? = nil, duoOIN: String = DUOConfig.developmentDUOOIN, municipalityOINs: [String: String] = [:],
                tls: DUOTLSFiles? = nil, notifyHost: String = "127.0.0.1", notifyPort: Int = 0, worker: Bool = true,
                pollInterval: Duration = .seconds(1)) {
        self.baseURL = baseURL
        self.duoOIN = duoOIN
        self.municipalityOINs = municipalityOINs
        self.tls = tls
        self.notifyHost = notifyHost
        self.notifyPort = notifyPort
        self.worker = worker
        self.pollInterval = pollInterval
    }

    init(reader: ConfigReader, mode: AppConfig.Mode, host: String) throws {
        let url = reader.string(forKey: "duo.url").flatMap { $0.isEmpty ? nil : $0 }
        baseURL = url
        let oin = reader.string(forKey: "duo.oin")
        switch (mode, oin) {
        case (_, .some(let value)):
            guard DUOHeader.isOIN(value) else { throw AppConfig.ConfigError.invalid(key: "DUO_OIN", value: value) }
            duoOIN = value
        case (.production, nil) where url != nil: throw AppConfig.ConfigError.invalid(key: "DUO_OIN", value: "(missing)")
        default: duoOIN = Self.developmentDUOOIN
        }
        var oins: [String: String] = [:]
        for pair in (reader.string(forKey: "duo.municipality.oins") ?? "").split(separator: ",") {
            let parts = pair.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].count == 6, DUOHeader.isOIN(parts[1]) else {
                throw AppConfig.ConfigError.invalid(key: "DUO_MUNICIPALITY_OINS", value: String(pair))
            }
            oins[parts[0]] = parts[1]
        }
        municipalityOINs = oins
        let cert = reader.string(forKey: "duo.tls.cert"), key = reader.string(forKey: "duo.tls.key")
        switch (cert, key) {
        case let (.some(cert), .some(key)): tls = DUOTLSFiles(certificatePath: cert, keyPath: key, caPath: reader.string(forKey: "duo.tls.ca"))
        case (nil, nil): tls = nil
        default: throw AppConfig.ConfigError.invalid(key: "DUO_TLS_CERT/DUO_TLS_KEY", value: "both or neither")
        }
        notifyHost = reader.string(forKey: "duo.notify.host", default: host)
        // In development the listener runs when Regie talks to a DUO (the simulator sends to 8081).
        notifyPort = reader.int(forKey: "duo.notify.port", default: mode == .development && url != nil ? 8081 : 0)
        if mode == .production, notifyPort != 0, tls?.caPath == nil {
            // DUO's interface requires mutual TLS: a production listener without it is refused.
            throw AppConfig.ConfigError.invalid(key: "DUO_NOTIFY_PORT", value: "needs DUO_TLS_CERT, DUO_TLS_KEY and DUO_TLS_CA")
        }
        worker = reader.bool(forKey: "duo.worker", default: true)
        pollInterval = .milliseconds(reader.int(forKey: "duo.poll.ms", default: 1000))
    }

    /// The OIN of a municipality: configured, or in development a generated one.
    public func oin(for municipalityCode: String, mode: AppConfig.Mode) -> String? {
        municipalityOINs[municipalityCode] ?? (mode == .development ? Self.developmentOIN(for: municipalityCode) : nil)
    }

    /// The municipality a `Doel` OIN belongs to.
    public func municipality(forOIN oin: String, knownCodes: [String], mode: AppConfig.Mode) -> String? {
        if let match = municipalityOINs.first(where: { $0.value == oin }) { return match.key }
        guard mode == .development else { return nil }
        return knownCodes.first { Self.developmentOIN(for: $0) == oin }
    }
}
