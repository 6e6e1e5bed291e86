import Foundation
import Inburgering
@testable import RegieStorage

/// People written into a database migrated only part of the way (upgrade tests): the columns every
/// schema since M0011 has, the way the build of that time wrote them. The current build's insert
/// writes columns later migrations add, so it cannot stand in for an older one.
enum LegacyRows {
    static func insert(_ batch: [PersonStore.NewPerson], on database: Database, now: Date) async throws {
        let time = now.epochSeconds
        for item in batch {
            let p = item.person, t = item.traject
            try await database.sql.raw("""
                INSERT INTO persons (id, municipality_code, household_id, bsn, v_nummer, given_names, family_name, search_name, date_of_birth,
                    gender, doelgroep, language, interpreter_needed, phone, email, created_at, updated_at)
                VALUES (\(bind: p.id), \(bind: p.municipalityCode), \(bind: p.householdId), \(bind: p.bsn), \(bind: p.vNummer), \(bind: p.givenNames),
                    \(bind: p.familyName), \(bind: PersonStore.searchKey(p.givenNames + " " + p.familyName)), \(bind: p.dateOfBirth?.iso ?? ""),
                    \(bind: p.gender.rawValue), \(bind: p.doelgroep.rawValue), \(bind: p.language), \(bind: p.interpreterNeeded ? 1 : 0), \(bind: p.phone),
                    \(bind: p.email), \(bind: time), \(bind: time))
                """).run()
            try await database.sql.raw("""
                INSERT INTO trajecten (id, person_id, municipality_code, phase, consulent_id, kennisgeving_date, koppeling_date, housing_date, brp_date,
                    intake_date, pip_date, route_start_date, leerroute, closed_date, closed_reason, next_due_kind, created_at, updated_at)
                VALUES (\(bind: t.id), \(bind: t.personId), \(bind: t.municipalityCode), \(bind: t.phase.rawValue), \(bind: t.consulentId),
                    \(bind: t.kennisgevingDate?.iso), \(bind: t.koppelingDate?.iso), \(bind: t.housingDate?.iso), \(bind: t.brpDate?.iso),
                    \(bind: t.intakeDate?.iso), \(bind: t.pipDate?.iso), \(bind: t.routeStartDate?.iso), \(bind: t.leerroute?.rawValue),
                    \(bind: t.closedDate?.iso), \(bind: t.closedReason?.rawValue), NULL, \(bind: time), \(bind: time))
                """).run()
        }
    }
}
