import Foundation
import Hummingbird
import HummingbirdTesting
import RegieStorage
import Testing
@testable import RegieServer

/// A password-set link goes out by e-mail when a mail server is configured (issue 16 item 3), checked
/// against a local SMTP server; without one, or when sending fails, the link is shown once instead.
@Suite("Password-set links by e-mail")
struct MailTests {
    @Test("With SMTP configured the new user's link is e-mailed to them, not shown; the link in the mail sets the password", arguments: Engine.available)
    func mailed(engine: Engine) async throws {
        let server = FakeSMTPServer()
        try await server.start()
        defer { Task { await server.stop() } }
        try await TestSupport.withApp(engine, config: ["SMTP_HOST": "127.0.0.1", "SMTP_PORT": String(server.port), "SMTP_SECURITY": "none",
                                                       "SMTP_FROM": "Regie <noreply@regie.example>", "PUBLIC_URL": "https://regie.example"]) { client, app in
            let beheerder = Browser(client)
            let csrf = try await beheerder.login(World.email(.functioneelBeheerder))
            let created = try await AccountsAdminTests.create(beheerder, csrf: csrf, name: "Nieuwe Consulent", email: "nieuw@a.example")
            #expect(created.status == .created)
            #expect(created.body.contains("De link om een wachtwoord in te stellen is per e-mail verstuurd naar <strong>nieuw@a.example</strong>."))
            #expect(!created.body.contains("/wachtwoord-instellen/"), "the link is not shown when it went by e-mail")

            let message = try #require(server.messages.first)
            #expect(server.messages.count == 1)
            #expect(message.from == "<noreply@regie.example>")
            #expect(message.to == ["<nieuw@a.example>"])
            #expect(message.data.contains("To: nieuw@a.example"))
            #expect(message.data.contains("Subject: Stel uw wachtwoord in voor Regie"))
            #expect(message.data.contains("Content-Type: text/plain; charset=utf-8"))
            let body = try #require(message.data.components(separatedBy: "\r\n\r\n").dropFirst().first)
            let text = String(decoding: try #require(Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: ""))), as: UTF8.self)
            #expect(text.hasPrefix("Beste Nieuwe Consulent,"))
            let link = try #require(text.components(separatedBy: "\r\n").first { $0.hasPrefix("https://regie.example/wachtwoord-instellen/") }, "\(text)")
            let path = String(link.dropFirst("https://regie.example".count)).trimmingCharacters(in: .whitespacesAndNewlines)

            let newcomer = Browser(client)
            let page = try await newcomer.get(path)
            #expect(page.status == .ok)
            let done = try await newcomer.post(path, form: [("new", AccountsAdminTests.newPassword), ("confirm", AccountsAdminTests.newPassword)], csrf: page.csrf)
            #expect(done.location == "/inloggen?reden=wachtwoord")
            let actions = try await app.database.sql.raw("SELECT detail FROM audit_log WHERE action = 'user.passwordLink'").all()
                .map { try $0.decode(column: "detail", as: String.self) }
            #expect(actions.contains("per e-mail verstuurd aan nieuw@a.example"))
            #expect(!actions.contains { $0.contains(path) }, "the audit never holds the token")
        }
    }

    @Test("When the mail server cannot be reached the link is shown once with the reason, so it is not lost", arguments: Engine.available)
    func unreachable(engine: Engine) async throws {
        // A port nobody listens on: take one and let it go.
        let server = FakeSMTPServer()
        try await server.start()
        let port = server.port
        await server.stop()
        try await TestSupport.withApp(engine, config: ["SMTP_HOST": "127.0.0.1", "SMTP_PORT": String(port), "SMTP_SECURITY": "none",
                                                       "SMTP_FROM": "noreply@regie.example"]) { client, _ in
            let beheerder = Browser(client)
            let csrf = try await beheerder.login(World.email(.functioneelBeheerder))
            let created = try await AccountsAdminTests.create(beheerder, csrf: csrf)
            #expect(created.status == .created)
            #expect(created.body.contains("De e-mail met de link kon niet worden verstuurd."))
            #expect(created.body.contains("/wachtwoord-instellen/"))
            #expect(created.body.contains("De mailserver 127.0.0.1:\(port) is niet bereikbaar."), "the reason in words, not a socket error")
        }
    }

    @Test("The mail settings are checked at start: a sender is required, STARTTLS on 587 by default, no password in the clear in production")
    func configuration() throws {
        #expect(try TestSupport.config().smtp == nil, "no SMTP_HOST: no mail, links are shown")
        #expect(throws: AppConfig.ConfigError.self) { try TestSupport.config(["SMTP_HOST": "mail.example"]) }
        let smtp = try #require(try TestSupport.config(["SMTP_HOST": "mail.example", "SMTP_FROM": "Regie <noreply@gemeente.example>"]).smtp)
        #expect(smtp.security == .starttls)
        #expect(smtp.port == 587)
        #expect(try TestSupport.config(["SMTP_HOST": "mail.example", "SMTP_FROM": "a@b.example", "SMTP_SECURITY": "tls"]).smtp?.port == 465)
        #expect(throws: AppConfig.ConfigError.self) { try TestSupport.config(["SMTP_HOST": "mail.example", "SMTP_FROM": "a@b.example", "SMTP_SECURITY": "ssl"]) }
        let production = ["REGIE_ENV": "production", "FIELD_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
                          "SMTP_HOST": "mail.example", "SMTP_FROM": "a@b.example", "SMTP_SECURITY": "none", "SMTP_USERNAME": "regie", "SMTP_PASSWORD": "geheim"]
        #expect(throws: AppConfig.ConfigError.self) { try TestSupport.config(production) }
    }

    @Test("A message is RFC 5322 text: an encoded non-ASCII subject, a base64 UTF-8 body, CRLF lines and the DATA terminator")
    func rendering() throws {
        let text = SMTPMailer.render(MailMessage(to: "a@b.example", subject: "Één link", body: "Regel één\nRegel twee"), from: "Regie <n@r.example>",
                                     domain: "r.example", date: Date(timeIntervalSince1970: 0), id: "x")
        #expect(text.contains("Subject: =?UTF-8?B?\(Data("Één link".utf8).base64EncodedString())?="))
        #expect(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(text.hasSuffix("\r\n.\r\n"))
        let body = try #require(text.components(separatedBy: "\r\n\r\n").dropFirst().first).replacingOccurrences(of: "\r\n.\r\n", with: "")
        #expect(String(decoding: try #require(Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: ""))), as: UTF8.self) == "Regel één\r\nRegel twee")
        #expect(SMTPMailer.address(in: "Regie <noreply@regie.example>") == "noreply@regie.example")
        #expect(SMTPMailer.address(in: "geen adres") == nil)
    }
}
