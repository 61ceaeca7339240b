using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>Admin: pins or unpins a message (not deleted) of a channel. Every connected client gets
/// <c>pinned</c>/<c>unpinned</c> from the change stream. Pinning a pinned message changes nothing
/// and sends nothing. Audited in the same transaction.</summary>
public static class PinMessage
{
    public sealed record Command(string ChannelId, string MessageId, string AdminId, bool Pin) : ICommand<ChatMessageResponse>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new(Pin ? "chat.message_pinned" : "chat.message_unpinned", "chat_message", ChannelChatMessageDocument.CollectionName, MessageId, Atomic: true);
    }

    public sealed class Handler(ChatMessages messages, TimeProvider time) : ICommandHandler<Command, ChatMessageResponse>
    {
        public async ValueTask<ChatMessageResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var session = AuditTransaction.Required;
            var visible = ChatModeration.Visible(command.ChannelId, command.MessageId);
            var update = command.Pin
                ? Builders<ChannelChatMessageDocument>.Update.Set(m => m.IsPinned, true).Set(m => m.PinnedAt, time.GetUtcNow().UtcDateTime).Set(m => m.PinnedBy, command.AdminId)
                : Builders<ChannelChatMessageDocument>.Update.Set(m => m.IsPinned, false).Unset(m => m.PinnedAt).Unset(m => m.PinnedBy);
            var changed = await messages.Collection.FindOneAndUpdateAsync(
                session,
                visible & Builders<ChannelChatMessageDocument>.Filter.Ne(m => m.IsPinned, command.Pin),
                update,
                new FindOneAndUpdateOptions<ChannelChatMessageDocument> { ReturnDocument = ReturnDocument.After },
                cancellationToken);
            var message = changed ?? await messages.Collection.Find(session, visible).FirstOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Chat message");
            return ChatMessageResponse.From(message);
        }
    }

    internal static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/messages/{messageId}/pin", (string channelId, string messageId, HttpContext http, ISender sender, CancellationToken ct) => SendAsync(channelId, messageId, true, http, sender, ct))
            .WithName("PinChatMessage")
            .WithSummary("Admin: pin a chat message")
            .WithDescription("Pins a message of the channel; connected clients get a `pinned` frame and `GET .../chat/pinned` lists it. " +
                "Pinning a pinned message changes nothing. 404 for an unknown or deleted message, or one of another channel.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/messages/{messageId}/pin", (string channelId, string messageId, HttpContext http, ISender sender, CancellationToken ct) => SendAsync(channelId, messageId, false, http, sender, ct))
            .WithName("UnpinChatMessage")
            .WithSummary("Admin: unpin a chat message")
            .WithDescription("Unpins a message of the channel; connected clients get an `unpinned` frame. Unpinning a message that is not pinned " +
                "changes nothing. 404 for an unknown or deleted message, or one of another channel.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<ChatMessageResponse>> SendAsync(string channelId, string messageId, bool pin, HttpContext http, ISender sender, CancellationToken ct) =>
        TypedResults.Ok(await sender.Send(new Command(ChatModeration.ChannelId(channelId), ChatModeration.MessageId(messageId), http.User.Id(), pin), ct));
}
