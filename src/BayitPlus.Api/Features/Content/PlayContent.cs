using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>Starts playback for a signed-in user: counts the view with one atomic <c>$inc</c> and
/// hands out the stream URL. An item without a stream is a 409 naming <c>streamUrl</c> (the item
/// exists but cannot be played), and its view is not counted.</summary>
public static class PlayContent
{
    public sealed record Command(string Id) : ICommand<PlaybackResponse>;

    public sealed class Handler(MongoContext db) : ICommandHandler<Command, PlaybackResponse>
    {
        public async ValueTask<PlaybackResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var id = Ids.Parse(command.Id, "Content");
            var content = db.Collection<ContentDocument>(ContentDocument.CollectionName);
            FilterDefinition<ContentDocument> playable = new BsonDocument
            {
                { "_id", id },
                { "stream_url", new BsonDocument { { "$type", "string" }, { "$ne", "" } } },
            };
            var played = await content.FindOneAndUpdateAsync(
                playable,
                Builders<ContentDocument>.Update.Inc(c => c.ViewCount, 1L),
                new FindOneAndUpdateOptions<ContentDocument, BsonDocument>
                {
                    Projection = Builders<ContentDocument>.Projection.Include(c => c.StreamUrl),
                    ReturnDocument = ReturnDocument.After,
                },
                cancellationToken);
            if (played is not null)
            {
                return new PlaybackResponse(played["stream_url"].AsString);
            }

            return await content.Find(new BsonDocument("_id", id)).AnyAsync(cancellationToken)
                ? throw new ConflictException("streamUrl", "This item has no stream to play yet.")
                : throw new NotFoundException("Content");
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/{id}/play", async (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Command(id), ct)))
        .WithName("PlayContent")
        .WithSummary("Start playback: counts a view and returns the stream URL")
        .RequireAuthorization()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);
}

/// <summary>Where the player streams the item from.</summary>
public sealed record PlaybackResponse(string StreamUrl);
