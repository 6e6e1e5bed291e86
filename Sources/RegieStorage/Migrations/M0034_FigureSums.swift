/// The figures dashboard without a target-group or gender filter (its usual selection) reads two
/// smaller sets of the maintained totals (M0016), kept in the same refresh:
///
/// - `figure_sums`: `figure_totals` summed over target group and gender, per day.
/// - `figure_month_sums`: the same per month of `day` and of `until_day` (`YYYY-MM`), for the
///   whole months inside a period; the days at its edges come from `figure_sums`.
///
/// At 100,000 cases the largest municipality's rows of a year's dashboard fall from about 250,000
/// to about 15,000 (bench/README.md). Both are derived data: filled here from `figure_totals`, and
/// rebuilt with it.
///
/// The municipality's own targets are kept in the totals too (`FiguresStore.targetContribution`),
/// instead of reading their cohort from the cases on every dashboard. They count from the housing
/// day, so a change of `trajecten.housing_date` now marks the person as well; every person is
/// marked, so the first refresh adds the targets' rows.
enum M0034_FigureSums {
    /// The columns of `trajecten` whose change marks the person: M0016's and the housing day.
    static let trajectColumns = (M0016_FigureTotals.watched.first { $0.table == "trajecten" }?.columns ?? []) + ["housing_date"]

    static let migration = Migration(id: "M0034_FigureSums") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        // On SQLite the key is the table itself, so a range of it reads its rows without a second look-up.
        let clustered = kind == .sqlite ? " WITHOUT ROWID" : ""
        func table(_ name: String, _ from: String, _ until: String) -> String {
            """
            CREATE TABLE \(name) (
                figure TEXT NOT NULL,
                municipality_code TEXT NOT NULL,
                \(from) TEXT NOT NULL,
                \(until) TEXT NOT NULL,
                part TEXT NOT NULL,
                days INTEGER NOT NULL,
                n \(bigint) NOT NULL,
                total \(bigint) NOT NULL,
                PRIMARY KEY (figure, municipality_code, \(from), \(until), part, days)
            )\(clustered)
            """
        }
        return [
            table("figure_sums", "day", "until_day"),
            "CREATE INDEX figure_sums_by_until ON figure_sums (figure, municipality_code, until_day)",
            "CREATE INDEX figure_sums_empty ON figure_sums (figure) WHERE n = 0",
            table("figure_month_sums", "month", "until_month"),
            "CREATE INDEX figure_month_sums_empty ON figure_month_sums (figure) WHERE n = 0",
            """
            INSERT INTO figure_sums (figure, municipality_code, day, until_day, part, days, n, total)
            SELECT figure, municipality_code, day, until_day, part, days, SUM(n), SUM(total) FROM figure_totals
            GROUP BY figure, municipality_code, day, until_day, part, days
            """,
            """
            INSERT INTO figure_month_sums (figure, municipality_code, month, until_month, part, days, n, total)
            SELECT figure, municipality_code, substr(day, 1, 7), substr(until_day, 1, 7), part, days, SUM(n), SUM(total) FROM figure_totals
            GROUP BY figure, municipality_code, substr(day, 1, 7), substr(until_day, 1, 7), part, days
            """,
        ] + markHousing(kind) + ["INSERT INTO figure_dirty (person_id) SELECT person_id FROM trajecten"]
    }

    static func markHousing(_ kind: DatabaseKind) -> [String] {
        let columns = trajectColumns.joined(separator: ", ")
        switch kind {
        case .sqlite:
            return [
                "DROP TRIGGER figure_dirty_trajecten_update",
                """
                CREATE TRIGGER figure_dirty_trajecten_update AFTER UPDATE OF \(columns) ON trajecten
                BEGIN
                    INSERT INTO figure_dirty (person_id) VALUES (OLD.person_id);
                    INSERT INTO figure_dirty (person_id) SELECT NEW.person_id WHERE NEW.person_id <> OLD.person_id;
                END
                """,
            ]
        case .postgres:
            return [
                "DROP TRIGGER figure_dirty_trajecten_change ON trajecten",
                "CREATE TRIGGER figure_dirty_trajecten_change AFTER INSERT OR DELETE OR UPDATE OF \(columns) ON trajecten FOR EACH ROW EXECUTE FUNCTION figure_mark_person_id()",
            ]
        }
    }
}
