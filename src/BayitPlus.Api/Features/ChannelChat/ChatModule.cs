using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Http;
using Carter;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>Live chat per channel: <c>/api/live/channels/{channelId}/chat</c> — the WebSocket itself
/// (documented in the README, not in the OpenAPI document, which cannot describe one) and the
/// history for signed-in users — and its moderation for admins under
/// <c>/api/admin/live/channels/{channelId}/chat</c>, beside the channels' own admin endpoints.</summary>
public sealed class ChatModule : ICarterModule
{
    /// <summary>How long an upgrade waits for this instance's change stream to open (at start-up).</summary>
    private static readonly TimeSpan StreamWait = TimeSpan.FromSeconds(5);

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var chat = app.MapGroup("/api/live/channels/{channelId}/chat");
        chat.MapGet("", ConnectAsync).AsWebSocketEndpoint().AllowAnonymous();

        var history = chat.MapGroup("").WithTags("Live chat").RequireAuthorization();
        ListMessages.Map(history);
        ListPinnedMessages.Map(history);

        var moderation = app.MapGroup("/api/admin/live/channels/{channelId}/chat").WithTags("Admin: Live chat").RequireAuthorization(Policies.Admin);
        PinMessage.Map(moderation);
        DeleteMessage.Map(moderation);
        MuteUser.Map(moderation);
        UnmuteUser.Map(moderation);
    }

    /// <summary>Anonymous at the HTTP level: the client authenticates in its first frame, since
    /// browsers cannot set headers on a WebSocket and a token in the URL would end up in logs.</summary>
    private static async Task ConnectAsync(string channelId, HttpContext http, ChatFanout fanout, ChatSession session)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            throw new WebSocketRequiredException();
        }

        try
        {
            await fanout.Watching.WaitAsync(StreamWait, http.RequestAborted);
        }
        catch (TimeoutException)
        {
            throw new ChatUnavailableException();
        }

        await session.RunAsync(http, channelId);
    }
}

public sealed class WebSocketRequiredException() : ApiException(
    StatusCodes.Status400BadRequest, "WebSocket required", "This endpoint speaks the live chat protocol over a WebSocket only (see the README, \"Live chat\").");

public sealed class ChatUnavailableException() : ApiException(
    StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The live chat is starting or cannot reach its database; try again shortly.");
