import BRP
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The simulator over HTTP: `POST /personen` as the BRP API answers it, and `/simulator/…` to load
/// persons and play events in the register (for demos and tests; no such routes exist at the BRP).
public struct BRPSimulatorServer: Sendable {
    public let simulator: BRPSimulator

    public init(simulator: BRPSimulator) {
        self.simulator = simulator
    }

    public struct Move: Codable, Sendable {
        public var bsn: String
        public var gemeenteCode: String
        public var gemeenteNaam: String
        public var adres: BRPVerblijfadres?
        public var datum: String
        public init(bsn: String, gemeenteCode: String, gemeenteNaam: String, adres: BRPVerblijfadres?, datum: String) {
            self.bsn = bsn
            self.gemeenteCode = gemeenteCode
            self.gemeenteNaam = gemeenteNaam
            self.adres = adres
            self.datum = datum
        }
    }

    public struct Death: Codable, Sendable {
        public var bsn: String
        public var datum: String
        public init(bsn: String, datum: String) { self.bsn = bsn; self.datum = datum }
    }

    public struct Birth: Codable, Sendable {
        public var ouder: String
        public var kind: BRPGerelateerde
        public init(ouder: String, kind: BRPGerelateerde) { self.ouder = ouder; self.kind = kind }
    }

    public struct Secrecy: Codable, Sendable {
        public var bsn: String
        public var aan: Bool
        public init(bsn: String, aan: Bool) { self.bsn = bsn; self.aan = aan }
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let simulator = self.simulator
        router.post("/personen") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let answer = await simulator.answer(body: Data(buffer: body), headers: headers)
            return Response(status: .init(code: answer.status), headers: [.contentType: answer.contentType],
                            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        router.post("/simulator/personen") { request, context -> Response in
            let people = try await request.decode(as: [BRPPersoon].self, context: context)
            await simulator.add(people)
            return Self.done(true)
        }
        router.post("/simulator/verhuizing") { request, context -> Response in
            let move = try await request.decode(as: Move.self, context: context)
            return Self.done(await simulator.move(bsn: move.bsn, to: BRPWaarde(code: move.gemeenteCode, omschrijving: move.gemeenteNaam),
                                                  address: move.adres, on: move.datum))
        }
        router.post("/simulator/overlijden") { request, context -> Response in
            let death = try await request.decode(as: Death.self, context: context)
            return Self.done(await simulator.die(bsn: death.bsn, on: death.datum))
        }
        router.post("/simulator/geboorte") { request, context -> Response in
            let birth = try await request.decode(as: Birth.self, context: context)
            return Self.done(await simulator.birth(parent: birth.ouder, child: birth.kind))
        }
        router.post("/simulator/geheimhouding") { request, context -> Response in
            let secrecy = try await request.decode(as: Secrecy.self, context: context)
            return Self.done(await simulator.setSecrecy(bsn: secrecy.bsn, secrecy.aan))
        }
        router.get("/simulator/uitwisselingen") { _, _ -> Response in
            let lines = await simulator.recordedExchanges().compactMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson"],
                            body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"))))
        }
        return router
    }

    static func done(_ found: Bool) -> Response {
        Response(status: found ? .noContent : .notFound)
    }

    public func application(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "brp-simulator"), logger: logger)
    }
}
