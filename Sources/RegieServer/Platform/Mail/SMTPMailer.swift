import Configuration
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Where Regie sends e-mail (password-set links), read from `SMTP_*`; none when `SMTP_HOST` is not set.
public struct SMTPConfig: Sendable {
    public enum Security: String, Sendable {
        /// Plain connection upgraded with STARTTLS (RFC 3207), normally port 587: the default.
        case starttls
        /// TLS from the first byte (RFC 8314), normally port 465.
        case tls
        /// No encryption: only for a relay on the same host or a test server; never with a password in production.
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// The sender address (`SMTP_FROM`), e.g. `Regie <noreply@gemeente.nl>`.
    public var from: String

    init?(reader: ConfigReader, mode: AppConfig.Mode) throws {
        guard let host = reader.string(forKey: "smtp.host"), !host.isEmpty else { return nil }
        self.host = host
        let securityText = reader.string(forKey: "smtp.security", default: "starttls")
        guard let security = Security(rawValue: securityText) else { throw AppConfig.ConfigError.invalid(key: "SMTP_SECURITY", value: securityText) }
        self.security = security
        port = reader.int(forKey: "smtp.port", default: security == .tls ? 465 : 587)
        username = reader.string(forKey: "smtp.username").flatMap { $0.isEmpty ? nil : $0 }
        password = reader.string(forKey: "smtp.password", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        guard let from = reader.string(forKey: "smtp.from"), SMTPMailer.address(in: from) != nil else {
            throw AppConfig.ConfigError.invalid(key: "SMTP_FROM", value: reader.string(forKey: "smtp.from") ?? "(missing)")
        }
        self.from = from
        if mode == .production, security == .none, username != nil {
            throw AppConfig.ConfigError.invalid(key: "SMTP_SECURITY", value: "none (a password is never sent unencrypted in production)")
        }
    }
}

/// One e-mail: plain text, UTF-8.
public struct MailMessage: Sendable {
    public var to: String
    public var subject: String
    public var body: String
}

/// Sends e-mail over SMTP (RFC 5321) with STARTTLS or TLS and AUTH PLAIN, one connection per
/// message (Regie sends a handful a day). Every step has a time limit; a refusal names the step and
/// the server's reply, never the password.
public struct SMTPMailer: Sendable {
    public let config: SMTPConfig
    let logger: Logger
    var timeout: Duration = .seconds(20)

    public init(config: SMTPConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    public struct Failure: Error, CustomStringConvertible {
        public let step: String
        public let reply: String
        public var description: String { "SMTP \(step): \(reply)" }
    }

    /// The bare address in "Name <address>" or "address".
    static func address(in text: String) -> String? {
        let inner = text.split(separator: "<").last.map { String($0.split(separator: ">").first ?? "") } ?? text
        let trimmed = inner.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "@")
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !trimmed.contains(where: { $0.isWhitespace || $0 == "\r" || $0 == "\n" }) else { return nil }
        return trimmed
    }

    public func send(_ message: MailMessage) async throws {
        guard let to = Self.address(in: message.to), let from = Self.address(in: config.from) else {
            throw Failure(step: "address", reply: "not an e-mail address")
        }
        let lines = LineReader()
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if config.security == .tls { try channel.pipeline.syncOperations.addHandler(try Self.tlsHandler(config.host)) }
                    try channel.pipeline.syncOperations.addHandler(lines)
                }
            }
        let channel = try await bootstrap.connect(host: config.host, port: config.port).get()
        do {
            try await converse(channel, lines, from: from, to: to, message: message)
            try? await channel.close()
        } catch {
            try? await channel.close()
            throw error
        }
    }

    static func tlsHandler(_ host: String) throws -> NIOSSLClientHandler {
        let context = try NIOSSLContext(configuration: .makeClientConfiguration())
        return try NIOSSLClientHandler(context: context, serverHostname: host)
    }

