using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Features.Content;
using BayitPlus.Api.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.AiSearch;

/// <summary>With <c>AI:OpenAI:ApiKey</c> set, the OpenAI client library itself (through
/// Microsoft.Extensions.AI) embeds the catalog — here against a local stand-in for the API at
/// <c>AI:OpenAI:Endpoint</c>, so nothing leaves the machine.</summary>
public sealed class OpenAiEmbeddingTests(OpenAiEmbeddingTests.Host api) : IClassFixture<OpenAiEmbeddingTests.Host>
{
    [Fact]
    public async Task The_configured_openai_endpoint_embeds_new_items_with_the_key_model_and_dimensions()
    {
        var item = Catalog.Item("מגדלור", [Catalog.NewSlug("ai")]);
        item.TitleEn = "The Lighthouse Keeper";
        await api.InsertAsync(item);

        var stored = await Embeddings.WaitForAsync(api, item.Id, e => true);

        Assert.Equal("text-embedding-3-small:16", stored["embedding_model"].AsString);
        var text = stored["text_content"].AsString;
        Assert.Equal("The Lighthouse Keeper.\nמגדלור.", text);
        Assert.Equal(FakeOpenAi.VectorOf(text), stored["embedding_vector"].AsBsonArray.Select(v => (float)v.AsDouble).ToArray());
        var request = api.OpenAi.Requests.First(r => r.Inputs.Contains(text));
        Assert.Equal("Bearer test-only-not-a-key", request.Authorization);
        Assert.Equal("text-embedding-3-small", request.Model);
        Assert.Equal(16, request.Dimensions);
    }

    [Fact]
    public async Task An_item_the_model_refuses_does_not_hold_back_the_others()
    {
        var section = Catalog.NewSlug("ai");
        var refused = Catalog.Item("רעל", [section]);
        refused.TitleEn = $"{FakeOpenAi.Refused} {Guid.NewGuid():N}";
        var fine = Enumerable.Range(0, 3).Select(i =>
        {
            var item = Catalog.Item($"פריט {i}", [section]);
            item.TitleEn = $"Fine item {i} {Guid.NewGuid():N}";
            return item;
        }).ToArray();
        await api.InsertAsync([refused, .. fine]);

        foreach (var item in fine)
        {
            await Embeddings.WaitForAsync(api, item.Id, e => true);
        }

        Assert.Contains(api.OpenAi.Requests, r => r.Inputs.Count == 1 && r.Inputs[0].Contains(refused.TitleEn, StringComparison.Ordinal));
        Assert.Equal(0, await api.Stored().CountDocumentsAsync(new MongoDB.Bson.BsonDocument("content_id", refused.Id), cancellationToken: Http.Ct));
    }

    public sealed class Host : ApiFactory
    {
        public FakeOpenAi OpenAi { get; } = new();

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["AI:OpenAI:ApiKey"] = "test-only-not-a-key",
            ["AI:OpenAI:Endpoint"] = OpenAi.BaseUrl + "/v1",
            ["AI:OpenAI:EmbeddingDimensions"] = "16",
            ["AiSearch:ChangeDelay"] = "00:00:00.1",
        };

        protected override Task BeforeHostStartsAsync(IMongoDatabase database) => OpenAi.StartAsync();

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await OpenAi.DisposeAsync();
        }
    }

    public sealed record EmbeddingRequest(string? Authorization, string? Model, int? Dimensions, IReadOnlyList<string> Inputs);

    /// <summary>The embeddings endpoint of the OpenAI API on 127.0.0.1: a vector derived from each
    /// input, as floats or base64 as the client asks, and every request recorded.</summary>
    public sealed class FakeOpenAi : IAsyncDisposable
    {
        private WebApplication? _app;

        public string BaseUrl { get; private set; } = "";

        public ConcurrentQueue<EmbeddingRequest> Requests { get; } = new();

        /// <summary>A request with an input holding this is refused as a whole (400), as OpenAI refuses an input over its token limit.</summary>
        public const string Refused = "REFUSED-BY-MODEL";

        public static float[] VectorOf(string text) =>
            [.. System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)).Take(16).Select(b => (b - 128) / 128f)];

        public async Task StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            _app = builder.Build();
            _app.MapPost("/v1/embeddings", async (HttpContext context) =>
            {
                var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
                var inputs = body["input"] is JsonArray array ? array.Select(i => i!.GetValue<string>()).ToList() : [body["input"]!.GetValue<string>()];
                Requests.Enqueue(new EmbeddingRequest(context.Request.Headers.Authorization, body["model"]?.GetValue<string>(), body["dimensions"]?.GetValue<int>(), inputs));
                if (inputs.Any(input => input.Contains(Refused, StringComparison.Ordinal)))
                {
                    return Results.Json(new JsonObject { ["error"] = new JsonObject { ["message"] = "input refused", ["type"] = "invalid_request_error" } }, JsonSerializerOptions.Default, statusCode: 400);
                }

                var base64 = body["encoding_format"]?.GetValue<string>() == "base64";
                var data = new JsonArray([.. inputs.Select((input, i) => (JsonNode)new JsonObject
                {
                    ["object"] = "embedding",
                    ["index"] = i,
                    ["embedding"] = base64
                        ? Convert.ToBase64String(VectorOf(input).SelectMany(BitConverter.GetBytes).ToArray())
                        : new JsonArray([.. VectorOf(input).Select(v => (JsonNode)v)]),
                })]);
                return Results.Json(new JsonObject
                {
                    ["object"] = "list",
                    ["data"] = data,
                    ["model"] = body["model"]?.GetValue<string>(),
                    ["usage"] = new JsonObject { ["prompt_tokens"] = inputs.Count, ["total_tokens"] = inputs.Count },
                }, JsonSerializerOptions.Default);
            });
            await _app.StartAsync();
            BaseUrl = _app.Urls.Single();
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
    }
}
