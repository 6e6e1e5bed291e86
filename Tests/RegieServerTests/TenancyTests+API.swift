import Foundation
import HTTPTypes
import RegieAPI
import RegieServer
import RegieStorage
import Testing

/// The id routes of `/api/v1`, probed with an API key of organisation A aimed at organisation B's
/// person or municipality: the API key is a principal of its own, so it gets its own probes.
extension TenancyTests {
    struct APIProbe: Sendable, CustomTestStringConvertible {
        let path: String
        let method: HTTPRequest.Method
        /// The role of organisation A's key: one that holds the route's permission.
        let role: String
        /// A body the route accepts, so the request reaches the lookup (nil: none).
        let body: @Sendable () -> [String: any Sendable]?
        /// The route takes a multipart upload this probe does not send: its refusal (400/415) comes
        /// before anything is looked up.
        let refusesBody: Bool
        var testDescription: String { "\(method) \(path)" }

        init(_ method: HTTPRequest.Method, _ path: String, role: String = "teamleider", refusesBody: Bool = false,
             body: @escaping @Sendable () -> [String: any Sendable]? = { nil }) {
            self.method = method
            self.path = path
            self.role = role
            self.refusesBody = refusesBody
            self.body = body
        }
    }

    static let apiProbes: [APIProbe] = [
        APIProbe(.get, "/cases/{id}"),
        APIProbe(.get, "/cases/{id}/timeline"),
        APIProbe(.post, "/cases/{id}/intake/conversations") { ["date": "2026-11-17", "attendees": "consulent"] },
        APIProbe(.put, "/cases/{id}/intake/topics/{topic}") { ["notitie": "x"] },
        APIProbe(.post, "/cases/{id}/lbt") { ["testDate": "2026-11-09", "administrator": "J. de Vries", "score": 26] },
        APIProbe(.post, "/cases/{id}/school-advice") { ["date": "2026-11-12", "school": "Taalhuis", "route": "b1"] },
        APIProbe(.post, "/cases/{id}/route-decisions") { ["leerroute": "b1", "considerations": "Advies taalschool."] },
        APIProbe(.get, "/cases/{id}/pips"),
        APIProbe(.put, "/cases/{id}/pips/concept") { ["leerroute": "b1"] },
        APIProbe(.post, "/cases/{id}/pips/concept/fix") { ["dagtekening": "2026-11-18"] },
        APIProbe(.post, "/cases/{id}/route-start") { ["startDate": "2026-11-17"] },
        APIProbe(.post, "/cases/{id}/progress-meetings") { ["heldDate": "2026-11-10", "outcome": "opSchema"] },
        APIProbe(.post, "/cases/{id}/hours") { ["soort": "pvt", "periodEnd": "2026-11-10", "hours": 12] },
        APIProbe(.post, "/cases/{id}/results") { ["kind": "pvtOndertekend", "resultDate": "2026-11-11"] },
        APIProbe(.post, "/cases/{id}/enforcement-steps") { ["overtreding": "nietMeewerkenBredeIntake", "decidedDate": "2026-11-10"] },
        APIProbe(.post, "/cases/{id}/close") { ["reason": "verhuisd", "closeDate": "2026-11-18"] },
        APIProbe(.get, "/cases/{id}/handover"),
        APIProbe(.put, "/cases/{id}/handover") { ["scenario": "gecombineerd"] },
        APIProbe(.get, "/cases/{id}/tasks"),
        APIProbe(.post, "/cases/{id}/tasks") { ["taskTitle": "Bellen"] },
        APIProbe(.post, "/cases/{id}/tasks/{task}/done"),
        APIProbe(.get, "/cases/{id}/documents"),
        APIProbe(.post, "/cases/{id}/documents", refusesBody: true),
        APIProbe(.get, "/cases/{id}/documents/{document}"),
        APIProbe(.get, "/municipalities/{code}/settings", role: "functioneelBeheerder"),
        APIProbe(.put, "/municipalities/{code}/settings", role: "functioneelBeheerder"),
    ]

    @Test("Every operation of the API document that takes an id has an API probe below")
    func everyAPIRouteIsProbed() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: try RegieAPISpec.document()) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let operations = paths.filter { $0.key.contains("{") }.flatMap { path, operations in
            operations.keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }.map { "\($0.uppercased()) \(path)" }
        }
        #expect(Set(operations) == Set(Self.apiProbes.map { "\($0.method) \($0.path)" }))
    }

    @Test("An API key of another organisation finds nothing: 404 (an upload it cannot read refused first), no name, no BSN, no trace",
          arguments: Engine.available, apiProbes)
    func apiKeyOfOtherOrganisation(engine: Engine, probe: APIProbe) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let key = try await APITests.createKey(client, role: probe.role)
            let before = try await app.services.audit.search(.init(personId: app.world.personB), before: nil, limit: 10).rows.count
            let events = try await app.services.casework.listEvents(personId: app.world.personB, scope: TenantScope(municipalityCodes: ["GM0957"])).count
            let path = "/api/v1" + probe.path.replacingOccurrences(of: "{id}", with: app.world.personB).replacingOccurrences(of: "{code}", with: "GM0957")
                .replacingOccurrences(of: "{topic}", with: "taalniveau").replacingOccurrences(of: "{task}", with: "x").replacingOccurrences(of: "{document}", with: "x")
            var body: [String: Any]? = probe.body()
            if probe.method == .put, probe.path.hasPrefix("/municipalities") {
                // Organisation A's own settings: a body the route accepts, aimed at B's municipality.
                body = try await APICaseworkTests.send(client, .get, "/api/v1/municipalities/GM0988/settings", key: key).json
            }
            let reply = try await APICaseworkTests.send(client, probe.method, path, key: key, body: body)
            if probe.refusesBody {
                #expect([.badRequest, .unsupportedMediaType].contains(reply.status), "got \(reply.status)")
            } else {
                #expect(reply.status == .notFound, "got \(reply.status)")
            }
            let text = String(describing: reply.json)
            #expect(!text.contains("Mansour") && !text.contains("999990032"), "nothing of B's person leaks")
            #expect(try await app.services.audit.search(.init(personId: app.world.personB), before: nil, limit: 10).rows.count == before)
            #expect(try await app.services.casework.listEvents(personId: app.world.personB, scope: TenantScope(municipalityCodes: ["GM0957"])).count == events)
        }
    }
}
