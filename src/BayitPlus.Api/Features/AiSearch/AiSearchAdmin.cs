using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using Carter;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.AiSearch;

/// <summary>Admin: the embedding indexer under <c>/api/admin/ai-search</c>.</summary>
public sealed class AiSearchAdminModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/ai-search").WithTags("Admin: AI search").RequireAuthorization(Policies.Admin);
        GetIndexerStatus.Map(admin);
        RequestReindex.Map(admin);
    }
}

public static class GetIndexerStatus
{
    public sealed record Query : IQuery<IndexerStatusResponse>;

    public sealed class Handler(IndexerStatus status) : IQueryHandler<Query, IndexerStatusResponse>
    {
        public async ValueTask<IndexerStatusResponse> Handle(Query query, CancellationToken cancellationToken) => await status.ReadAsync(cancellationToken);
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/status", async (ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new Query(), ct)))
        .WithName("GetAiSearchIndexerStatus")
        .WithSummary("Admin: the embedding indexer — models, counts, backlog, vector index and last pass")
        .WithDescription(
            "Embeddings are counted per model (`embeddings`, and `pending` while a model change re-embeds the catalog); `backlog` is the catalog items " +
            "still without a vector of the configured model; `running` is true while an instance holds the indexer's lease.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}

/// <summary>Admin: embed the whole catalog again (after a change to what is embedded, or to repair
/// vectors). Searches keep the stored vectors until each is replaced. Audited.</summary>
public static class RequestReindex
{
    public sealed record Command : ICommand<IndexerStatusResponse>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("ai_search.reindex_requested", "ai_search_indexer", AiSearchStateDocument.CollectionName, null);
    }

    public sealed class Handler(MongoContext db, EmbeddingIndexer indexer, IndexerStatus status, TimeProvider time) : ICommandHandler<Command, IndexerStatusResponse>
    {
        public async ValueTask<IndexerStatusResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            await db.Collection<AiSearchStateDocument>(AiSearchStateDocument.CollectionName).UpdateOneAsync(
                s => s.Id == AiSearchStateDocument.IndexerId,
                Builders<AiSearchStateDocument>.Update.Set(s => s.ReindexRequestedAt, time.GetUtcNow().UtcDateTime),
                new UpdateOptions { IsUpsert = true },
                cancellationToken);
            indexer.Wake();
            return await status.ReadAsync(cancellationToken);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/reindex", async (ISender sender, CancellationToken ct) => TypedResults.Accepted((string?)null, await sender.Send(new Command(), ct)))
        .WithName("ReindexAiSearch")
        .WithSummary("Admin: embed the whole catalog again, in the background")
        .WithDescription(
            "202 with the indexer's status. The instance running the indexer starts within seconds; every item embedded before this request is embedded " +
            "again, and searches keep using each stored vector until its replacement is written. Follow the progress with GET /api/admin/ai-search/status.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}
