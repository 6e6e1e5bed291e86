import Foundation
import HTTPTypes
import Hummingbird
import RegieAPI
import RegieProviderAPI

/// The public parts of an API door (`/api/v1`, `/api/aanbieder/v1`), outside its key: the OpenAPI
/// document and the API root.
///
/// The API Design Rules (ADR 2.1.0, /core/publish-openapi) ask for the document at the API's base
/// path without authentication and readable from every origin: `Access-Control-Allow-Origin: *` and a
/// CORS preflight (`OPTIONS`) that allows `GET`. Every answer carries `API-Version`
/// (/core/version-header). The document describes its own path (operation `getOpenAPIDocument`, tag
/// Documentation, which the code generator leaves out: it is served here as bytes, not generated).
struct APIDocumentRoutes {
    let document: Data
    var door: APIDoor = .staff

    func addRoutes(to router: Router<RegieRequestContext>) {
        let door = door
        router.get(RouterPath(stringLiteral: door.documentPath)) { _, _ in
            var headers = Self.headers(contentType: "application/json", version: door.version)
            // Public and the same for everyone until the next release.
            headers[.cacheControl] = "public, max-age=300"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
        router.on(RouterPath(stringLiteral: door.documentPath), method: .options) { request, _ in
            var headers = Self.headers(contentType: nil, version: door.version)
            headers[HTTPField.Name("Access-Control-Allow-Methods")!] = "GET, HEAD, OPTIONS"
            if let asked = request.headers[HTTPField.Name("Access-Control-Request-Headers")!] {
                headers[HTTPField.Name("Access-Control-Allow-Headers")!] = asked
            }
            headers[HTTPField.Name("Access-Control-Max-Age")!] = "86400"
            headers[.allow] = "GET, HEAD, OPTIONS"
            return Response(status: .noContent, headers: headers)
        }
        // The API root: where to find the document. Public; names no data.
        router.get(RouterPath(stringLiteral: door.basePath)) { _, _ in
            let body = #"{"title":"\#(door.title)","version":"\#(door.version)","openapi":"\#(door.documentPath)"}"#
            var headers = Self.headers(contentType: "application/json", version: door.version)
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }

    private static func headers(contentType: String?, version: String) -> HTTPFields {
        var headers: HTTPFields = [.accessControlAllowOrigin: "*", HTTPField.Name("API-Version")!: version]
        if let contentType { headers[.contentType] = contentType }
        return headers
    }
}
