import SQLKit

/// The classes of personal data a principal may read. Each store query names the class it reads, and
/// a scope without that class finds nothing (AVG art. 5(1)(b) purpose limitation and (c) data
/// minimisation: a principal reads only what its purpose needs).
public struct DataClasses: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Who the person is and where their case stands: name, BSN, address, target group, the
    /// traject's dates and phase (Wi2021 art. 3: who is obliged; AVG art. 6(1)(e): the municipality's
    /// public task).
    public static let identity = DataClasses(rawValue: 1 << 0)
    /// The content of casework: timeline, intake conversations, LBT, route, PIP, progress, hours,
    /// enforcement, tasks, letters and what DUO registered (Wi2021 art. 13–16: brede intake, PIP and
    /// guidance).
    public static let casework = DataClasses(rawValue: 1 << 1)
    /// Special categories of personal data (AVG art. 9: health), found in the brede intake's topics,
    /// the warm handover's profile and documents; read on top of `casework`.
    public static let specialCategory = DataClasses(rawValue: 1 << 2)
    /// The ontzorgen arrangement, benefit, posts and payments (Participatiewet art. 56a).
    public static let ontzorgen = DataClasses(rawValue: 1 << 3)
    /// Figures without personal data (AVG art. 89: statistics with safeguards; art. 5(1)(c)).
    public static let figures = DataClasses(rawValue: 1 << 4)
    /// Rows about the organisations the municipalities work with — providers, their offers and
    /// start moments — without personal data: what staff need to refer and to keep the offer.
    public static let organisation = DataClasses(rawValue: 1 << 5)
    /// The leerroute and language level a person follows (part of the PIP; Wi2021 art. 15–16), what
    /// a provider needs to place them.
    public static let route = DataClasses(rawValue: 1 << 6)
    /// The goals and agreements of the PIP (Wi2021 art. 16).
    public static let planGoals = DataClasses(rawValue: 1 << 7)
    /// Hours followed and attendance (Wi2021 art. 16; the leerroute's progress).
    public static let hours = DataClasses(rawValue: 1 << 8)
    /// The COA's profile from the warm handover (Wi2021 art. 13), personal and often about health.
    public static let coaProfile = DataClasses(rawValue: 1 << 9)

    /// The parts of casework a partner can be granted one by one; whoever reads all casework reads these.
    public static let caseworkParts: DataClasses = [.route, .planGoals, .hours, .coaProfile]

    public static let all: DataClasses = [.identity, .casework, .specialCategory, .ontzorgen, .figures, .organisation, .caseworkParts]
}

/// What a principal may see: the municipalities its organisation serves, optionally only a set of
/// persons (a partner sees the people referred to it, a newcomer their own file), optionally only
/// some target groups, and the classes of data its purpose needs.
///
/// This is the one place where access becomes SQL: every store query on personal data adds
/// `persons(…)` (a row of `persons`) or `personRows(…)` (a row that carries a person id and a
/// municipality), and a query on rows that belong to no single person adds `municipalities(…)`.
/// An empty scope compiles to a condition that is never true, so a lookup outside it finds nothing
/// and the edge answers 404, the same as for an id that does not exist.
public struct AccessScope: Sendable, Hashable {
    public let municipalityCodes: [String]
    /// When set, only these persons (ids) are in scope, and nothing that belongs to no single person.
    public let personIds: [String]?
    /// When set, only people of these target groups (`Doelgroep` raw values) are in scope: a budget
    /// manager sees only those who may be ontzorgd (asylum permit holders, Participatiewet art. 56a).
    public let doelgroepen: [String]?
    /// The classes of data the scope may read.
    public let dataClasses: DataClasses
    /// When set, what may be read differs per person (a partner reads of each person referred to it
    /// only what that person consented to): the classes granted per person id. `personIds` are then
    /// its keys and `dataClasses` their union.
    public let grants: [String: DataClasses]?

    public init(municipalityCodes: [String], personIds: [String]? = nil, doelgroepen: [String]? = nil, dataClasses: DataClasses = .all) {
        self.municipalityCodes = municipalityCodes
        self.personIds = personIds
        self.doelgroepen = doelgroepen
        self.dataClasses = dataClasses
        self.grants = nil
    }

