import Foundation
import Inburgering
import RegieServer
import RegieStorage
import SQLKit
import Testing

/// The access model for every kind of principal: `Policy.scope(for:)` gives each the scope its
/// purpose needs, and every store read, given that scope, finds exactly what the principal may see
/// and nothing of organisation B (AVG art. 5(1)(b)/(c), art. 15, art. 28; Participatiewet art. 56a).
extension TenancyTests {
    /// The kinds of principal the policy knows.
    enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// A case worker of organisation A (Weert and Cranendonck).
        case staff
        /// An approved API key of organisation A with the team lead's role.
        case apiKey
        /// Organisation A's budget manager: ontzorgen only, asylum permit holders only.
        case budgetManager
        /// A language school working for Weert and Cranendonck, with Weert's person and Roermond's
        /// person referred to it (the latter by a municipality it does not serve in Regie).
        case partner
        /// The newcomer of Cranendonck, reading their own file.
        case newcomer
        /// A policy officer: figures only, never a person.
        case figuresOnly

        var testDescription: String { rawValue }
    }

    static let weert = Municipality(code: "GM0988", name: "Weert")
    static let cranendonck = Municipality(code: "GM1706", name: "Cranendonck")

    static func principal(_ kind: Kind, _ world: World) -> Principal {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        func staff(_ role: Role) -> Principal {
            .user(User(id: "a-\(role.rawValue)", organisationId: world.orgA, organisationName: "Organisatie A", teamId: nil, email: "e", name: "n",
                       locale: "nl", active: true, roles: [role], municipalities: [weert, cranendonck], passwordChangedAt: now),
                  session: SessionRecord(tokenHash: "h", userId: "a-\(role.rawValue)", csrfToken: "c", municipalityCode: nil,
                                         createdAt: now, lastSeenAt: now, expiresAt: now))
        }
        switch kind {
        case .staff: return staff(.consulent)
        case .apiKey:
            return .apiClient(APIKeyRecord(id: "key-a", organisationId: world.orgA, name: "Koppeling A", prefix: "rg_a", role: .teamleider,
                                           createdBy: "a-functioneelBeheerder", createdAt: now, lastUsedAt: nil, revokedAt: nil,
                                           approvedBy: "a-teamleider", approvedAt: now),
                              organisationName: "Organisatie A", municipalities: [weert, cranendonck])
        case .budgetManager: return staff(.budgetbeheerder)
        case .partner:
            return .partner(PartnerUser(id: "docent-1", name: "Docent", organisationId: "taalschool", organisationName: "Taalschool",
                                        municipalities: [weert, cranendonck], grants: [world.personA: [.identity, .route], world.personB: [.identity]]))
        case .newcomer: return .newcomer(personId: world.personA2, municipality: cranendonck)
        case .figuresOnly: return staff(.beleidsmedewerker)
        }
    }

    /// Whether `kind` may see data of class `needs` about `person`. Written out by hand, from the
    /// law, apart from the policy it checks.
    static func sees(_ kind: Kind, _ needs: DataClasses, _ person: String, _ w: World) -> Bool {
        switch kind {
        case .staff, .apiKey: return [w.personA, w.personA2].contains(person)
        // Asylum permit holders only (Participatiewet art. 56a): Cranendonck's person is a family migrant here.
        case .budgetManager: return person == w.personA && DataClasses([.identity, .ontzorgen]).contains(needs)
        // Referred and served: Weert's person; who they are and, consented, their route — not the rest of their case.
        case .partner: return person == w.personA && DataClasses([.identity, .route]).contains(needs)
        // Their own file, all of it (AVG art. 15).
        case .newcomer: return person == w.personA2 && DataClasses([.identity, .casework, .specialCategory, .caseworkParts, .ontzorgen]).contains(needs)
        case .figuresOnly: return false
        }
    }

    /// The municipalities whose person-less rows (payment runs, DUO's queue) `kind` sees.
    static func seesRows(_ kind: Kind, _ needs: DataClasses) -> Set<String> {
        switch kind {
        case .staff, .apiKey: return ["GM0988", "GM1706"]
        case .budgetManager: return needs == .ontzorgen ? ["GM0988", "GM1706"] : []
        // Rows that belong to no single person are never a partner's or a newcomer's.
        case .partner, .newcomer, .figuresOnly: return []
        }
    }

    /// One store read about one person: whether it finds anything.
    struct PersonRead: Sendable {
        let name: String
        let needs: DataClasses
        let finds: @Sendable (AppServices, TenantScope, String) async throws -> Bool
    }

    static let today = CalendarDate(year: 2026, month: 11, day: 18)!

    static let personReads: [PersonRead] = [
        PersonRead(name: "fetchPerson", needs: .identity) { s, scope, id in try await s.persons.fetchPerson(id: id, scope: scope) != nil },
        PersonRead(name: "fetchTraject", needs: .identity) { s, scope, id in try await s.persons.fetchTraject(personId: id, scope: scope) != nil },
        PersonRead(name: "listPersons", needs: .identity) { s, scope, id in
            try await s.persons.listPersons(scope: scope, filter: .init(), after: nil, limit: 50, today: today).rows.contains { $0.id == id }
        },
        PersonRead(name: "listPersons by name", needs: .identity) { s, scope, id in
            try await s.persons.listPersons(scope: scope, filter: .init(sort: .naam), after: nil, limit: 50, today: today).rows.contains { $0.id == id }
        },
        PersonRead(name: "addressHistory", needs: .identity) { s, scope, id in try await !s.persons.addressHistory(personId: id, scope: scope).isEmpty },
        PersonRead(name: "listEvents", needs: .casework) { s, scope, id in try await !s.casework.listEvents(personId: id, scope: scope).isEmpty },
        PersonRead(name: "listGesprekken", needs: .casework) { s, scope, id in try await !s.casework.listGesprekken(personId: id, scope: scope).isEmpty },
        PersonRead(name: "listOnderwerpen", needs: [.casework, .specialCategory]) { s, scope, id in
            try await !s.casework.listOnderwerpen(personId: id, scope: scope).isEmpty
        },
        PersonRead(name: "listLBT", needs: .casework) { s, scope, id in try await !s.casework.listLBT(personId: id, scope: scope).isEmpty },
        PersonRead(name: "listPIPs", needs: .casework) { s, scope, id in try await !s.casework.listPIPs(personId: id, scope: scope).isEmpty },
        PersonRead(name: "listDerdenVerzoeken", needs: .casework) { s, scope, id in try await !s.casework.listDerdenVerzoeken(personId: id, scope: scope).isEmpty },
        PersonRead(name: "listTaken", needs: .casework) { s, scope, id in try await !s.casework.listTaken(personId: id, scope: scope).isEmpty },
        PersonRead(name: "listOpenTaken", needs: .casework) { s, scope, id in
            try await s.casework.listOpenTaken(assigneeId: "a-consulent", scope: scope).contains { $0.personId == id }
        },
        PersonRead(name: "listDocuments", needs: [.casework, .specialCategory]) { s, scope, id in
            try await !s.casework.listDocuments(personId: id, scope: scope).isEmpty
        },
        PersonRead(name: "fetchDocument", needs: [.casework, .specialCategory]) { s, scope, id in
            try await s.casework.fetchDocument(personId: id, documentId: "doc-\(id)", scope: scope) != nil
        },
        PersonRead(name: "letters.list", needs: .casework) { s, scope, id in try await !s.letters.list(personId: id, scope: scope).isEmpty },
        PersonRead(name: "duo.snapshots", needs: .casework) { s, scope, id in try await !s.duoStore.snapshots(personId: id, scope: scope).isEmpty },
        PersonRead(name: "partnerContact", needs: .identity) { s, scope, id in try await s.casework.partnerContact(personId: id, scope: scope) != nil },
        PersonRead(name: "partnerRoute", needs: .route) { s, scope, id in try await s.casework.partnerRoute(personId: id, scope: scope)?.niveau == .b1 },
        PersonRead(name: "partnerPlanGoals", needs: .planGoals) { s, scope, id in
            try await s.casework.partnerPlanGoals(personId: id, scope: scope)?.begeleiding == "Taalmaatje"
        },
        PersonRead(name: "partnerHours", needs: .hours) { s, scope, id in try await s.casework.partnerHours(personId: id, scope: scope)["cursus"] == 24 },
        PersonRead(name: "ontzorgen.dossier", needs: .ontzorgen) { s, scope, id in try await s.ontzorgen.dossier(personId: id, scope: scope).ontzorging != nil },
        PersonRead(name: "ontzorgen.listArrangements", needs: .ontzorgen) { s, scope, id in
            try await s.ontzorgen.listArrangements(scope: scope, today: today).contains { $0.record.personId == id }
        },
        PersonRead(name: "ontzorgen.fetchBetaling", needs: .ontzorgen) { s, scope, id in
            try await s.ontzorgen.fetchBetaling(id: "betaling-\(id)", scope: scope) != nil
        },
    ]

    /// One store read of person-less rows: the municipalities it finds rows of.
    struct RowsRead: Sendable {
        let name: String
        let needs: DataClasses
        let finds: @Sendable (AppServices, TenantScope) async throws -> Set<String>
    }

    static let rowsReads: [RowsRead] = [
        RowsRead(name: "ontzorgen.listRuns", needs: .ontzorgen) { s, scope in Set(try await s.ontzorgen.listRuns(scope: scope).map(\.municipalityCode)) },
        RowsRead(name: "ontzorgen.fetchRun", needs: .ontzorgen) { s, scope in
            var found: Set<String> = []
            for code in ["GM0988", "GM1706", "GM0957"] where try await s.ontzorgen.fetchRun(id: "run-\(code)", scope: scope) != nil { found.insert(code) }
            return found
        },
        RowsRead(name: "duo.listNotifications", needs: .casework) { s, scope in Set(try await s.duoStore.listNotifications(scope: scope).map(\.municipalityCode)) },
        RowsRead(name: "duo.listOutbox", needs: .casework) { s, scope in Set(try await s.duoStore.listOutbox(scope: scope).map(\.municipalityCode)) },
    ]

    /// One row in every table a store reads, for each of the three persons; Cranendonck's person is
    /// a family migrant (gezinsvormer), so the budget manager may not see them.
    static func seedEveryTable(_ app: AppContext) async throws {
        let db = app.database.sql
        let w = app.world
        try await db.raw("UPDATE persons SET doelgroep = 'Gezinsvormer' WHERE id = \(bind: w.personA2)").run()
        let everyone = TenantScope(municipalityCodes: ["GM0988", "GM1706", "GM0957"])
        let audit = AuditEvent(actorId: nil, actorName: "test", actorRole: "-", organisationId: nil, action: "test", purpose: "-", requestId: "test")
        let actor = CaseActor(id: nil, name: "test")
        for (person, code) in [(w.personA, "GM0988"), (w.personA2, "GM1706"), (w.personB, "GM0957")] {
            for statement: SQLQueryString in [
                "INSERT INTO case_events (id, person_id, occurred_at, event_date, kind, actor_name) VALUES (\(bind: "ev-" + person), \(bind: person), 0, '2026-11-01', 'registered', 'test')",
                """
                INSERT INTO intake_gesprekken (id, person_id, conversation_date, attendees, interpreter, culture_mediator, without_partner, no_show, created_by, created_at)
                VALUES (\(bind: "g-" + person), \(bind: person), '2026-10-01', 'consulent', 0, 0, 0, 0, 'test', 0)
                """,
                "INSERT INTO leerbaarheidstoetsen (id, person_id, created_by, created_at) VALUES (\(bind: "lbt-" + person), \(bind: person), 'test', 0)",
                """
                INSERT INTO pips (id, person_id, version, status, leerroute, created_by, created_at, updated_at)
                VALUES (\(bind: "pip-" + person), \(bind: person), 1, 'concept', 'b1', 'test', 0, 0)
                """,
                """
                INSERT INTO pips (id, person_id, version, status, dagtekening, leerroute, niveau, begeleiding, created_by, created_at, updated_at)
                VALUES (\(bind: "pip2-" + person), \(bind: person), 2, 'vastgesteld', '2026-10-15', 'b1', 'B1', 'Taalmaatje', 'test', 0, 0)
                """,
                """
                INSERT INTO uren (id, person_id, soort, period_end, hours, created_by, created_at)
                VALUES (\(bind: "uren-" + person), \(bind: person), 'cursus', '2026-10-31', 24, 'test', 0)
                """,
                """
                INSERT INTO derden_verzoeken (id, person_id, party, subject, requested_on, created_by, created_at)
                VALUES (\(bind: "dv-" + person), \(bind: person), 'Huisarts', 'Medische informatie', '2026-11-01', 'test', 0)
                """,
                "INSERT INTO taken (id, person_id, title, assignee_id, created_by, created_at) VALUES (\(bind: "taak-" + person), \(bind: person), 'Bellen', 'a-consulent', 'test', 0)",
                """
                INSERT INTO documenten (id, person_id, title, filename, content_type, size_bytes, content_sealed, uploaded_by, uploaded_at)
                VALUES (\(bind: "doc-" + person), \(bind: person), 'Verklaring', 'v.txt', 'text/plain', 0, '', 'test', 0)
                """,
                """
                INSERT INTO sent_letters (id, person_id, municipality_code, kind, reference, subject, sent_date, document_sealed, recorded_by, recorded_at)
                VALUES (\(bind: "brief-" + person), \(bind: person), \(bind: code), 'pip', 'REF', 'PIP', '2026-11-01', 'x', 'test', 0)
                """,
                "INSERT INTO duo_snapshots (person_id, kind, body, fetched_at) VALUES (\(bind: person), 'persoon', '{}', 0)",
                """
                INSERT INTO duo_notifications (id, bericht_id, bron, doel, municipality_code, gebeurtenis_id, registered_at, received_at, status, next_attempt_at, person_id)
                VALUES (\(bind: "n-" + person), \(bind: "bericht-" + person), 'DUO', 'x', \(bind: code), 'x', '2026-11-01T00:00:00', 0, 'processed', 0, \(bind: person))
                """,
                """
                INSERT INTO duo_outbox (id, seq, person_id, municipality_code, kind, bsn, body, bericht_id, status, next_attempt_at, created_by, created_at)
                VALUES (\(bind: "o-" + person), 1, \(bind: person), \(bind: code), 'pip', NULL, '{}', \(bind: "uit-" + person), 'rejected', 0, 'test', 0)
                """,
                """
                INSERT INTO ontzorgingen (person_id, municipality_code, bijstand_start, regime, ontzorgd, decision_date, decision_reason, planned_end, decided_by, created_at, updated_at)
                VALUES (\(bind: person), \(bind: code), '2026-09-15', 'nieuw', 1, '2026-10-01', 'beleid', '2027-03-15', 'test', 0, 0)
                """,
                """
                INSERT INTO ontzorgen_runs (id, municipality_code, month, status, execution_date, prepared_by, prepared_by_name, prepared_at, message_id,
                    export_count, total_cents, payments)
                VALUES (\(bind: "run-" + code), \(bind: code), '2026-11', 'concept', '2026-11-27', 'test', 'test', 0, \(bind: "RGO-" + code), 1, 1000, 1)
                """,
                """
                INSERT INTO ontzorgen_betalingen (id, run_id, person_id, month, post_key, soort, payee_name, iban, reference, amount_cents, end_to_end_id, status)
                VALUES (\(bind: "betaling-" + person), \(bind: "run-" + code), \(bind: person), '2026-11', 'p', 'huur', 'Verhuurder', 'NL91ABNA0417164300', 'x',
                        1000, \(bind: "E2E-" + person), 'klaar')
                """,
            ] {
                try await db.raw(statement).run()
            }
            _ = try await app.services.casework.saveOnderwerp(
                personId: person, IntakeOnderwerpRecord(topic: "gezondheid", answers: ["notitie": "x"], updatedBy: "test", updatedAt: 0),
                scope: everyone, actor: actor, audit: audit, now: app.clock.now)
            _ = try await app.services.persons.saveAddresses(
                personId: person, scope: everyone,
                [.woon: DutchAddress(street: "Markt", houseNumber: HouseNumber(number: 1), postcode: try Postcode("6041 EM"), city: "Roermond")],
                actor: actor, audit: { _ in audit }, now: app.clock.now)
        }
    }

    @Test("Every store read finds, for every kind of principal, exactly what it may see and nothing of organisation B",
          arguments: Engine.available)
    func everyReadForEveryPrincipal(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { _, app in
            try await Self.seedEveryTable(app)
            let w = app.world
            // Organisation B's own staff see their person, so the rows are there to be missed.
            let ownB = TenantScope(municipalityCodes: ["GM0957"])
            for read in Self.personReads {
                #expect(try await read.finds(app.services, ownB, w.personB), "\(read.name) finds B's person for B")
            }
            for kind in Kind.allCases {
                let scope = Policy.scope(for: Self.principal(kind, w))
                for read in Self.personReads {
                    for person in [w.personA, w.personA2, w.personB] {
                        let expected = Self.sees(kind, read.needs, person, w)
                        #expect(try await read.finds(app.services, scope, person) == expected,
                                "\(kind): \(read.name) of \(person) should \(expected ? "" : "not ")be found")
                    }
                }
                for read in Self.rowsReads {
                    #expect(try await read.finds(app.services, scope) == Self.seesRows(kind, read.needs), "\(kind): \(read.name)")
                }
                // Counts of DUO's queue: one row per municipality was seeded.
                let rows = Self.seesRows(kind, .casework).count
                #expect(try await app.services.duoStore.countNotifications(scope: scope).values.reduce(0, +) == rows, "\(kind): countNotifications")
                #expect(try await app.services.duoStore.countNotifications(scope: scope, since: Date(timeIntervalSince1970: 0)) == rows, "\(kind): new signals")
                #expect(try await app.services.duoStore.countOutbox(scope: scope).values.reduce(0, +) == rows, "\(kind): countOutbox")
                // The counts over the caseload count the people in scope, no others.
                let visible = [w.personA, w.personA2, w.personB].filter { Self.sees(kind, .identity, $0, w) }.count
                #expect(try await app.services.persons.countByPhase(scope: scope, consulentId: nil).values.reduce(0, +) == visible, "\(kind): countByPhase")
                #expect(try await app.services.persons.loadPerConsulent(scope: scope, today: Self.today).map(\.open).reduce(0, +) == visible,
                        "\(kind): loadPerConsulent")
            }
        }
    }

    @Test("Policy: each kind of principal gets the municipalities, persons, target groups and classes of data its purpose needs",
          arguments: Kind.allCases)
    func policyScopePerKind(kind: Kind) {
        let w = World()
        let scope = Policy.scope(for: Self.principal(kind, w))
        let asylum = Doelgroep.allCases.filter { $0.categorie == .asielstatushouder }.map(\.rawValue)
        let expected: TenantScope = switch kind {
        // A case worker also reads the providers and offers of the municipalities, to refer.
        case .staff: TenantScope(municipalityCodes: ["GM0988", "GM1706"], dataClasses: [.identity, .casework, .specialCategory, .caseworkParts, .ontzorgen, .organisation])
        case .apiKey: TenantScope(municipalityCodes: ["GM0988", "GM1706"], dataClasses: [.identity, .casework, .specialCategory, .caseworkParts, .ontzorgen, .figures])
        case .budgetManager: TenantScope(municipalityCodes: ["GM0988", "GM1706"], doelgroepen: asylum, dataClasses: [.identity, .ontzorgen])
        case .partner: TenantScope(municipalityCodes: ["GM0988", "GM1706"], grants: [w.personA: [.identity, .route], w.personB: [.identity]])
        case .newcomer: TenantScope(municipalityCodes: ["GM1706"], personIds: [w.personA2], dataClasses: [.identity, .casework, .specialCategory, .caseworkParts, .ontzorgen])
        case .figuresOnly: .empty
        }
        #expect(scope == expected)
    }

    @Test("Policy: staff and machine clients read the providers of their municipalities; partners and newcomers none", arguments: Kind.allCases)
    func organisationScopePerKind(kind: Kind) {
        let scope = Policy.organisationScope(for: Self.principal(kind, World()))
        switch kind {
        case .staff, .apiKey, .budgetManager, .figuresOnly:
            #expect(scope == TenantScope(municipalityCodes: ["GM0988", "GM1706"], dataClasses: .organisation))
        case .partner, .newcomer:
            #expect(scope == .empty)
        }
    }

    @Test("Policy: a partner reads referred persons only, a newcomer reads their own file; neither changes or counts anything",
          arguments: [Kind.partner, .newcomer])
    func partnerAndNewcomerPermissions(kind: Kind) {
        let principal = Self.principal(kind, World())
        let allowed = Set(Permission.allCases.filter { Policy.allows(principal, $0) })
        switch kind {
        case .partner: #expect(allowed == [.readPersons])
        case .newcomer: #expect(allowed == [.readPersons, .readCasework, .readOntzorgen])
        default: Issue.record("not a table row")
        }
        #expect(!Policy.allows(principal, .editPersons) && !Policy.allows(principal, .viewFigures))
        #expect(principal.roles.isEmpty)
        #expect(Policy.purpose(for: principal) == (kind == .partner ? "inburgering" : "inzage"))
    }

    @Test("An API key waiting for its second person's approval sees nobody")
    func unapprovedKeySeesNobody() {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let key = Principal.apiClient(APIKeyRecord(id: "k", organisationId: "org-a", name: "k", prefix: "p", role: .consulent, createdBy: "a-functioneelBeheerder",
                                                   createdAt: now, lastUsedAt: nil, revokedAt: nil),
                                      organisationName: "Organisatie A", municipalities: [Self.weert])
        #expect(Policy.scope(for: key) == .empty)
    }
}
