import DUO
import Foundation
import Hummingbird
import Inburgering
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
        let store = services.duoStore
        self.store = store
        config = services.config.duo
        mode = services.config.mode
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

    /// RFC 3339 date-time with a zone, as OpenAPI's `date-time` format requires
    /// (`2026-11-20T10:15:00Z`, `…00.123+01:00`). Checked by hand: a date formatter per request
    /// was a third of the listener's CPU.
    static func isDateTime(_ text: String) -> Bool {
        let chars = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count else { return nil }
            var value = 0
            for c in chars[range] { guard (48...57).contains(c) else { return nil }; value = value * 10 + Int(c - 48) }
            return value
        }
        guard chars.count >= 20, chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: "t"),
              chars[13] == UInt8(ascii: ":"), chars[16] == UInt8(ascii: ":"),
              CalendarDate(iso: String(text.prefix(10))) != nil,
              let hour = digits(11..<13), hour < 24, let minute = digits(14..<16), minute < 60, let second = digits(17..<19), second <= 60 else { return false }
        var index = 19
        if chars[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < chars.count, (48...57).contains(chars[index]) { index += 1 }
            guard index > start, index < chars.count else { return false }
        }
        let zone = chars[index...]
        if zone.count == 1 { return zone.first == UInt8(ascii: "Z") || zone.first == UInt8(ascii: "z") }
        guard zone.count == 6, zone.first == UInt8(ascii: "+") || zone.first == UInt8(ascii: "-"), chars[index + 3] == UInt8(ascii: ":"),
              let zh = digits(index + 1 ..< index + 3), zh < 24, let zm = digits(index + 4 ..< index + 6), zm < 60 else { return false }
        return true
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
