using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>One catalog item, localized; an unknown or malformed id is a 404.</summary>
public static class GetContent
{
    public sealed record Query(string Id, string Language) : IQuery<ContentResponse>;

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, ContentResponse>
    {
        public async ValueTask<ContentResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var id = Ids.Parse(query.Id, "Content");
            var content = await db.Collection<ContentDocument>(ContentDocument.CollectionName)
                .Find(new BsonDocument("_id", id))
                .FirstOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Content");
            return ContentCardMapping.From(content, query.Language);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/{id}", async (string id, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(id, RequestLanguage.Resolve(http)), ct)))
        .WithLanguage()
        .WithName("GetContent")
        .WithSummary("One catalog item, in the language of lang or Accept-Language")
        .WithDescription(
            "The item's card with every public field; the stream URL is only handed out by POST /api/content/{id}/play, which needs a token. " +
            OperationNotes.Language + " " + OperationNotes.Durations + " " + OperationNotes.Cached + " " + OperationNotes.NotFoundById)
        .AllowAnonymous()
        .CacheOutput(CatalogCache.Policy)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
