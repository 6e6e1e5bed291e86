import BRP
import Configuration
import Foundation

/// How this Regie instance reaches the BRP API Personen (README, configuration table):
/// - `BRP_URL`: the API's base URL (`…/haalcentraal/api/brp`); unset = no BRP link (details are typed).
/// - `BRP_API_KEY` and `BRP_API_KEY_HEADER` (default `X-API-KEY`): the organisation's key, when the
///   supplier of the link asks for one.
/// - `BRP_TLS_CERT`, `BRP_TLS_KEY`, `BRP_TLS_CA`: PEM files for mutual TLS, when asked for.
/// - `BRP_REFRESH_DAYS` (default 7): an open case's BRP details are looked up again after so many days.
/// - `BRP_PER_MINUTE` (default 60): at most so many background lookups a minute.
/// - `BRP_WORKER` (default true): run the background lookups in this instance.
/// Production refuses a BRP over plain HTTP other than on this machine.
public struct BRPConfig: Sendable {
    public var endpoint: BRPEndpoint?
    public var refreshDays: Int
    public var perMinute: Int
    public var worker: Bool

    public init(endpoint: BRPEndpoint? = nil, refreshDays: Int = 7, perMinute: Int = 60, worker: Bool = true) {
        self.endpoint = endpoint
        self.refreshDays = refreshDays
        self.perMinute = perMinute
        self.worker = worker
    }

    init(reader: ConfigReader, mode: AppConfig.Mode) throws {
        let url = reader.string(forKey: "brp.url").flatMap { $0.isEmpty ? nil : $0 }
        if let url {
            guard let parsed = URL(string: url), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil else {
                throw AppConfig.ConfigError.invalid(key: "BRP_URL", value: url)
            }
            if mode == .production, scheme == "http", !["127.0.0.1", "localhost", "::1"].contains(parsed.host ?? "") {
                throw AppConfig.ConfigError.invalid(key: "BRP_URL", value: "\(url) (personal data only over https)")
            }
        }
        let cert = reader.string(forKey: "brp.tls.cert"), key = reader.string(forKey: "brp.tls.key")
        if (cert == nil) != (key == nil) { throw AppConfig.ConfigError.invalid(key: "BRP_TLS_CERT/BRP_TLS_KEY", value: "both or neither") }
        endpoint = url.map {
            BRPEndpoint(baseURL: $0, apiKey: reader.string(forKey: "brp.api.key", isSecret: true).flatMap { $0.isEmpty ? nil : $0 },
                        apiKeyHeader: reader.string(forKey: "brp.api.key.header", default: "X-API-KEY"),
                        certificatePath: cert, keyPath: key, caPath: reader.string(forKey: "brp.tls.ca"))
        }
        refreshDays = reader.int(forKey: "brp.refresh.days", default: 7)
        perMinute = reader.int(forKey: "brp.per.minute", default: 60)
        guard (1...365).contains(refreshDays) else { throw AppConfig.ConfigError.invalid(key: "BRP_REFRESH_DAYS", value: String(refreshDays)) }
        guard (1...6000).contains(perMinute) else { throw AppConfig.ConfigError.invalid(key: "BRP_PER_MINUTE", value: String(perMinute)) }
        worker = reader.bool(forKey: "brp.worker", default: true)
    }
}
