using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The spec's <c>searchquery</c> collection: one record per search, for analytics.</summary>
public sealed class SearchQueryDocument
{
    public const string CollectionName = "searchquery";

    public string Id { get; set; } = "";

    /// <summary>The signed-in user, absent for anonymous searches.</summary>
    public string? UserId { get; set; }

    public required string QueryText { get; set; }

    /// <summary>traditional or ai.</summary>
    public required string SearchType { get; set; }

    public int ResultsCount { get; set; }

    /// <summary>The content id the user opened from the results.</summary>
    public string? ClickedResult { get; set; }

    public int ResponseTimeMs { get; set; }

    public DateTime CreatedAt { get; set; }
}

public sealed class SearchQueryIndexes : ICollectionIndexes
{
    public string CollectionName => SearchQueryDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Compound(("user_id", 1), ("created_at", -1)),
        IndexModels.Ascending("search_type"),
        IndexModels.Descending("created_at"),
    ];
}
