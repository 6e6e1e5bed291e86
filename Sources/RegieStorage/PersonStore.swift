import Foundation
import Inburgering
import SQLKit

/// Newcomers and their traject, always read through a `TenantScope`.
public struct PersonStore: Sendable {
    let database: Database
    /// From how many matches a name search walks the list instead of starting from its matches
    /// (`NamePlan`); nil: `walksFrom(indexed:)`. Tests set 0 or `Int.max` to force one plan.
    let nameWalkFrom: Int?

    public init(database: Database, nameWalkFrom: Int? = nil) {
        self.database = database
        self.nameWalkFrom = nameWalkFrom
    }

    public struct NewPerson: Sendable {
        public var person: PersonRecord
        public var traject: TrajectRecord

        public init(person: PersonRecord, traject: TrajectRecord) {
            self.person = person
            self.traject = traject
        }
    }

    /// Inserts people with their trajecten in batches of multi-row inserts, in one transaction:
    /// either all are stored or none.
    public func insertPersons(_ people: [NewPerson], now: Date, batchSize: Int = 400) async throws {
        try await database.transaction { db in
            for batch in stride(from: 0, to: people.count, by: batchSize).map({ Array(people[$0..<min($0 + batchSize, people.count)]) }) {
                try await Self.insert(batch, on: db, now: now)
            }
        }
    }

    /// One multi-row insert of people and their trajecten (with their households and nearest term).
    static func insert(_ batch: [NewPerson], on db: any SQLDatabase, now: Date) async throws {
        let time = now.epochSeconds
        let today = CalendarDate.today(now: now)
        let households = Set(batch.compactMap { p in p.person.householdId.map { "\($0)|\(p.person.municipalityCode)" } })
        for entry in households.sorted() {
            let parts = entry.split(separator: "|").map(String.init)
            try await db.raw("INSERT INTO households (id, municipality_code) VALUES (\(bind: parts[0]), \(bind: parts[1])) ON CONFLICT (id) DO NOTHING").run()
        }
        var personRows: [SQLQueryString] = []
        var trajectRows: [SQLQueryString] = []
        for item in batch {
            let p = item.person
            personRows.append("""
                (\(bind: p.id), \(bind: p.municipalityCode), \(bind: p.householdId), \(bind: p.bsn), \(bind: p.vNummer), \(bind: p.givenNames),
                \(bind: p.familyName), \(bind: Self.searchKey(p.givenNames + " " + p.familyName)), \(bind: p.dateOfBirth?.iso ?? ""), \(bind: p.gender.rawValue),
                \(bind: p.doelgroep.rawValue), \(bind: p.language), \(bind: p.interpreterNeeded ? 1 : 0), \(bind: p.phone), \(bind: p.email), \(bind: time), \(bind: time))
                """)
            let t = item.traject
            let facts = t.lawFacts(person: p)
            let terms = StatutoryClock.terms(for: facts, on: today)
            let next = NextTerm.pick(terms)
            let step = NextStepRule.next(facts: facts, progress: t.progress, terms: terms)
            let pipDue = PIPDeadlineRule.deadline(for: facts)?.deadline.iso
            trajectRows.append("""
                (\(bind: t.id), \(bind: t.personId), \(bind: t.municipalityCode), \(bind: t.phase.rawValue), \(bind: t.consulentId),
                \(bind: t.kennisgevingDate?.iso), \(bind: t.koppelingDate?.iso), \(bind: t.housingDate?.iso), \(bind: t.brpDate?.iso),
                \(bind: t.intakeDate?.iso), \(bind: t.pipDate?.iso), \(bind: t.routeStartDate?.iso), \(bind: t.leerroute?.rawValue),
                \(bind: t.closedDate?.iso), \(bind: t.closedReason?.rawValue),
                \(bind: next?.due.iso ?? M0002_Casework.noDueDate), \(bind: next?.kind.rawValue ?? ""), \(bind: t.lastMeetingDate?.iso),
                \(bind: t.pipCadenceMonths), \(bind: t.lastContactDate?.iso), \(bind: pipDue), \(bind: t.pipDelayReason?.rawValue),
                \(bind: try LawFactsLoader.encode(facts)), \(bind: time), \(bind: time), \(bind: t.handoverHeld ? 1 : 0), \(bind: t.intakeConversations),
                \(bind: t.intakeOpenTopics), \(bind: t.lbtDone ? 1 : 0), \(bind: t.routeDecided ? 1 : 0), \(bind: step?.kind.rawValue),
                \(bind: step?.due?.iso ?? M0002_Casework.noDueDate))
                """)
        }
        try await db.raw("""
            INSERT INTO persons (id, municipality_code, household_id, bsn, v_nummer, given_names, family_name, search_name, date_of_birth,
                gender, doelgroep, language, interpreter_needed, phone, email, created_at, updated_at)
            VALUES \(personRows.joined(separator: ", "))
            """).run()
        try await db.raw("""
            INSERT INTO trajecten (id, person_id, municipality_code, phase, consulent_id, kennisgeving_date, koppeling_date,
                housing_date, brp_date, intake_date, pip_date, route_start_date, leerroute, closed_date, closed_reason,
                next_due_date, next_due_kind, last_meeting_date, pip_cadence_months, last_contact_date, pip_due_date, pip_delay_reason,
                facts_json, created_at, updated_at, handover_held, intake_conversations, intake_open_topics, lbt_done, route_decided,
                next_step, next_step_date)
            VALUES \(trajectRows.joined(separator: ", "))
            """).run()
    }