    private func converse(_ channel: any Channel, _ lines: LineReader, from: String, to: String, message: MailMessage) async throws {
        func expect(_ step: String, _ codes: Set<Int>) async throws -> [String] {
            let reply = try await withTimeout { try await lines.reply() }
            guard codes.contains(reply.code) else { throw Failure(step: step, reply: reply.lines.joined(separator: " ")) }
            return reply.lines
        }
        func say(_ line: String) async throws {
            try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n")).get()
        }
        let me = ProcessInfo.processInfo.hostName.isEmpty ? "regie" : ProcessInfo.processInfo.hostName
        _ = try await expect("greeting", [220])
        try await say("EHLO \(me)")
        var features = try await expect("EHLO", [250])
        if config.security == .starttls {
            guard features.contains(where: { $0.uppercased().contains("STARTTLS") }) else { throw Failure(step: "STARTTLS", reply: "not offered by the server") }
            try await say("STARTTLS")
            _ = try await expect("STARTTLS", [220])
            try await channel.pipeline.addHandler(try Self.tlsHandler(config.host), position: .first).get()
            try await say("EHLO \(me)")
            features = try await expect("EHLO", [250])
        }
        if let username = config.username, let password = config.password {
            let token = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
            try await say("AUTH PLAIN \(token)")
            _ = try await expect("AUTH", [235])
        }
        try await say("MAIL FROM:<\(from)>")
        _ = try await expect("MAIL FROM", [250])
        try await say("RCPT TO:<\(to)>")
        _ = try await expect("RCPT TO", [250, 251])
        try await say("DATA")
        _ = try await expect("DATA", [354])
        try await channel.writeAndFlush(ByteBuffer(string: Self.render(message, from: config.from, domain: String(from.split(separator: "@").last ?? "regie")))).get()
        _ = try await expect("message", [250])
        try await say("QUIT")
        _ = try? await withTimeout { try await lines.reply() }
        logger.info("mail sent", metadata: ["to": .string(to), "subject": .string(message.subject)])
    }

    /// The message in RFC 5322 form, ending with the DATA terminator: headers (a non-ASCII subject
    /// as an RFC 2047 encoded word), the UTF-8 body in base64 lines of 76 characters.
    static func render(_ message: MailMessage, from: String, domain: String, date: Date = Date(), id: String = UUID().uuidString.lowercased()) -> String {
        let subject = message.subject.allSatisfy(\.isASCII) ? message.subject : "=?UTF-8?B?\(Data(message.subject.utf8).base64EncodedString())?="
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let body = Data(message.body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let headers = [
            "From: \(from)", "To: \(message.to)", "Subject: \(subject)", "Date: \(formatter.string(from: date))",
            "Message-ID: <\(id)@\(domain)>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64",
        ]
        // Base64 lines never start with a dot, so no dot-stuffing is needed.
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n.\r\n"
    }

    private func withTimeout<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let limit = timeout
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw Failure(step: "timeout", reply: "no answer within \(limit)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}

/// Splits the server's bytes into lines and hands out whole replies (a multi-line reply is
/// "250-…" lines ending with "250 …").
final class LineReader: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private let lock = NSLock()
    private var pending = ""
    private var lines: [String] = []
    private var waiting: CheckedContinuation<String?, Never>?
    private var closed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let text = buffer.readString(length: buffer.readableBytes) ?? ""
        lock.lock()
        pending += text
        while let range = pending.range(of: "\r\n") {
            lines.append(String(pending[..<range.lowerBound]))
            pending.removeSubrange(..<range.upperBound)
        }
        let resume = deliver()
        lock.unlock()
        resume?()
    }

    func channelInactive(context: ChannelHandlerContext) {
        lock.lock()
        closed = true
        let resume = deliver()
        lock.unlock()
        resume?()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Under the lock: the resumption for a waiting reader, if a line (or the end) is there.
    private func deliver() -> (() -> Void)? {
        guard let waiting else { return nil }
        if !lines.isEmpty {
            let line = lines.removeFirst()
            self.waiting = nil
            return { waiting.resume(returning: line) }
        }
        if closed {
            self.waiting = nil
            return { waiting.resume(returning: nil) }
        }
        return nil
    }

    func line() async -> String? {
        await withCheckedContinuation { continuation in
            lock.lock()
            waiting = continuation
            let resume = deliver()
            lock.unlock()
            resume?()
        }
    }

    func reply() async throws -> (code: Int, lines: [String]) {
        var collected: [String] = []
        while let line = await line() {
            collected.append(line)
            let chars = Array(line)
            guard chars.count >= 3, let code = Int(String(chars[0..<3])) else { throw SMTPMailer.Failure(step: "reply", reply: line) }
            if chars.count == 3 || chars[3] == " " { return (code, collected) }
        }
        throw SMTPMailer.Failure(step: "reply", reply: "connection closed")
    }
}