    /// A scope of some persons, each with the classes granted for them (consent per person).
    public init(municipalityCodes: [String], grants: [String: DataClasses]) {
        self.municipalityCodes = municipalityCodes
        self.personIds = grants.keys.sorted()
        self.doelgroepen = nil
        self.dataClasses = grants.values.reduce(into: DataClasses()) { $0.formUnion($1) }
        self.grants = grants
    }

    /// A scope that sees nothing.
    public static let empty = AccessScope(municipalityCodes: [], dataClasses: [])

    /// The same scope within one of its municipalities (a header's or a query's choice); nothing when
    /// the code is not one of them.
    public func narrowed(toMunicipality code: String) -> AccessScope {
        if let grants { return AccessScope(municipalityCodes: municipalityCodes.filter { $0 == code }, grants: grants) }
        return AccessScope(municipalityCodes: municipalityCodes.filter { $0 == code }, personIds: personIds, doelgroepen: doelgroepen, dataClasses: dataClasses)
    }

    /// The persons for whom the scope reads class `needs` (all of `personIds` without grants).
    func persons(reading needs: DataClasses) -> [String]? {
        guard let grants else { return personIds }
        return grants.filter { $0.value.contains(needs) }.keys.sorted()
    }

    /// Whether the scope can see anything of class `needs` at all.
    public func reads(_ needs: DataClasses) -> Bool {
        !municipalityCodes.isEmpty && dataClasses.contains(needs) && (personIds.map { !$0.isEmpty } ?? true) && (doelgroepen.map { !$0.isEmpty } ?? true)
    }

    /// Whether a person of this municipality and target group is in scope (for a row already read).
    public func includes(municipalityCode: String, doelgroep: String? = nil, personId: String? = nil) -> Bool {
        municipalityCodes.contains(municipalityCode)
            && (doelgroep.map { group in doelgroepen.map { $0.contains(group) } ?? true } ?? true)
            && (personId.map { id in personIds.map { $0.contains(id) } ?? true } ?? true)
    }

    /// The condition on a row of `persons` under `alias` that reads data of class `needs`.
    public func persons(_ alias: SQLQueryString = "p", needs: DataClasses = .identity) -> SQLQueryString {
        restriction(municipality: alias + ".municipality_code", person: alias + ".id", doelgroep: alias + ".doelgroep", needs: needs)
    }

    /// The condition on a row that carries its person's id and municipality (e.g. `trajecten t`:
    /// `person: "t.person_id", municipality: "t.municipality_code"`), without joining `persons`;
    /// a target-group restriction reads the person's group in a subquery.
    public func personRows(person: SQLQueryString, municipality: SQLQueryString, needs: DataClasses) -> SQLQueryString {
        restriction(municipality: municipality, person: person, doelgroep: nil, needs: needs)
    }

    /// The condition on a row that belongs to a municipality but to no single person (a payment run,
    /// DUO's queue, figures). A scope limited to a set of persons sees none of these.
    public func municipalities(_ column: SQLQueryString = "municipality_code", needs: DataClasses) -> SQLQueryString {
        restriction(municipality: column, person: nil, doelgroep: nil, needs: needs)
    }

    /// The one compiler of a scope to SQL. Column expressions are constants of the calling store,
    /// never input; every value is bound.
    func restriction(municipality: SQLQueryString, person: SQLQueryString?, doelgroep: SQLQueryString?, needs: DataClasses) -> SQLQueryString {
        guard reads(needs) else { return "1 = 0" }
        var condition: SQLQueryString = "(\(municipality) IN (\(binds: municipalityCodes))"
        if let ids = persons(reading: needs) {
            guard let person, !ids.isEmpty else { return "1 = 0" }
            condition += " AND \(person) IN (\(binds: ids))"
        }
        if let groups = doelgroepen {
            if let doelgroep {
                condition += " AND \(doelgroep) IN (\(binds: groups))"
            } else if let person {
                condition += " AND \(person) IN (SELECT d.id FROM persons d WHERE d.doelgroep IN (\(binds: groups)))"
            }
        }
        return condition + ")"
    }
}

/// The scope a store method takes: kept under the name every store and door already uses.
public typealias TenantScope = AccessScope
