using System.Net;
using BayitPlus.Api.Features.AiSearch;
using BayitPlus.Api.Tests.Features.Beta500;
using BayitPlus.Api.Tests.Features.Content;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MongoDB.Bson;
using MongoDB.Driver;
using static BayitPlus.Api.Tests.Features.AiSearch.AiSearchData;

namespace BayitPlus.Api.Tests.Features.AiSearch;

/// <summary>AI search when semantic search cannot run, on a host of its own configured for an
/// external embedding model (a stand-in for OpenAI) that is down for any text mentioning an outage.
/// Its catalog holds such an item, so the indexer never finishes a pass and never changes the state
/// each test sets.</summary>
public sealed class SearchAiFailureTests(SearchAiFailureTests.Host api) : IClassFixture<SearchAiFailureTests.Host>
{
    [Fact]
    public async Task An_embedding_service_outage_is_a_503_and_the_charge_is_refunded()
    {
        await UseModelAsync(Host.Model.Id);
        var user = await api.MemberAsync(100);

        var problem = await (await api.ClientFor(user).AiSearchAsync(Q("news of the outage"))).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);

        Assert.Equal(AiSearchProblems.Unavailable, problem["type"]!.GetValue<string>());
        await AssertRefundedAsync(user.Id);
    }

    [Fact]
    public async Task A_failing_vector_search_is_a_503_and_the_charge_is_refunded()
    {
        await UseModelAsync(Host.Model.Id);
        // The model's index declares another dimension than the model's vectors: the $vectorSearch
        // stage itself fails, as it does on Atlas.
        var embeddings = api.Raw(ContentEmbeddingDocument.CollectionName);
        if (await api.Services.GetRequiredService<VectorIndex>().StatusAsync(Host.Model, Http.Ct) is not null)
        {
            await embeddings.SearchIndexes.DropOneAsync(Host.Model.IndexName, Http.Ct);
        }

        await embeddings.SearchIndexes.CreateOneAsync(
            new CreateSearchIndexModel(Host.Model.IndexName, SearchIndexType.VectorSearch, VectorIndex.Definition(Host.Model with { Dimensions = 4 })), Http.Ct);
        var user = await api.MemberAsync(100);

        var problem = await (await api.ClientFor(user).AiSearchAsync(Q("a quiet harbor"))).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);

        Assert.Equal(AiSearchProblems.Unavailable, problem["type"]!.GetValue<string>());
        await AssertRefundedAsync(user.Id);
    }

    [Fact]
    public async Task Vectors_of_a_model_this_instance_cannot_run_make_the_search_a_503_that_charges_nothing()
    {
        await UseModelAsync("retired-model:16");
        var user = await api.MemberAsync(100);

        var problem = await (await api.ClientFor(user).AiSearchAsync(Q("anything"))).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);

        Assert.Equal(AiSearchProblems.Unavailable, problem["type"]!.GetValue<string>());
        Assert.Equal(100, await api.AssertInvariantAsync(user.Id));
        Assert.Single(await api.EntriesAsync(user.Id));
    }

    [Fact]
    public async Task Similar_items_of_an_item_not_embedded_yet_are_a_404()
    {
        await UseModelAsync(Host.Model.Id);

        var problem = await (await api.CreateClient().GetAsync($"/api/content/{Host.OutageItemId}/similar", Http.Ct)).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(AiSearchProblems.NotEmbedded, problem["type"]!.GetValue<string>());
    }

    private Task UseModelAsync(string modelId) => api.Raw(AiSearchStateDocument.CollectionName).UpdateOneAsync(
        new BsonDocument("_id", AiSearchStateDocument.IndexerId), new BsonDocument("$set", new BsonDocument("active_model", modelId)),
        new UpdateOptions { IsUpsert = true }, Http.Ct);

    /// <summary>Charged and refunded once, the balance whole again, and no search recorded.</summary>
    private async Task AssertRefundedAsync(string userId)
    {
        Assert.Equal(100, await api.AssertInvariantAsync(userId));
        var entries = await api.EntriesAsync(userId);
        var charge = Assert.Single(entries, e => e["transaction_type"] == "deduct");
        var refund = Assert.Single(entries, e => e["transaction_type"] == "refund");
        Assert.Equal(charge["amount"], refund["amount"]);
        Assert.Equal(charge["_id"].ToString(), refund["metadata"]["charge_id"].AsString);
        Assert.Equal(0, await api.Raw("searchquery").CountDocumentsAsync(new BsonDocument("user_id", userId), cancellationToken: Http.Ct));
    }

    public sealed class Host : ApiFactory
    {
        public static readonly EmbeddingModel Model = new("outage-embedding", OutageGenerator.Dimensions);

        public static readonly string OutageItemId = ObjectId.GenerateNewId().ToString();

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["AI:OpenAI:ApiKey"] = "test-only-not-a-key",

            // Nothing here calls OpenAI (the generator is replaced); a closed local port makes sure.
            ["AI:OpenAI:Endpoint"] = "http://127.0.0.1:9/v1",
            ["AI:OpenAI:EmbeddingModel"] = Model.Name,
            ["AI:OpenAI:EmbeddingDimensions"] = OutageGenerator.Dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        protected override void ConfigureServices(IServiceCollection services) =>
            services.Replace(ServiceDescriptor.Singleton<IEmbeddingGenerator<string, Embedding<float>>>(new OutageGenerator()));

        protected override Task BeforeHostStartsAsync(IMongoDatabase database) =>
            database.GetCollection<BsonDocument>("content").InsertOneAsync(new BsonDocument
            {
                ["_id"] = ObjectId.Parse(OutageItemId),
                ["title"] = "הפסקת חשמל",
                ["title_en"] = "The Outage",
                ["section_ids"] = new BsonArray { Catalog.NewSlug("outage") },
                ["created_at"] = DateTime.UtcNow,
            });
    }

    /// <summary>An embedding service that fails for any text mentioning an outage (as a provider's
    /// outage fails a call) and answers the others with a vector from the text's hash.</summary>
    public sealed class OutageGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public const int Dimensions = 8;

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            if (texts.Any(t => t.Contains("outage", StringComparison.OrdinalIgnoreCase)))
            {
                throw new HttpRequestException("The embedding service is unreachable.");
            }

            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(texts.Select(t =>
                new Embedding<float>(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(t)).Take(Dimensions).Select(b => b + 1f).ToArray()))));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
