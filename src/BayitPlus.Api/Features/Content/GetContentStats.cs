using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>Catalog statistics for admins: the spec's aggregation of featured content by primary
/// section (views and item count), and the most viewed items.</summary>
public static class GetContentStats
{
    public const int DefaultTop = 10;
    public const int MaxTop = 50;

    public sealed record Query(string? Top, string Language) : IQuery<ContentStatsResponse>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() =>
            RuleFor(q => q.Top).WholeNumber(1, MaxTop, DefaultTop).WithMessage($"top must be a whole number from 1 to {MaxTop}.");
    }

    public sealed class Handler(MongoContext db) : IQueryHandler<Query, ContentStatsResponse>
    {
        public async ValueTask<ContentStatsResponse> Handle(Query query, CancellationToken cancellationToken)
        {
            var content = db.Collection<ContentDocument>(ContentDocument.CollectionName);
            var bySection = PipelineDefinition<ContentDocument, BsonDocument>.Create(
            [
                new BsonDocument("$match", new BsonDocument("is_featured", true)),
                new BsonDocument("$group", new BsonDocument
                {
                    { "_id", "$primary_section_id" },
                    { "total_views", new BsonDocument("$sum", "$view_count") },
                    { "content_count", new BsonDocument("$sum", 1) },
                }),
                new BsonDocument("$sort", new BsonDocument { { "total_views", -1 }, { "_id", 1 } }),
            ]);
            var sectionsTask = content.AggregateAsync(bySection, cancellationToken: cancellationToken);
            var topTask = content.Find(Builders<ContentDocument>.Filter.Empty)
                .Sort(new BsonDocument { { "view_count", -1 }, { "_id", -1 } })
                .Limit(DescriptiveRules.ParseWholeNumber(query.Top) ?? DefaultTop)
                .Project<ContentDocument>(Builders<ContentDocument>.Projection
                    .Include(c => c.Title).Include(c => c.TitleEn).Include(c => c.TitleEs).Include(c => c.ViewCount))
                .ToListAsync(cancellationToken);

            var sections = await (await sectionsTask).ToListAsync(cancellationToken);
            var top = await topTask;
            return new ContentStatsResponse(
                [.. sections.Select(s => new ContentStatsSection(s["_id"].IsString ? s["_id"].AsString : null, s["total_views"].ToInt64(), s["content_count"].ToInt64()))],
                [.. top.Select(c => new ContentStatsTopItem(c.Id, ContentResponse.Localized(c.Title, c.TitleEn, c.TitleEs, query.Language)!, c.ViewCount))]);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapGet("/stats", async (string? top, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Query(string.IsNullOrWhiteSpace(top) ? null : top, RequestLanguage.Resolve(http)), ct)))
        .WithQueryRules<Query>()
        .WithLanguage()
        .WithName("GetContentStats")
        .WithSummary("Views and item counts of featured content per primary section, and the most viewed items (top, 1–50, default 10)")
        .RequireAuthorization(Policies.Admin)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}

public sealed record ContentStatsResponse(IReadOnlyList<ContentStatsSection> BySection, IReadOnlyList<ContentStatsTopItem> Top);

/// <summary>Featured items of one primary section (null for items without one).</summary>
public sealed record ContentStatsSection(string? PrimarySectionId, long TotalViews, long ContentCount);

public sealed record ContentStatsTopItem(string Id, string Title, long ViewCount);
