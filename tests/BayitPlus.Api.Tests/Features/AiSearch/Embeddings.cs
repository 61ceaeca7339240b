using BayitPlus.Api.Features.AiSearch;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.AiSearch;

/// <summary>Waits for the indexer: it works in the background, seconds after a change.</summary>
internal static class Embeddings
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static IMongoCollection<BsonDocument> Stored(this ApiFactory api) => api.Raw(ContentEmbeddingDocument.CollectionName);

    /// <summary>The item's embedding once it satisfies <paramref name="ready"/>.</summary>
    public static async Task<BsonDocument> WaitForAsync(ApiFactory api, string contentId, Func<BsonDocument, bool> ready)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var stored = await api.Stored().Find(new BsonDocument("content_id", contentId)).FirstOrDefaultAsync(Http.Ct);
            if (stored is not null && ready(stored))
            {
                return stored;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The embedding of {contentId} did not reach the expected state within {Patience} (stored: {stored?.ToJson() ?? "none"}).");
            await Task.Delay(100, Http.Ct);
        }
    }

    public static async Task WaitForGoneAsync(ApiFactory api, string contentId)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (await api.Stored().CountDocumentsAsync(new BsonDocument("content_id", contentId), cancellationToken: Http.Ct) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The embedding of {contentId} was not deleted within {Patience}.");
            await Task.Delay(100, Http.Ct);
        }
    }
}
