import DUO
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HTTPTypes
import Logging
import NIOCore
import RegieStorage

/// The Notificatie API DUO calls (`POST /v1/notificaties`, DUO Notificatie API 1.8.0): headers
/// `bron`, `doel`, `berichtId`; body `Notificatie`; 201 when stored; 400 for a request outside the
/// spec; 403 when the sender is not DUO or the `doel` is not one of this instance's municipalities;
/// 503 with a `Foutmelding` when the notification could not be stored (DUO tries again). Every
/// answer carries `API-Version`. A notification is stored first and processed later by the
/// `DUOWorker`; the same `berichtId` twice is acknowledged once more and changes nothing.
public struct NotificationAPI: Sendable {
    public static let apiVersion = "1.8.0"
    public static let path = "/v1/notificaties"

    let store: DUOStore
    let config: DUOConfig
    let mode: AppConfig.Mode
    let municipalityCodes: @Sendable () async throws -> [String]
    let clock: AppClock
    let logger: Logger

    public init(services: AppServices, logger: Logger) {
        store = DUOStore(database: services.database)
        config = services.config.duo
        mode = services.config.mode
        let store = DUOStore(database: services.database)
        municipalityCodes = { try await store.municipalityCodes() }
        clock = services.clock
        self.logger = logger
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.post(RouterPath(stringLiteral: Self.path)) { request, context in
            await self.receive(request, context: context)
        }
        router.on("**", method: .get) { _, _ in Self.answer(.notFound) }
        return router
    }

    func receive(_ request: Request, context: BasicRequestContext) async -> Response {
        let headers = request.headers
        guard let bron = headers[HTTPField.Name("bron")!], bron.count == 20,
              let doel = headers[HTTPField.Name("doel")!], doel.count == 20,
              let berichtId = headers[HTTPField.Name("berichtId")!], let uuid = UUID(uuidString: berichtId) else {
            return Self.answer(.badRequest)
        }
        guard bron == config.duoOIN else { return Self.answer(.forbidden) }
        let codes: [String]
        do { codes = try await municipalityCodes() } catch { return Self.unavailable() }
        guard let municipality = config.municipality(forOIN: doel, knownCodes: codes, mode: mode) else { return Self.answer(.forbidden) }
        guard let contentType = headers[.contentType], contentType.lowercased().hasPrefix("application/json"),
              let buffer = try? await request.body.collect(upTo: 64 * 1024),
              let notificatie = Self.decode(Data(buffer: buffer)) else {
            return Self.answer(.badRequest)
        }
        let now = clock.now()
        let record = DUONotificationRecord(
            id: UUID().uuidString.lowercased(), berichtId: uuid.uuidString.lowercased(), bron: bron, doel: doel, municipalityCode: municipality,
            gebeurtenisId: notificatie.gebeurtenisId, bsn: notificatie.bsn, vNummer: notificatie.vNummer.map(String.init),
            registeredAt: notificatie.registratieDatumTijd, receivedAt: now.epochSeconds)
        do {
            try await store.receive(record)
        } catch {
            logger.error("storing a DUO notification failed", metadata: ["error": .string(String(describing: type(of: error)))])
            return Self.unavailable()
        }
        return Self.answer(.created)
    }

    /// The body, checked against the `Notificatie` schema; nil when it does not conform.
    static func decode(_ data: Data) -> Notificatie? {
        guard let n = try? JSONDecoder().decode(Notificatie.self, from: data), isDateTime(n.registratieDatumTijd),
              (1...6).contains(n.gebeurtenisId.count),
              n.gebeurtenisId.allSatisfy({ ($0.isASCII && $0.isNumber) || ("A"..."Z").contains($0) }) else { return nil }
        if let bsn = n.bsn, bsn.count != 9 || !bsn.allSatisfy({ $0.isASCII && $0.isNumber }) { return nil }
        if let v = n.vNummer, !(0...9_999_999_999).contains(v) { return nil }
        return n
    }

    /// RFC 3339 date-time (with a zone), as OpenAPI's `date-time` format requires.
    static func isDateTime(_ text: String) -> Bool {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if formatter.date(from: text) != nil { return true }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text) != nil
    }

    static func answer(_ status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [HTTPField.Name(DUOHeader.apiVersion)!: apiVersion])
    }

    static func unavailable() -> Response {
        let body = (try? DUOJSON.encode(Foutmelding(fouttekst: "Notificatie tijdelijk niet op te slaan; probeer het later opnieuw."))) ?? Data()
        return Response(status: .serviceUnavailable,
                        headers: [HTTPField.Name(DUOHeader.apiVersion)!: apiVersion, .contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The listener as a service of the main application: plain HTTP in development, mutual TLS
    /// when `DUO_TLS_*` is configured (a client without a certificate signed by the CA is refused
    /// during the handshake).
    public func application(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let server: HTTPServerBuilder = try config.tls.map { try .tls(.http1(), tlsConfiguration: $0.serverConfiguration()) } ?? .http1()
        return Application(router: router(), server: server,
                           configuration: ApplicationConfiguration(address: .hostname(config.notifyHost, port: config.notifyPort), serverName: nil),
                           onServerRunning: onServerRunning, logger: logger)
    }
}
