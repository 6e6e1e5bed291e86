import Foundation
import Inburgering
import RegieStorage

/// The named consulenten's agendas for the coming two weeks: the appointments their cases' next
/// steps call for (an intake conversation, the LBT, a PIP meeting, a progress meeting), on working
/// days between 9:00 and 16:00, so a new user opens "Mijn agenda" on a planned week.
enum DemoAgenda {
    static let perConsulent = 8

    static func load(store: CaseworkStore, database: Database, consulenten: [(id: String, name: String)], organisationId: String, today: Date) async throws {
        let day = CalendarDate.today(now: today)
        let kinds: [String: AfspraakSoort] = [
            NextStepKind.bredeIntakePlannen.rawValue: .intakegesprek, NextStepKind.bredeIntakeAfronden.rawValue: .intakegesprek,
            NextStepKind.lbtAfnemen.rawValue: .lbt, NextStepKind.routeKiezen.rawValue: .pipGesprek, NextStepKind.pipVaststellen.rawValue: .pipGesprek,
            NextStepKind.voortgangsgesprek.rawValue: .voortgangsgesprek,
        ]
        let places: [AfspraakSoort: String] = [
            .intakegesprek: "Stadhuis Weert, spreekkamer 2", .lbt: "Stadhuis Weert, leslokaal 1", .pipGesprek: "Stadhuis Weert, spreekkamer 2",
            .voortgangsgesprek: "Taalschool Weert, spreekkamer", .warmeOverdracht: "Azc Budel-Cranendonck",
        ]
        let workingDays = (1...16).map { day.adding(days: $0) }.filter { $0.isoWeekday <= 5 }.prefix(10)
        for (number, consulent) in consulenten.enumerated() {
            let rows = try await database.sql.raw("""
                SELECT t.person_id, t.next_step, p.language, p.interpreter_needed FROM trajecten t JOIN persons p ON p.id = t.person_id
                WHERE t.consulent_id = \(bind: consulent.id) AND t.closed_date IS NULL AND t.next_step IN (\(binds: Array(kinds.keys).sorted()))
                ORDER BY t.next_step_date, t.person_id LIMIT \(bind: perConsulent)
                """).all()
            for (index, row) in rows.enumerated() {
                guard let kind = kinds[try row.decode(column: "next_step", as: String.self)] else { continue }
                // Spread over the days (7 has no factor in common with 10 working days).
                let date = workingDays[workingDays.startIndex + (index * 7 + number) % workingDays.count]
                guard let start = LocalDateTime(date: date, minutes: (9 + (index * 3) % 7) * 60 + (index % 2) * 30) else { continue }
                let personId = try row.decode(column: "person_id", as: String.self)
                let interpreter = try row.decode(column: "interpreter_needed", as: Int.self) == 1 ? try row.decode(column: "language", as: String.self) : nil
                let afspraak = AfspraakRecord(
                    id: UUID().uuidString.lowercased(), personId: personId, kind: kind, startsAt: start, durationMinutes: kind == .lbt ? 90 : 60,
                    place: places[kind], videoLink: nil, interpreterLanguage: interpreter,
                    attendees: "inburgeraar, " + consulent.name + (interpreter == nil ? "" : ", tolk"), ownerId: consulent.id,
                    createdBy: consulent.id, createdAt: Int64(today.timeIntervalSince1970))
                let audit = AuditEvent(actorId: consulent.id, actorName: consulent.name, actorRole: Role.consulent.rawValue, organisationId: organisationId,
                                       action: AuditAction.caseworkAfspraakPlan.rawValue, personId: personId, purpose: "casework", requestId: "demo",
                                       detail: "\(kind.rawValue) \(start.iso)")
                _ = try await store.insertAfspraak(afspraak, scope: TenantScope(municipalityCodes: DemoData.municipalities.map(\.code)), actor: CaseActor(id: consulent.id, name: consulent.name), audit: audit, now: today)
            }
        }
    }
}
