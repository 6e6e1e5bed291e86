/// Financieel ontzorgen (issue 7, R8): the municipality's policy in dated versions, the arrangement
/// per person with its payees and amounts over time, reviews, and the monthly payment runs whose
/// lines are paid once (a unique index over person, month and payee line for every line that is
/// not held back or a repayment).
enum M0005_Ontzorgen {
    static let migration = Migration(id: "M0005_Ontzorgen") { kind in
        let bigint = kind == .postgres ? "BIGINT" : "INTEGER"
        return [
            """
            CREATE TABLE ontzorgen_beleid (
                id TEXT PRIMARY KEY,
                municipality_code TEXT NOT NULL REFERENCES municipalities(code),
                effective_from TEXT NOT NULL,
                beleid TEXT NOT NULL CHECK (beleid IN ('jaTenzij', 'neeTenzij')),
                soorten TEXT NOT NULL,
                duration_months INTEGER NOT NULL CHECK (duration_months BETWEEN 1 AND 36),
                review_months TEXT NOT NULL,
                first_rent_gift INTEGER NOT NULL DEFAULT 0,
                debtor_name TEXT NOT NULL,
                debtor_iban TEXT NOT NULL,
                debtor_bic TEXT,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                UNIQUE (municipality_code, effective_from)
            )
            """,
            """
            CREATE TABLE ontzorgingen (
                person_id TEXT PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
                municipality_code TEXT NOT NULL REFERENCES municipalities(code),
                bijstand_start TEXT NOT NULL,
                beleid_id TEXT REFERENCES ontzorgen_beleid(id),
                regime TEXT NOT NULL,
                ontzorgd INTEGER NOT NULL,
                decision_date TEXT NOT NULL,
                decision_reason TEXT NOT NULL,
                decision_note_sealed TEXT,
                planned_end TEXT NOT NULL,
                mandate_signed_on TEXT,
                leefgeld_name TEXT,
                leefgeld_iban TEXT,
                extended_until TEXT,
                extension_decided_on TEXT,
                extension_reason TEXT,
                closed_on TEXT,
                close_reason TEXT,
                handover_note_sealed TEXT,
                skills_intake_date TEXT,
                skills_intake_result TEXT,
                course_name TEXT,
                course_start TEXT,
                course_end TEXT,
                course_completed_on TEXT,
                retest_date TEXT,
                retest_result TEXT,
                decided_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                updated_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX ontzorgingen_by_municipality ON ontzorgingen (municipality_code, bijstand_start)",
            """
            CREATE TABLE ontzorgen_uitkering (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES ontzorgingen(person_id) ON DELETE CASCADE,
                valid_from TEXT NOT NULL,
                amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                UNIQUE (person_id, valid_from)
            )
            """,
            """
            CREATE TABLE ontzorgen_posten (
                id TEXT PRIMARY KEY,
                post_id TEXT NOT NULL,
                person_id TEXT NOT NULL REFERENCES ontzorgingen(person_id) ON DELETE CASCADE,
                soort TEXT NOT NULL,
                payee_name TEXT NOT NULL,
                iban TEXT NOT NULL,
                reference TEXT NOT NULL,
                amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
                valid_from TEXT NOT NULL,
                valid_until TEXT,
                created_by TEXT NOT NULL,
                created_at \(bigint) NOT NULL
            )
            """,
            "CREATE INDEX ontzorgen_posten_by_person ON ontzorgen_posten (person_id, post_id, valid_from)",
            """
            CREATE TABLE ontzorgen_evaluaties (
                id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES ontzorgingen(person_id) ON DELETE CASCADE,
                held_on TEXT NOT NULL,
                outcome TEXT NOT NULL,
                note_sealed TEXT,
                created_by TEXT NOT NULL,
                created_by_name TEXT NOT NULL,
                created_at \(bigint) NOT NULL
            )
            """,
            """
            CREATE TABLE ontzorgen_runs (
                id TEXT PRIMARY KEY,
                municipality_code TEXT NOT NULL REFERENCES municipalities(code),
                month TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('concept', 'goedgekeurd')),
                execution_date TEXT NOT NULL,
                prepared_by TEXT NOT NULL,
                prepared_by_name TEXT NOT NULL,
                prepared_at \(bigint) NOT NULL,
                approved_by TEXT,
                approved_by_name TEXT,
                approved_at \(bigint),
                message_id TEXT NOT NULL UNIQUE,
                exported_at \(bigint),
                export_count INTEGER NOT NULL DEFAULT 0,
                total_cents \(bigint) NOT NULL DEFAULT 0,
                payments INTEGER NOT NULL DEFAULT 0
            )
            """,
            "CREATE INDEX ontzorgen_runs_by_municipality ON ontzorgen_runs (municipality_code, month)",
            """
            CREATE TABLE ontzorgen_run_personen (
                run_id TEXT NOT NULL REFERENCES ontzorgen_runs(id) ON DELETE CASCADE,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                month TEXT NOT NULL,
                benefit_cents INTEGER NOT NULL,
                deducted_cents INTEGER NOT NULL,
                gift_cents INTEGER NOT NULL,
                leefgeld_cents INTEGER NOT NULL,
                shortfall_cents INTEGER NOT NULL,
                hold_reason TEXT,
                PRIMARY KEY (run_id, person_id)
            )
            """,
            "CREATE INDEX ontzorgen_run_personen_by_person ON ontzorgen_run_personen (person_id, month)",
            """
            CREATE TABLE ontzorgen_betalingen (
                id TEXT PRIMARY KEY,
                run_id TEXT NOT NULL REFERENCES ontzorgen_runs(id) ON DELETE CASCADE,
                person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
                month TEXT NOT NULL,
                post_key TEXT NOT NULL,
                soort TEXT NOT NULL,
                payee_name TEXT NOT NULL,
                iban TEXT NOT NULL,
                reference TEXT NOT NULL,
                amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
                gift INTEGER NOT NULL DEFAULT 0,
                end_to_end_id TEXT NOT NULL UNIQUE,
                status TEXT NOT NULL CHECK (status IN ('klaar', 'aangehouden', 'mislukt')),
                failure_reason TEXT,
                failed_on TEXT,
                repay INTEGER NOT NULL DEFAULT 0,
                repay_iban TEXT,
                retry_of TEXT REFERENCES ontzorgen_betalingen(id),
                recorded_by TEXT,
                recorded_at \(bigint)
            )
            """,
            // Paid once: one line per person, month and payee line unless held back (a shortfall) or
            // a repayment; one repayment per failed line.
            "CREATE UNIQUE INDEX ontzorgen_betalingen_once ON ontzorgen_betalingen (person_id, month, post_key) WHERE status <> 'aangehouden' AND retry_of IS NULL",
            "CREATE UNIQUE INDEX ontzorgen_betalingen_repaid_once ON ontzorgen_betalingen (retry_of) WHERE retry_of IS NOT NULL",
            "CREATE INDEX ontzorgen_betalingen_by_run ON ontzorgen_betalingen (run_id, person_id)",
            "CREATE INDEX ontzorgen_betalingen_by_person ON ontzorgen_betalingen (person_id, month)",
        ]
    }
}
