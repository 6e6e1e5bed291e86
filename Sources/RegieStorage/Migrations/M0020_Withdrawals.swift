/// An intake conversation or a progress meeting recorded by mistake can be withdrawn with a reason
/// (issue 15 item 3): the row stays, marked with who, when and why, and counts nowhere any more.
enum M0020_Withdrawals {
    static let migration = Migration(id: "M0020_Withdrawals") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return ["intake_gesprekken", "voortgangsgesprekken"].flatMap { table in
            [
                "ALTER TABLE \(table) ADD COLUMN withdrawn_at \(bigint)",
                "ALTER TABLE \(table) ADD COLUMN withdrawn_by TEXT",
                "ALTER TABLE \(table) ADD COLUMN withdrawn_reason TEXT",
            ]
        }
    }
}
