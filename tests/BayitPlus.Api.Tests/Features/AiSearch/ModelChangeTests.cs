using System.Net;
using BayitPlus.Api.Features.AiSearch;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Features.Content;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.AiSearch;

/// <summary>A host configured for another model (a fake in place of OpenAI) on a catalog the local
/// model indexed while no instance ran for a while (an item added and one deleted meanwhile):
/// searches keep the local vectors until every item has one of the new model.</summary>
public sealed class ModelChangeTests(ModelChangeTests.Host api) : IClassFixture<ModelChangeTests.Host>
{
    private static readonly EmbeddingModel Fake = new("fake-embedding", FakeGenerator.Dimensions);

    [Fact]
    public async Task The_catalog_is_re_embedded_in_the_background_and_searches_switch_when_it_is_done()
    {
        var searchModel = api.Services.GetRequiredService<SearchModel>();
        await Task.Delay(TimeSpan.FromSeconds(1), Http.Ct);
        Assert.Equal(EmbeddingModel.Local, (await searchModel.CurrentAsync(Http.Ct))!.Model);
        Assert.All(await api.Stored().Find(Builders<BsonDocument>.Filter.Ne("content_id", Host.UnindexedId)).ToListAsync(Http.Ct), e =>
        {
            Assert.Equal(EmbeddingModel.Local.Id, e["embedding_model"].AsString);
            Assert.False(e.Contains("pending"));
        });

        api.Generator.Release.SetResult();

        var state = await WaitAsync(async () =>
            await api.Raw(AiSearchStateDocument.CollectionName).Find(new BsonDocument("_id", AiSearchStateDocument.IndexerId)).FirstOrDefaultAsync(Http.Ct) is { } s
            && s["active_model"] == Fake.Id ? s : null);
        Assert.Equal(Fake.Id, state["active_model"]);
        var stored = await api.Stored().Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Http.Ct);
        Assert.Equal(Host.ItemCount + 1, stored.Count);
        Assert.Contains(stored, e => e["content_id"] == Host.UnindexedId);
        Assert.DoesNotContain(stored, e => e["content_id"] == Host.DeletedId);
        Assert.All(stored, e =>
        {
            Assert.Equal(Fake.Id, e["embedding_model"].AsString);
            Assert.Equal(FakeGenerator.Dimensions, e["embedding_vector"].AsBsonArray.Count);
            Assert.False(e.Contains("pending"));
            Assert.Equal(EmbeddingText.Hash(e["text_content"].AsString), e["metadata"]["text_hash"]);
        });
        Assert.Equal(Fake, (await searchModel.CurrentAsync(Http.Ct))!.Model);
        var indexes = await (await api.Stored().SearchIndexes.ListAsync(cancellationToken: Http.Ct)).ToListAsync(Http.Ct);
        Assert.Contains(indexes, i => i["name"] == Fake.IndexName);

