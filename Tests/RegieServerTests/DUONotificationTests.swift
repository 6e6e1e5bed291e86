import DUO
import DUOSimulator
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
@testable import RegieServer
import RegieStorage
import Testing

/// Regie's Notificatie API as DUO calls it (DUO Notificatie API 1.8.0).
@Suite("DUO notifications in: headers, body, stored first, idempotent")
struct DUONotificationTests {
    static let duo = DUOConfig.developmentDUOOIN
    static let weert = DUOConfig.developmentOIN(for: "GM0988")
    static let body = #"{"registratieDatumTijd":"2026-11-20T10:15:00+01:00","bsn":"999990019","gebeurtenisId":"SS101"}"#

    static func headers(bron: String? = duo, doel: String? = weert, berichtId: String? = UUID().uuidString, contentType: String? = "application/json") -> HTTPFields {
        var fields = HTTPFields()
        if let bron { fields[HTTPField.Name("bron")!] = bron }
        if let doel { fields[HTTPField.Name("doel")!] = doel }
        if let berichtId { fields[HTTPField.Name("berichtId")!] = berichtId }
        if let contentType { fields[.contentType] = contentType }
        return fields
    }

    /// The Notificatie API of a fresh Regie with the test world (organisation A serves Weert).
    static func withAPI(_ engine: Engine, _ body: @Sendable (any TestClientProtocol, AppServices) async throws -> Void) async throws {
        try await TestDatabase.with(engine) { database in
            let clock = TestClock()
            _ = try await World.seed(database, now: clock.now)
            let views = try await Views.load()
            let services = AppServices(config: try TestSupport.config(), database: database, clock: clock.appClock, views: views,
                                       catalogue: views.catalogue, metrics: RegieMetrics(), bcryptCost: 4)
            let api = NotificationAPI(services: services, logger: Logger(label: "test"))
            try await Application(router: api.router()).test(.router) { client in try await body(client, services) }
        }
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        let name: String
        let headers: HTTPFields
        let body: String
        let status: HTTPResponse.Status
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "no bron", headers: headers(bron: nil), body: body, status: .badRequest),
        Refusal(name: "bron of 19 characters", headers: headers(bron: String(duo.dropLast())), body: body, status: .badRequest),
        Refusal(name: "no doel", headers: headers(doel: nil), body: body, status: .badRequest),
        Refusal(name: "no berichtId", headers: headers(berichtId: nil), body: body, status: .badRequest),
        Refusal(name: "berichtId not a UUID", headers: headers(berichtId: "bericht-1"), body: body, status: .badRequest),
        Refusal(name: "sender is not DUO", headers: headers(bron: "00000001000000000001"), body: body, status: .forbidden),
        Refusal(name: "doel nobody here", headers: headers(doel: "00000001999999999999"), body: body, status: .forbidden),
        Refusal(name: "not JSON", headers: headers(), body: "gebeurtenis=SS101", status: .badRequest),
        Refusal(name: "no content type", headers: headers(contentType: nil), body: body, status: .badRequest),
        Refusal(name: "no gebeurtenisId", headers: headers(), body: #"{"registratieDatumTijd":"2026-11-20T10:15:00Z","bsn":"999990019"}"#, status: .badRequest),
        Refusal(name: "gebeurtenisId lower case", headers: headers(), body: #"{"registratieDatumTijd":"2026-11-20T10:15:00Z","gebeurtenisId":"ss101"}"#, status: .badRequest),
        Refusal(name: "gebeurtenisId too long", headers: headers(), body: #"{"registratieDatumTijd":"2026-11-20T10:15:00Z","gebeurtenisId":"SS10101"}"#, status: .badRequest),
        Refusal(name: "bsn of 8 digits", headers: headers(), body: #"{"registratieDatumTijd":"2026-11-20T10:15:00Z","bsn":"99999001","gebeurtenisId":"SS101"}"#, status: .badRequest),
        Refusal(name: "bsn as a number", headers: headers(), body: #"{"registratieDatumTijd":"2026-11-20T10:15:00Z","bsn":999990019,"gebeurtenisId":"SS101"}"#, status: .badRequest),
        Refusal(name: "vNummer negative", headers: headers(), body: #"{"registratieDatumTijd":"2026-11-20T10:15:00Z","vNummer":-1,"gebeurtenisId":"SS101"}"#, status: .badRequest),
        Refusal(name: "vNummer too large", headers: headers(), body: #"{"registratieDatumTijd":"2026-11-20T10:15:00Z","vNummer":10000000000,"gebeurtenisId":"SS101"}"#, status: .badRequest),
        Refusal(name: "date without time", headers: headers(), body: #"{"registratieDatumTijd":"2026-11-20","gebeurtenisId":"SS101"}"#, status: .badRequest),
        Refusal(name: "registratieDatumTijd missing", headers: headers(), body: #"{"bsn":"999990019","gebeurtenisId":"SS101"}"#, status: .badRequest),
    ]

    @Test("A request outside the spec is refused with the spec's answer and stores nothing", arguments: Engine.available, refusals)
    func refused(engine: Engine, refusal: Refusal) async throws {
        try await Self.withAPI(engine) { client, services in
            let response = try await client.execute(uri: NotificationAPI.path, method: .post, headers: refusal.headers, body: ByteBuffer(string: refusal.body))
            #expect(response.status == refusal.status)
            ExchangeLog.append([SimExchange(direction: .outbound, method: "POST", path: NotificationAPI.path,
                                            headers: Dictionary(refusal.headers.map { ($0.name.rawName, $0.value) }) { $1 }, body: refusal.body,
                                            status: Int(response.status.code),
                                            responseHeaders: Dictionary(response.headers.map { ($0.name.rawName, $0.value) }) { $1 },
                                            responseBody: nil, at: Date())])
            #expect(response.headers[HTTPField.Name("API-Version")!] == NotificationAPI.apiVersion)
            #expect(response.body.readableBytes == 0, "the spec defines no body for 400, 401 and 403")
            #expect(try await services.duoStore.listNotifications(scope: TenantScope(municipalityCodes: ["GM0988", "GM1706", "GM0957"])).isEmpty)
        }
    }

    @Test("registratieDatumTijd is an RFC 3339 date-time with a zone", arguments: [
        ("2026-11-20T10:15:00Z", true), ("2026-11-20T10:15:00.123Z", true), ("2026-11-20T10:15:00+01:00", true), ("2026-11-20t10:15:00z", true),
        ("2026-11-20T23:59:60-05:30", true), ("2026-11-20", false), ("2026-11-20T10:15:00", false), ("2026-11-20 10:15:00Z", false),
        ("2026-02-30T10:15:00Z", false), ("2026-11-20T24:00:00Z", false), ("2026-11-20T10:60:00Z", false), ("2026-11-20T10:15:00.Z", false),
        ("2026-11-20T10:15:00+0100", false), ("2026-11-20T10:15:00+01:00x", false), ("x026-11-20T10:15:00Z", false),
    ] as [(String, Bool)])
    func dateTimes(text: String, valid: Bool) {
        #expect(NotificationAPI.isDateTime(text) == valid)
    }

    @Test("A notification is stored and acknowledged with 201; the same BerichtId twice is stored once", arguments: Engine.available)
    func storedOnce(engine: Engine) async throws {
        try await Self.withAPI(engine) { client, services in
            let id = UUID().uuidString
            for _ in 0..<2 {
                let response = try await client.execute(uri: NotificationAPI.path, method: .post, headers: Self.headers(berichtId: id), body: ByteBuffer(string: Self.body))
                #expect(response.status == .created)
                #expect(response.headers[HTTPField.Name("API-Version")!] == "1.8.0")
            }
            // Header names are case-insensitive, and an unknown event is stored too (kept and shown, never dropped).
            var other = Self.headers(bron: nil, doel: nil, berichtId: nil)
            other[HTTPField.Name("BRON")!] = Self.duo
            other[HTTPField.Name("Doel")!] = Self.weert
            other[HTTPField.Name("BerichtId")!] = UUID().uuidString
            let unknown = try await client.execute(uri: NotificationAPI.path, method: .post, headers: other,
                                                   body: ByteBuffer(string: #"{"registratieDatumTijd":"2026-11-20T10:15:00.123Z","vNummer":1234567890,"gebeurtenisId":"SS999"}"#))
            #expect(unknown.status == .created)
            let stored = try await services.duoStore.listNotifications(scope: TenantScope(municipalityCodes: ["GM0988"]))
            #expect(stored.count == 2)
            #expect(Set(stored.map(\.gebeurtenisId)) == ["SS101", "SS999"])
            #expect(stored.allSatisfy { $0.status == "received" && $0.municipalityCode == "GM0988" })
            #expect(stored.first { $0.gebeurtenisId == "SS999" }?.vNummer == "1234567890")
        }
    }
}
