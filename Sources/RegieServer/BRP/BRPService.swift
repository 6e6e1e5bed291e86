import BRP
import Foundation
import Inburgering
import RegieStorage

/// The BRP link: looks a person up (audited with its purpose), keeps the answer, turns a move out of
/// the municipality, a death or secrecy into a task and a mark on the file, and takes the BRP's
/// details over into the file — by itself for a case opened on a DUO signal (nothing was typed),
/// otherwise after the consulent has seen the differences.
struct BRPService: Sendable {
    let services: AppServices
    let client: BRPClient
    var store: BRPStore { services.brp }

    /// Who asks: a user (their audit entry) or the background worker (the system, for the
    /// organisation serving the person's municipality).
    struct Who: Sendable {
        let actor: CaseActor
        let audit: @Sendable (_ action: AuditAction, _ person: PersonRecord, _ detail: String) -> AuditEvent

        static func system(organisationId: String?, requestId: String = UUID().uuidString.lowercased()) -> Who {
            Who(actor: CaseActor(id: nil, name: "BRP-koppeling")) { action, person, detail in
                AuditEvent(actorId: "brp", actorName: "BRP-koppeling", actorRole: "systeem", organisationId: organisationId, action: action.rawValue,
                           personId: person.id, municipalityCode: person.municipalityCode, purpose: "inburgering", requestId: requestId, detail: detail)
            }
        }
    }

    enum Outcome: Sendable, Equatable {
        case found(applied: Bool, tasks: Int)
        case notFound
    }

    struct NoBSN: Error {}

    /// Looks the person up and keeps the answer. `purpose` is said in the audit entry
    /// (`aanvullen`, `verversen`, `opvragen`).
    @discardableResult
    func lookup(personId: String, purpose: String, who: Who, scope: AccessScope) async throws -> Outcome {
        guard let person = try await services.persons.fetchPerson(id: personId, scope: scope) else { throw AppError.notFound }
        guard let bsn = person.bsn else { throw NoBSN() }
        let now = services.clock.now()
        let persoon = try await client.person(bsn: bsn)
        let facts = persoon.map(BRPFacts.init)
        let sealed = try facts.map { try services.config.fieldSeal.seal(data: try JSONEncoder().encode($0)) }
        try await store.saveRecord(personId: person.id, found: facts != nil, sealedContent: sealed, purpose: purpose, by: who.actor.name,
                                   audit: who.audit(.personBRPLookup, person, "doel: \(purpose); \(facts == nil ? "niet gevonden" : "gevonden")"), now: now)
        guard let facts else { return .notFound }
        let tasks = try await signal(person, facts, who: who, scope: scope, now: now)
        var applied = false
        if person.detailsPending {
            try await apply(person: person, facts: facts, who: who, scope: scope)
            applied = true
        }
        return .found(applied: applied, tasks: tasks)
    }

    /// The latest answer for the person, read back (also when no BRP link is configured any more).
    static func latest(_ services: AppServices, personId: String, scope: AccessScope) async throws -> (facts: BRPFacts?, record: BRPStore.Record)? {
        guard let record = try await services.brp.record(personId: personId, scope: scope) else { return nil }
        let facts = try record.sealedContent.map { try JSONDecoder().decode(BRPFacts.self, from: try services.config.fieldSeal.openData($0)) }
        return (facts, record)
    }

    /// A death, a move out of the municipality or secrecy that is new since the last answer: a task
    /// for the case's consulent, and the mark on the file. Returns the tasks made.
    private func signal(_ person: PersonRecord, _ facts: BRPFacts, who: Who, scope: AccessScope, now: Date) async throws -> Int {
        let old = try await store.flags(personId: person.id)
        let movedOut = facts.municipalityCode.map { $0 != person.municipalityCode } ?? false
        let new = BRPStore.Flags(secret: facts.secret, deceasedOn: facts.deceasedOn?.iso,
                                 movedTo: movedOut ? (facts.municipalityName ?? facts.municipalityCode) : nil, detailsFromBRP: old.detailsFromBRP)
        var titles: [String] = []
        let l = UILocale.nl
        if let died = facts.deceasedOn, old.deceasedOn == nil {
            titles.append("Overleden volgens de BRP op \(DisplayDate.format(died, l)): dossier afsluiten en lopende afspraken, betalingen en berichten stoppen")
        }
        if let place = new.movedTo, old.movedTo != place {
            let since = facts.registeredOn.map { " per \(DisplayDate.format($0, l))" } ?? ""
            titles.append("Verhuisd naar \(place) volgens de BRP\(since): dossier overdragen aan de nieuwe gemeente of afsluiten")
        }
        if facts.secret && !old.secret {
            titles.append("Geheimhouding persoonsgegevens in de BRP: geen gegevens aan derden verstrekken, ook niet aan partners in de keten")
        }
        if new != old { try await store.setFlags(personId: person.id, new) }
        let consulent = try await services.persons.fetchTraject(personId: person.id, scope: scope)?.consulentId
        let today = CalendarDate.today(now: now)
        for title in titles {
            let taak = TaakRecord(id: UUID().uuidString.lowercased(), personId: person.id, title: title, dueDate: today.adding(days: 7), assigneeId: consulent,
                                  source: "brp", createdBy: who.actor.name, createdAt: now.epochSeconds)
            _ = try await services.casework.insertTaak(taak, scope: scope, actor: who.actor, audit: who.audit(.caseworkTaskAdd, person, "taak uit de BRP"), now: now)
        }
        return titles.count
    }

    /// Takes the BRP's name, birth date, gender, address and registration date into the file; the
    /// timeline keeps the old values. Only what the BRP holds is taken over.
    func apply(person: PersonRecord, facts: BRPFacts, who: Who, scope: AccessScope) async throws {
        let now = services.clock.now()
        if let givenNames = facts.givenNames, let familyName = facts.familyName, let born = facts.dateOfBirth {
            let registered = PIPDeadlineRule.brpInschrijving(gemeenteVanInschrijving: facts.municipalityCode, ingeschrevenOp: facts.registeredOn,
                                                             regieGemeente: person.municipalityCode)
            let details = PersonDetails(givenNames: givenNames, familyName: familyName, dateOfBirth: born.iso,
                                        gender: (facts.gender ?? (person.detailsPending ? .x : person.gender)).rawValue,
                                        language: person.language, interpreterNeeded: person.interpreterNeeded, brpDate: registered?.iso)
            _ = try await services.casework.updateDetails(personId: person.id, details, scope: scope, actor: who.actor,
                                                          audit: who.audit(.personBRPApply, person, "gegevens uit de BRP overgenomen"), now: now)
        }
        if let address = facts.address {
            var addresses = try await services.persons.currentAddresses(personId: person.id, scope: scope)
            addresses[.woon] = address
            _ = try await services.persons.saveAddresses(personId: person.id, scope: scope, addresses, source: "brp", actor: who.actor, audit: { _ in
                who.audit(.personAddressUpdate, person, "woonadres uit de BRP")
            }, now: now)
        }
        try await store.markApplied(personId: person.id, by: who.actor.name, now: now)
    }
}
