/// Two figures changed what each person contributes to the maintained totals (M0016): a late PIP
/// now carries the day it was fixed (so a past quarter counts it as missing at its end), and the
/// route mix counts the route of the first fixed PIP. Every person is marked, so the first refresh
/// recomputes their contributions.
enum M0025_FigureAsAtEnd {
    static let migration = Migration(id: "M0025_FigureAsAtEnd") { _ in
        ["INSERT INTO figure_dirty (person_id) SELECT person_id FROM trajecten"]
    }
}
