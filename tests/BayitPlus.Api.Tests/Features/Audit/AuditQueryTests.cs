using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Audit;

public sealed class AuditQueryTests(ApiFactory api)
{
    private const string Route = "/api/admin/audit";

    private static readonly DateTime Start = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private IMongoCollection<BsonDocument> Trail => api.Database.GetCollection<BsonDocument>("auditlog");

    /// <summary>Stores <paramref name="count"/> records by one new actor, a minute apart, and
    /// returns the actor's id and the records' ids oldest first.</summary>
    private async Task<(string UserId, List<string> Ids)> SeedAsync(int count, string actionType = "user.updated", string resourceId = "r1")
    {
        var userId = ObjectId.GenerateNewId().ToString();
        var records = Enumerable.Range(0, count).Select(i => new BsonDocument
        {
            ["_id"] = ObjectId.GenerateNewId(),
            ["user_id"] = userId,
            ["action_type"] = actionType,
            ["resource_type"] = "user",
            ["resource_id"] = resourceId,
            ["changes"] = new BsonDocument { ["before"] = new BsonDocument("name", $"n{i}"), ["after"] = new BsonDocument("name", $"n{i + 1}") },
            ["ip_address"] = "198.51.100.1",
            ["user_agent"] = "tests",
            ["created_at"] = Start.AddMinutes(i),
        }).ToList();
        await Trail.InsertManyAsync(records, cancellationToken: Http.Ct);
        return (userId, [.. records.Select(r => r["_id"].AsObjectId.ToString())]);
    }

    private async Task<HttpClient> AdminAsync() => (await api.SignedInClientAsync("admin")).Client;

    private static List<string> Ids(JsonObject page) => [.. page["items"]!.AsArray().Select(item => item!["id"]!.GetValue<string>())];

    [Fact]
    public async Task Records_come_newest_first_in_camel_case()
    {
        var (userId, ids) = await SeedAsync(2);

        var page = await (await (await AdminAsync()).GetAsync($"{Route}?userId={userId}", Http.Ct)).ReadAsync<JsonObject>();

        Assert.Equal([ids[1], ids[0]], Ids(page));
        var item = page["items"]![0]!;
        Assert.Equal(userId, item["userId"]!.GetValue<string>());
        Assert.Equal("user.updated", item["actionType"]!.GetValue<string>());
        Assert.Equal("user", item["resourceType"]!.GetValue<string>());
        Assert.Equal("r1", item["resourceId"]!.GetValue<string>());
        Assert.Equal("n1", item["changes"]!["before"]!["name"]!.GetValue<string>());
        Assert.Equal("n2", item["changes"]!["after"]!["name"]!.GetValue<string>());
        Assert.Equal("198.51.100.1", item["ipAddress"]!.GetValue<string>());
        Assert.Equal("tests", item["userAgent"]!.GetValue<string>());
        Assert.Equal(Start.AddMinutes(1), item["createdAt"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Null(page["nextCursor"]);
    }

    [Fact]
    public async Task Keyset_pages_cover_every_record_once_while_new_ones_arrive()
    {
        var (userId, ids) = await SeedAsync(5);
        var admin = await AdminAsync();
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await admin.GetAsync($"{Route}?userId={userId}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}"), Http.Ct)).ReadAsync<JsonObject>();
            seen.AddRange(Ids(page));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
            if (pages == 1)
            {
                // Newer than everything: must not shift the pages already being read.
                await Trail.InsertOneAsync(new BsonDocument { ["user_id"] = userId, ["action_type"] = "user.updated", ["resource_type"] = "user", ["created_at"] = Start.AddDays(1) }, cancellationToken: Http.Ct);
            }
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(ids), seen);
    }

    [Fact]
    public async Task Filters_by_action_resource_and_time_range()
    {
        var (userId, ids) = await SeedAsync(4, resourceId: "r-filter");
        var (_, others) = await SeedAsync(2, actionType: "content.deleted", resourceId: "r-other");
        var admin = await AdminAsync();

        async Task<List<string>> ListAsync(string query) =>
            Ids(await (await admin.GetAsync($"{Route}?{query}", Http.Ct)).ReadAsync<JsonObject>());

        Assert.Equal([others[1], others[0]], await ListAsync("actionType=content.deleted&resourceId=r-other"));
        Assert.Equal([ids[3], ids[2], ids[1], ids[0]], await ListAsync("resourceType=user&resourceId=r-filter"));
        Assert.Equal([ids[2], ids[1]], await ListAsync($"userId={userId}&from={Start.AddMinutes(1):O}&to={Start.AddMinutes(2):O}"));
        Assert.Empty(await ListAsync($"userId={userId}&actionType=content.deleted"));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "from")]
    public async Task Bad_queries_are_validation_problems(string query, string field)
    {
        var response = await (await AdminAsync()).GetAsync($"{Route}?{query}", Http.Ct);

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task Only_admins_may_read_the_trail()
    {
        var (_, user) = await api.SignedInClientAsync();
        var (_, beta) = await api.SignedInClientAsync("beta");

        await (await user.GetAsync(Route, Http.Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await beta.GetAsync(Route, Http.Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await api.CreateClient().GetAsync(Route, Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_trail_is_kept_one_year_by_a_ttl_index_besides_the_specs_indexes()
    {
        var indexes = await (await Trail.Indexes.ListAsync(Http.Ct)).ToListAsync(Http.Ct);

        var ttl = Assert.Single(indexes, index => index.Contains("expireAfterSeconds"));
        Assert.Equal(new BsonDocument("created_at", 1), ttl["key"].AsBsonDocument);
        Assert.Equal(365 * 24 * 60 * 60, ttl["expireAfterSeconds"].ToInt64());
        var keys = indexes.Select(index => index["key"].AsBsonDocument).ToList();
        Assert.Contains(new BsonDocument { ["user_id"] = 1, ["created_at"] = -1 }, keys);
        Assert.Contains(new BsonDocument("action_type", 1), keys);
        Assert.Contains(new BsonDocument { ["resource_type"] = 1, ["resource_id"] = 1 }, keys);
        Assert.Contains(new BsonDocument("created_at", -1), keys);
    }
}