        var (_, admin) = await api.SignedInClientAsync(Roles.Admin);
        var calls = api.Generator.Texts;
        var reindex = await admin.PostAsync("/api/admin/ai-search/reindex", null, Http.Ct);
        Assert.Equal(HttpStatusCode.Accepted, reindex.StatusCode);
        var requested = (await reindex.ReadJsonAsync())["reindexRequestedAt"]!.GetValue<DateTime>();
        await WaitAsync(async () =>
            (await api.Stored().Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Http.Ct)).All(e => e["created_at"].ToUniversalTime() >= requested) ? "" : null);
        Assert.True(api.Generator.Texts >= calls + Host.ItemCount + 1);
        var status = await admin.GetJsonAsync("/api/admin/ai-search/status");
        Assert.Equal(Fake.Id, status["configuredModel"]!.GetValue<string>());
        Assert.Equal(0, status["backlog"]!.GetValue<long>());
        Assert.Equal(Host.ItemCount + 1, status["catalogItems"]!.GetValue<long>());
        Assert.Equal(Host.ItemCount + 1, status["embeddings"]!.AsArray().Single()!["embeddings"]!.GetValue<long>());
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "The indexer did not get there within 60 s.");
            await Task.Delay(100, Http.Ct);
        }
    }

    public sealed class Host : ApiFactory
    {
        public const int ItemCount = 3;

        /// <summary>An item added while no instance ran: no embedding yet.</summary>
        public static readonly string UnindexedId = ObjectId.GenerateNewId().ToString();

        /// <summary>An item deleted while no instance ran: its embedding is left over.</summary>
        public static readonly string DeletedId = ObjectId.GenerateNewId().ToString();

        public FakeGenerator Generator { get; } = new();

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["AI:OpenAI:ApiKey"] = "test-only-not-a-key",

            // Nothing here calls OpenAI (the generator is replaced); a closed local port makes sure.
            ["AI:OpenAI:Endpoint"] = "http://127.0.0.1:9/v1",
            ["AI:OpenAI:EmbeddingModel"] = Fake.Name,
            ["AI:OpenAI:EmbeddingDimensions"] = FakeGenerator.Dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AiSearch:ChangeDelay"] = "00:00:00.1",
        };

        protected override void ConfigureServices(IServiceCollection services) =>
            services.Replace(ServiceDescriptor.Singleton<IEmbeddingGenerator<string, Embedding<float>>>(Generator));

        /// <summary>A catalog the local model indexed before this version started.</summary>
        protected override async Task BeforeHostStartsAsync(IMongoDatabase database)
        {
            using var local = new LocalEmbeddingGenerator();
            var now = DateTime.UtcNow;
            await database.GetCollection<BsonDocument>("content").InsertOneAsync(
                new BsonDocument { ["_id"] = ObjectId.Parse(UnindexedId), ["title"] = "חדש", ["title_en"] = "New", ["created_at"] = now });
            for (var i = 0; i <= ItemCount; i++)
            {
                var id = i < ItemCount ? ObjectId.GenerateNewId() : ObjectId.Parse(DeletedId);
                var title = $"Item {i}";
                if (i < ItemCount)
                {
                    await database.GetCollection<BsonDocument>("content").InsertOneAsync(
                        new BsonDocument { ["_id"] = id, ["title"] = title, ["title_en"] = title, ["section_ids"] = new BsonArray { "movies" }, ["created_at"] = now });
                }

                var text = title + ".";
                var vector = (await local.GenerateAsync([text]))[0].Vector.ToArray();
                await database.GetCollection<BsonDocument>(ContentEmbeddingDocument.CollectionName).InsertOneAsync(new BsonDocument
                {
                    ["content_id"] = id.ToString(),
                    ["embedding_vector"] = new BsonArray(vector.Select(v => (double)v)),
                    ["embedding_model"] = EmbeddingModel.Local.Id,
                    ["text_content"] = text,
                    ["metadata"] = new BsonDocument { ["text_hash"] = EmbeddingText.Hash(text), ["section_ids"] = new BsonArray { "movies" } },
                    ["created_at"] = now,
                });
            }

            await database.GetCollection<BsonDocument>(AiSearchStateDocument.CollectionName).InsertOneAsync(
                new BsonDocument { ["_id"] = AiSearchStateDocument.IndexerId, ["active_model"] = EmbeddingModel.Local.Id });
        }
    }

    /// <summary>Stands in for OpenAI: a vector from the text's hash, answered once released.</summary>
    public sealed class FakeGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public const int Dimensions = 8;
        private int _texts;

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Texts => Volatile.Read(ref _texts);

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            await Release.Task.WaitAsync(cancellationToken);
            var texts = values.ToList();
            Interlocked.Add(ref _texts, texts.Count);
            return new GeneratedEmbeddings<Embedding<float>>(texts.Select(t =>
                new Embedding<float>(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(t)).Take(Dimensions).Select(b => b + 1f).ToArray())));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
