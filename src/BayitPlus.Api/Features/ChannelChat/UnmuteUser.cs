using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Errors;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>Admin: ends a user's mute in a channel now. The mute's end moves to now (the TTL index
/// removes it), so the change stream still says whom it concerned and their sockets get
/// <c>unmuted</c>. Audited in the same transaction.</summary>
public static class UnmuteUser
{
    public sealed record Command(string ChannelId, string UserId) : ICommand, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("chat.user_unmuted", "chat_mute", ChatMuteDocument.CollectionName, ChatMuteDocument.KeyOf(ChannelId, UserId), KeyField: "mute_key", Atomic: true);
    }

    public sealed class Handler(ChatMessages chat, TimeProvider time) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var ended = await chat.Mutes.UpdateOneAsync(
                AuditTransaction.Required,
                Builders<ChatMuteDocument>.Filter.Eq(m => m.MuteKey, ChatMuteDocument.KeyOf(command.ChannelId, command.UserId))
                & Builders<ChatMuteDocument>.Filter.Gt(m => m.Until, now),
                Builders<ChatMuteDocument>.Update.Set(m => m.Until, now),
                cancellationToken: cancellationToken);
            return ended.MatchedCount == 0 ? throw new NotFoundException("Mute") : Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapDelete("/mutes/{userId}", async (string channelId, string userId, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new Command(ChatModeration.ChannelId(channelId), Ids.Parse(userId, "Mute").ToString()), ct);
            return TypedResults.NoContent();
        })
        .WithName("UnmuteChatUser")
        .WithSummary("Admin: end a user's mute in a channel's chat")
        .WithDescription("The user may send again at once; their open sockets get an `unmuted` frame. 404 when the user is not muted in this channel.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
