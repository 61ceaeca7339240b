using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>A channel's chat history, newest first, paged backwards in time: <c>before</c> is the
/// previous page's <c>nextCursor</c>, and each page holds older messages than the one before it.
/// Deleted messages are left out.</summary>
public static class ListMessages
{
    private static readonly Keyset<ChannelChatMessageDocument> Newest = new("chat-messages", "created_at", BsonType.DateTime, m => m.CreatedAt, m => m.Id);

    public sealed record Query(string ChannelId, string? Before, string? Limit) : IQuery<Page<ChatMessageResponse>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).PageLimit();
            RuleFor(q => q.Before).PageCursor(Newest);
        }
    }

    public sealed class Handler(ChatMessages messages, ILiveChannels channels) : IQueryHandler<Query, Page<ChatMessageResponse>>
    {
        public async ValueTask<Page<ChatMessageResponse>> Handle(Query query, CancellationToken cancellationToken)
        {
            if (!await channels.IsActiveAsync(query.ChannelId, cancellationToken))
            {
                throw new NotFoundException("Channel");
            }

            var page = await Newest.ReadAsync(
                messages.Collection,
                Builders<ChannelChatMessageDocument>.Filter.Eq(m => m.ChannelId, query.ChannelId) & Builders<ChannelChatMessageDocument>.Filter.Ne(m => m.IsDeleted, true),
                query.Before,
                query.Limit,
                cancellationToken);
            return page.Select(ChatMessageResponse.From);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/messages", async (string channelId, string? before, string? limit, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(ChatModeration.ChannelId(channelId), before, limit), ct)))
        .WithQueryRules<Query>()
        .WithName("ListChatMessages")
        .WithSummary("A channel's chat history, newest first")
        .WithDescription("Pages backwards in time: pass a page's `nextCursor` as `before` for the older messages before it. Deleted messages " +
            "are left out. 404 for an unknown or inactive channel.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
