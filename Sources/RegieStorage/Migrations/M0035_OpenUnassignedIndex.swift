/// The summary strip's "not yet assigned" count (`PersonStore.countDue`) through an index of its
/// own: the open cases nobody is assigned to, per municipality.
///
/// Before, the count walked the index on `consulent_id` and looked up every unassigned case, closed
/// ones included, to check that it is open and in scope: at a million cases up to 10,001 row
/// look-ups, about 17 ms of a team lead's 40 ms page (bench/README.md). A partial index holds only
/// the rows the count wants, and its municipality column answers the scope, so the count reads
/// the index alone, as the overdue and due-soon counts already do
/// (`trajecten_open_by_municipality_due`). It also serves the unassigned list in term order.
enum M0035_OpenUnassignedIndex {
    static let migration = Migration(id: "M0035_OpenUnassignedIndex") { _ in
        ["""
         CREATE INDEX trajecten_open_unassigned ON trajecten (municipality_code, next_due_date, person_id)
         WHERE consulent_id IS NULL AND closed_date IS NULL
         """]
    }
}
