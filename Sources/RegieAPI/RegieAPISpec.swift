import Foundation

/// The OpenAPI document this module's code is generated from, served at `/api/v1/openapi.json`.
public enum RegieAPISpec {
    public static let version = "1.6.0"

    public static func document() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }
}