    /// A name as search compares it: lower case, without diacritics, single spaces.
    public static func searchKey(_ text: String) -> String {
        text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "nl_NL")).lowercased()
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Fills the folded search name of people stored before it existed, in batches. Returns how many.
    @discardableResult
    public func backfillSearchNames(batchSize: Int = 1000) async throws -> Int {
        var total = 0
        while true {
            let rows = try await database.sql.raw("""
                SELECT id, given_names, family_name FROM persons WHERE search_name = '' ORDER BY id LIMIT \(bind: batchSize)
                """).all()
            if rows.isEmpty { return total }
            try await database.transaction { db in
                for row in rows {
                    let key = Self.searchKey(try row.decode(column: "given_names", as: String.self) + " " + (try row.decode(column: "family_name", as: String.self)))
                    try await db.raw("UPDATE persons SET search_name = \(bind: key.isEmpty ? "-" : key) WHERE id = \(bind: try row.decode(column: "id", as: String.self))").run()
                }
            }
            total += rows.count
        }
    }

    /// Why a registration was refused: the BSN or V-nummer is already known. `existingId` is the
    /// person's id when they are in the caller's scope (so the form can link to them), else nil.
    public enum RegistrationConflict: Error, Sendable, Hashable {
        case bsn(existingId: String?)
        case vNummer(existingId: String?)
    }

    /// Registers one person by hand with their traject, after the duplicate check on BSN and
    /// V-nummer, with the first timeline line and the audit entry, in one transaction. When
    /// `householdWith` names a person in scope, the new person joins (or starts) their household.
    public func registerPerson(_ new: NewPerson, householdWith: String?, scope: TenantScope, actor: CaseActor, audit: AuditEvent,
                               now: Date) async throws -> Result<PersonRecord, RegistrationConflict> {
        return try await database.transaction { db in
            func existing(_ column: String, _ value: String?) async throws -> (found: Bool, id: String?) {
                guard let value else { return (false, nil) }
                guard let row = try await db.raw("SELECT id, municipality_code FROM persons WHERE \(ident: column) = \(bind: value)").first() else { return (false, nil) }
                let code = try row.decode(column: "municipality_code", as: String.self)
                let id = try row.decode(column: "id", as: String.self)
                if scope.includes(municipalityCode: code, personId: id) { return (true, id) }
                // Held outside the caller's municipalities: a probe or a real move between regions. Both
                // organisations' beheerders see it in their audit log: the caller's, without the person,
                // and the holder's, on the person's file ("who asked about my file?").
                let label = column == "bsn" ? "BSN" : "V-nummer"
                let caller = try await db.raw("SELECT name FROM organisations WHERE id = \(bind: audit.organisationId ?? "")").first()?
                    .decode(column: "name", as: String.self) ?? audit.organisationId ?? "-"
                var refused = audit
                refused.action = AuditAction.personRegisterRefused.rawValue
                refused.personId = nil
                refused.detail = "\(label) bestaat al bij een gemeente buiten deze organisatie; geen dossier aangemaakt"
                var entries = [refused]
                let holders = try await db.raw("SELECT organisation_id FROM organisation_municipalities WHERE municipality_code = \(bind: code)").all()
                for holder in try holders.map({ try $0.decode(column: "organisation_id", as: String.self) }) where holder != audit.organisationId {
                    var probe = audit
                    probe.organisationId = holder
                    probe.action = AuditAction.personRegisterProbe.rawValue
                    probe.personId = id
                    probe.municipalityCode = code
                    probe.detail = "\(label) van dit dossier opgegeven bij een registratie door \(audit.actorName) van \(caller)"
                    entries.append(probe)
                }
                try await AuditStore.append(entries, at: now, on: db)
                return (true, nil)
            }
            let bsn = try await existing("bsn", new.person.bsn)
            if bsn.found { return .failure(.bsn(existingId: bsn.id)) }
            let vNummer = try await existing("v_nummer", new.person.vNummer)
            if vNummer.found { return .failure(.vNummer(existingId: vNummer.id)) }
            var item = new
            if let other = householdWith, let member = try await db.raw("""
                SELECT p.id, p.household_id, p.municipality_code FROM persons p WHERE p.id = \(bind: other) AND \(scope.persons())
                """).first() {
                let householdId = try member.decode(column: "household_id", as: String?.self) ?? "hh-" + UUID().uuidString.lowercased()
                try await db.raw("INSERT INTO households (id, municipality_code) VALUES (\(bind: householdId), \(bind: try member.decode(column: "municipality_code", as: String.self))) ON CONFLICT (id) DO NOTHING").run()
                try await db.raw("UPDATE persons SET household_id = \(bind: householdId) WHERE id = \(bind: other)").run()
                item.person = PersonRecord(copying: item.person, householdId: householdId)
            }
            try await Self.insert([item], on: db, now: now)
            try await CaseworkStore.insertEvent(CaseChange(kind: "registered", date: CalendarDate.today(now: now).iso), personId: item.person.id,
                                                actor: actor, at: now, on: db)
            try await AuditStore.append([audit], at: now, on: db)
            return .success(item.person)
        }
    }

    /// The columns of a `PersonSummary`, from `persons p`, `trajecten t` and `users u`, named as the
    /// struct's properties so rows decode without converting every key of every row. The stored
    /// "no term" sort key reads as no date.
    static let summaryColumns = """
        p.id AS "id", p.municipality_code AS "municipalityCode", p.given_names AS "givenNames", p.family_name AS "familyName",
        p.doelgroep AS "doelgroep", p.date_of_birth AS "dateOfBirth", t.phase AS "phase", u.name AS "consulentName",
        t.kennisgeving_date AS "kennisgevingDate", t.koppeling_date AS "koppelingDate", t.brp_date AS "brpDate",
        t.pip_date AS "pipDate", t.route_start_date AS "routeStartDate", t.leerroute AS "leerroute",
        t.closed_date AS "closedDate", t.closed_reason AS "closedReason", NULLIF(t.next_due_date, '\(M0002_Casework.noDueDate)') AS "nextDueDate",
        t.last_contact_date AS "lastContactDate", t.last_meeting_date AS "lastMeetingDate", t.pip_cadence_months AS "pipCadenceMonths",
        t.duo_ten_weeks_start AS "duoTenWeeksStart", t.duo_term_end AS "duoTermEnd", p.details_pending AS "detailsPending",
        t.facts_json AS "factsJson", t.handover_held AS "handoverHeld", t.intake_conversations AS "intakeConversations",
        t.intake_open_topics AS "intakeOpenTopics", t.lbt_done AS "lbtDone", t.route_decided AS "routeDecided", t.next_step AS "nextStep",
        t.next_step_date AS "nextStepDate", SUBSTR(p.bsn, 7, 3) AS "bsnEnd", p.household_id AS "householdId"
        """

    /// The ids of the people with this BSN or V-nummer in the given municipalities, for the audit log's
    /// "who saw this person" (AVG art. 15): ids only, no personal data.
    public func ids(identifier: String, municipalityCodes: [String]) async throws -> [String] {
        guard !identifier.isEmpty else { return [] }
        return try await database.sql.raw("""
            SELECT p.id FROM persons p WHERE (p.bsn = \(bind: identifier) OR p.v_nummer = \(bind: identifier))
              AND \(TenantScope(municipalityCodes: municipalityCodes).persons()) ORDER BY p.id
            """).all().map { try $0.decode(column: "id", as: String.self) }
    }

    /// The person if, and only if, they belong to a municipality in scope.
    public func fetchPerson(id: String, scope: TenantScope) async throws -> PersonRecord? {
        try await database.sql.raw("""
            SELECT p.* FROM persons p WHERE p.id = \(bind: id) AND \(scope.persons())
            """).first(decoding: PersonRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    public func fetchTraject(personId: String, scope: TenantScope) async throws -> TrajectRecord? {
        try await database.sql.raw("""
            SELECT t.* FROM trajecten t
            WHERE t.person_id = \(bind: personId) AND \(scope.personRows(person: "t.person_id", municipality: "t.municipality_code", needs: .identity))
            """).first(decoding: TrajectRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// A person in scope and their traject, in one read (every case page and every change starts here).
    public func fetchCase(personId: String, scope: TenantScope) async throws -> (person: PersonRecord, traject: TrajectRecord)? {
        guard let row = try await Self.caseRow(personId: personId, scope: scope, needs: .identity, withLaw: false, on: database.sql) else { return nil }
        return (try row.decode(model: PersonRecord.self, keyDecodingStrategy: .convertFromSnakeCase),
                try row.decode(model: TrajectRecord.self, prefix: "t_", keyDecodingStrategy: .convertFromSnakeCase))
    }

    /// The case with its municipality's law settings (what a change recomputes the terms with);
    /// `scope` nil for the system's own work (DUO's messages, recomputing terms after new settings).
    static func fetchCase(personId: String, scope: TenantScope?, needs: DataClasses = .identity,
                          on db: any SQLDatabase) async throws -> (person: PersonRecord, traject: TrajectRecord, law: MunicipalityLawSettings)? {
        guard let row = try await caseRow(personId: personId, scope: scope, needs: needs, withLaw: true, on: db) else { return nil }
        return (try row.decode(model: PersonRecord.self, keyDecodingStrategy: .convertFromSnakeCase),
                try row.decode(model: TrajectRecord.self, prefix: "t_", keyDecodingStrategy: .convertFromSnakeCase),
                try SettingsStore.lawSettings(json: try row.decode(column: "municipality_law_settings", as: String?.self)))
    }

    /// The traject's columns named apart from the person's (`t_…`).
    private static let trajectColumns = TrajectRecord.columns.map { "t.\($0) AS t_\($0)" }.joined(separator: ", ")

    private static func caseRow(personId: String, scope: TenantScope?, needs: DataClasses, withLaw: Bool, on db: any SQLDatabase) async throws -> (any SQLRow)? {
        let inScope: SQLQueryString = scope.map { " AND \($0.persons(needs: needs))" } ?? ""
        let law: SQLQueryString = withLaw
            ? ", s.law_settings AS municipality_law_settings FROM persons p JOIN trajecten t ON t.person_id = p.id LEFT JOIN municipality_settings s ON s.municipality_code = t.municipality_code"
            : " FROM persons p JOIN trajecten t ON t.person_id = p.id"
        return try await db.raw("SELECT p.*, \(unsafeRaw: trajectColumns)\(law) WHERE p.id = \(bind: personId)\(inScope)").first()
    }

    /// The given people and the other members of their households with an open case, in scope
    /// (assigning a household together).
    public func withHouseholds(_ ids: [String], scope: TenantScope) async throws -> [String] {
        guard !ids.isEmpty else { return [] }
        let members = try await database.sql.raw("""
            SELECT p.id FROM persons p JOIN trajecten t ON t.person_id = p.id
            WHERE p.household_id IN (SELECT h.household_id FROM persons h WHERE h.id IN (\(binds: ids)) AND h.household_id IS NOT NULL)
              AND t.closed_date IS NULL AND \(scope.persons())
            ORDER BY p.id
            """).all().map { try $0.decode(column: "id", as: String.self) }
        var seen = Set<String>()
        return (ids + members).filter { seen.insert($0).inserted }
    }

    /// Other members of the person's household, in scope.
    public func listHouseholdMembers(of person: PersonRecord, scope: TenantScope) async throws -> [PersonSummary] {
        guard let householdId = person.householdId else { return [] }
        return try await database.sql.raw("""
            SELECT \(unsafeRaw: Self.summaryColumns)
            FROM persons p LEFT JOIN trajecten t ON t.person_id = p.id LEFT JOIN users u ON u.id = t.consulent_id
            WHERE p.household_id = \(bind: householdId) AND p.id <> \(bind: person.id)
              AND \(scope.persons())
            ORDER BY p.date_of_birth, p.id
            """).all().map { try PersonSummary(row: $0) }
    }

    public struct ContactUpdate: Sendable, Hashable {
        public var phone: String?
        public var email: String?
        public var language: String
        public var interpreterNeeded: Bool
        public var interpreterLanguage: String?

        public init(phone: String?, email: String?, language: String, interpreterNeeded: Bool, interpreterLanguage: String? = nil) {
            self.interpreterLanguage = interpreterLanguage
            self.phone = phone
            self.email = email
            self.language = language
            self.interpreterNeeded = interpreterNeeded
        }
    }

    /// Updates contact details of a person in scope, together with its audit entry; nil when the
    /// person is not in scope.
    public func updateContact(personId: String, scope: TenantScope, _ update: ContactUpdate, audit: AuditEvent, now: Date) async throws -> PersonRecord? {
        return try await database.transaction { db in
            let updated = try await db.raw("""
                UPDATE persons SET phone = \(bind: update.phone), email = \(bind: update.email), language = \(bind: update.language),
                    interpreter_needed = \(bind: update.interpreterNeeded ? 1 : 0),
                    interpreter_language = \(bind: update.interpreterLanguage), updated_at = \(bind: now.epochSeconds)
                WHERE persons.id = \(bind: personId) AND \(scope.persons("persons"))
                RETURNING *
                """).first(decoding: PersonRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
            if updated != nil {
                try await AuditStore.append([audit], at: now, on: db)
            }
            return updated
        }
    }

    public enum CaseloadSort: String, Sendable, CaseIterable {
        /// Nearest statutory term first (ui.md: the default).
        case termijn
        /// The next step's date first (`NextStepRule`), cases without a dated step last.
        case stap
        /// Oldest signal first: the day DUO or COA signalled the case (for new, unassigned signals).
        case signaal
        case naam
    }

    /// Where the nearest term of a case stands against today.
    public enum TermFilter: String, Sendable, CaseIterable {
        case overdue = "verlopen", soon = "binnenkort", later = "later", noTerm = "geen"
    }

    public struct ListFilter: Sendable, Hashable {
        public var municipalityCode: String?
        public var consulentId: String?
        public var unassigned: Bool
        public var phase: TrajectFase?
        public var leerroute: Leerroute?
        public var doelgroepen: [Doelgroep]
        public var term: TermFilter?
        public var includeClosed: Bool
        public var search: String?
        public var sort: CaseloadSort
        /// Only cases whose stored next step is this one.
        public var nextStep: NextStepKind?

        public init(municipalityCode: String? = nil, consulentId: String? = nil, unassigned: Bool = false, phase: TrajectFase? = nil,
                    leerroute: Leerroute? = nil, doelgroepen: [Doelgroep] = [], term: TermFilter? = nil, includeClosed: Bool = false,
                    search: String? = nil, sort: CaseloadSort = .termijn, nextStep: NextStepKind? = nil) {
            self.nextStep = nextStep
            self.municipalityCode = municipalityCode
            self.consulentId = consulentId
            self.unassigned = unassigned
            self.phase = phase
            self.leerroute = leerroute
            self.doelgroepen = doelgroepen
            self.term = term
            self.includeClosed = includeClosed
            self.search = search
            self.sort = sort
        }

        /// The search as typed without its outer spaces, or nil when there is none.
        var searchText: String? {
            search.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// Days ahead that count as "due soon" in lists and the summary strip (ui.md: within 14 days).
    public static let soonDays = 14

    /// The WHERE clause of a caseload query (without the scope), shared by the list and its counts;
    /// `names` says how a name search meets the list.
    func caseloadConditions(_ filter: ListFilter, today: CalendarDate, names: NamePlan = .like) -> SQLQueryString {
        var query: SQLQueryString = ""
        if let code = filter.municipalityCode { query += " AND t.municipality_code = \(bind: code)" }
        if let consulentId = filter.consulentId { query += " AND t.consulent_id = \(bind: consulentId)" }
        if filter.unassigned { query += " AND t.consulent_id IS NULL" }
        if let phase = filter.phase { query += " AND t.phase = \(bind: phase.rawValue)" }
        if let route = filter.leerroute { query += " AND t.leerroute = \(bind: route.rawValue)" }
        if let step = filter.nextStep { query += " AND t.next_step = \(bind: step.rawValue)" }
        if !filter.doelgroepen.isEmpty { query += " AND p.doelgroep IN (\(binds: filter.doelgroepen.map(\.rawValue)))" }
        if !filter.includeClosed { query += " AND t.closed_date IS NULL" }
        let soon = today.adding(days: Self.soonDays).iso
        switch filter.term {
        case .overdue: query += " AND t.next_due_date < \(bind: today.iso)"
        case .soon: query += " AND t.next_due_date >= \(bind: today.iso) AND t.next_due_date <= \(bind: soon)"
        case .later: query += " AND t.next_due_date > \(bind: soon) AND t.next_due_date < \(bind: M0002_Casework.noDueDate)"
        case .noTerm: query += " AND t.next_due_date = \(bind: M0002_Casework.noDueDate)"
        case nil: break
        }
        if let search = filter.searchText {
            if search.allSatisfy(\.isNumber) {
                query += " AND (p.bsn = \(bind: search) OR p.v_nummer = \(bind: search))"
            } else {
                query += nameCondition(search, names)
            }
        }
        return query
    }

    /// What a name search compares with `persons.search_name`: the folded input without `%` and `_`,
    /// so they are never wildcards (an input of only those matches everyone).
    static func nameSearchKey(_ search: String) -> String {
        searchKey(search).replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
    }

    /// How a name search meets the list. Each gives exactly the rows of `LIKE '%key%'`.
    enum NamePlan {
        /// SQLite, few matches: the trigram index's matches, already read (their
        /// `persons_search_keys` keys), are the list's source; each is joined to its case and all
        /// are sorted before the first page is cut, so it costs what it matches.
        case matches([Int64])
        /// SQLite, many matches: the list is walked in its own order (a sort index) and each case
        /// is looked up in the set of matches, stopping after a page, so it costs the cases walked
        /// before a page is full: the fewer match, the longer the walk.
        case alongTheOrder
        /// PostgreSQL, whose planner weighs the `pg_trgm` index against the sort index itself, and
        /// keys of one or two characters, which have no trigram: `LIKE` on the folded name.
        case like
    }

    /// From how many matches the walk is the cheaper plan, for `indexed` names in the index:
    /// starting from the matches grows with them, the walk with `indexed / matches`, so the two
    /// meet near a multiple of `√indexed`. Measured at a million names (`bench/README.md`, issue
    /// 14, search): about 11 µs per match from the matches, equal near 5,000 matches.
    static func walksFrom(indexed: Int) -> Int {
        max(200, Int((5 * Double(max(indexed, 0)).squareRoot()).rounded()))
    }

    /// The plan for this filter's name search. On SQLite the index is asked once for its matches,
    /// up to the threshold (before the scope: the scope stays in the list's SQL): fewer are the
    /// list's source as they are, the threshold or more are met along the list's order.
    func namePlan(_ filter: ListFilter) async throws -> NamePlan {
        guard database.kind == .sqlite, let search = filter.searchText, !search.allSatisfy(\.isNumber),
              let phrase = Self.ftsPhrase(Self.nameSearchKey(search)) else { return .like }
        let threshold: Int
        if let nameWalkFrom {
            threshold = nameWalkFrom
        } else {
            let indexed = try await database.sql.raw("SELECT COALESCE(MAX(key), 0) AS n FROM persons_search_keys").first()?.decode(column: "n", as: Int.self) ?? 0
            threshold = Self.walksFrom(indexed: indexed)
        }
        if threshold == 0 { return .alongTheOrder }
        let keys = try await database.sql.raw("""
            SELECT rowid AS k FROM persons_search WHERE persons_search MATCH \(bind: phrase) LIMIT \(bind: threshold)
            """).all().map { try $0.decode(column: "k", as: Int64.self) }
        return keys.count >= threshold ? .alongTheOrder : .matches(keys)
    }

    /// A folded key as one FTS5 string (a phrase of consecutive trigrams, `"` doubled), or nil for a
    /// key of fewer than three characters, which has no trigram.
    static func ftsPhrase(_ key: String) -> String? {
        key.unicodeScalars.count >= 3 ? "\"" + key.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : nil
    }

    /// The rows whose folded name contains the key, through an index (M0014_NameSearch), in the way
    /// `plan` says. SQLite asks the trigram index with the key as one FTS5 phrase: exactly the rows
    /// of `LIKE '%key%'`. A key of one or two characters has no trigram, so it keeps that LIKE,
    /// which reads the caseload in the list's order until a page is full: a common pair of letters
    /// stops early, a rare one reads every case in scope. PostgreSQL's `pg_trgm` index serves the
    /// LIKE itself.
    func nameCondition(_ search: String, _ plan: NamePlan) -> SQLQueryString {
        let key = Self.nameSearchKey(search)
        if key.isEmpty { return "" }
        switch plan {
        case .matches(let keys):
            // The index's matches, read once by `namePlan`, handed over as one JSON array.
            let array = "[" + keys.map(String.init).joined(separator: ",") + "]"
            return """
                 AND p.id IN (SELECT k.person_id FROM persons_search_keys k WHERE k.key IN (SELECT value FROM json_each(\(bind: array))))
                """
        case .alongTheOrder:
            // The key of the case's person, asked of the set of matches (built once): not an index
            // SQLite can start from, so it keeps to the list's order.
            let phrase = Self.ftsPhrase(key) ?? ""
            return """
                 AND (SELECT k.key FROM persons_search_keys k WHERE k.person_id = p.id)
                     IN (SELECT rowid FROM persons_search WHERE persons_search MATCH \(bind: phrase))
                """
        case .like:
            return " AND p.search_name LIKE \(bind: "%" + key + "%")"
        }
    }

    /// The caseload in scope, sorted by the nearest statutory term (or by name) and keyset-paginated:
    /// the cursor is the last row's (sort key, id), so every page costs the same as the first.
    public func listPersons(scope: TenantScope, filter: ListFilter, after cursor: String?, limit: Int, today: CalendarDate) async throws -> Page<PersonSummary> {
        // SQLite, given bound values, prefers an index on the scope column and then sorts everyone in
        // it; `+` keeps it off that index so it walks the sort index and stops after one page.
        // (PostgreSQL weighs LIMIT itself, and has no unary + on text.)
        let sqlite = database.kind == .sqlite && filter.municipalityCode == nil
        let scopeColumn: SQLQueryString = sqlite ? (filter.sort == .naam ? "+p.municipality_code" : "+t.municipality_code") : "t.municipality_code"
        var query: SQLQueryString = """
            SELECT \(unsafeRaw: Self.summaryColumns)
            FROM trajecten t JOIN persons p ON p.id = t.person_id LEFT JOIN users u ON u.id = t.consulent_id
            WHERE \(scope.restriction(municipality: scopeColumn, person: "p.id", doelgroep: "p.doelgroep", needs: .identity))
            """
        query += caseloadConditions(filter, today: today, names: try await namePlan(filter))
        let (key, id) = Self.sortKey(filter.sort)
        if let cursor, let (value, last) = Self.decodeCursor(cursor) {
            query += " AND (\(key), \(id)) > (\(bind: value), \(bind: last))"
        }
        query += " ORDER BY \(key), \(id) LIMIT \(bind: limit + 1)"
        let rows = try await database.sql.raw(query).all().map { try PersonSummary(row: $0) }
        let page = Array(rows.prefix(limit))
        let next = rows.count > limit ? page.last.map { Self.encodeCursor(name: Self.sortValue(filter.sort, of: $0), id: $0.id) } : nil
        return Page(rows: page, next: next)
    }

    /// The ORDER BY of each sort (a stored column with its index, then the id) …
    static func sortKey(_ sort: CaseloadSort) -> (SQLQueryString, SQLQueryString) {
        switch sort {
        case .termijn: ("t.next_due_date", "t.person_id")
        case .stap: ("t.next_step_date", "t.person_id")
        case .signaal: ("COALESCE(t.kennisgeving_date, t.duo_ten_weeks_start, t.koppeling_date, '\(unsafeRaw: M0002_Casework.noDueDate)')", "t.person_id")
        case .naam: ("p.family_name", "p.id")
        }
    }

    /// … and a row's value of it, for the cursor.
    static func sortValue(_ sort: CaseloadSort, of row: PersonSummary) -> String {
        switch sort {
        case .termijn: row.nextDueDate?.iso ?? M0002_Casework.noDueDate
        case .stap: row.nextStepDate?.iso ?? M0002_Casework.noDueDate
        case .signaal: (row.kennisgevingDate ?? row.duoTenWeeksStart ?? row.koppelingDate)?.iso ?? M0002_Casework.noDueDate
        case .naam: row.familyName
        }
    }

    /// The most cases each count of the summary strip counts exactly (`countDue`): far more than a
    /// team's overdue or nearly due cases, so a real caseload always gets the exact number.
    public static let stripCap = 10_000

    /// The summary strip: open cases in the filter's scope whose nearest term is overdue, or due
    /// within `soonDays`, each counted up to `cap + 1` (more than `cap` reads as "over `cap`").
    /// Each count walks the near end of a due-date index and stops after `cap + 1` entries, so its
    /// cost is bounded by the cap, not by the number of cases (a full count grew with them: ~20 ms
    /// at a million).
    /// The strip is the workload of the list's filters, not of a search: a search finds people, and
    /// counting every match of a common name would cost what the search matches.
    /// With `unassigned`, also the open cases nobody is assigned to, whoever the filter shows.
    public func countDue(scope: TenantScope, filter: ListFilter, today: CalendarDate, unassigned: Bool = false,
                         cap: Int = stripCap) async throws -> (overdue: Int, soon: Int, unassigned: Int) {
        var unfiltered = filter
        unfiltered.term = nil
        unfiltered.search = nil
        var nobody = unfiltered
        nobody.consulentId = nil
        nobody.unassigned = true
        // Persons are joined only when a filter needs them (target group): counting the near end of
        // the due-date index alone is what keeps a team lead's strip cheap.
        let needsPersons = !filter.doelgroepen.isEmpty
        let persons: SQLQueryString = needsPersons ? " JOIN persons p ON p.id = t.person_id" : ""
        let inScope: SQLQueryString = " WHERE \(scope.personRows(person: "t.person_id", municipality: "t.municipality_code", needs: .identity))"
        var cases: SQLQueryString = "SELECT 1 FROM trajecten t" + persons + inScope
        // The open cases without a case worker have a partial index of their own (M0035). After
        // `ANALYZE`, SQLite (without STAT4) takes `consulent_id IS NULL` for one case worker's ~80
        // rows and would walk the case worker index instead, looking up every unassigned case,
        // closed ones too: named here (PostgreSQL knows the share of NULLs itself).
        let unassignedIndex: SQLQueryString = database.kind == .sqlite && !filter.includeClosed ? " INDEXED BY trajecten_open_unassigned" : ""
        var unassignedCases: SQLQueryString = "SELECT 1 FROM trajecten t" + unassignedIndex + persons + inScope
        cases += caseloadConditions(unfiltered, today: today)
        unassignedCases += caseloadConditions(nobody, today: today)
        let unassignedCount: SQLQueryString = unassigned ? "(SELECT COUNT(*) FROM (\(unassignedCases) LIMIT \(bind: cap + 1)) n)" : "0"
        let query: SQLQueryString = """
            SELECT (SELECT COUNT(*) FROM (\(cases) AND t.next_due_date < \(bind: today.iso) LIMIT \(bind: cap + 1)) o) AS overdue,
                   (SELECT COUNT(*) FROM (\(cases) AND t.next_due_date >= \(bind: today.iso) AND t.next_due_date <= \(bind: today.adding(days: Self.soonDays).iso)
                                          LIMIT \(bind: cap + 1)) s) AS soon,
                   \(unassignedCount) AS unassigned
            """
        guard let row = try await database.sql.raw(query).first() else { return (0, 0, 0) }
        return (try row.decode(column: "overdue", as: Int.self), try row.decode(column: "soon", as: Int.self), try row.decode(column: "unassigned", as: Int.self))
    }

    static func encodeCursor(name: String, id: String) -> String {
        Data("\(name)\n\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ cursor: String) -> (String, String)? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        return parts.count == 2 ? (parts[0], parts[1]) : nil
    }

    /// Load per case worker: open cases, overdue and due soon, for the team lead. The row with a nil
    /// id counts the unassigned cases.
    /// One case worker's open cases in one municipality (each municipality has its own caseload norm).
    public struct Load: Sendable, Hashable {
        public let consulentId: String?
        public let municipalityCode: String
        public let open: Int
        public let overdue: Int
        public let soon: Int
    }

    /// With `consulentIds`, only those case workers' cases (through the case worker index: what a
    /// team lead's assignment list shows beside each name).
    public func loadPerConsulent(scope: TenantScope, today: CalendarDate, consulentIds: [String]? = nil) async throws -> [Load] {
        let soon = today.adding(days: Self.soonDays).iso
        if consulentIds?.isEmpty == true { return [] }
        let only: SQLQueryString = consulentIds.map { " AND consulent_id IN (\(binds: $0))" } ?? ""
        return try await database.sql.raw("""
            SELECT consulent_id, municipality_code, COUNT(*) AS n,
                   COALESCE(SUM(CASE WHEN next_due_date < \(bind: today.iso) THEN 1 ELSE 0 END), 0) AS overdue,
                   COALESCE(SUM(CASE WHEN next_due_date >= \(bind: today.iso) AND next_due_date <= \(bind: soon) THEN 1 ELSE 0 END), 0) AS soon
            FROM trajecten WHERE \(scope.personRows(person: "person_id", municipality: "municipality_code", needs: .identity)) AND closed_date IS NULL\(only)
            GROUP BY consulent_id, municipality_code
            """).all().map { row in
                Load(consulentId: try row.decode(column: "consulent_id", as: String?.self),
                     municipalityCode: try row.decode(column: "municipality_code", as: String.self), open: try row.decode(column: "n", as: Int.self),
                     overdue: try row.decode(column: "overdue", as: Int.self), soon: try row.decode(column: "soon", as: Int.self))
            }
    }

    /// Counts per phase in scope (for the home page tiles).
    public func countByPhase(scope: TenantScope, consulentId: String?) async throws -> [String: Int] {
        var query: SQLQueryString = "SELECT phase, COUNT(*) AS n FROM trajecten WHERE \(scope.personRows(person: "person_id", municipality: "municipality_code", needs: .identity))"
        if let consulentId { query += " AND consulent_id = \(bind: consulentId)" }
        query += " GROUP BY phase"
        var result: [String: Int] = [:]
        for row in try await database.sql.raw(query).all() {
            result[try row.decode(column: "phase", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return result
    }
}
