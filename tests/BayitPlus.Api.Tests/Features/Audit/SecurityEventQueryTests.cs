using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Features.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Audit;

public sealed class SecurityEventQueryTests(ApiFactory api)
{
    private const string Events = "/api/admin/security-events";
    private const string Summary = "/api/admin/security-events/summary";

    /// <summary>Test events are dated within the last year: the TTL index removes older ones at any moment.</summary>
    private static DateTime DaysAgo(int days) => DateTime.UtcNow.Date.AddDays(-days);

    private static string Iso(DateTime at) => at.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private static string NewType() => "test_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Stored straight into the collection, at times the test chooses.</summary>
    private async Task<List<SecurityEventDocument>> InsertAsync(params SecurityEventDocument[] events)
    {
        foreach (var e in events)
        {
            e.Id = ObjectId.GenerateNewId().ToString();
        }

        await api.Services.GetRequiredService<MongoContext>().Collection<SecurityEventDocument>(SecurityEventDocument.CollectionName)
            .InsertManyAsync(events, cancellationToken: Http.Ct);
        return [.. events];
    }

    private static SecurityEventDocument Event(string type, DateTime at, string severity = "medium", string? userId = null, string? ip = null) =>
        new() { EventType = type, Severity = severity, UserId = userId, IpAddress = ip, CreatedAt = at, Details = new BsonDocument("email", "a@example.com") };

    private async Task<HttpClient> AdminAsync() => (await api.SignedInClientAsync(Roles.Admin)).Client;

