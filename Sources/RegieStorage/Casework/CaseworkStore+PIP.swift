import DUO
import Foundation
import Inburgering
import SQLKit

/// PIP versions: concepts and fixing.
extension CaseworkStore {
    public func listPIPs(personId: String, scope: TenantScope) async throws -> [PIPRecord] {
        try await rows("pips", personId: personId, scope: scope, order: "x.version", as: PIPRecord.self)
    }

    public enum PIPStoreError: Error, Equatable {
        /// Only a concept can be edited or fixed.
        case notAConcept
    }

    /// Creates the concept (the next version number) or updates the open concept. The concept is not
    /// a beschikking: it starts no term.
    public func saveConcept(_ pip: PIPRecord, scope: TenantScope, actor: CaseActor, audit: AuditEvent, now: Date) async throws -> PIPRecord? {
        try await change(personId: pip.personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            let existing = try await db.raw("SELECT * FROM pips WHERE person_id = \(bind: pip.personId) AND status = 'concept'")
                .first(decoding: PIPRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
            var saved = pip
            saved.status = .concept
            saved.updatedAt = now.epochSeconds
            if let existing {
                saved.id = existing.id
                saved.version = existing.version
                saved.createdBy = existing.createdBy
                saved.createdAt = existing.createdAt
                try await db.raw("""
                    UPDATE pips SET leerroute = \(bind: saved.leerroute), niveau = \(bind: saved.niveau), begeleiding = \(bind: saved.begeleiding),
                        ondersteuning = \(bind: saved.ondersteuning), pvt = \(bind: saved.pvt), pvt_uren = \(bind: saved.pvtUren), map = \(bind: saved.map),
                        map_uren = \(bind: saved.mapUren), vve = \(bind: saved.vve), voortgangsgesprekken = \(bind: saved.voortgangsgesprekken),
                        cadans_maanden = \(bind: saved.cadansMaanden), einddoel = \(bind: saved.einddoel), reden_afwijking = \(bind: saved.redenAfwijking),
                        intensiteit_b1 = \(bind: saved.intensiteitB1), change_reason = \(bind: saved.changeReason), change_note = \(bind: saved.changeNote),
                        updated_at = \(bind: saved.updatedAt)
                    WHERE id = \(bind: existing.id)
                    """).run()
                return (saved, [])
            }
            let maxVersion = try await db.raw("SELECT COALESCE(MAX(version), 0) AS v FROM pips WHERE person_id = \(bind: pip.personId)")
                .first().map { try $0.decode(column: "v", as: Int.self) } ?? 0
            saved.version = maxVersion + 1
            saved.createdAt = now.epochSeconds
            try await db.raw("""
                INSERT INTO pips (id, person_id, version, status, dagtekening, leerroute, niveau, begeleiding, ondersteuning, pvt, pvt_uren, map,
                    map_uren, vve, voortgangsgesprekken, cadans_maanden, einddoel, reden_afwijking, intensiteit_b1, change_reason, change_note,
                    created_by, created_at, updated_at)
                VALUES (\(bind: saved.id), \(bind: saved.personId), \(bind: saved.version), 'concept', NULL, \(bind: saved.leerroute), \(bind: saved.niveau),
                    \(bind: saved.begeleiding), \(bind: saved.ondersteuning), \(bind: saved.pvt), \(bind: saved.pvtUren), \(bind: saved.map),
                    \(bind: saved.mapUren), \(bind: saved.vve), \(bind: saved.voortgangsgesprekken), \(bind: saved.cadansMaanden), \(bind: saved.einddoel),
                    \(bind: saved.redenAfwijking), \(bind: saved.intensiteitB1), \(bind: saved.changeReason), \(bind: saved.changeNote),
                    \(bind: saved.createdBy), \(bind: saved.createdAt), \(bind: saved.updatedAt))
                """).run()
            return (saved, [CaseChange(kind: "pip.concept", date: CalendarDate.today(now: now).iso, detail: "versie \(saved.version)")])
        }
    }

    /// Fixes the open concept as a beschikking with its dagtekening. The first fixed PIP's
    /// dagtekening is the traject's PIP date and starts the inburgeringstermijn (R2, Wi2021 art. 11);
    /// later versions never move it.
    /// Fixes the open concept. `delayReason` is stored with the first PIP when it came after the
    /// 10 weeks (R1), for the figures.
    public func fixPIP(personId: String, dagtekening: CalendarDate, delayReason: PIPDelayReason? = nil, delayNote: String? = nil, scope: TenantScope, actor: CaseActor, audit: AuditEvent,
                       now: Date) async throws -> PIPRecord? {
        try await change(personId: personId, scope: scope, actor: actor, audit: audit, now: now) { unit in
            let db = unit.db
            let person = unit.person
            let traject = unit.traject
            // The open concept becomes the fixed version; none open (fixed meanwhile) is refused.
            guard let concept = try await db.raw("""
                UPDATE pips SET status = 'vastgesteld', dagtekening = \(bind: dagtekening.iso), fixed_by = \(bind: actor.id), fixed_at = \(bind: now.epochSeconds)
                WHERE person_id = \(bind: personId) AND status = 'concept'
                RETURNING *
                """).first(decoding: PIPRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else { throw PIPStoreError.notAConcept }
            // The traject carries the route of the last fixed version (only a fix writes it).
            let previousRoute = traject.pipDate == nil ? nil : traject.leerroute
            // R2: only the first fixed PIP sets the PIP date (the term's start) and its reason for being late.
            let termijn = InburgeringstermijnRule.bijVaststelling(eerstePIPDagtekening: traject.pipDate, dagtekening: dagtekening)
            let firstPIP: SQLQueryString = termijn.startTermijn
                ? "pip_date = \(bind: termijn.eerstePIPDagtekening.iso), pip_delay_reason = \(bind: delayReason?.rawValue), pip_delay_note = \(bind: delayNote), " : ""
            // The phase moves on to "PIP vastgesteld" in the same statement, never back (FaseVolgordeRule).
            try await unit.advance(to: .pipVastgesteld, also: """
                \(firstPIP)leerroute = \(bind: concept.leerroute), language_level = \(bind: concept.niveau), pip_cadence_months = \(bind: concept.cadansMaanden)
                """)
            // The fixed PIP goes to DUO in this same transaction (outbox): never fixed without being sent.
            let bericht = DUOPIPBericht(dagtekeningPip: dagtekening, leerroute: concept.leerroute.duoCode,
                                        niveau: concept.niveau?.rawValue, geschatteIntensiteitB1Route: concept.intensiteitB1)
            try await DUOStore.enqueue([try DUOOutboxMessage(.pip, body: bericht, sourceId: concept.id)], personId: personId,
                                       municipalityCode: person.municipalityCode, bsn: person.bsn, createdBy: actor.id ?? "-", now: now, on: db)
            var changes = [CaseChange(kind: "pip.vastgesteld", date: dagtekening.iso, detail: "versie \(concept.version)")]
            // R12: after an asylum permit holder's first PIP the consulent registers them with the
            // provider, and the route must start within the offer window: a task so it is not forgotten.
            if termijn.startTermijn, traject.routeStartDate == nil,
               DoelgroepRechten.voor(person.doelgroep.categorie, settings: unit.law).inburgeringsaanbodDoorGemeente {
                let due = LateOfferRule.venster(eerstePIPDagtekening: dagtekening, route: concept.leerroute).end
                let title = "Aanmelden bij de taalschool en de start van de leerroute vastleggen"
                try await db.raw("""
                    INSERT INTO taken (id, person_id, title, due_date, assignee_id, source, created_by, created_at)
                    VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: personId), \(bind: title), \(bind: due.iso), \(bind: traject.consulentId),
                        'regie', \(bind: actor.id ?? "-"), \(bind: now.epochSeconds))
                    """).run()
                changes.append(CaseChange(kind: "taak.nieuw", date: CalendarDate.today(now: now).iso, detail: title))
            }
            // R7b: a switch of route takes effect on the dagtekening of the version that makes it.
            if let previousRoute, previousRoute != concept.leerroute {
                changes.append(CaseChange(kind: "pip.schakelen", date: dagtekening.iso, detail: "\(previousRoute.rawValue)>\(concept.leerroute.rawValue)"))
            }
            return (concept, changes)
        }
    }
}
