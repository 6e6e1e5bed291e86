/// The next step of every case (`NextStepRule`, issue 15): the work recorded on the case that the
/// step needs besides the law facts — kept with the traject in the transaction of every change, so a
/// list computes each row's step on the day it is read — and the step and its date as they were at
/// the last change, for sorting and filtering the werkvoorraad. `intake_onderwerpen.recorded` says
/// whether a saved topic has an answer (a topic saved empty is not covered, R5a).
/// Clearing `next_due_kind` makes the start-up backfill compute them for every case.
enum M0018_NextStep {
    static let migration = Migration(id: "M0018_NextStep") { _ in
        [
            "ALTER TABLE trajecten ADD COLUMN handover_held INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE trajecten ADD COLUMN intake_conversations INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE trajecten ADD COLUMN intake_open_topics INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE trajecten ADD COLUMN lbt_done INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE trajecten ADD COLUMN route_decided INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE trajecten ADD COLUMN next_step TEXT",
            "ALTER TABLE trajecten ADD COLUMN next_step_date TEXT NOT NULL DEFAULT '\(M0002_Casework.noDueDate)'",
            "ALTER TABLE intake_onderwerpen ADD COLUMN recorded INTEGER NOT NULL DEFAULT 1",
            "CREATE INDEX trajecten_by_municipality_next_step ON trajecten (municipality_code, next_step_date, person_id)",
            "CREATE INDEX trajecten_by_consulent_next_step ON trajecten (consulent_id, next_step_date, person_id)",
            "UPDATE trajecten SET next_due_kind = NULL",
        ]
    }
}
