using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Errors;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>A channel's pinned messages (not deleted), newest first, at most <see cref="MaxPinned"/>.</summary>
public static class ListPinnedMessages
{
    public const int MaxPinned = 50;

    public sealed record Query(string ChannelId) : IQuery<ItemsResponse<ChatMessageResponse>>;

    public sealed class Handler(ChatMessages messages, ILiveChannels channels) : IQueryHandler<Query, ItemsResponse<ChatMessageResponse>>
    {
        public async ValueTask<ItemsResponse<ChatMessageResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            if (!await channels.IsActiveAsync(query.ChannelId, cancellationToken))
            {
                throw new NotFoundException("Channel");
            }

            var pinned = await messages.Collection
                .Find(m => m.ChannelId == query.ChannelId && m.IsPinned && m.IsDeleted != true)
                .SortByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
                .Limit(MaxPinned)
                .ToListAsync(cancellationToken);
            return new ItemsResponse<ChatMessageResponse>([.. pinned.Select(ChatMessageResponse.From)]);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/pinned", async (string channelId, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(ChatModeration.ChannelId(channelId)), ct)))
        .WithName("ListPinnedChatMessages")
        .WithSummary("A channel's pinned chat messages")
        .WithDescription($"Newest first, at most {MaxPinned}; deleted messages are left out. 404 for an unknown or inactive channel.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
