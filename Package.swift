// swift-tools-version:6.2
import PackageDescription

// Swift 6 language mode and strict concurrency for every target; no unsafe flags.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Regie",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "regie", targets: ["regie"]),
        .library(name: "Inburgering", targets: ["Inburgering"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["ConfigurationSupport"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
    ],
    targets: [
        // The law and the domain: values and pure rules. Foundation only.
        .target(name: "Inburgering", swiftSettings: swiftSettings),

        // The only module that imports SQLKit and the drivers.
        .target(
            name: "RegieStorage",
            dependencies: [
                "Inburgering", "DUO",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Spec-first JSON API: the OpenAPI document and the code generated from it.
        .target(
            name: "RegieAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            resources: [.copy("openapi.json")],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),

        // The provider API (its own OpenAPI document and keys): what a provider's administration
        // system reads and reports.
        .target(
            name: "RegieProviderAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            resources: [.copy("openapi.json")],
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),

        // The DUO interface: message types, the events and what they change, reconciliation. Pure.
        .target(name: "DUO", dependencies: ["Inburgering"], swiftSettings: swiftSettings),

        // DUO's HTTP client with mutual TLS (the only DUO code that talks over the network).
        .target(
            name: "DUOClient",
            dependencies: [
                "DUO",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The DUO simulator (state, rules and its HTTP server) for development, demos and tests;
        // linked by the `regie` executable and the tests only, never by a production module.
        .target(
            name: "DUOSimulator",
            dependencies: [
                "Inburgering", "DUO", "DUOClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The BRP API Personen (Haal Centraal, version 2): the request and answer Regie uses, and its
        // HTTP client (API key and/or mutual TLS).
        .target(
            name: "BRP",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The BRP simulator for development, demos and tests; never linked by a production module.
        .target(
            name: "BRPSimulator",
            dependencies: [
                "BRP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The SEPA credit-transfer writer (pain.001.001.03) for ontzorgen's payment runs. Foundation only.
        .target(name: "SEPA", swiftSettings: swiftSettings),

        // Casework commands: one typed command per action, with typed input and a typed refusal that
        // names the field and the rule. Every door (web, API, partners, the newcomer) calls these.
        // No web framework.
        .target(name: "RegieCasework", dependencies: ["Inburgering", "DUO", "RegieStorage"], swiftSettings: swiftSettings),

        // The only module that imports Hummingbird.
        .target(
            name: "RegieServer",
            dependencies: [
                "Inburgering", "RegieStorage", "RegieCasework", "RegieAPI", "RegieProviderAPI", "DUO", "DUOClient", "SEPA", "BRP",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),

        // The executable only starts things (the server, or the DUO simulator for development).
        .executableTarget(
            name: "regie",
            dependencies: [
                "RegieServer", "RegieStorage", "Inburgering", "DUOSimulator", "BRP", "BRPSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "InburgeringTests", dependencies: ["Inburgering"], swiftSettings: swiftSettings),
        .testTarget(name: "DUOTests", dependencies: ["DUO", "Inburgering"], swiftSettings: swiftSettings),
        .testTarget(name: "DUOSimulatorTests", dependencies: ["DUOSimulator", "DUOClient", "DUO", "Inburgering"], swiftSettings: swiftSettings),
        .testTarget(name: "SEPATests", dependencies: ["SEPA"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RegieServerTests",
            dependencies: [
                "RegieServer", "RegieStorage", "RegieCasework", "RegieAPI", "RegieProviderAPI", "Inburgering", "DUO", "DUOClient", "DUOSimulator", "BRP", "BRPSimulator",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
