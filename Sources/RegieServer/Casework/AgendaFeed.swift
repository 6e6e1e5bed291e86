import Foundation
import Hummingbird
import Inburgering
import RegieStorage

/// Each consulent's agenda as an iCalendar feed (RFC 5545) for Outlook and the like. The URL holds a
/// random token, stored only as its keyed digest; the account page makes, renews and revokes it. The
/// feed is read without a session cookie (calendar clients have none), so it says as little as it
/// can: the kind of appointment, the newcomer's initials and the case number, never a name, BSN or
/// address (AVG art. 5(1)(c)). The place is left out too (free text, which may name a home address);
/// a video link is given as the event's URL. A revoked or unknown token answers 404.
struct AgendaFeedController {
    let services: AppServices

    /// On the root router: outside the web middleware, which would ask for a session.
    func addRoutes(to router: Router<RegieRequestContext>) {
        router.get(RouterPath(SiteRoute.agendaFeedPattern), use: feed)
    }

    /// From thirty days back to a year ahead: what a calendar needs, bounded.
    static let daysBack = 30
    static let daysAhead = 366

    func feed(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        // Outside the web middleware: answered here, as plain text, without a page that could say more.
        guard token.count <= 100, let userId = try await services.casework.feedOwner(tokenHash: services.hasher.digest(token)),
              let user = try await services.users.fetchUser(id: userId), user.active,
              !Set(user.roles).isDisjoint(with: [.consulent, .teamleider]) else {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: "Not found\n")))
        }
        let now = services.clock.now()
        let today = CalendarDate.today(now: now)
        let scope = TenantScope(municipalityCodes: user.municipalities.map(\.code), dataClasses: [.identity, .casework])
        let entries = try await services.casework.listAgenda(ownerIds: [user.id], from: today.adding(days: -Self.daysBack),
                                                             until: today.adding(days: Self.daysAhead), scope: scope)
        let t = Localizer(catalogue: services.catalogue, locale: .nl)
        // The read is the user's, through their secret URL: audited like any other read of their agenda.
        try await services.auditCommit.append(AuditEvent(
            actorId: user.id, actorName: user.name, actorRole: user.roles.contains(.consulent) ? Role.consulent.rawValue : Role.teamleider.rawValue,
            organisationId: user.organisationId, action: AuditAction.agendaFeedRead.rawValue, purpose: "inburgering", requestId: context.requestID,
            detail: "personen: " + Set(entries.map(\.afspraak.personId)).sorted().joined(separator: ",")), at: now)
        let body = ICalendar.feed(entries, now: now, name: t("agenda.feedName"), kindName: { t("agenda.kinds.\($0.rawValue)") })
        return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// RFC 5545 text: CRLF line ends, lines folded at 75 octets, TEXT values escaped, times in UTC.
enum ICalendar {
    static func feed(_ entries: [AgendaEntry], now: Date, name: String, kindName: (AfspraakSoort) -> String) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Regie//Agenda//NL", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + escape(name), "X-WR-TIMEZONE:Europe/Amsterdam"]
        for entry in entries {
            let a = entry.afspraak
            let caseNumber = CaseReference.of(municipalityCode: entry.municipalityCode, trajectId: entry.trajectId)
            let who = initials(givenNames: entry.givenNames, familyName: entry.familyName)
            lines += [
                "BEGIN:VEVENT",
                "UID:\(a.id)@regie",
                "DTSTAMP:" + utc(now),
                "DTSTART:" + utc(a.startsAt.instant),
                "DTEND:" + utc(a.endsAt.instant),
                "SUMMARY:" + escape("\(kindName(a.kind)) – \(who) (\(caseNumber))"),
                "DESCRIPTION:" + escape("Zaak \(caseNumber), \(who) – de gegevens staan in Regie."),
                "STATUS:" + (a.status == .geannuleerd ? "CANCELLED" : "CONFIRMED"),
                "TRANSP:OPAQUE",
            ]
            if let link = a.videoLink, !link.contains(where: { $0.isNewline }) { lines.append("URL:" + link) }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// "A.H." from "Amal" and "Haddad": the first letter of each given name and of the family name
    /// (a prefix such as "van" is left out).
    static func initials(givenNames: String, familyName: String) -> String {
        let given = givenNames.split(separator: " ").compactMap(\.first)
        let family = familyName.split(separator: " ").last { $0.first?.isUppercase == true }?.first ?? familyName.first
        return (given + [family].compactMap { $0 }).map { "\($0.uppercased())." }.joined()
    }

    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines.
    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n", "\r": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }

    /// Folds a content line into lines of at most 75 octets (§3.1), never inside a UTF-8 character:
    /// each continuation starts with one space.
    static func fold(_ line: String) -> String {
        var parts: [String] = []
        var current = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            let limit = parts.isEmpty ? 75 : 74
            if octets + size > limit {
                parts.append(current)
                current = ""
                octets = 0
            }
            current.unicodeScalars.append(scalar)
            octets += size
        }
        parts.append(current)
        return parts.joined(separator: "\r\n ")
    }
}

// MARK: Making and revoking the feed's URL (from the account page)

extension AgendaController {
    struct FeedView: Encodable { let url: String; let accountHref: String }

    /// Makes a new secret URL (revoking the one before) and shows it once.
    func createFeed(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.editPersons)
        guard let user = principal.user else { throw AppError.forbidden }
        let token = TokenHasher.randomToken()
        try await services.casework.replaceFeedToken(userId: user.id, tokenHash: services.hasher.digest(token), now: services.clock.now())
        try await services.record(.agendaFeedCreate, context: context, permission: .editPersons)
        let base = services.config.publicURL ?? ("http://" + (request.head.authority ?? "localhost"))
        let url = base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + SiteRoute.agendaFeed(token).path
        return try services.views.render("agenda-feed", titleKey: "agenda.feedTitle", content: FeedView(url: url, accountHref: SiteRoute.account.path),
                                         context: context)
    }

    func revokeFeed(_ request: Request, context: RegieRequestContext) async throws -> Response {
        let principal = try context.require(.editPersons)
        guard let user = principal.user else { throw AppError.forbidden }
        try await services.casework.revokeFeedToken(userId: user.id)
        try await services.record(.agendaFeedRevoke, context: context, permission: .editPersons)
        return Response(status: .seeOther, headers: [.location: SiteRoute.account.path + "?melding=agendaIngetrokken#agenda-feed"])
    }
}
