/// The figures dashboard reads maintained totals instead of every case (issue 14).
///
/// - `figure_contributions`: what each person's traject adds to each figure, independent of the
///   period and of today — a part (target group, route, step…), the date that decides whether it
///   falls in a period (`day`; `0000-01-01` when the figure counts it from the beginning), for the
///   figures counted over an interval the date it stops counting (`until_day`, `9999-12-31` while
///   open), days measured, and an amount. Kept per person so a change can be taken back exactly.
/// - `figure_totals`: the same rows summed per municipality, target group, gender, part, day and
///   days — what the dashboard sums over a period. It grows with the days in use, not the cases.
/// - `figure_dirty`: persons whose facts changed since the totals were brought up to date. Triggers
///   on every table a figure reads append the person in the same statement as the change, so no
///   code path that writes a date can let the totals drift; `FigureTotals.refresh` recomputes the
///   contributions of those persons and moves the totals by the difference before the figures are
///   read. `figure_batch` holds the persons of the refresh running now.
///
/// Every person already there is marked, so the first refresh (at start-up) builds the totals. The
/// own targets, still counted from the cases, get an index on the day housing started.
enum M0016_FigureTotals {
    /// The tables (with the column holding the person's id) whose changes move a figure, and for
    /// the two wide ones the columns that do; a new figure reading another column adds it here.
    static let watched: [(table: String, person: String, columns: [String]?)] = [
        ("persons", "id", ["municipality_code", "doelgroep", "gender", "details_pending"]),
        ("trajecten", "person_id", ["person_id", "municipality_code", "consulent_id", "kennisgeving_date", "koppeling_date", "brp_date",
                                    "intake_date", "pip_date", "pip_due_date", "pip_delay_reason", "route_start_date", "leerroute",
                                    "closed_date", "closed_reason", "next_due_date", "next_due_kind"]),
        ("warme_overdrachten", "person_id", nil),
        ("route_besluiten", "person_id", nil),
        ("route_resultaten", "person_id", nil),
        ("handhavingen", "person_id", nil),
    ]

    static let migration = Migration(id: "M0016_FigureTotals") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        var statements = [
            kind == .postgres
                ? "CREATE TABLE figure_dirty (seq BIGSERIAL PRIMARY KEY, person_id TEXT NOT NULL)"
                : "CREATE TABLE figure_dirty (seq INTEGER PRIMARY KEY, person_id TEXT NOT NULL)",
            "CREATE TABLE figure_batch (person_id TEXT PRIMARY KEY)",
            """
            CREATE TABLE figure_contributions (
                person_id TEXT NOT NULL,
                figure TEXT NOT NULL,
                municipality_code TEXT NOT NULL,
                doelgroep TEXT NOT NULL,
                gender TEXT NOT NULL,
                part TEXT NOT NULL,
                day TEXT NOT NULL,
                until_day TEXT NOT NULL,
                days INTEGER NOT NULL,
                total \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX figure_contributions_by_person ON figure_contributions (person_id)",
            """
            CREATE TABLE figure_totals (
                figure TEXT NOT NULL,
                municipality_code TEXT NOT NULL,
                day TEXT NOT NULL,
                until_day TEXT NOT NULL,
                part TEXT NOT NULL,
                days INTEGER NOT NULL,
                doelgroep TEXT NOT NULL,
                gender TEXT NOT NULL,
                n \(bigint) NOT NULL,
                total \(bigint) NOT NULL,
                PRIMARY KEY (figure, municipality_code, day, until_day, part, days, doelgroep, gender)
            )
            """,
            // The interval figures ask for what is still counted on the period's first day.
            "CREATE INDEX figure_totals_by_until ON figure_totals (figure, municipality_code, until_day)",
            // A refresh removes the sums that came back to zero without reading the others.
            "CREATE INDEX figure_totals_empty ON figure_totals (figure) WHERE n = 0",
            // The own targets stay live: their cohort is a range of housing days (`FiguresStore.housed`).
            "CREATE INDEX trajecten_by_municipality_housed ON trajecten (municipality_code, (COALESCE(housing_date, brp_date)))",
        ]
        switch kind {
        case .sqlite:
            for (table, person, columns) in watched {
                let of = columns.map { " OF " + $0.joined(separator: ", ") } ?? ""
                statements += [
                    "CREATE TRIGGER figure_dirty_\(table)_insert AFTER INSERT ON \(table) BEGIN INSERT INTO figure_dirty (person_id) VALUES (NEW.\(person)); END",
                    """
                    CREATE TRIGGER figure_dirty_\(table)_update AFTER UPDATE\(of) ON \(table)
                    BEGIN
                        INSERT INTO figure_dirty (person_id) VALUES (OLD.\(person));
                        INSERT INTO figure_dirty (person_id) SELECT NEW.\(person) WHERE NEW.\(person) <> OLD.\(person);
                    END
                    """,
                    "CREATE TRIGGER figure_dirty_\(table)_delete AFTER DELETE ON \(table) BEGIN INSERT INTO figure_dirty (person_id) VALUES (OLD.\(person)); END",
                ]
            }
        case .postgres:
            for person in Set(watched.map(\.person)).sorted() {
                statements.append("""
                    CREATE FUNCTION figure_mark_\(person)() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF TG_OP <> 'INSERT' THEN
                            INSERT INTO figure_dirty (person_id) VALUES (OLD.\(person));
                        END IF;
                        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.\(person) IS DISTINCT FROM OLD.\(person)) THEN
                            INSERT INTO figure_dirty (person_id) VALUES (NEW.\(person));
                        END IF;
                        RETURN NULL;
                    END
                    $$
                    """)
            }
            for (table, person, columns) in watched {
                let of = columns.map { " OF " + $0.joined(separator: ", ") } ?? ""
                statements += [
                    "CREATE TRIGGER figure_dirty_\(table)_change AFTER INSERT OR DELETE OR UPDATE\(of) ON \(table) FOR EACH ROW EXECUTE FUNCTION figure_mark_\(person)()",
                ]
            }
        }
        statements.append("INSERT INTO figure_dirty (person_id) SELECT id FROM persons")
        return statements
    }
}
