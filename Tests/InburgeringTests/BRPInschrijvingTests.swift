import Testing
@testable import Inburgering

@Suite("R1 — which BRP registration starts the PIP term (Wi2021 art. 15 lid 5)")
struct BRPInschrijvingTests {
    @Test("R1 — only a registration in the municipality that directs the case counts", arguments: [
        ("0363", "2026-03-02", "0363", "2026-03-02"),   // registered here: that day
        ("0599", "2026-03-02", "0363", nil),            // registered elsewhere (moved away): nothing here
        (nil, "2026-03-02", "0363", nil),               // municipality unknown: nothing
        ("0363", nil, "0363", nil),                     // registered here, day unknown: nothing
    ] as [(String?, String?, String, String?)])
    func registration(gemeente: String?, op: String?, regie: String, expected: String?) {
        #expect(PIPDeadlineRule.brpInschrijving(gemeenteVanInschrijving: gemeente, ingeschrevenOp: op.map(d), regieGemeente: regie) == expected.map(d))
    }
}
