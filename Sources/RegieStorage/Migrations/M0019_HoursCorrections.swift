/// Hours can be corrected or withdrawn with a reason (issue 15 item 3): the old row stays, marked
/// withdrawn with who, when and why, and points to the row that replaced it when it was corrected.
/// Every total (meters, DUO's running totals, the law facts) reads only rows that are not withdrawn.
enum M0019_HoursCorrections {
    static let migration = Migration(id: "M0019_HoursCorrections") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            "ALTER TABLE uren ADD COLUMN withdrawn_at \(bigint)",
            "ALTER TABLE uren ADD COLUMN withdrawn_by TEXT",
            "ALTER TABLE uren ADD COLUMN withdrawn_reason TEXT",
            "ALTER TABLE uren ADD COLUMN replaced_by TEXT",
        ]
    }
}
