import Foundation
import HTTPTypes
import Testing
@testable import RegieServer

/// The council overview is a council document: shares that add up, and a past quarter as it stood
/// at its end.
@Suite("Council overview: shares that add up, a past quarter as at its end")
struct CouncilTests {
    @Test("Largest remainder: whole percentages that always add up to 100", arguments: [
        ([1, 1, 1], [34, 33, 33]),
        ([2, 1, 1, 1, 1, 1, 1, 1], [23, 11, 11, 11, 11, 11, 11, 11]),
        ([138, 8, 10, 20, 13, 28, 9], [61, 4, 4, 9, 6, 12, 4]),
        ([5, 0], [100, 0]),
    ])
    func largestRemainder(counts: [Int], expected: [Int]) {
        let shares = FiguresController.largestRemainder(counts).map { $0 ?? -1 }
        #expect(shares == expected)
        #expect(shares.reduce(0, +) == 100)
    }

    @Test("No whole, no shares")
    func empty() {
        #expect(FiguresController.largestRemainder([0, 0]) == [nil, nil])
    }

    @Test("A past quarter is as at its end: stated, and without today's waiting lists", arguments: [Engine.sqlite])
    func pastQuarter(engine: Engine) async throws {
        try await TestSupport.withApp(engine) { client, app in
            let lead = Browser(client)
            _ = try await lead.login(World.email(.teamleider))
            // 18 November 2026: the third quarter is past, the fourth is running.
            let past = try await lead.get("/cijfers/raad?kwartaal=2026-3&gemeente=GM0988").body
            #expect(past.contains("stand per 30 september 2026"))
            #expect(!past.contains("id=\"waits\""), "who waits today is not a figure of a past quarter")
            let current = try await lead.get("/cijfers/raad?kwartaal=2026-4&gemeente=GM0988").body
            #expect(!current.contains("stand per") && current.contains("id=\"waits\""))
        }
    }
}