    private static List<string> Ids(JsonObject page) => [.. page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>())];

    [Fact]
    public async Task The_list_answers_camel_case_records_filtered_by_type_severity_user_and_address()
    {
        var type = NewType();
        var at = DaysAgo(40).AddHours(12);
        var userId = ObjectId.GenerateNewId().ToString();
        var stored = await InsertAsync(
            Event(type, at, "high", userId, "192.0.2.1"),
            Event(type, at.AddMinutes(1), "low", userId, "192.0.2.2"),
            Event(type, at.AddMinutes(2), "high", null, "192.0.2.1"));
        var admin = await AdminAsync();

        var all = await (await admin.GetAsync($"{Events}?eventType={type}", Http.Ct)).ReadAsync<JsonObject>();
        var high = await (await admin.GetAsync($"{Events}?eventType={type}&severity=high", Http.Ct)).ReadAsync<JsonObject>();
        var ofUser = await (await admin.GetAsync($"{Events}?eventType={type}&userId={userId}", Http.Ct)).ReadAsync<JsonObject>();
        var fromIp = await (await admin.GetAsync($"{Events}?eventType={type}&ipAddress=192.0.2.1&severity=high", Http.Ct)).ReadAsync<JsonObject>();

        Assert.Equal([stored[2].Id, stored[1].Id, stored[0].Id], Ids(all));
        Assert.Null(all["nextCursor"]);
        var first = all["items"]![2]!.AsObject();
        Assert.Equal(["createdAt", "details", "eventType", "id", "ipAddress", "severity", "userId"], first.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(type, first["eventType"]!.GetValue<string>());
        Assert.Equal("high", first["severity"]!.GetValue<string>());
        Assert.Equal(userId, first["userId"]!.GetValue<string>());
        Assert.Equal("192.0.2.1", first["ipAddress"]!.GetValue<string>());
        Assert.Equal("a@example.com", first["details"]!["email"]!.GetValue<string>());
        Assert.Equal(at, first["createdAt"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal([stored[2].Id, stored[0].Id], Ids(high));
        Assert.Equal([stored[1].Id, stored[0].Id], Ids(ofUser));
        Assert.Equal([stored[2].Id, stored[0].Id], Ids(fromIp));
    }

    [Fact]
    public async Task The_time_range_includes_both_ends()
    {
        var type = NewType();
        var at = DaysAgo(30);
        var stored = await InsertAsync(Event(type, at.AddHours(-1)), Event(type, at), Event(type, at.AddHours(1)), Event(type, at.AddHours(2)));
        var admin = await AdminAsync();

        var page = await (await admin.GetAsync($"{Events}?eventType={type}&from={Iso(at)}&to={Iso(at.AddHours(1))}", Http.Ct)).ReadAsync<JsonObject>();

        Assert.Equal([stored[2].Id, stored[1].Id], Ids(page));
    }

    [Fact]
    public async Task Keyset_pages_walk_newest_first_without_repeats_or_gaps_even_on_equal_times()
    {
        var type = NewType();
        var at = DaysAgo(20);
        var stored = await InsertAsync([.. Enumerable.Range(0, 7).Select(i => Event(type, at.AddMinutes(i / 2)))]);
        var expected = stored.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => ObjectId.Parse(e.Id)).Select(e => e.Id).ToList();
        var admin = await AdminAsync();

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"{Events}?eventType={type}&limit=3" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await admin.GetAsync(url, Http.Ct)).ReadAsync<JsonObject>();
            seen.AddRange(Ids(page));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(expected, seen);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("severity=urgent", "severity")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-01", "to")]
    [InlineData("from=2026-02-02&to=2026-02-01", "from")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task Invalid_list_filters_are_400_naming_the_field(string query, string field)
    {
        var response = await (await AdminAsync()).GetAsync($"{Events}?{query}", Http.Ct);

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task The_summary_counts_per_type_and_severity_within_the_window()
    {
        var (a, b) = (NewType(), NewType());
        var at = DaysAgo(10);
        await InsertAsync(
            Event(a, at, "high"), Event(a, at.AddMinutes(10), "high"), Event(a, at.AddMinutes(20), "low"),
            Event(b, at.AddMinutes(30), "critical"),
            Event(a, at.AddDays(-1), "high"), Event(b, at.AddDays(1), "low"));
        var admin = await AdminAsync();

        var summary = await (await admin.GetAsync($"{Summary}?from={Iso(at)}&to={Iso(at.AddHours(1))}", Http.Ct)).ReadAsync<JsonObject>();

        Assert.Equal(at, summary["from"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(at.AddHours(1), summary["to"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(
            [(a, 3), (b, 1)],
            summary["byType"]!.AsArray().Select(c => (c!["eventType"]!.GetValue<string>(), c["count"]!.GetValue<int>())).ToList());
        Assert.Equal(
            [("high", 2), ("critical", 1), ("low", 1)],
            summary["bySeverity"]!.AsArray().Select(c => (c!["severity"]!.GetValue<string>(), c["count"]!.GetValue<int>())).ToList());
    }

    [Fact]
    public async Task The_summary_defaults_to_the_last_24_hours()
    {
        var type = NewType();
        var now = DateTime.UtcNow;
        await InsertAsync(Event(type, now.AddHours(-1)), Event(type, now.AddHours(-25)));
        var admin = await AdminAsync();

        var summary = await (await admin.GetAsync(Summary, Http.Ct)).ReadAsync<JsonObject>();

        var to = summary["to"]!.GetValue<DateTime>().ToUniversalTime();
        Assert.Equal(TimeSpan.FromHours(24), to - summary["from"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.True(to >= now);
        var counted = Assert.Single(summary["byType"]!.AsArray(), c => c!["eventType"]!.GetValue<string>() == type);
        Assert.Equal(1, counted!["count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("from=soon", "from")]
    [InlineData("from=2026-02-02&to=2026-02-01", "from")]
    public async Task Invalid_summary_windows_are_400_naming_the_field(string query, string field)
    {
        var response = await (await AdminAsync()).GetAsync($"{Summary}?{query}", Http.Ct);

        await response.AssertValidationProblemAsync(field);
    }

    [Theory]
    [InlineData(Events)]
    [InlineData(Summary)]
    public async Task Non_admins_get_403_and_anonymous_callers_401(string url)
    {
        foreach (var role in new[] { Roles.User, Roles.Beta })
        {
            var (_, client) = await api.SignedInClientAsync(role);
            await (await client.GetAsync(url, Http.Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        await (await api.CreateClient().GetAsync(url, Http.Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_spec_indexes_and_a_one_year_ttl_index_exist()
    {
        var indexes = await (await api.SecurityEvents().Indexes.ListAsync(Http.Ct)).ToListAsync(Http.Ct);

        Assert.Contains(indexes, i => i["key"] == new BsonDocument { ["event_type"] = 1, ["created_at"] = -1 });
        Assert.Contains(indexes, i => i["key"] == new BsonDocument("severity", 1));
        Assert.Contains(indexes, i => i["key"] == new BsonDocument("user_id", 1));
        Assert.Contains(indexes, i => i["key"] == new BsonDocument("created_at", -1) && !i.Contains("expireAfterSeconds"));
        Assert.Contains(indexes, i => i["key"] == new BsonDocument("created_at", 1) && i.GetValue("expireAfterSeconds", -1).ToInt64() == 365L * 24 * 60 * 60);
    }
}
