namespace BayitPlus.Api.Infrastructure.Http;

/// <summary>Metadata of an endpoint that speaks WebSocket after its upgrade.</summary>
public sealed class WebSocketEndpointMetadata;

public static class WebSocketEndpoints
{
    /// <summary>Leaves a WebSocket endpoint out of the OpenAPI document, which cannot describe the
    /// protocol after the upgrade (the README does), and marks it so the contract tests know why
    /// it is missing: no other endpoint may be.</summary>
    public static RouteHandlerBuilder AsWebSocketEndpoint(this RouteHandlerBuilder endpoint) =>
        endpoint.ExcludeFromDescription().WithMetadata(new WebSocketEndpointMetadata());
}
