import Testing
@testable import Inburgering

@Suite("R2 — the first PIP starts the inburgeringstermijn; a later version does not move it (Wi2021 art. 11 lid 1)")
struct EerstePIPTermijnTests {
    @Test("Fixing a PIP: the first one's dagtekening is kept, whatever the later versions say", arguments: [
        // (recorded first PIP, dagtekening of the PIP being fixed, kept first dagtekening, starts the term)
        (String?.none, "2025-03-10", "2025-03-10", true),
        (nil, "2024-02-29", "2024-02-29", true),
        ("2025-03-10", "2025-06-01", "2025-03-10", false),
        ("2025-03-10", "2025-03-10", "2025-03-10", false),
        // A version dated earlier than the first (a correction) does not move the start either.
        ("2025-03-10", "2025-02-01", "2025-03-10", false),
    ])
    func vaststelling(recorded: String?, dagtekening: String, kept: String, starts: Bool) {
        let result = InburgeringstermijnRule.bijVaststelling(eerstePIPDagtekening: recorded.map(d), dagtekening: d(dagtekening))
        #expect(result == PIPVaststelling(eerstePIPDagtekening: d(kept), startTermijn: starts))
    }

    @Test("The term follows the kept dagtekening: from the day after, 3 years")
    func termFollows() {
        let first = InburgeringstermijnRule.bijVaststelling(eerstePIPDagtekening: nil, dagtekening: d("2024-05-01"))
        let later = InburgeringstermijnRule.bijVaststelling(eerstePIPDagtekening: first.eerstePIPDagtekening, dagtekening: d("2025-01-15"))
        let term = InburgeringstermijnRule.basis(eerstePIPDagtekening: later.eerstePIPDagtekening)
        #expect(term.start == d("2024-05-02"))
        #expect(term.end == d("2027-05-01"))
    }
}
