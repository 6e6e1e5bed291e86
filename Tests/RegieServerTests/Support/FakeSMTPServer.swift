import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A local SMTP server for tests (plain, no TLS): it answers a client's dialogue as a mail server
/// would and keeps each message it accepts — envelope and the DATA as received.
final class FakeSMTPServer: @unchecked Sendable {
    struct Received: Sendable { let from: String; let to: [String]; let data: String }

    private let received = NIOLockedValueBox<[Received]>([])
    private var channel: (any Channel)?
    var port: Int { channel?.localAddress?.port ?? 0 }
    var messages: [Received] { received.withLockedValue { $0 } }

    func start() async throws {
        let box = received
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Session(store: box)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async {
        try? await channel?.close()
    }

    /// One client's dialogue, line by line.
    final class Session: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let store: NIOLockedValueBox<[Received]>
        var pending = ""
        var from = ""
        var to: [String] = []
        var data: String?

        init(store: NIOLockedValueBox<[Received]>) { self.store = store }

        func channelActive(context: ChannelHandlerContext) {
            send(context, "220 fake.test ESMTP")
        }

        func send(_ context: ChannelHandlerContext, _ line: String) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: line + "\r\n")), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data incoming: NIOAny) {
            var buffer = unwrapInboundIn(incoming)
            pending += buffer.readString(length: buffer.readableBytes) ?? ""
            while let range = pending.range(of: "\r\n") {
                let line = String(pending[..<range.lowerBound])
                pending.removeSubrange(..<range.upperBound)
                handle(context, line)
            }
        }

        func handle(_ context: ChannelHandlerContext, _ line: String) {
            if var body = data {
                if line == "." {
                    let message = Received(from: from, to: to, data: body)
                    store.withLockedValue { $0.append(message) }
                    data = nil
                    send(context, "250 2.0.0 queued")
                } else {
                    body += line + "\r\n"
                    data = body
                }
                return
            }
            let upper = line.uppercased()
            if upper.hasPrefix("EHLO") {
                send(context, "250-fake.test")
                send(context, "250 8BITMIME")
            } else if upper.hasPrefix("MAIL FROM:") {
                from = String(line.dropFirst(10))
                send(context, "250 2.1.0 ok")
            } else if upper.hasPrefix("RCPT TO:") {
                to.append(String(line.dropFirst(8)))
                send(context, "250 2.1.5 ok")
            } else if upper == "DATA" {
                data = ""
                send(context, "354 end with <CRLF>.<CRLF>")
            } else if upper == "QUIT" {
                send(context, "221 2.0.0 bye")
                context.close(promise: nil)
            } else {
                send(context, "502 5.5.2 not implemented")
            }
        }
    }
}
