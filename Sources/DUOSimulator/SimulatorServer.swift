import AsyncHTTPClient
import DUO
import DUOClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore

/// The DUO simulator over HTTP (the only place the simulator meets Hummingbird).
///
/// - `/v1/**` (every method): DUO's interface, answered by `DUOSimulator.handle` below the `/v1` prefix.
/// - `/sim/...`: a small control API for demos and tests: the exchange log, down/up, scenarios, a single
///   notification, and the state per person.
///
/// Notifications go to Regie's Notificatie API (`POST regieNotifyURL`) with `bron` = DUO's OIN,
/// `doel` = the municipality's OIN, a fresh `berichtId`; Regie's answer is kept in the exchange log
/// ("out") so a test can check it against DUO's Notificatie API description.
public struct DUOSimulatorServer: Sendable {
    public let simulator: DUOSimulator
    let regieNotifyURL: String?
    let duoOIN: String
    /// Municipality OIN → 4-digit code.
    let municipalityOINs: [String: String]
    let tls: DUOTLSFiles?
    let logger: Logger
    /// How long a notification sent to Regie may take before it counts as failed.
    let sendTimeout: TimeAmount

    public init(simulator: DUOSimulator, regieNotifyURL: String?, duoOIN: String, municipalityOINs: [String: String],
                tls: DUOTLSFiles?, logger: Logger, sendTimeout: TimeAmount = .seconds(10)) {
        self.simulator = simulator
        self.sendTimeout = sendTimeout
        self.regieNotifyURL = regieNotifyURL.flatMap { $0.isEmpty ? nil : $0 }
        self.duoOIN = duoOIN
        self.municipalityOINs = municipalityOINs
        self.tls = tls
        self.logger = logger
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch] {
            router.on("/v1/**", method: method) { request, _ in
                await self.forward(request)
            }
        }

