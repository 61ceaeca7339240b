using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Content.Admin;

/// <summary>The four admin resources run one set of use cases, each from its own declaration: its
/// operations, audit actions and 404s are named after it.</summary>
public sealed class CatalogResourcesTests(ApiFactory api)
{
    private static int _nextChannel = 5000;

    public static TheoryData<string, string> Resources() => new()
    {
        { "/api/admin/content", "content" },
        { "/api/admin/podcasts", "podcast" },
        { "/api/admin/live/channels", "live_channel" },
        { "/api/admin/radio/stations", "radio_station" },
    };

    private static JsonObject Valid(string route) => route switch
    {
        "/api/admin/content" => ContentBodies.Valid(),
        "/api/admin/podcasts" => new JsonObject { ["title"] = "Show", ["rssFeedUrl"] = $"https://feeds.example.com/{Guid.NewGuid():N}.xml" },
        "/api/admin/live/channels" => new JsonObject
        {
            ["channelName"] = "Channel",
            ["channelNumber"] = Interlocked.Increment(ref _nextChannel),
            ["streamUrl"] = "https://live.example.com/c.m3u8",
        },
        _ => new JsonObject { ["stationName"] = "Station", ["streamUrl"] = "https://radio.example.com/s.mp3" },
    };

    [Theory]
    [MemberData(nameof(Resources))]
    public async Task Each_write_is_audited_under_the_resource_s_own_names(string route, string auditType)
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;
        var body = Valid(route);
        var id = (await (await admin.PostJsonAsync(route, body)).ReadJsonAsync())["id"]!.GetValue<string>();

        var put = await admin.PutJsonAsync($"{route}/{id}", body);
        var patch = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"{route}/{id}") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") }, Http.Ct);
        var delete = await admin.DeleteAsync($"{route}/{id}", Http.Ct);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NoContent], new[] { put.StatusCode, patch.StatusCode, delete.StatusCode });
        var records = (await api.Database.GetCollection<BsonDocument>("auditlog").Find(new BsonDocument("resource_id", id)).ToListAsync(Http.Ct))
            .OrderBy(r => r["created_at"].ToUniversalTime()).ThenBy(r => r["_id"].AsObjectId).ToList();
        Assert.Equal(new[] { "created", "replaced", "patched", "deleted" }.Select(action => $"{auditType}.{action}"), records.Select(r => r["action_type"].AsString));
        Assert.All(records, r => Assert.Equal(auditType, r["resource_type"].AsString));
    }

    [Theory]
    [InlineData("/api/admin/content", "Content")]
    [InlineData("/api/admin/podcasts", "Podcast")]
    [InlineData("/api/admin/live/channels", "Live channel")]
    [InlineData("/api/admin/radio/stations", "Radio station")]
    public async Task An_unknown_item_is_a_404_naming_the_resource(string route, string name)
    {
        var admin = (await api.SignedInClientAsync(Roles.Admin)).Client;

        var response = await admin.GetAsync($"{route}/{ObjectId.GenerateNewId()}", Http.Ct);

        Assert.Equal($"{name} was not found.", (await response.AssertProblemAsync(HttpStatusCode.NotFound))["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/admin/content", "Content")]
    [InlineData("/api/admin/podcasts", "Podcast")]
    [InlineData("/api/admin/live/channels", "LiveChannel")]
    [InlineData("/api/admin/radio/stations", "RadioStation")]
    public async Task The_openapi_document_names_each_resource_s_operations_and_their_errors(string route, string operationName)
    {
        await api.AssertOperationAsync(route, "post", $"Create{operationName}", "201", "400", "401", "403", "409");
        await api.AssertOperationAsync($"{route}/{{id}}", "get", $"Get{operationName}ForAdmin", "200", "401", "403", "404");
        await api.AssertOperationAsync($"{route}/{{id}}", "put", $"Replace{operationName}", "200", "400", "401", "403", "404", "409");
        await api.AssertOperationAsync($"{route}/{{id}}", "patch", $"Patch{operationName}", "200", "400", "401", "403", "404", "409");
        await api.AssertOperationAsync($"{route}/{{id}}", "delete", $"Delete{operationName}", "204", "401", "403", "404");
    }
}
