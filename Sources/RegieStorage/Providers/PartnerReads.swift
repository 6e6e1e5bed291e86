import Foundation
import Inburgering
import SQLKit

/// What a provider may read of a person referred to it, one read per class of data the person can
/// consent to (issue 18 item 3): each names its class, so a scope built from the consent
/// (`AccessScope(grants:)`) finds exactly what was consented and nothing else. The municipality's
/// own staff, who read all casework, read the same.

/// Who a referred person is and how to reach them (class `identity`).
public struct PartnerContact: Sendable, Hashable {
    public let personId: String
    public let givenNames: String
    public let familyName: String
    public let dateOfBirth: CalendarDate?
    public let phone: String?
    public let email: String?
    public let language: String
    public let interpreterNeeded: Bool
}

/// The route and level a person follows (class `route`): the chosen route, and the level of the
/// newest fixed PIP.
public struct PartnerRoute: Sendable, Hashable {
    public let leerroute: Leerroute?
    public let niveau: Taalniveau?
}

/// The goals and agreements of the newest fixed PIP (class `planGoals`).
public struct PartnerPlanGoals: Sendable, Hashable {
    public let version: Int
    public let dagtekening: CalendarDate?
    public let begeleiding: String
    public let ondersteuning: String
    public let pvt: String
    public let map: String
}

extension CaseworkStore {
    public func partnerContact(personId: String, scope: TenantScope) async throws -> PartnerContact? {
        guard let person = try await database.sql.raw("SELECT p.* FROM persons p WHERE p.id = \(bind: personId) AND \(scope.persons(needs: .identity))")
            .first(decoding: PersonRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else { return nil }
        return PartnerContact(personId: person.id, givenNames: person.givenNames, familyName: person.familyName, dateOfBirth: person.dateOfBirth,
                              phone: person.phone, email: person.email, language: person.language, interpreterNeeded: person.interpreterNeeded)
    }

    public func partnerRoute(personId: String, scope: TenantScope) async throws -> PartnerRoute? {
        guard let row = try await database.sql.raw("""
            SELECT t.leerroute, x.leerroute AS pip_route, x.niveau
            FROM trajecten t LEFT JOIN pips x ON x.id = (SELECT y.id FROM pips y WHERE y.person_id = t.person_id AND y.status = 'vastgesteld'
                                                         ORDER BY y.version DESC LIMIT 1)
            WHERE t.person_id = \(bind: personId) AND \(scope.personRows(person: "t.person_id", municipality: "t.municipality_code", needs: .route))
            """).first() else { return nil }
        // The fixed PIP's route and level (a missing level is the route's own, R6); before a PIP, the chosen route.
        if let route = try row.decode(column: "pip_route", as: String?.self).flatMap(Leerroute.init(rawValue:)) {
            let niveau = try row.decode(column: "niveau", as: String?.self).flatMap(Taalniveau.init(rawValue:))
            return PartnerRoute(leerroute: route, niveau: PIP.effectiefNiveau(leerroute: route, niveau: niveau))
        }
        return PartnerRoute(leerroute: try row.decode(column: "leerroute", as: String?.self).flatMap(Leerroute.init(rawValue:)), niveau: nil)
    }

    public func partnerPlanGoals(personId: String, scope: TenantScope) async throws -> PartnerPlanGoals? {
        guard let pip = try await database.sql.raw("""
            SELECT x.* FROM pips x JOIN persons p ON p.id = x.person_id
            WHERE x.person_id = \(bind: personId) AND x.status = 'vastgesteld' AND \(scope.persons(needs: .planGoals))
            ORDER BY x.version DESC LIMIT 1
            """).first(decoding: PIPRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else { return nil }
        return PartnerPlanGoals(version: pip.version, dagtekening: pip.dagtekening, begeleiding: pip.begeleiding, ondersteuning: pip.ondersteuning,
                                pvt: pip.pvt, map: pip.map)
    }

    /// Hours that count, per kind (class `hours`).
    public func partnerHours(personId: String, scope: TenantScope) async throws -> [String: Int] {
        let rows = try await database.sql.raw("""
            SELECT u.soort, SUM(u.hours) AS total FROM uren u JOIN persons p ON p.id = u.person_id
            WHERE u.person_id = \(bind: personId) AND u.withdrawn_at IS NULL AND \(scope.persons(needs: .hours))
            GROUP BY u.soort
            """).all()
        var totals: [String: Int] = [:]
        for row in rows { totals[try row.decode(column: "soort", as: String.self)] = try row.decode(column: "total", as: Int.self) }
        return totals
    }
}