        router.get("/sim/log") { _, _ in
            Self.json(await self.simulator.exchanges())
        }
        router.delete("/sim/log") { _, _ in
            await self.simulator.clearLog()
            return Response(status: .noContent)
        }
        router.post("/sim/down") { _, _ in
            await self.simulator.setDown(true)
            return Self.json(["down": true])
        }
        router.post("/sim/up") { _, _ in
            await self.simulator.setDown(false)
            return Self.json(["down": false])
        }
        router.post("/sim/scenarios/:name") { request, context in
            await self.startScenario(request, name: context.parameters.get("name") ?? "")
        }
        router.post("/sim/notifications") { request, _ in
            await self.notifyNow(request)
        }
        router.get("/sim/personen") { _, _ in
            Self.json(await self.simulator.allPersons())
        }
        router.get("/sim/personen/:bsn") { _, context in
            guard let person = await self.simulator.person(bsn: context.parameters.get("bsn") ?? "") else {
                return Self.problem(.notFound, "unknown BSN")
            }
            return Self.json(person)
        }
        router.post("/sim/personen") { request, _ in
            await self.seedPerson(request)
        }
        return router
    }

    /// The application: plain HTTP, or mutual TLS when `tls` is given (the server then requires a
    /// client certificate signed by `tls.caPath`, as DUO does).
    public func application(host: String, port: Int,
                            onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let configuration = ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil)
        if let tls {
            _ = try tls.clientConfiguration() // unreadable files fail at start, not at the first notification
            return Application(router: router(), server: try .tls(.http1(), tlsConfiguration: tls.serverConfiguration()),
                               configuration: configuration, onServerRunning: onServerRunning, logger: logger)
        }
        return Application(router: router(), server: .http1(), configuration: configuration, onServerRunning: onServerRunning, logger: logger)
    }

    // MARK: DUO's interface

    func forward(_ request: Request) async -> Response {
        let path = String(request.uri.path.dropFirst("/v1".count))
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let body: Data?
        do {
            let buffer = try await request.body.collect(upTo: 1 << 20)
            body = buffer.readableBytes == 0 ? nil : Data(buffer.readableBytesView)
        } catch {
            return Response(status: .contentTooLarge)
        }
        let answer = await simulator.handle(method: request.method.rawValue, path: path.isEmpty ? "/" : path, headers: headers, body: body)
        // An answer lost on the way: DUO processed the request, the caller's timeout runs out first.
        if let hold = answer.withheld { try? await Task.sleep(for: hold) }
        // What DUO does on its own after this request (SS102 when a first PIP started the term).
        let followUps = await simulator.takeFollowUps()
        if !followUps.isEmpty { Task { await self.deliver(followUps) } }

        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
        }
        let responseBody = answer.body.map { ResponseBody(byteBuffer: ByteBuffer(bytes: $0)) } ?? ResponseBody()
        return Response(status: .init(code: answer.status), headers: fields, body: responseBody)
    }

    // MARK: Notifications to Regie

    /// Sends the steps at their offsets from now, applying each step's change just before its notification.
    public func deliver(_ steps: [SimStep]) async {
        let start = ContinuousClock.now
        for step in steps {
            try? await Task.sleep(until: start + step.after, clock: .continuous)
            let notificatie = await simulator.perform(step, at: Date())
            await send(notificatie, to: step.municipalityOIN)
        }
    }

    /// POSTs one notification to Regie and records Regie's answer; nil when no Regie URL is configured.
    @discardableResult
    public func send(_ notificatie: Notificatie, to municipalityOIN: String) async -> SimExchange? {
        guard let url = regieNotifyURL else { return nil }
        let body = (try? DUOJSON.encode(notificatie)) ?? Data()
        // Notificatie API 1.8.0: headers bron (DUO), doel (the municipality), berichtId (uuid); body Notificatie.
        let headers = ["bron": duoOIN, "doel": municipalityOIN, "berichtId": UUID().uuidString.lowercased(), "Content-Type": "application/json"]
        var exchange = SimExchange(direction: .outbound, method: "POST", path: url, headers: headers,
                                   body: String(decoding: body, as: UTF8.self), status: 0, at: Date())
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            if let tls { request.tlsConfiguration = try tls.clientConfiguration() }
            let response = try await HTTPClient.shared.execute(request, timeout: sendTimeout)
            let buffer = try await response.body.collect(upTo: 1 << 20)
            exchange.status = Int(response.status.code)
            for (name, value) in response.headers { exchange.responseHeaders[name] = value }
            exchange.responseBody = buffer.readableBytes == 0 ? nil : String(buffer: buffer)
        } catch {
            exchange.reason = "sending failed: \(String(describing: type(of: error)))"
        }
        await simulator.record(exchange)
        logger.info("DUO simulator sent a notification", metadata: [
            "gebeurtenisId": .string(notificatie.gebeurtenisId), "status": .stringConvertible(exchange.status),
        ])
        return exchange
    }

    // MARK: Control API

    func startScenario(_ request: Request, name: String) async -> Response {
        guard let scenario = SimScenario(rawValue: name) else {
            return Self.problem(.notFound, "unknown scenario; known: \(SimScenario.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let query = request.uri.queryParameters
        guard let municipality = query.get("municipality") ?? municipalityOINs.sorted(by: { $0.value < $1.value }).first?.key else {
            return Self.problem(.badRequest, "no municipality")
        }
        guard let seconds = Double(query.get("week") ?? "604800"), seconds >= 0 else {
            return Self.problem(.badRequest, "week must be a number of seconds")
        }
        let seed = query.get("seed").flatMap { UInt64($0) }
        do {
            let run = try await simulator.run(scenario, municipalityOIN: municipality, week: .seconds(seconds), seed: seed, bsn: query.get("bsn"))
            Task { await self.deliver(run.steps) }
            return Self.json(ScenarioStarted(run), status: .accepted)
        } catch let error as SimScenarioError {
            return Self.problem(error == .unknownPerson ? .notFound : .badRequest, "\(error)")
        } catch {
            return Self.problem(.internalServerError, "\(error)")
        }
    }

    func notifyNow(_ request: Request) async -> Response {
        struct Order: Decodable {
            var gebeurtenisId: String
            var bsn: String
            var municipalityOIN: String?
            var vNummer: Int64?
        }
        guard let order = await Self.decode(Order.self, request) else { return Self.problem(.badRequest, "expected {gebeurtenisId, bsn, municipalityOIN}") }
        let person = await simulator.person(bsn: order.bsn)
        var municipalityOIN = order.municipalityOIN
        if municipalityOIN == nil, let person { municipalityOIN = await simulator.oin(forGemeentecode: person.gemeentecode) }
        guard let doel = municipalityOIN else { return Self.problem(.badRequest, "municipalityOIN needed") }
        guard regieNotifyURL != nil else { return Self.problem(.conflict, "no Regie URL configured") }
        let notificatie = simulator.notification(eventId: order.gebeurtenisId, bsn: order.bsn, vNummer: order.vNummer ?? person?.vNummer, at: Date())
        guard let exchange = await send(notificatie, to: doel), exchange.status != 0 else {
            return Self.problem(.badGateway, "Regie did not answer")
        }
        // Regie's own status, with the whole exchange as the body.
        return Self.json(exchange, status: .init(code: exchange.status))
    }

    func seedPerson(_ request: Request) async -> Response {
        guard let person = await Self.decode(SimPerson.self, request) else { return Self.problem(.badRequest, "body is not a SimPerson") }
        guard person.bsn.count == 9, person.bsn.allSatisfy({ $0.isASCII && $0.isNumber }),
              person.gemeentecode.count == 4, person.gemeentecode.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return Self.problem(.badRequest, "bsn must be 9 digits and gemeentecode 4 digits")
        }
        await simulator.seed(person)
        return Self.json(person, status: .created)
    }

    struct ScenarioStarted: Encodable {
        struct Step: Encodable {
            var afterSeconds: Double
            var gebeurtenisId: String
            var municipalityOIN: String
        }

        var scenario: String
        var bsn: String
        var steps: [Step]

        init(_ run: SimScenarioRun) {
            scenario = run.scenario.rawValue
            bsn = run.bsn
            steps = run.steps.map { step in
                let parts = step.after.components
                return Step(afterSeconds: Double(parts.seconds) + Double(parts.attoseconds) / 1e18,
                            gebeurtenisId: step.gebeurtenisId, municipalityOIN: step.municipalityOIN)
            }
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async -> T? {
        guard let buffer = try? await request.body.collect(upTo: 1 << 20) else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value) else { return Response(status: .internalServerError) }
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func problem(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(["error": message], status: status)
    }
}

// MARK: - The `regie duo-simulator` command

extension DUOSimulatorServer {
    /// What `regie duo-simulator` was given.
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// Empty or nil: no notifications are sent.
        public var regieNotifyURL: String?
        public var duoOIN: String
        /// `GM0988=<OIN>,GM1706=<OIN>`; nil: the three demo municipalities with development OINs.
        public var municipalities: String?
        public var scenario: String?
        public var weekSeconds: Double
        public var tlsCert: String?
        public var tlsKey: String?
        public var tlsCA: String?
        public var seedDemo: Bool

        public init(host: String = "127.0.0.1", port: Int = 9090, regieNotifyURL: String? = "http://127.0.0.1:8081/v1/notificaties",
                    duoOIN: String = DevelopmentOIN.duo, municipalities: String? = nil, scenario: String? = nil,
                    weekSeconds: Double = 604_800, tlsCert: String? = nil, tlsKey: String? = nil, tlsCA: String? = nil, seedDemo: Bool = true) {
            self.host = host
            self.port = port
            self.regieNotifyURL = regieNotifyURL
            self.duoOIN = duoOIN
            self.municipalities = municipalities
            self.scenario = scenario
            self.weekSeconds = weekSeconds
            self.tlsCert = tlsCert
            self.tlsKey = tlsKey
            self.tlsCA = tlsCA
            self.seedDemo = seedDemo
        }
    }

    /// The scenarios with what each does, for the command's help.
    public static var scenarioNames: String {
        SimScenario.allCases.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "\n")
    }

    /// The demo region's municipalities with their development OINs (as Regie's configuration generates them in development).
    public static let developmentMunicipalities: [(code: String, oin: String)] =
        ["GM0988", "GM1706", "GM0946"].map { (code: String($0.suffix(4)), oin: DevelopmentOIN.municipality($0)) }

    /// Parses `GM0988=<OIN>,GM1706=<OIN>` (the `DUO_MUNICIPALITY_OINS` format; `0988=<OIN>` works too), in order.
    public static func parseMunicipalities(_ text: String) throws -> [(code: String, oin: String)] {
        let pairs = try text.split(separator: ",").map { pair -> (code: String, oin: String) in
            let parts = pair.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, [4, 6].contains(parts[0].count), parts[0].suffix(4).allSatisfy({ $0.isASCII && $0.isNumber }),
                  DUOHeader.isOIN(parts[1]) else {
                throw SimulatorStartError("--municipalities: '\(pair)' is not GM0988=<20-digit OIN>.")
            }
            return (String(parts[0].suffix(4)), parts[1])
        }
        guard !pairs.isEmpty else { throw SimulatorStartError("--municipalities: give at least one municipality.") }
        return pairs
    }

    /// `regie duo-simulator`: starts the simulator and, once it listens, the scenario given.
    public static func run(_ options: Options) async throws {
        let logger = Logger(label: "duo-simulator")
        let municipalities = try options.municipalities.map(parseMunicipalities) ?? developmentMunicipalities
        guard DUOHeader.isOIN(options.duoOIN) else { throw SimulatorStartError("--duo-oin must be 20 digits.") }
        let scenario = try options.scenario.map { name -> SimScenario in
            guard let scenario = SimScenario(rawValue: name) else {
                throw SimulatorStartError("Unknown scenario '\(name)'. Known: \(SimScenario.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return scenario
        }
        guard options.weekSeconds >= 0 else { throw SimulatorStartError("--week must be zero or more seconds.") }
        let tls: DUOTLSFiles?
        switch (options.tlsCert, options.tlsKey) {
        case let (.some(cert), .some(key)): tls = DUOTLSFiles(certificatePath: cert, keyPath: key, caPath: options.tlsCA)
        case (nil, nil): tls = nil
        default: throw SimulatorStartError("Give both --tls-cert and --tls-key, or neither.")
        }

        var byOIN: [String: String] = [:]
        for entry in municipalities where byOIN[entry.oin] == nil { byOIN[entry.oin] = entry.code }
        let simulator = DUOSimulator(duoOIN: options.duoOIN, municipalities: byOIN)
        var demo: [SimPerson] = []
        if options.seedDemo { demo = await simulator.seedDemo() }
        let server = DUOSimulatorServer(simulator: simulator, regieNotifyURL: options.regieNotifyURL, duoOIN: options.duoOIN,
                                        municipalityOINs: byOIN, tls: tls, logger: logger)

        let scheme = tls == nil ? "http" : "https"
        var lines = ["", "DUO-simulator draait op \(scheme)://\(options.host):\(options.port)/v1  (besturing: /sim/log, /sim/scenarios/{naam}, /sim/personen)"]
        lines.append("Notificaties naar: \(server.regieNotifyURL ?? "(geen: --regie-notify-url is leeg)")")
        lines.append("Gemeenten: " + municipalities.map { "\($0.code)=\($0.oin)" }.joined(separator: ", "))
        if !demo.isEmpty { lines.append("Demopersonen (BSN): " + demo.map(\.bsn).joined(separator: ", ")) }
        lines.append("Scenario's: " + SimScenario.allCases.map(\.rawValue).joined(separator: ", "))
        lines.append("Stoppen: Ctrl-C")
        let banner = lines.joined(separator: "\n")
        let firstMunicipality = municipalities[0].oin
        let week = Duration.seconds(options.weekSeconds)

        let app = try server.application(host: options.host, port: options.port, onServerRunning: { _ in
            FileHandle.standardOutput.write(Data((banner + "\n").utf8))
            guard let scenario else { return }
            do {
                let run = try await simulator.run(scenario, municipalityOIN: firstMunicipality, week: week)
                FileHandle.standardOutput.write(Data("Scenario \(scenario.rawValue) gestart voor BSN \(run.bsn).\n".utf8))
                Task { await server.deliver(run.steps) }
            } catch {
                logger.error("scenario could not start", metadata: ["error": .string("\(error)")])
            }
        })
        try await app.runService()
    }
}

/// A reason the simulator cannot start (a bad option), printed as it is.
public struct SimulatorStartError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
