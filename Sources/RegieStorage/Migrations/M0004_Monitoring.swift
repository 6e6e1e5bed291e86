/// Monitoring (issue 6): what the figures need that the trajecten did not store yet.
/// - `pip_due_date`: the last day of the 10-week PIP term (R1, from the law module), kept up to
///   date with the nearest term, so "PIP within 10 weeks" is a comparison of two stored dates.
/// - `pip_delay_reason`: why the first PIP was fixed after that day, asked when it is fixed late.
/// - `municipality_settings.monitoring`: the planned route mix and the municipality's own targets.
/// Clearing `next_due_kind` makes the start-up backfill recompute every traject's terms, and with
/// them `pip_due_date`. The indexes serve the dashboard's per-municipality date ranges.
enum M0004_Monitoring {
    static let migration = Migration(id: "M0004_Monitoring") { _ in
        [
            "ALTER TABLE trajecten ADD COLUMN pip_due_date TEXT",
            "ALTER TABLE trajecten ADD COLUMN pip_delay_reason TEXT",
            "ALTER TABLE municipality_settings ADD COLUMN monitoring TEXT NOT NULL DEFAULT '{}'",
            "UPDATE trajecten SET next_due_kind = NULL",
            "CREATE INDEX trajecten_by_municipality_pip_due ON trajecten (municipality_code, pip_due_date)",
            "CREATE INDEX trajecten_by_municipality_pip ON trajecten (municipality_code, pip_date)",
            "CREATE INDEX trajecten_by_municipality_route_start ON trajecten (municipality_code, route_start_date)",
            "CREATE INDEX route_besluiten_by_date ON route_besluiten (decided_date, person_id)",
            "CREATE INDEX route_resultaten_by_date ON route_resultaten (result_date, person_id)",
            "CREATE INDEX handhavingen_by_date ON handhavingen (decided_date, person_id)",
        ]
    }
}
